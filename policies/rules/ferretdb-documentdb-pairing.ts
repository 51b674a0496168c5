import type { PolicyResource } from "@pulumi/policy";
import { documentDbFor, parseDocumentDbImageTag, parseFerretDbImageVersion } from "../../domain";
import { on, stackPolicy } from "../lib/define";
import { ferretDbsAndClusters } from "../lib/ferretdb";
import { asStr, at, imageOf, namespaceOf, type Obj } from "../lib/k8s";
import { runChecks } from "../lib/unknowns";

const settings = {
  requireMatchingImageTag: on`The postgres-documentdb tag's -ferretdb-<version> part must equal the deployed FerretDB version, not only the DocumentDB pair.`,
};

interface FerretDb {
  resource: PolicyResource;
  image: string;
}

/** A FerretDB workload without an image has nothing to pair. */
function withImage(resource: PolicyResource, container: Obj): FerretDb | undefined {
  const image = imageOf(container);
  return image ? { resource, image } : undefined;
}

export const ferretdbDocumentdbPairing = stackPolicy(
  { name: "ferretdb-documentdb-pairing", enforcementLevel: "mandatory", settings },
  "The FerretDB image and the postgres-documentdb image are a released pair (a mismatch only logs a warning at runtime).",
  (args, reportViolation, config) => {
    const { ferretdbs, clusters } = ferretDbsAndClusters(args.resources, withImage);
    if (ferretdbs.length === 0 || clusters.length === 0) {
      args.notApplicable("The stack has no FerretDB workload or no postgres-documentdb Cluster");
    }

    runChecks(
      ferretdbs.map(({ resource, image }) => () => {
        const ferretdb = parseFerretDbImageVersion(image);
        if (!ferretdb) {
          reportViolation(
            `FerretDB image "${image}" has no <major>.<minor>.<patch> tag; its pairing can't be checked.`,
            resource.urn,
          );
          return;
        }
        const expected = documentDbFor(ferretdb);
        if (!expected) {
          reportViolation(
            `FerretDB ${ferretdb} has no known DocumentDB pair; add it to FERRETDB_DOCUMENTDB_PAIRS in components/domain.ts.`,
            resource.urn,
          );
          return;
        }
        const namespace = namespaceOf(resource.props);
        const sameNamespace = clusters.filter((c) => namespaceOf(c.props) === namespace);
        for (const cluster of sameNamespace.length > 0 ? sameNamespace : clusters) {
          const clusterImage = asStr(at(cluster.props, "spec", "imageName")) ?? "";
          const tag = parseDocumentDbImageTag(clusterImage);
          if (!tag) {
            reportViolation(
              `Cluster image "${clusterImage}" is not tagged <pg>-<documentdb>-ferretdb-<ferretdb>; its DocumentDB version can't be checked.`,
              cluster.urn,
            );
          } else if (tag.documentdb !== expected) {
            reportViolation(
              `FerretDB ${ferretdb} works with DocumentDB ${expected}, but Cluster image "${clusterImage}" has DocumentDB ${tag.documentdb}.`,
              cluster.urn,
            );
          } else if (config.requireMatchingImageTag && tag.ferretdb !== ferretdb) {
            reportViolation(
              `Cluster image "${clusterImage}" is built for FerretDB ${tag.ferretdb}, but FerretDB ${ferretdb} is deployed.`,
              cluster.urn,
            );
          }
        }
      }),
    );
  },
);
