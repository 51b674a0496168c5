import type { PolicyResource } from "@pulumi/policy";
import { imagePair } from "../../domain";
import { findingsOnObject } from "../lib/catalogue";
import { on, stackPolicy } from "../lib/define";
import { ferretDbsAndClusters } from "../lib/ferretdb";
import { asStr, at, imageOf, nameOf, namespaceOf, type Obj } from "../lib/k8s";
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
        const namespace = namespaceOf(resource.props);
        const sameNamespace = clusters.filter((c) => namespaceOf(c.props) === namespace);
        for (const cluster of sameNamespace.length > 0 ? sameNamespace : clusters) {
          const clusterImage = asStr(at(cluster.props, "spec", "imageName")) ?? "";
          const findings = findingsOnObject(
            imagePair,
            {
              postgresImage: `Cluster "${nameOf(cluster.props) ?? cluster.name}" spec.imageName`,
              ferretdbImage: `FerretDB "${nameOf(resource.props) ?? resource.name}" image`,
            },
            { postgresImage: clusterImage, ferretdbImage: image },
            {},
          );
          for (const { finding, message } of findings) {
            if (finding.kind === "builtForOtherFerretdb" && !config.requireMatchingImageTag)
              continue;
            // A finding about FerretDB's own image is the Deployment's; the rest the Cluster's.
            const own = finding.kind?.startsWith("ferretdb") === true;
            reportViolation(message, own ? resource.urn : cluster.urn);
          }
        }
      }),
    );
  },
);
