import { describeProgramInvariants } from "./helpers/invariants";
import { Props, STACK_CORE, T, containerOf, env, useProgram } from "./helpers/program";
import { MGDL_PER_MMOL } from "../domain";

// Evaluates the committed Pulumi.production.yaml with test secrets.
const program = useProgram("production");
const { props, ofType, one } = program;

describeProgramInvariants(program, { namespace: "nightscout", hostname: "ns.example.org" });

describe("production", () => {
  test("registers staging's resources plus backups and a PodDisruptionBudget", () => {
    expect(
      program
        .resources()
        .map((r) => `${r.type}::${r.name}`)
        .sort(),
    ).toEqual(
      [
        "kubernetes:barmancloud.cnpg.io/v1:ObjectStore::postgres-backup",
        "kubernetes:core/v1:Secret::postgres-backup-credentials",
        "kubernetes:policy/v1:PodDisruptionBudget::ferretdb-pdb",
        "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup::postgres-scheduled-backup",
        ...STACK_CORE,
      ].sort(),
    );
  });

  test("fact 11: three instances, 10Gi each", () => {
    const spec = props(T.cluster, "postgres-cluster").spec;
    expect(spec.instances).toBe(3);
    expect(spec.storage).toEqual({ size: "10Gi" });
    expect(spec.resources.requests).toEqual({ cpu: "100m", memory: "384Mi" });
  });

  test("the database is protected from deletion and replacement, and outlives the stack", () => {
    const cluster = one(T.cluster, "postgres-cluster");
    expect(cluster.opts.protect).toBe(true);
    expect(cluster.opts.retainOnDelete).toBe(true);
    expect(one(T.namespace, "nightscout-namespace").opts.retainOnDelete).toBe(true);
    expect(one(T.secret, "postgres-app").opts.retainOnDelete).toBe(true);
  });

  test("fact 7: backups run on the primary", () => {
    expect(props(T.cluster, "postgres-cluster").spec.backup).toEqual({ target: "primary" });
  });

  test("fact 8: the Barman Cloud plugin archives WAL to the ObjectStore", () => {
    const store = props(T.objectStore, "postgres-backup");
    expect(store.spec.configuration).toMatchObject({
      destinationPath: "s3://nightscout-backups/production",
      endpointURL: "https://s3.example.org",
      wal: { compression: "gzip" },
    });
    expect(store.spec.retentionPolicy).toBe("30d");
    expect(props(T.cluster, "postgres-cluster").spec.plugins).toEqual([
      {
        name: "barman-cloud.cloudnative-pg.io",
        isWALArchiver: true,
        parameters: { barmanObjectName: store.metadata.name },
      },
    ]);
  });

  test("fact 8: object store credentials live in a Secret, referenced by key", () => {
    const store = props(T.objectStore, "postgres-backup");
    const creds = store.spec.configuration.s3Credentials;
    const secret = ofType(T.secret).find(
      (s) => (s.props as Props).metadata.name === creds.accessKeyId.name,
    )!.props as Props;
    expect(secret.stringData[creds.accessKeyId.key]).toBe("TESTACCESSKEYID");
    expect(secret.stringData[creds.secretAccessKey.key]).toBe("test-secret-access-key-0123456789");
  });

  test("fact 8: the ScheduledBackup uses the plugin method, six-field schedule", () => {
    const backup = props(T.scheduledBackup, "postgres-scheduled-backup");
    expect(backup.spec).toMatchObject({
      schedule: "0 45 2 * * *",
      cluster: { name: "nightscout-db" },
      method: "plugin",
      pluginConfiguration: { name: "barman-cloud.cloudnative-pg.io" },
    });
    expect(backup.spec.schedule.split(" ")).toHaveLength(6);
  });

  test("fact 4: a fresh cluster creates the extension and grants it in postInitSQL", () => {
    expect(props(T.cluster, "postgres-cluster").spec.bootstrap.initdb.postInitSQL).toEqual([
      "CREATE EXTENSION IF NOT EXISTS documentdb CASCADE;",
      "GRANT documentdb_admin_role TO nightscout;",
    ]);
  });

  test("fact 22: Nightscout reads the mmol/L thresholds as the same values", () => {
    const e = env(containerOf(props(T.deployment, "nightscout-deployment")));
    expect([
      e.BG_LOW.value,
      e.BG_TARGET_BOTTOM.value,
      e.BG_TARGET_TOP.value,
      e.BG_HIGH.value,
    ]).toEqual(["3.5", "3.9", "10.0", "13.9"]);
    // Nightscout converts the set only when units are mmol and BG_HIGH < 50, x 18.01559, rounded.
    const high = Number(e.BG_HIGH.value);
    expect(e.DISPLAY_UNITS.value).toContain("mmol");
    expect(high).toBeLessThan(50);
    const mgdl = [e.BG_LOW, e.BG_TARGET_BOTTOM, e.BG_TARGET_TOP, e.BG_HIGH].map((v) =>
      Math.round(Number(v.value) * MGDL_PER_MMOL),
    );
    expect(mgdl).toEqual([63, 70, 180, 250]);
  });

  test("two FerretDB replicas get a PodDisruptionBudget", () => {
    expect(props(T.deployment, "ferretdb-deployment").spec.replicas).toBe(2);
    expect(props(T.pdb, "ferretdb-pdb").spec).toEqual({
      minAvailable: 1,
      selector: {
        matchLabels: props(T.deployment, "ferretdb-deployment").spec.selector.matchLabels,
      },
    });
  });

  test("backupsEnabled output is true", async () => {
    expect((await program.output("backupsEnabled")).value).toBe(true);
  });
});
