/**
 * Production's CloudNative-PG objects (Cluster, ScheduledBackup, the Barman Cloud ObjectStore)
 * on the real CloudNative-PG operator v1.30.0, and the operator's webhooks refusing what only
 * they check.
 *
 * The Barman Cloud plugin does not run here, so the controller stops at production's Cluster
 * with "Unknown plugin" and creates nothing for it; staging-three-instances.optest.ts covers
 * what it creates for three instances. The ObjectStore has no admission webhook anywhere
 * (plugin-barman-cloud v0.14.0 ships none): the API server checks it against that release's
 * CRD schema only. The Cluster cannot become Ready without an instance manager (kwok runs no
 * container); this suite runs separately from the full-stack `npm run up:local`.
 */
import { CNPG_VERSION, waitFor } from "../../tools/parts/cnpg-operator/operator";
import { describeClusterAdmission } from "./admission";
import { stackOnOperator } from "./stack";
import { operatorLog } from "./suite";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const stack = stackOnOperator("production");
const cluster = () => stack.rendered("Cluster") as Obj;
const ns = () => stack.namespace();

/** `kubectl create --dry-run=server`: admission runs in full, nothing is stored. */
function kubectlDryRunCreate(object: Obj) {
  return stack.kubectl.try(["create", "--dry-run=server", "-f", "-"], JSON.stringify(object));
}

describe("production on the real CloudNative-PG operator", () => {
  describeClusterAdmission(stack);

  test("the backup settings pass the webhooks unchanged: target primary, one WAL archiver plugin", () => {
    const stored = stack.kubectl.get("cluster", cluster().metadata.name, ns()) as Obj;
    expect(stored.spec.backup).toEqual({ target: "primary" });
    expect(stored.spec.plugins).toEqual([
      expect.objectContaining({
        name: "barman-cloud.cloudnative-pg.io",
        isWALArchiver: true,
        parameters: { barmanObjectName: stack.rendered("ObjectStore")?.metadata.name },
      }),
    ]);
  });

  test("the controller reads the plugin list and stops: no Barman Cloud plugin runs here", async () => {
    const status = await waitFor("the production Cluster's phase", 90_000, () => {
      const c = stack.kubectl.get("cluster", cluster().metadata.name, ns());
      return c?.status?.phase ? c.status : undefined;
    });
    expect(status.phase).toBe(
      "Cluster cannot proceed to reconciliation due to an unknown plugin being required",
    );
    expect(status.phaseReason).toContain("Unknown plugin: 'barman-cloud.cloudnative-pg.io'");
    expect(stack.kubectl.get("service", `${cluster().metadata.name}-rw`, ns())).toBeUndefined();
  });

  test("the ScheduledBackup passes the operator's webhooks and its controller takes the immediate backup", async () => {
    const rendered = stack.rendered("ScheduledBackup") as Obj;
    const { name } = rendered.metadata;
    const stored = stack.kubectl.get("scheduledbackup", name, ns()) as Obj;
    expect(stored.spec).toEqual(expect.objectContaining(rendered.spec));
    const admitted = operatorLog()
      .split("\n")
      .filter((l) => l.includes("Validation for ScheduledBackup upon creation"))
      .filter((l) => l.includes(`"name":"${name}"`));
    expect(admitted.length).toBeGreaterThan(0);
    // immediate: true, backupOwnerReference: self: a Backup owned by the ScheduledBackup.
    const backup = await waitFor("the immediate Backup", 60_000, () =>
      stack.kubectl
        .list("backup", ns())
        .find((b) => b.metadata.ownerReferences?.some((o: Obj) => o.name === name)),
    );
    expect(backup.spec).toEqual(
      expect.objectContaining({
        cluster: { name: cluster().metadata.name },
        method: "plugin",
        pluginConfiguration: expect.objectContaining({ name: "barman-cloud.cloudnative-pg.io" }),
      }),
    );
  });

  test("the ObjectStore is stored as rendered (its CRD schema is its only admission check)", () => {
    const rendered = stack.rendered("ObjectStore") as Obj;
    const stored = stack.kubectl.get("objectstore", rendered.metadata.name, ns()) as Obj;
    expect(stored.spec).toEqual(rendered.spec);
  });

  test("a Cluster with a second WAL archiver plugin is refused with the validating webhook's message", async () => {
    // The CRD schema accepts two plugins that both archive WAL; only CNPG's validation
    // (validatePluginConfiguration in internal/webhook/v1/cluster_webhook.go) refuses it, and
    // the API server's message names the webhook that did.
    const twoArchivers = {
      ...cluster(),
      metadata: { name: "two-wal-archivers", namespace: ns() },
      spec: {
        ...cluster().spec,
        plugins: [
          ...cluster().spec.plugins,
          { name: "second-archiver.example.org", isWALArchiver: true },
        ],
      },
    };
    const refused = await stack.kubectl.dryRunCreate(twoArchivers, "clusters");
    expect(refused.code).toBe(422);
    expect(refused.body.reason).toBe("Invalid");
    expect(refused.body.message).toBe(
      'admission webhook "vcluster.cnpg.io" denied the request: ' +
        'Cluster.postgresql.cnpg.io "two-wal-archivers" is invalid: spec.plugins: Invalid value: ' +
        '["barman-cloud.cloudnative-pg.io","second-archiver.example.org"]: ' +
        "Cannot enable more than one WAL archiver plugin",
    );
    // The program's own Cluster, with the same dry run, passes: the refusal is the rule's.
    const own = await stack.kubectl.dryRunCreate(
      { ...cluster(), metadata: { name: "own-cluster", namespace: ns() } },
      "clusters",
    );
    expect(own.body.message).toBeUndefined();
    expect(own.code).toBe(201);
  });

  test("a five-field schedule passes with only the webhook's warning: why the program checks six fields itself", () => {
    const rendered = stack.rendered("ScheduledBackup") as Obj;
    expect(rendered.spec.schedule.split(" ")).toHaveLength(6);
    const fiveFields = {
      ...rendered,
      metadata: { name: "five-field-schedule", namespace: ns() },
      spec: { ...rendered.spec, schedule: "45 2 * * *" },
    };
    const result = kubectlDryRunCreate(fiveFields);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(
      "Schedule parameter may not have the right number of arguments (usually six arguments are needed)",
    );
  });

  test(`the operator is v${CNPG_VERSION}`, () => {
    expect(operatorLog()).toMatch(
      new RegExp(
        `Starting CloudNativePG Operator.*"version":"${CNPG_VERSION.replace(/\./g, "\\.")}"`,
      ),
    );
  });
});
