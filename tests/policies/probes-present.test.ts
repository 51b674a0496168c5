import { probesPresent as policy } from "../../policies/rules/probes-present";
import { ferretdbDeployment, ingress, nightscoutDeployment } from "./fixtures";
import { REMOVE, UNKNOWN_STRING, runResourcePolicy, set, withContainer } from "./helpers";

describe("probes-present", () => {
  it("passes containers with readiness, liveness and startup probes", async () => {
    for (const r of [nightscoutDeployment(), ferretdbDeployment()]) {
      expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
    }
  });

  it("is not applicable to other types or to Jobs", async () => {
    expect((await runResourcePolicy(policy, ingress())).notApplicable).toBe(
      "Policy only applies to workloads",
    );
    const job = {
      type: "kubernetes:batch/v1:Job",
      props: { spec: { template: { spec: { containers: [{}] } } } },
    };
    expect((await runResourcePolicy(policy, job)).notApplicable).toBe("Run-to-completion workload");
  });

  it.each(["readinessProbe", "livenessProbe", "startupProbe"])(
    "reports a missing %s",
    async (probe) => {
      const r = withContainer(ferretdbDeployment(), probe, REMOVE);
      expect((await runResourcePolicy(policy, r)).violations).toEqual([
        `container "ferretdb" has no ${probe}.`,
      ]);
    },
  );

  it("reports a probe without handler", async () => {
    const r = withContainer(ferretdbDeployment(), "livenessProbe", { periodSeconds: 10 });
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'container "ferretdb" has a livenessProbe without a handler (httpGet, tcpSocket, exec or grpc).',
    ]);
  });

  it("exempts init containers but not native sidecars", async () => {
    const init = set(ferretdbDeployment(), "spec.template.spec.initContainers", [
      { name: "init", image: "busybox:1" },
    ]);
    expect((await runResourcePolicy(policy, init)).violations).toEqual([]);
    const sidecar = set(ferretdbDeployment(), "spec.template.spec.initContainers", [
      { name: "proxy", image: "envoy:1", restartPolicy: "Always" },
    ]);
    expect((await runResourcePolicy(policy, sidecar)).violations).toEqual([
      'sidecar "proxy" has no readinessProbe.',
      'sidecar "proxy" has no livenessProbe.',
    ]);
  });

  it("requires startup probes only for configured repositories", async () => {
    const r = withContainer(ferretdbDeployment(), "startupProbe", REMOVE);
    expect((await runResourcePolicy(policy, r, { requireStartupProbeFor: [] })).violations).toEqual(
      [],
    );
  });

  it("surfaces an unknown probe instead of passing", async () => {
    const r = withContainer(ferretdbDeployment(), "readinessProbe", UNKNOWN_STRING);
    expect((await runResourcePolicy(policy, r)).unknown).toContain("readinessProbe");
  });
});
