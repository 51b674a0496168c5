/** Each component's argument validation, called directly (no Pulumi runtime involved). */
import {
  MAX_CLUSTER_NAME_LENGTH,
  RESERVED_NIGHTSCOUT_ENV,
  RESERVED_POSTGRES_CONNECTIONS,
} from "../domain";
import { FerretDbArgs, validateFerretDbArgs } from "../components/ferret-db";
import { validateAppNamespaceArgs } from "../components/namespace";
import { NightscoutArgs, validateNightscoutArgs } from "../components/nightscout";
import { PostgresClusterArgs, validatePostgresClusterArgs } from "../components/postgres-cluster";
import {
  backup,
  ferretArgs,
  namespaceArgs,
  nightscoutArgs,
  postgresArgs,
} from "./helpers/component-args";

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
      /^AppNamespace: args.name = "kube-system": is a namespace the cluster's own workloads use; the stack's default-deny NetworkPolicy would cut them off \(rule no-system-namespace, fact 35\)\. Fix: set args.name to nightscout \(or, knowing the risk, set args.allowSystemNamespace to true\)\.$/,
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
  // A name that looks secret is refused as a literal secret first, so its value is not echoed.
  const looksSecret = new Set(["API_SECRET"]);
  test.each(RESERVED_NIGHTSCOUT_ENV)("settings cannot override %s", (key) => {
    expect(rejects({ settings: { [key]: "x" } })).toThrow(
      looksSecret.has(key)
        ? `Nightscout: args.settings.${key} = "(hidden)" is invalid. Secrets must not be literal env values; pass them through a Secret.`
        : `Nightscout: args.settings.${key} = "x" is invalid. ${key} is set by the component itself; remove it from settings.`,
    );
  });
  test.each(["DISPLAY_UNITS", "ALARM_TYPES", "AUTH_DEFAULT_ROLES", "SHOW_PLUGINS"])(
    "settings cannot restate %s, which args.preferences writes",
    (key) => {
      expect(rejects({ settings: { [key]: "x" } })).toThrow(
        `Nightscout: args.settings.${key} = "x" is invalid. ${key} follows from args.preferences; set it there instead.`,
      );
    },
  );
  test("settings add env next to what the preferences write", () => {
    expect(() =>
      validateNightscoutArgs(nightscoutArgs({ settings: { THEME: "colors" } })),
    ).not.toThrow();
  });
  test("a reserved database URI variable holding credentials is refused without echoing them", () => {
    const build = rejects({ settings: { MONGODB_URI: "mongodb://u:pw@h/db" } });
    expect(build).toThrow(
      'Nightscout: args.settings.MONGODB_URI = "(hidden)" is invalid. Secrets must not be literal env values; pass them through a Secret.',
    );
    expect(build).toThrow(/^(?!.*u:pw)/s);
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
      "Nightscout: args.ingress.clusterIssuer = (unset): no TLS source: set a cert-manager ClusterIssuer or an existing TLS secret (rule tls-source, fact 34). Fix: set args.ingress.clusterIssuer to letsencrypt-prod (or args.ingress.tlsSecretName <secret>).",
    );
  });
});
