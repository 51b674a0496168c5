import type { PolicyResource } from "@pulumi/policy";
import { type PairingFinding, pairingFindings } from "../../domain";
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
        const namespace = namespaceOf(resource.props);
        const sameNamespace = clusters.filter((c) => namespaceOf(c.props) === namespace);
        for (const cluster of sameNamespace.length > 0 ? sameNamespace : clusters) {
          const clusterImage = asStr(at(cluster.props, "spec", "imageName")) ?? "";
          const findings = pairingFindings(clusterImage, image);
          // Without a known FerretDB version there is nothing to hold the Cluster against.
          const own = findings.find((f) => f.kind.startsWith("ferretdb"));
          if (own) {
            reportViolation(ferretDbMessage(own, image), resource.urn);
            return;
          }
          for (const finding of findings) {
            const message = clusterMessage(finding, clusterImage, config.requireMatchingImageTag);
            if (message) reportViolation(message, cluster.urn);
          }
        }
      }),
    );
  },
);

function ferretDbMessage(finding: PairingFinding, image: string): string {
  return finding.kind === "ferretdbUnknown"
    ? `FerretDB ${finding.ferretdb} has no known DocumentDB pair; add it to FERRETDB_DOCUMENTDB_PAIRS in domain/images.ts.`
    : `FerretDB image "${image}" has no <major>.<minor>.<patch> tag; its pairing can't be checked.`;
}

/** The violation a finding about the Cluster's image makes, if this policy reports it. */
function clusterMessage(
  finding: PairingFinding,
  clusterImage: string,
  requireMatchingImageTag: boolean,
): string | undefined {
  switch (finding.kind) {
    case "postgresTagUnreadable":
      return `Cluster image "${clusterImage}" is not tagged <pg>-<documentdb>-ferretdb-<ferretdb>; its DocumentDB version can't be checked.`;
    case "documentdbMismatch":
      return `FerretDB ${finding.ferretdb} works with DocumentDB ${finding.expected}, but Cluster image "${clusterImage}" has DocumentDB ${finding.documentdb}.`;
    case "builtForOtherFerretdb":
      return requireMatchingImageTag
        ? `Cluster image "${clusterImage}" is built for FerretDB ${finding.builtFor}, but FerretDB ${finding.ferretdb} is deployed.`
        : undefined;
    default:
      // The PostgreSQL major version is the program's business, not this pairing's.
      return undefined;
  }
}
