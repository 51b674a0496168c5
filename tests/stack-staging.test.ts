import { describeProgramInvariants } from "./helpers/invariants";
import { STACK_CORE, T, containerOf, env, useProgram } from "./helpers/program";

// Evaluates the committed Pulumi.staging.yaml with test secrets.
const program = useProgram("staging");
const { props, ofType, one } = program;

describeProgramInvariants(program, {
  namespace: "nightscout-staging",
  hostname: "ns-staging.example.org",
});

describe("staging", () => {
  test("registers exactly the core resources: no backups, no PodDisruptionBudget", () => {
    expect(
      program
        .resources()
        .map((r) => `${r.type}::${r.name}`)
        .sort(),
    ).toEqual(STACK_CORE);
  });

  test("fact 11: one instance, 5Gi", () => {
    const spec = props(T.cluster, "postgres-cluster").spec;
    expect(spec.instances).toBe(1);
    expect(spec.storage).toEqual({ size: "5Gi" });
  });

  test("staging may be torn down: nothing is protected", () => {
    expect(one(T.cluster, "postgres-cluster").opts.protect).toBe(false);
    expect(one(T.cluster, "postgres-cluster").opts.retainOnDelete).toBe(false);
  });

  test("no backups: no object store, no plugin, no schedule", () => {
    expect(ofType(T.objectStore)).toEqual([]);
    expect(ofType(T.scheduledBackup)).toEqual([]);
    const spec = props(T.cluster, "postgres-cluster").spec;
    expect(spec.plugins).toBeUndefined();
    expect(spec.backup).toBeUndefined();
  });

  test("one FerretDB replica needs no PodDisruptionBudget", () => {
    expect(ofType(T.pdb)).toEqual([]);
  });

  test("without thresholds Nightscout keeps all four defaults (fact 22: none rather than some)", () => {
    const e = env(containerOf(props(T.deployment, "nightscout-deployment")));
    for (const name of ["BG_HIGH", "BG_TARGET_TOP", "BG_TARGET_BOTTOM", "BG_LOW"])
      expect(e[name]).toBeUndefined();
  });

  test("the staging issuer signs the certificate", () => {
    expect(
      props(T.ingress, "nightscout-ingress").metadata.annotations["cert-manager.io/cluster-issuer"],
    ).toBe("letsencrypt-staging");
  });

  test("the provider deploys to the current context and applies (no render directory)", () => {
    const provider = props(T.provider, "k8s");
    expect(provider.context).toBeUndefined();
    expect(provider.renderYamlToDirectory).toBeUndefined();
  });
});
