/**
 * The two halves of every FerretDB-on-DocumentDB rule: the FerretDB workloads of a stack and the
 * postgres-documentdb Clusters they store in.
 */
import type { PolicyResource } from "@pulumi/policy";
import { FERRETDB_REPOSITORY, findContainer, isDocumentDbCluster, type Obj } from "./k8s";
import { runChecks } from "./unknowns";

/**
 * Sorts the stack's resources, each on its own so a value unknown during preview in one neither
 * hides nor passes the others. `describe` turns a FerretDB workload (of `workloadTypes`, or any)
 * into what the rule needs, or leaves it out by returning undefined.
 */
export function ferretDbsAndClusters<F>(
  resources: readonly PolicyResource[],
  describe: (resource: PolicyResource, container: Obj) => F | undefined,
  workloadTypes?: readonly string[],
): { ferretdbs: F[]; clusters: PolicyResource[] } {
  const ferretdbs: F[] = [];
  const clusters: PolicyResource[] = [];
  runChecks(
    resources.map((resource) => () => {
      if (isDocumentDbCluster(resource.type, resource.props)) clusters.push(resource);
      if (workloadTypes && !workloadTypes.includes(resource.type)) return;
      const found = findContainer(resource.type, resource.props, FERRETDB_REPOSITORY);
      const ferretdb = found && describe(resource, found.ref.container);
      if (ferretdb !== undefined) ferretdbs.push(ferretdb);
    }),
  );
  return { ferretdbs, clusters };
}
