import { ferretdbDocumentdbPairing as policy } from "../../policies/rules/ferretdb-documentdb-pairing";
import { documentdbCluster, ferretdbDeployment, ingress, nightscoutDeployment } from "./fixtures";
import { REMOVE, UNKNOWN_STRING, runStackPolicy, set, urnOf, withContainer } from "./helpers";

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
      `FerretDB "ferretdb" image = "ghcr.io/ferretdb/ferretdb:2.7.0": FerretDB 2.7.0 works with DocumentDB 0.107.0, but Cluster "postgres" spec.imageName carries DocumentDB 0.106.0. Fix: upgrade both as a pair: Cluster "postgres" spec.imageName ...:17-0.107.0-ferretdb-2.7.0, or a FerretDB that pairs with 0.106.0.`,
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
      `FerretDB "ferretdb" image = "ghcr.io/ferretdb/ferretdb:2.3.1": Cluster "postgres" spec.imageName was built for FerretDB 2.3.0. Fix: use ghcr.io/ferretdb/ferretdb:2.3.0 or the matching postgres-documentdb tag.`,
    ]);
    expect(
      (await runStackPolicy(policy, resources, { requireMatchingImageTag: false })).violations,
    ).toEqual([]);
  });

  it("reports a FerretDB version without known pair", async () => {
    expect(
      (await runStackPolicy(policy, [ferretdb("2.6.0"), documentdbCluster()])).violations,
    ).toEqual([
      `FerretDB "ferretdb" image = "ghcr.io/ferretdb/ferretdb:2.6.0": FerretDB 2.6.0 is not a known v2 release with a DocumentDB pairing. Fix: use 2.7.0 with DocumentDB 0.107.0 (or another pair from the FerretDB changelog).`,
    ]);
  });

  it("reports tags it cannot read", async () => {
    expect(
      (await runStackPolicy(policy, [ferretdb("v2"), documentdbCluster()])).violations,
    ).toEqual([
      'FerretDB "ferretdb" image = "ghcr.io/ferretdb/ferretdb:v2": has no version tag, so its DocumentDB pairing cannot be checked. Fix: use e.g. ghcr.io/ferretdb/ferretdb:2.7.0.',
    ]);
    const cluster = withImage("ghcr.io/ferretdb/postgres-documentdb:17");
    expect((await runStackPolicy(policy, [ferretdbDeployment(), cluster])).violations).toEqual([
      'Cluster "postgres" spec.imageName = "ghcr.io/ferretdb/postgres-documentdb:17": is not a postgres-documentdb image tag <pg>-<documentdb>-ferretdb-<ferretdb>. Fix: use e.g. ghcr.io/ferretdb/postgres-documentdb:17-0.107.0-ferretdb-2.7.0.',
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

  it("reports a Cluster on another PostgreSQL major than the stack runs (the catalogue's image-pair rule)", async () => {
    const cluster = withImage("ghcr.io/ferretdb/postgres-documentdb:16-0.107.0-ferretdb-2.7.0");
    const outcome = await runStackPolicy(policy, [ferretdbDeployment(), cluster]);
    expect(outcome.violations).toEqual([
      'Cluster "postgres" spec.imageName = "ghcr.io/ferretdb/postgres-documentdb:16-0.107.0-ferretdb-2.7.0": is PostgreSQL 16; this stack runs PostgreSQL 17. Fix: use a 17-<documentdb>-ferretdb-<ferretdb> tag.',
    ]);
    expect(outcome.urns).toEqual([urnOf(cluster, 1)]);
  });
  describe("which Cluster a FerretDB is paired with", () => {
    const stale = () =>
      set(
        set(
          withImage("ghcr.io/ferretdb/postgres-documentdb:17-0.106.0-ferretdb-2.5.0"),
          "metadata.namespace",
          "other",
        ),
        "metadata.name",
        "old",
      );

    it("pairs a FerretDB only with the Clusters of its own namespace when there are any", async () => {
      const outcome = await runStackPolicy(policy, [
        ferretdbDeployment(),
        documentdbCluster(),
        stale(),
      ]);
      expect(outcome.violations).toEqual([]);
    });

    it("pairs a FerretDB with every Cluster when none shares its namespace", async () => {
      const outcome = await runStackPolicy(policy, [ferretdbDeployment(), stale()]);
      expect(outcome.violations).toEqual([
        expect.stringContaining('but Cluster "old" spec.imageName carries DocumentDB 0.106.0'),
      ]);
    });

    it("names an object without metadata.name by its Pulumi name", async () => {
      const cluster = set(
        withImage("ghcr.io/ferretdb/postgres-documentdb:17-0.106.0-ferretdb-2.5.0"),
        "metadata.name",
        REMOVE,
      );
      const deployment = set(ferretdbDeployment(), "metadata.name", REMOVE);
      const outcome = await runStackPolicy(policy, [deployment, cluster]);
      expect(outcome.violations).toEqual([
        expect.stringMatching(
          /^FerretDB "ferretdb" image = .* but Cluster "postgres" spec\.imageName carries/,
        ),
      ]);
    });
  });

  it("blames the FerretDB Deployment for its own unreadable tag, the Cluster for the pair", async () => {
    const deployment = ferretdb("v2");
    const outcome = await runStackPolicy(policy, [deployment, documentdbCluster()]);
    expect(outcome.urns).toEqual([urnOf(deployment, 0)]);
  });

  it("still reports a DocumentDB mismatch with the image-tag check configured off", async () => {
    const cluster = withImage("ghcr.io/ferretdb/postgres-documentdb:17-0.106.0-ferretdb-2.5.0");
    const outcome = await runStackPolicy(policy, [ferretdbDeployment(), cluster], {
      requireMatchingImageTag: false,
    });
    expect(outcome.violations).toEqual([
      expect.stringContaining("FerretDB 2.7.0 works with DocumentDB 0.107.0"),
    ]);
  });
});
