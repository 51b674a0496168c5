import { imagesPinned as policy } from "../../policies/rules/images-pinned";
import {
  DOCUMENTDB_IMAGE,
  documentdbCluster,
  ferretdbDeployment,
  ingress,
  nightscoutDeployment,
} from "./fixtures";
import { REMOVE, UNKNOWN_STRING, runResourcePolicy, set, withContainer } from "./helpers";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("images-pinned", () => {
  it("passes tagged workload and Cluster images", async () => {
    for (const r of [nightscoutDeployment(), ferretdbDeployment(), documentdbCluster()]) {
      expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
    }
  });

  it("is not applicable to other types", async () => {
    expect((await runResourcePolicy(policy, ingress())).notApplicable).toBe(
      "Policy only applies to workloads and CNPG Clusters",
    );
  });

  it("reports the latest tag", async () => {
    const r = withContainer(ferretdbDeployment(), "image", "ghcr.io/ferretdb/ferretdb:latest");
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'The image of container "ferretdb" ("ghcr.io/ferretdb/ferretdb:latest") uses the floating tag "latest".',
    ]);
  });

  it("reports an image without tag, including init containers", async () => {
    const r = set(ferretdbDeployment(), "spec.template.spec.initContainers", [
      { name: "wait", image: "busybox" },
    ]);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'The image of init container "wait" ("busybox") has no tag, so it floats to latest.',
    ]);
  });

  it("reports an image reference the kubelet cannot parse", async () => {
    const r = withContainer(ferretdbDeployment(), "image", "ghcr.io/ferretdb/ferretdb:2.7.0+1");
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'The image of container "ferretdb" ("ghcr.io/ferretdb/ferretdb:2.7.0+1") has an invalid tag "2.7.0+1" (letters, digits, _ . and -, not starting with . or -, at most 128).',
    ]);
  });

  it("reports a container without image", async () => {
    const r = withContainer(ferretdbDeployment(), "image", REMOVE);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'The image of container "ferretdb" ("") is not set.',
    ]);
  });

  it("reports a Cluster image on latest, and accepts a Cluster without imageName", async () => {
    const latest = set(
      documentdbCluster(),
      "spec.imageName",
      "ghcr.io/ferretdb/postgres-documentdb:latest",
    );
    expect((await runResourcePolicy(policy, latest)).violations).toEqual([
      'The image of the Cluster (spec.imageName) ("ghcr.io/ferretdb/postgres-documentdb:latest") uses the floating tag "latest".',
    ]);
    const none = set(documentdbCluster(), "spec.imageName", REMOVE);
    expect((await runResourcePolicy(policy, none)).violations).toEqual([]);
  });

  it("requires digests when configured, for all or for listed repositories", async () => {
    const all = await runResourcePolicy(policy, documentdbCluster(), { requireDigest: true });
    expect(all.violations).toEqual([
      `The image of the Cluster (spec.imageName) ("${DOCUMENTDB_IMAGE}") is not pinned by digest (@sha256:...).`,
    ]);
    const listed = { requireDigestFor: ["nightscout/cgm-remote-monitor"] };
    expect((await runResourcePolicy(policy, ferretdbDeployment(), listed)).violations).toEqual([]);
    expect((await runResourcePolicy(policy, nightscoutDeployment(), listed)).violations).toEqual([
      'The image of container "nightscout" ("nightscout/cgm-remote-monitor:15.0.7") is not pinned by digest (@sha256:...).',
    ]);
    const pinned = withContainer(
      nightscoutDeployment(),
      "image",
      `nightscout/cgm-remote-monitor:15.0.7@${DIGEST}`,
    );
    expect((await runResourcePolicy(policy, pinned, listed)).violations).toEqual([]);
  });

  it("reports the engine's unknown instead of passing an unknown image", async () => {
    const outcome = await runResourcePolicy(
      policy,
      withContainer(ferretdbDeployment(), "image", UNKNOWN_STRING),
    );
    expect(outcome.violations).toEqual([]);
    expect(outcome.unknown).toContain(".image can't be known during preview");
  });
});
