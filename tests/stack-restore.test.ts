import { Props, T, kubernetesObjects, manifestValidator, useProgram } from "./helpers/program";

// Production, rebuilt from its backups to a point in time, into a new cluster name so the
// restored cluster does not archive WAL over the backups it reads (facts 4 and 9).
const program = useProgram("production", {
  postgresClusterName: "nightscout-db-2",
  restoreFromServerName: "nightscout-db",
  restoreTargetTime: "2026-11-20T03:00:00Z",
  renderYamlToDirectory: "rendered/production",
  postDeployCheck: "off",
});
const { props, one, ofType } = program;

test("fact 9: the cluster bootstraps by recovery from the origin's object store, to the target time", () => {
  const spec = props(T.cluster, "postgres-cluster").spec;
  expect(spec.bootstrap.recovery).toMatchObject({
    source: "origin",
    recoveryTarget: { targetTime: "2026-11-20T03:00:00Z" },
  });
  expect(spec.externalClusters).toEqual([
    {
      name: "origin",
      plugin: {
        name: "barman-cloud.cloudnative-pg.io",
        parameters: {
          barmanObjectName: props(T.objectStore, "postgres-backup").metadata.name,
          serverName: "nightscout-db",
        },
      },
    },
  ]);
});

test("fact 4: recovery runs no postInitSQL (the restored catalog has the extension) and resets the app password", () => {
  const spec = props(T.cluster, "postgres-cluster").spec;
  expect(spec.bootstrap.initdb).toBeUndefined();
  expect(spec.bootstrap.recovery.owner).toBe("nightscout");
  expect(spec.bootstrap.recovery.secret.name).toBe(props(T.secret, "postgres-app").metadata.name);
});

test("the same object store serves restore and new backups: one ObjectStore, new server name", () => {
  expect(ofType(T.objectStore)).toHaveLength(1);
  expect(props(T.cluster, "postgres-cluster").metadata.name).toBe("nightscout-db-2");
  expect(props(T.scheduledBackup, "postgres-scheduled-backup").spec.cluster.name).toBe(
    "nightscout-db-2",
  );
});

test("the provider renders manifests instead of applying them", () => {
  expect(props(T.provider, "k8s").renderYamlToDirectory).toBe("rendered/production");
});

test("postDeployCheck off registers no check", () => {
  expect(ofType(T.command)).toEqual([]);
});

test("the restored cluster is still protected", () => {
  expect(one(T.cluster, "postgres-cluster").opts.protect).toBe(true);
});

test("every object still validates strictly", () => {
  const problems = kubernetesObjects(program.resources()).flatMap((r) =>
    manifestValidator().validate(r.props as Props),
  );
  expect(problems).toEqual([]);
});
