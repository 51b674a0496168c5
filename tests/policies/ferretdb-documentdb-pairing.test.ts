import { ferretdbDocumentdbPairing as policy } from "../../policies/rules/ferretdb-documentdb-pairing";
import { documentdbCluster, ferretdbDeployment, ingress, nightscoutDeployment } from "./fixtures";
import { UNKNOWN_STRING, runStackPolicy, set, urnOf, withContainer } from "./helpers";

const withImage = (image: string) => set(documentdbCluster(), "spec.imageName", image);
const ferretdb = (version: string) =>
  withContainer(ferretdbDeployment(), "image", `ghcr.io/ferretdb/ferretdb:${version}`);

describe("ferretdb-documentdb-pairing", () => {
  it("passes FerretDB 2.7.0 with DocumentDB 0.107.0", async () => {
    const outcome = await runStackPolicy(policy, [
      ferretdbDeployment(),
      documentdbCluster(),
      nightscoutDeployment(),
    ]);
    expect(outcome.violations).toEqual([]);
    expect(outcome.notApplicable).toBeUndefined();
  });

  it("is not applicable without both FerretDB and a DocumentDB Cluster", async () => {
    expect((await runStackPolicy(policy, [ferretdbDeployment(), ingress()])).notApplicable).toBe(
      "The stack has no FerretDB workload or no postgres-documentdb Cluster",
    );
    expect((await runStackPolicy(policy, [documentdbCluster()])).notApplicable).toBe(
      "The stack has no FerretDB workload or no postgres-documentdb Cluster",
    );
  });

  it("reports a DocumentDB version FerretDB does not pair with", async () => {
    const cluster = withImage("ghcr.io/ferretdb/postgres-documentdb:17-0.106.0-ferretdb-2.5.0");
    const outcome = await runStackPolicy(policy, [ferretdbDeployment(), cluster]);
    expect(outcome.violations).toEqual([
      'FerretDB 2.7.0 works with DocumentDB 0.107.0, but Cluster image "ghcr.io/ferretdb/postgres-documentdb:17-0.106.0-ferretdb-2.5.0" has DocumentDB 0.106.0.',
    ]);
    expect(outcome.urns).toEqual([urnOf(cluster, 1)]);
  });

  it("pairs 2.3.x patch releases with 0.104.0", async () => {
    const cluster = withImage("ghcr.io/ferretdb/postgres-documentdb:17-0.104.0-ferretdb-2.3.1");
    expect((await runStackPolicy(policy, [ferretdb("2.3.1"), cluster])).violations).toEqual([]);
  });

  it("reports an image tag built for another FerretDB release, unless configured off", async () => {
    const cluster = withImage("ghcr.io/ferretdb/postgres-documentdb:17-0.104.0-ferretdb-2.3.0");
    const resources = [ferretdb("2.3.1"), cluster];
    expect((await runStackPolicy(policy, resources)).violations).toEqual([
      'Cluster image "ghcr.io/ferretdb/postgres-documentdb:17-0.104.0-ferretdb-2.3.0" is built for FerretDB 2.3.0, but FerretDB 2.3.1 is deployed.',
    ]);
    expect(
      (await runStackPolicy(policy, resources, { requireMatchingImageTag: false })).violations,
    ).toEqual([]);
  });

  it("reports a FerretDB version without known pair", async () => {
    expect(
      (await runStackPolicy(policy, [ferretdb("2.6.0"), documentdbCluster()])).violations,
    ).toEqual([
      "FerretDB 2.6.0 has no known DocumentDB pair; add it to FERRETDB_DOCUMENTDB_PAIRS in domain/images.ts.",
    ]);
  });

  it("reports tags it cannot read", async () => {
    expect(
      (await runStackPolicy(policy, [ferretdb("v2"), documentdbCluster()])).violations,
    ).toEqual([
      'FerretDB image "ghcr.io/ferretdb/ferretdb:v2" has no <major>.<minor>.<patch> tag; its pairing can\'t be checked.',
    ]);
    const cluster = withImage("ghcr.io/ferretdb/postgres-documentdb:17");
    expect((await runStackPolicy(policy, [ferretdbDeployment(), cluster])).violations).toEqual([
      'Cluster image "ghcr.io/ferretdb/postgres-documentdb:17" is not tagged <pg>-<documentdb>-ferretdb-<ferretdb>; its DocumentDB version can\'t be checked.',
    ]);
  });

  it("surfaces an unknown FerretDB image instead of passing", async () => {
    const unknownImage = withContainer(ferretdbDeployment(), "image", UNKNOWN_STRING);
    const outcome = await runStackPolicy(policy, [
      unknownImage,
      ferretdb("2.5.0"),
      documentdbCluster(),
    ]);
    expect(outcome.unknown).toContain("image");
  });
});
