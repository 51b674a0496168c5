import * as k8s from "@pulumi/kubernetes";
import {
  FERRETDB_ROLLOUT_SURGE,
  MAX_CLUSTER_NAME_LENGTH,
  RESERVED_NIGHTSCOUT_ENV,
  RESERVED_POSTGRES_CONNECTIONS,
  POOL_SIZE_ANNOTATION,
  ferretDbConnectionBudget,
} from "../domain";
import {
  FerretDb,
  FerretDbArgs,
  ferretDbRollout,
  validateFerretDbArgs,
} from "../components/ferretDb";
import { AppNamespace, AppNamespaceArgs, validateAppNamespaceArgs } from "../components/namespace";
import { clientAccess, egressTo, workloadNetworkPolicyArgs } from "../components/networkPolicy";
import {
  Nightscout,
  NightscoutArgs,
  nightscoutSettings,
  validateNightscoutArgs,
} from "../components/nightscout";
import { objectStoreEgressPorts } from "../components/objectStore";
import {
  PostgresCluster,
  PostgresClusterArgs,
  validatePostgresClusterArgs,
} from "../components/postgresCluster";
import { capture } from "../tools/capture";

const resources = { cpuRequest: "100m", memoryRequest: "128Mi", memoryLimit: "256Mi" };

const namespaceArgs = (over: Partial<AppNamespaceArgs> = {}): AppNamespaceArgs => ({
  name: "ns",
  create: true,
  retainOnDelete: false,
  ...over,
});

const backup = {
  destinationPath: "s3://b/new",
  accessKeyId: "a",
  secretAccessKey: "s",
  retention: "30d",
  schedule: "0 0 3 * * *",
};

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
    endpoint: { podSelector: { a: "b" }, port: 5432 },
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

/**
 * Builds inside capture() and returns what `build` threw synchronously and every registration
 * that reached the mocks, with the provider it went through.
 */
async function registrationsOf(build: () => unknown) {
  let thrown: unknown;
  const { registrations } = await capture({
    stack: "unit",
    loadProgram: () => {
      try {
        build();
      } catch (error) {
        thrown = error;
      }
    },
  });
  return { reached: registrations, thrown };
}

describe("AppNamespace: validateAppNamespaceArgs", () => {
  test("accepts valid args", () => {
    expect(() => validateAppNamespaceArgs(namespaceArgs())).not.toThrow();
  });
  test("name must be a DNS label", () => {
    expect(() => validateAppNamespaceArgs(namespaceArgs({ name: "Night_Scout" }))).toThrow(
      'AppNamespace: args.name = "Night_Scout" is invalid. Use a DNS label: lowercase letters, digits and -, at most 63 characters.',
    );
  });
  test("name must not be a namespace the cluster's own pods live in", () => {
    expect(() => validateAppNamespaceArgs(namespaceArgs({ name: "kube-system" }))).toThrow(
      /^AppNamespace: args.name = "kube-system" is invalid. Its default-deny policy would cut off the cluster's own pods there/,
    );
  });
});

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

describe("FerretDb: validateFerretDbArgs", () => {
  const rejects = (over: Partial<FerretDbArgs>) => () => validateFerretDbArgs(ferretArgs(over));

  test("accepts valid args", () => {
    expect(rejects({ mongoDatabase: "night-scout_2" })).not.toThrow();
  });
  test("image must be pinned", () => {
    expect(rejects({ image: "ghcr.io/ferretdb/ferretdb" })).toThrow(
      'FerretDb: args.image = "ghcr.io/ferretdb/ferretdb" is invalid. The image has no tag, so it floats to latest; pin a tag or digest.',
    );
  });
  test("image must be FerretDB v2", () => {
    expect(rejects({ image: "ghcr.io/ferretdb/ferretdb:1.24.2" })).toThrow(
      'FerretDb: args.image = "ghcr.io/ferretdb/ferretdb:1.24.2" is invalid. Use a FerretDB v2 image, e.g. ghcr.io/ferretdb/ferretdb:2.7.0.',
    );
  });
  test("replicas", () => {
    expect(rejects({ replicas: 0 })).toThrow(
      "FerretDb: args.replicas = 0 is invalid. Use a whole number of at least 1.",
    );
  });
  test("poolSize", () => {
    expect(rejects({ poolSize: 2.5 })).toThrow(
      "FerretDb: args.poolSize = 2.5 is invalid. Use a whole number of at least 1.",
    );
  });
  test("mongoDatabase", () => {
    expect(rejects({ mongoDatabase: "night/scout" })).toThrow(
      'FerretDb: args.mongoDatabase = "night/scout" is invalid. Use letters, digits, _ or -.',
    );
    expect(rejects({ mongoDatabase: "n".repeat(64) })).toThrow(/args.mongoDatabase/);
  });
});

describe("Nightscout: validateNightscoutArgs", () => {
  const rejects = (over: Partial<NightscoutArgs>) => () =>
    validateNightscoutArgs(nightscoutArgs(over));

  test("accepts valid args", () => {
    expect(rejects({})).not.toThrow();
  });
  test("image must be pinned", () => {
    expect(rejects({ image: "nightscout/cgm-remote-monitor:latest" })).toThrow(
      'Nightscout: args.image = "nightscout/cgm-remote-monitor:latest" is invalid. The image uses the floating tag "latest"; pin a tag or digest.',
    );
  });
  test("hostname must be a DNS name (the domain's rule)", () => {
    expect(rejects({ hostname: "https://ns.example.org" })).toThrow(
      'Nightscout: args.hostname = "https://ns.example.org" is invalid. It is not a fully qualified DNS name (lowercase labels separated by dots, no scheme or path). Use a fully qualified DNS name such as ns.example.org.',
    );
    expect(rejects({ hostname: "10.0.0.1" })).toThrow(
      /args.hostname = "10.0.0.1" is invalid. It is an IP address/,
    );
  });
  test.each(RESERVED_NIGHTSCOUT_ENV)("settings cannot override %s", (key) => {
    expect(rejects({ settings: { [key]: "x" } })).toThrow(
      `Nightscout: args.settings.${key} = "x" is invalid. ${key} is set by the component itself; remove it from settings.`,
    );
  });
  test("settings never carry secrets as literal env values, and the value is not echoed", () => {
    const secretLike = {
      PUSHOVER_API_TOKEN: "tok-123",
      MONGO: "mongodb://u:pw@h/db",
      // The names the policy pack's no-literal-secrets refuses by default, in any case.
      Bridge_Passwd: "x",
      SHARE_CREDENTIALS: "x",
      SIGNING_KEY: "x",
    };
    for (const [name, value] of Object.entries(secretLike)) {
      const build = rejects({ settings: { [name]: value } });
      expect(build).toThrow(
        `Nightscout: args.settings.${name} = "(hidden)" is invalid. Secrets must not be literal env values; pass them through a Secret.`,
      );
      expect(build).toThrow(new RegExp(`^(?!.*${value.replace(/[/:]/g, ".")})`, "s"));
    }
  });
  test("a TLS source is required", () => {
    expect(
      rejects({ ingress: { className: "traefik", controllerNamespace: "kube-system" } }),
    ).toThrow(
      'Nightscout: args.ingress = "(no TLS source)" is invalid. Set ingress.clusterIssuer or ingress.tlsSecretName.',
    );
  });
});

describe("constructors validate before registering anything", () => {
  const rejected: [string, () => unknown, RegExp][] = [
    [
      "AppNamespace",
      () => new AppNamespace("bad", namespaceArgs({ name: "default" })),
      /^AppNamespace: args.name = "default" is invalid/,
    ],
    [
      "PostgresCluster",
      () => new PostgresCluster("bad", postgresArgs({ instances: 0 })),
      /^PostgresCluster: args.instances = 0 is invalid/,
    ],
    [
      "FerretDb",
      () => new FerretDb("bad", ferretArgs({ replicas: 0 })),
      /^FerretDb: args.replicas = 0 is invalid/,
    ],
    [
      "Nightscout",
      () => new Nightscout("bad", nightscoutArgs({ hostname: "localhost" })),
      /^Nightscout: args.hostname = "localhost" is invalid/,
    ],
  ];
  test.each(rejected)(
    "%s throws in its constructor and registers nothing",
    async (_, build, message) => {
      const { reached, thrown } = await registrationsOf(build);
      expect(thrown).toEqual(expect.objectContaining({ message: expect.stringMatching(message) }));
      expect(reached).toEqual([]);
    },
  );
  test("the same build with valid args does register (so the check above can fail)", async () => {
    const { reached, thrown } = await registrationsOf(() => new FerretDb("good", ferretArgs()));
    expect(thrown).toBeUndefined();
    expect(reached.map((r) => r.name)).toContain("good-deployment");
  });
});

test("every Kubernetes object of the components goes through the provider they were given", async () => {
  const { reached } = await registrationsOf(() => {
    const provider = new k8s.Provider("stack-k8s", {});
    const opts = { providers: { kubernetes: provider } };
    new AppNamespace("ns", namespaceArgs(), opts);
    new PostgresCluster("pg", postgresArgs({ backup }), opts);
    new FerretDb("ferretdb", ferretArgs({ replicas: 2 }), opts);
    new Nightscout("nightscout", nightscoutArgs(), opts);
  });
  const objects = reached.filter((r) => r.type.startsWith("kubernetes:"));
  // The namespace and its 2 policies; the Cluster, app Secret, backup Secret and ObjectStore,
  // ScheduledBackup, policy; FerretDB's Secret, Deployment, Service, PDB, policy; Nightscout's
  // Secret, Deployment, Service, Middleware, Ingress, policy.
  expect(objects).toHaveLength(20);
  for (const object of objects) {
    // The mocks see a provider reference as <provider URN>::<provider id>.
    expect({ name: object.name, provider: object.provider }).toEqual({
      name: object.name,
      provider: expect.stringMatching(/\$pulumi:providers:kubernetes::stack-k8s::stack-k8s-id$/),
    });
  }
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

describe("spec builders (no Pulumi runtime involved)", () => {
  test("fact 17: FerretDB's rollout surge is the one the connection budget counts, with its pool size", () => {
    const rollout = ferretDbRollout(20);
    expect(rollout.strategy.rollingUpdate).toEqual({
      maxSurge: FERRETDB_ROLLOUT_SURGE,
      maxUnavailable: 0,
    });
    expect(rollout.annotations).toEqual({ [POOL_SIZE_ANNOTATION]: "20" });
    expect(ferretDbConnectionBudget(2, 20, 100).peakPods).toBe(
      2 + rollout.strategy.rollingUpdate.maxSurge,
    );
  });
  test("a workload's NetworkPolicy restricts both directions to its rules", () => {
    const { clientLabels, clients } = clientAccess("db");
    expect(clientLabels).toEqual({ "nightscout.dev/db-client": "true" });
    expect(
      workloadNetworkPolicyArgs({
        metadata: { namespace: "ns", name: "web" },
        podLabels: { app: "web" },
        ingress: [{ from: [clients] }],
        egress: [egressTo({ podSelector: { app: "db" }, port: 5432 })],
      }),
    ).toEqual({
      metadata: { namespace: "ns", name: "web" },
      spec: {
        podSelector: { matchLabels: { app: "web" } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: { matchLabels: clientLabels } }] }],
        egress: [
          {
            to: [{ podSelector: { matchLabels: { app: "db" } } }],
            ports: [{ protocol: "TCP", port: 5432 }],
          },
        ],
      },
    });
  });
  test("object stores on ports other than HTTPS's open those ports, once", () => {
    const store = (endpointUrl?: string) => ({
      destinationPath: "s3://b",
      endpointUrl,
      accessKeyId: "a",
      secretAccessKey: "s",
    });
    expect(objectStoreEgressPorts([undefined, store()])).toEqual([]);
    expect(objectStoreEgressPorts([store("https://s3.example.org")])).toEqual([]);
    expect(objectStoreEgressPorts([store("https://api.example.org:6443")])).toEqual([]);
    expect(objectStoreEgressPorts([store("http://minio")])).toEqual([80]);
    expect(
      objectStoreEgressPorts([store("http://minio:9000"), store("https://minio:9000")]),
    ).toEqual([9000]);
  });
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
