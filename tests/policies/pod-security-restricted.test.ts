import { podSecurityRestricted as policy } from "../../policies/rules/pod-security-restricted";
import { documentdbCluster, ferretdbDeployment, nightscoutDeployment } from "./fixtures";
import { REMOVE, UNKNOWN_STRING, runResourcePolicy, set, withContainer } from "./helpers";

const NS = 'container "nightscout"';

describe("pod-security-restricted", () => {
  it("passes restricted containers (settings at pod or container level)", async () => {
    for (const r of [nightscoutDeployment(), ferretdbDeployment()]) {
      expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
    }
    const podLevel = set(
      withContainer(nightscoutDeployment(), "securityContext.runAsUser", REMOVE),
      "spec.template.spec.securityContext.runAsUser",
      1000,
    );
    expect((await runResourcePolicy(policy, podLevel)).violations).toEqual([]);
  });

  it("is not applicable to CNPG Clusters (the operator sets their contexts)", async () => {
    expect((await runResourcePolicy(policy, documentdbCluster())).notApplicable).toBe(
      "Policy only applies to workloads",
    );
  });

  it("reports a missing runAsNonRoot", async () => {
    const r = set(
      withContainer(nightscoutDeployment(), "securityContext.runAsNonRoot", REMOVE),
      "spec.template.spec.securityContext.runAsNonRoot",
      REMOVE,
    );
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      `${NS} does not set runAsNonRoot: true (container or pod securityContext).`,
    ]);
  });

  it("lets the container override the pod", async () => {
    const r = withContainer(nightscoutDeployment(), "securityContext.runAsNonRoot", false);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      `${NS} does not set runAsNonRoot: true (container or pod securityContext).`,
    ]);
  });

  it("reports a missing numeric runAsUser unless configured off", async () => {
    const r = withContainer(nightscoutDeployment(), "securityContext.runAsUser", REMOVE);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      `${NS} sets no numeric runAsUser: the kubelet cannot verify runAsNonRoot for an image whose USER is a name.`,
    ]);
    expect((await runResourcePolicy(policy, r, { requireRunAsUser: false })).violations).toEqual(
      [],
    );
    expect(
      (await runResourcePolicy(policy, r, { exemptContainers: ["nightscout"] })).violations,
    ).toEqual([]);
  });

  it("reports UID 0", async () => {
    const r = withContainer(nightscoutDeployment(), "securityContext.runAsUser", 0);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([`${NS} runs as UID 0.`]);
  });

  it("reports privilege escalation", async () => {
    const r = withContainer(
      nightscoutDeployment(),
      "securityContext.allowPrivilegeEscalation",
      REMOVE,
    );
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      `${NS} does not set securityContext.allowPrivilegeEscalation: false.`,
    ]);
  });

  it("reports privileged containers", async () => {
    const r = withContainer(nightscoutDeployment(), "securityContext.privileged", true);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([`${NS} is privileged.`]);
  });

  it("reports capabilities not dropped, and added ones", async () => {
    const kept = withContainer(nightscoutDeployment(), "securityContext.capabilities.drop", [
      "NET_RAW",
    ]);
    expect((await runResourcePolicy(policy, kept)).violations).toEqual([
      `${NS} does not drop all capabilities (securityContext.capabilities.drop: [ALL]).`,
    ]);
    const added = withContainer(nightscoutDeployment(), "securityContext.capabilities.add", [
      "SYS_ADMIN",
    ]);
    expect((await runResourcePolicy(policy, added)).violations).toEqual([
      `${NS} adds capabilities SYS_ADMIN; only NET_BIND_SERVICE is allowed.`,
    ]);
  });

  it("reads a securityContext without capabilities as dropping none", async () => {
    const r = withContainer(nightscoutDeployment(), "securityContext.capabilities", REMOVE);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      `${NS} does not drop all capabilities (securityContext.capabilities.drop: [ALL]).`,
    ]);
  });

  it("allows adding NET_BIND_SERVICE alone, and lists every other added capability", async () => {
    const bind = withContainer(nightscoutDeployment(), "securityContext.capabilities.add", [
      "NET_BIND_SERVICE",
    ]);
    expect((await runResourcePolicy(policy, bind)).violations).toEqual([]);
    const more = withContainer(nightscoutDeployment(), "securityContext.capabilities.add", [
      "NET_RAW",
      "NET_BIND_SERVICE",
      "SYS_ADMIN",
    ]);
    expect((await runResourcePolicy(policy, more)).violations).toEqual([
      `${NS} adds capabilities NET_RAW, SYS_ADMIN; only NET_BIND_SERVICE is allowed.`,
    ]);
  });

  it("reports a missing or unconfined seccomp profile", async () => {
    const r = set(
      nightscoutDeployment(),
      "spec.template.spec.securityContext.seccompProfile",
      REMOVE,
    );
    const message = `${NS} has no seccompProfile of type RuntimeDefault or Localhost (container or pod securityContext).`;
    expect((await runResourcePolicy(policy, r)).violations).toEqual([message]);
    const unconfined = withContainer(nightscoutDeployment(), "securityContext.seccompProfile", {
      type: "Unconfined",
    });
    expect((await runResourcePolicy(policy, unconfined)).violations).toEqual([message]);
  });

  it("surfaces an unknown securityContext instead of passing", async () => {
    const r = withContainer(nightscoutDeployment(), "securityContext", UNKNOWN_STRING);
    expect((await runResourcePolicy(policy, r)).unknown).toContain("securityContext");
  });
});
