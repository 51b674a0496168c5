/** PostgresCluster: its argument validation, and the object stores of a restore. */
import { MAX_CLUSTER_NAME_LENGTH, RESERVED_POSTGRES_CONNECTIONS } from "../../domain";
import {
  PostgresCluster,
  PostgresClusterArgs,
  validatePostgresClusterArgs,
} from "../../components/postgres-cluster";
import { backup, postgresArgs } from "../helpers/component-args";
import { registrationsOf } from "../helpers/registrations";

describe("PostgresCluster: validatePostgresClusterArgs", () => {
  const rejects = (over: Partial<PostgresClusterArgs>) => () =>
    validatePostgresClusterArgs(postgresArgs(over));

  test("accepts valid args, with backups and a restore", () => {
    expect(
      rejects({
        backup: { ...backup, endpointUrl: "http://minio:9000" },
        restore: { ...backup, serverName: "old", endpointUrl: "https://s3.example.org" },
      }),
    ).not.toThrow();
  });
  test("clusterName must be a DNS label", () => {
    expect(rejects({ clusterName: "db_1" })).toThrow(
      /^PostgresCluster: args.clusterName = "db_1" is invalid. Use a DNS label of at most 50 characters/,
    );
  });
  test(`clusterName leaves room for CNPG's suffixes (at most ${MAX_CLUSTER_NAME_LENGTH} characters)`, () => {
    expect(rejects({ clusterName: "d".repeat(MAX_CLUSTER_NAME_LENGTH) })).not.toThrow();
    expect(rejects({ clusterName: "d".repeat(MAX_CLUSTER_NAME_LENGTH + 1) })).toThrow(
      /args.clusterName = "d{51}" is invalid/,
    );
  });
  test("instances", () => {
    expect(rejects({ instances: 0 })).toThrow(
      "PostgresCluster: args.instances = 0 is invalid. Use 1 for staging and 3 for production.",
    );
    expect(rejects({ instances: 1.5 })).toThrow(/args.instances = 1.5 is invalid/);
  });
  test("image must be pinned", () => {
    expect(rejects({ image: "ghcr.io/ferretdb/postgres-documentdb:latest" })).toThrow(
      'PostgresCluster: args.image = "ghcr.io/ferretdb/postgres-documentdb:latest" is invalid. The image uses the floating tag "latest"; pin a tag or digest.',
    );
  });
  test("image must be a DocumentDB image", () => {
    expect(rejects({ image: "postgres:17.2" })).toThrow(
      'PostgresCluster: args.image = "postgres:17.2" is invalid. Use a postgres-documentdb image tagged <pg>-<documentdb>-ferretdb-<ferretdb>.',
    );
  });
  test(`maxConnections must exceed the ${RESERVED_POSTGRES_CONNECTIONS} reserved connections`, () => {
    expect(rejects({ maxConnections: RESERVED_POSTGRES_CONNECTIONS + 1 })).not.toThrow();
    expect(rejects({ maxConnections: RESERVED_POSTGRES_CONNECTIONS })).toThrow(
      `PostgresCluster: args.maxConnections = ${RESERVED_POSTGRES_CONNECTIONS} is invalid. Leave room above the ${RESERVED_POSTGRES_CONNECTIONS} reserved connections for FerretDB's pools.`,
    );
  });
  test("appRole must be an SQL identifier", () => {
    expect(rejects({ appRole: "night scout" })).toThrow(
      'PostgresCluster: args.appRole = "night scout" is invalid. Use a lowercase SQL identifier.',
    );
  });
  test("backup schedule has six fields", () => {
    expect(rejects({ backup: { ...backup, schedule: "0 3 * * *" } })).toThrow(
      'PostgresCluster: args.backup.schedule = "0 3 * * *" is invalid. The schedule has 5 fields; ScheduledBackup needs six, seconds first. Use six fields, seconds first, e.g. "0 45 2 * * *".',
    );
  });
  test("backup schedule is a valid cron expression", () => {
    expect(rejects({ backup: { ...backup, schedule: "0 61 2 * * *" } })).toThrow(
      /args.backup.schedule = "0 61 2 \* \* \*" is invalid. The schedule is not a valid cron schedule/,
    );
  });
  test("object store endpoints are http(s) URLs", () => {
    expect(rejects({ backup: { ...backup, endpointUrl: "s3.example.org" } })).toThrow(
      'PostgresCluster: args.backup.endpointUrl = "s3.example.org" is invalid. Use an http(s) URL such as https://s3.example.org.',
    );
    expect(
      rejects({ restore: { ...backup, serverName: "old", endpointUrl: "ftp://s3.example.org" } }),
    ).toThrow(/args.restore.endpointUrl = "ftp:\/\/s3.example.org" is invalid/);
  });
});

test("PostgresCluster restores from another path through a second ObjectStore", async () => {
  const { reached } = await registrationsOf(
    () =>
      new PostgresCluster(
        "two-stores",
        postgresArgs({
          clusterName: "db2",
          backup,
          restore: { ...backup, destinationPath: "s3://b/old", serverName: "db" },
        }),
      ),
  );
  const stores = reached.filter((r) => r.type === "kubernetes:barmancloud.cnpg.io/v1:ObjectStore");
  expect(stores.map((r) => r.name).sort()).toEqual(["two-stores-backup", "two-stores-restore"]);
});
