import * as pulumi from "@pulumi/pulumi";
import { FerretDb, FerretDbArgs } from "../components/ferretDb";
import { Nightscout, NightscoutArgs, nightscoutSettings } from "../components/nightscout";
import { PostgresCluster, PostgresClusterArgs } from "../components/postgresCluster";

// Components validate their args before registering anything; rejected ones are built under
// the name "bad", and no registration of that name may reach the engine.
const registered: string[] = [];
beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args.name);
        return { id: `${args.name}-id`, state: { ...args.inputs, result: "pw" } };
      },
      call: (args) => args.inputs,
    },
    "nightscout",
    "unit",
    false,
  );
});

const resources = { cpuRequest: "100m", memoryRequest: "128Mi", memoryLimit: "256Mi" };

const postgresArgs = (over: Partial<PostgresClusterArgs> = {}): PostgresClusterArgs => ({
  namespace: "ns",
  clusterName: "db",
  image: "ghcr.io/ferretdb/postgres-documentdb:17-0.107.0-ferretdb-2.7.0",
  instances: 1,
  storageSize: "5Gi",
  resources,
  maxConnections: 100,
  protect: false,
  operatorNamespace: "cnpg-system",
  ...over,
});

const endpoint = { podSelector: { a: "b" }, port: 5432 };
const ferretArgs = (over: Partial<FerretDbArgs> = {}): FerretDbArgs => ({
  namespace: "ns",
  image: "ghcr.io/ferretdb/ferretdb:2.7.0",
  replicas: 1,
  poolSize: 20,
  resources,
  database: {
    host: "db-rw",
    port: 5432,
    role: "nightscout",
    password: "pw",
    clientLabels: {},
    endpoint,
  },
  ...over,
});

const nightscoutArgs = (over: Partial<NightscoutArgs> = {}): NightscoutArgs => ({
  namespace: "ns",
  image: "nightscout/cgm-remote-monitor:15.0.7",
  hostname: "ns.example.org",
  apiSecret: "secret-secret-secret",
  mongoUri: "mongodb://u:p@ferretdb:27017/nightscout",
  databaseClientLabels: {},
  database: { podSelector: { a: "b" }, port: 27017 },
  settings: { DISPLAY_UNITS: "mmol" },
  resources,
  ingress: {
    className: "traefik",
    clusterIssuer: "letsencrypt",
    controllerNamespace: "kube-system",
  },
  allowInternetEgress: false,
  ...over,
});

async function expectRejected(build: () => unknown, message: RegExp) {
  expect(build).toThrow(message);
  // Registrations are asynchronous: give a wrongly registered resource time to arrive.
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(registered.filter((n) => n === "bad" || n.startsWith("bad-"))).toEqual([]);
}

describe("PostgresCluster validates its args", () => {
  test("accepts valid args", () => {
    expect(() => new PostgresCluster("pg", postgresArgs())).not.toThrow();
  });
  test("instances", () =>
    expectRejected(
      () => new PostgresCluster("bad", postgresArgs({ instances: 0 })),
      /PostgresCluster: args.instances = 0 is invalid. Use 1 for staging and 3 for production/,
    ));
  test("image must be pinned", () =>
    expectRejected(
      () =>
        new PostgresCluster(
          "bad",
          postgresArgs({ image: "ghcr.io/ferretdb/postgres-documentdb:latest" }),
        ),
      /args.image = .*floating tag "latest"/,
    ));
  test("image must be a DocumentDB image", () =>
    expectRejected(
      () => new PostgresCluster("bad", postgresArgs({ image: "postgres:17.2" })),
      /args.image = "postgres:17.2".*postgres-documentdb/,
    ));
  test("appRole must be an SQL identifier", () =>
    expectRejected(
      () => new PostgresCluster("bad", postgresArgs({ appRole: "night scout" })),
      /args.appRole = "night scout"/,
    ));
  test("backup schedule has six fields", () =>
    expectRejected(
      () =>
        new PostgresCluster(
          "bad",
          postgresArgs({
            backup: {
              destinationPath: "s3://b",
              accessKeyId: "a",
              secretAccessKey: "s",
              retention: "30d",
              schedule: "0 3 * * *",
            },
          }),
        ),
      /args.backup.schedule = "0 3 \* \* \*".*ScheduledBackup needs six, seconds first/,
    ));
});

test("PostgresCluster restores from another path through a second ObjectStore", async () => {
  const store = { accessKeyId: "a", secretAccessKey: "s" };
  new PostgresCluster(
    "two-stores",
    postgresArgs({
      clusterName: "db2",
      backup: {
        ...store,
        destinationPath: "s3://b/new",
        retention: "30d",
        schedule: "0 0 3 * * *",
      },
      restore: { ...store, destinationPath: "s3://b/old", serverName: "db" },
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(registered.filter((n) => /^two-stores-(backup|restore)$/.test(n)).sort()).toEqual([
    "two-stores-backup",
    "two-stores-restore",
  ]);
});

describe("FerretDb validates its args", () => {
  test("accepts valid args", () => {
    expect(() => new FerretDb("f", ferretArgs())).not.toThrow();
  });
  test("image must be pinned", () =>
    expectRejected(
      () => new FerretDb("bad", ferretArgs({ image: "ghcr.io/ferretdb/ferretdb" })),
      /FerretDb: args.image = .*no tag/,
    ));
  test("image must be FerretDB v2", () =>
    expectRejected(
      () => new FerretDb("bad", ferretArgs({ image: "ghcr.io/ferretdb/ferretdb:1.24.2" })),
      /Use a FerretDB v2 image/,
    ));
  test("replicas", () =>
    expectRejected(() => new FerretDb("bad", ferretArgs({ replicas: 0 })), /args.replicas = 0/));
  test("poolSize", () =>
    expectRejected(
      () => new FerretDb("bad", ferretArgs({ poolSize: 2.5 })),
      /args.poolSize = 2.5/,
    ));
  test("mongoDatabase", () =>
    expectRejected(
      () => new FerretDb("bad", ferretArgs({ mongoDatabase: "night/scout" })),
      /args.mongoDatabase = "night\/scout"/,
    ));
});

describe("Nightscout validates its args", () => {
  test("accepts valid args", () => {
    expect(() => new Nightscout("n", nightscoutArgs())).not.toThrow();
  });
  test("image must be pinned", () =>
    expectRejected(
      () =>
        new Nightscout("bad", nightscoutArgs({ image: "nightscout/cgm-remote-monitor:latest" })),
      /Nightscout: args.image/,
    ));
  test("hostname must be a DNS name", () =>
    expectRejected(
      () => new Nightscout("bad", nightscoutArgs({ hostname: "https://ns.example.org" })),
      /args.hostname = "https:\/\/ns.example.org"/,
    ));
  test("settings cannot override what the component owns", () =>
    expectRejected(
      () => new Nightscout("bad", nightscoutArgs({ settings: { HOSTNAME: "pod" } })),
      /args.settings.HOSTNAME = "pod".*set by the component itself/,
    ));
  test("settings never carry secrets as literal env values, and the value is not echoed", async () => {
    await expectRejected(
      () => new Nightscout("bad", nightscoutArgs({ settings: { PUSHOVER_API_TOKEN: "tok-123" } })),
      /args.settings.PUSHOVER_API_TOKEN = "\(hidden\)".*through a Secret/,
    );
    expect(
      () => new Nightscout("bad", nightscoutArgs({ settings: { PUSHOVER_API_TOKEN: "tok-123" } })),
    ).toThrow(/^(?!.*tok-123)/s);
    await expectRejected(
      () => new Nightscout("bad", nightscoutArgs({ settings: { MONGO: "mongodb://u:pw@h/db" } })),
      /args.settings.MONGO/,
    );
    // The names the policy pack's no-literal-secrets refuses by default, in any case.
    for (const name of ["Bridge_Passwd", "SHARE_CREDENTIALS", "SIGNING_KEY"]) {
      await expectRejected(
        () => new Nightscout("bad", nightscoutArgs({ settings: { [name]: "x" } })),
        new RegExp(`args.settings.${name}`),
      );
    }
  });
  test("a TLS source is required", () =>
    expectRejected(
      () =>
        new Nightscout(
          "bad",
          nightscoutArgs({ ingress: { className: "traefik", controllerNamespace: "kube-system" } }),
        ),
      /args.ingress = "\(no TLS source\)"/,
    ));
});

describe("nightscoutSettings renders what Nightscout parses", () => {
  const base = {
    displayUnits: "mmol/L" as const,
    alarmTypes: "simple",
    authDefaultRoles: ["status-only"],
    enabledPlugins: ["careportal", "iob"],
    showPlugins: ["careportal"],
    dbSizeMaxMiB: 4096,
  };
  test("fact 21: mmol/L and mg/dL", () => {
    expect(nightscoutSettings(base).DISPLAY_UNITS).toBe("mmol");
    expect(nightscoutSettings({ ...base, displayUnits: "mg/dL" }).DISPLAY_UNITS).toBe("mg/dl");
  });
  test("fact 22: mmol/L thresholds stay below 50 with one decimal; mg/dL ones are whole", () => {
    const mmol = nightscoutSettings({
      ...base,
      thresholds: { low: 3.5, targetBottom: 4, targetTop: 10, high: 14 },
    });
    expect([mmol.BG_LOW, mmol.BG_TARGET_BOTTOM, mmol.BG_TARGET_TOP, mmol.BG_HIGH]).toEqual([
      "3.5",
      "4.0",
      "10.0",
      "14.0",
    ]);
    const mg = nightscoutSettings({
      ...base,
      displayUnits: "mg/dL",
      thresholds: { low: 55, targetBottom: 70, targetTop: 180, high: 260 },
    });
    expect([mg.BG_LOW, mg.BG_TARGET_BOTTOM, mg.BG_TARGET_TOP, mg.BG_HIGH]).toEqual([
      "55",
      "70",
      "180",
      "260",
    ]);
  });
  test("no thresholds: none rendered", () => {
    expect(Object.keys(nightscoutSettings(base)).filter((k) => k.startsWith("BG_"))).toEqual([]);
  });
  test("lists are space separated", () => {
    const s = nightscoutSettings({ ...base, authDefaultRoles: ["status-only", "careportal"] });
    expect(s.AUTH_DEFAULT_ROLES).toBe("status-only careportal");
    expect(s.ENABLE).toBe("careportal iob");
    expect(s.SHOW_PLUGINS).toBe("careportal");
    expect(s.DBSIZE_MAX).toBe("4096");
  });
});
