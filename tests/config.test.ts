import * as pulumi from "@pulumi/pulumi";
import { ConfigError, StackConfig, parseStackConfig } from "../config";

// parseStackConfig is pure: these tests give it raw values the way the engine would.
const VALID: Record<string, string> = {
  "nightscout:hostname": "ns.example.org",
  "nightscout:apiSecret": "a-long-enough-secret",
  "nightscout:tlsClusterIssuer": "letsencrypt-prod",
};

function parse(
  overrides: Record<string, string | undefined> = {},
  plaintext: string[] = [],
): StackConfig {
  const values: Record<string, string | undefined> = { ...VALID };
  for (const [k, v] of Object.entries(overrides)) values[`nightscout:${k}`] = v;
  return parseStackConfig(
    (key) => values[key],
    "nightscout",
    (key) => !plaintext.includes(key),
  );
}

function problems(
  overrides: Record<string, string | undefined>,
  plaintext: string[] = [],
): string[] {
  try {
    parse(overrides, plaintext);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

/** Asserts exactly one problem, naming the key, the value and a fix. */
function expectOneProblem(
  overrides: Record<string, string | undefined>,
  key: string,
  ...fragments: (string | RegExp)[]
) {
  const found = problems(overrides);
  expect(found).toHaveLength(1);
  expect(found[0]).toContain(`nightscout:${key} = `);
  expect(found[0]).toContain("Fix: ");
  for (const f of fragments) expect(found[0]).toMatch(f);
}

async function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

describe("valid configuration", () => {
  test("applies the documented defaults", () => {
    const c = parse();
    expect(c.namespace).toBe("nightscout");
    expect(c.nightscout.displayUnits).toBe("mmol/L");
    expect(c.nightscout.authDefaultRoles).toEqual(["status-only"]);
    expect(c.nightscout.thresholds).toBeUndefined();
    expect(c.postgres.instances).toBe(1);
    expect(c.postgres.maxConnections).toBe(100);
    expect(c.ferretdb.poolSize).toBe(20);
    expect(c.backup).toBeUndefined();
    expect(c.restore).toBeUndefined();
    expect(c.postDeployCheck.mode).toBe("portForward");
    // Fact 29: DBSIZE_MAX follows the volume (80% of 5Gi) instead of Atlas' 496 MiB.
    expect(c.nightscout.dbSizeMaxMiB).toBe(4096);
  });

  test("keeps secrets secret", async () => {
    const c = parse({
      backupDestinationPath: "s3://b/p",
      backupAccessKeyId: "AKID",
      backupSecretAccessKey: "SAK",
    });
    expect(pulumi.Output.isInstance(c.nightscout.apiSecret)).toBe(true);
    expect(
      await (c.nightscout.apiSecret as unknown as { isSecret: Promise<boolean> }).isSecret,
    ).toBe(true);
    expect(await value(c.nightscout.apiSecret)).toBe("a-long-enough-secret");
    expect(
      await (c.backup!.secretAccessKey as unknown as { isSecret: Promise<boolean> }).isSecret,
    ).toBe(true);
  });

  test("parses thresholds in mmol/L", () => {
    const c = parse({ bgLow: "3.5", bgTargetBottom: "3.9", bgTargetTop: "10", bgHigh: "13.9" });
    expect(c.nightscout.thresholds).toEqual({
      low: 3.5,
      targetBottom: 3.9,
      targetTop: 10,
      high: 13.9,
    });
  });

  test("parses thresholds in mg/dL", () => {
    const c = parse({
      displayUnits: "mg/dL",
      bgLow: "55",
      bgTargetBottom: "70",
      bgTargetTop: "180",
      bgHigh: "250",
    });
    expect(c.nightscout.thresholds).toEqual({
      low: 55,
      targetBottom: 70,
      targetTop: 180,
      high: 250,
    });
  });

  test("a restore defaults to the backup store's path", () => {
    const c = parse({
      postgresClusterName: "nightscout-db-2",
      backupDestinationPath: "s3://b/p",
      backupAccessKeyId: "AKID",
      backupSecretAccessKey: "SAK",
      restoreFromServerName: "nightscout-db",
      restoreTargetTime: "2026-11-20T03:00:00Z",
    });
    expect(c.restore).toMatchObject({
      destinationPath: "s3://b/p",
      serverName: "nightscout-db",
      targetTime: "2026-11-20T03:00:00Z",
    });
  });

  test("an explicit DBSIZE_MAX wins over the derived one", () => {
    expect(parse({ dbSizeMaxMiB: "2048" }).nightscout.dbSizeMaxMiB).toBe(2048);
  });
});

describe("one clear error per bad value", () => {
  test("hostname is required", () =>
    expectOneProblem(
      { hostname: undefined },
      "hostname",
      /is required/,
      /pulumi config set hostname/,
    ));
  test("hostname must be a DNS name", () =>
    expectOneProblem(
      { hostname: "https://ns.example.org/" },
      "hostname",
      /"https:\/\/ns.example.org\/"/,
      /fully qualified DNS name/,
    ));
  test("hostname must be fully qualified", () =>
    expectOneProblem({ hostname: "nightscout" }, "hostname", /fully qualified/));
  test("apiSecret is required", () =>
    expectOneProblem({ apiSecret: undefined }, "apiSecret", /is required/, /--secret apiSecret/));
  test("apiSecret needs 12 characters, and its value is never shown", () => {
    expectOneProblem(
      { apiSecret: "short-pw" },
      "apiSecret",
      /8 characters long; Nightscout needs at least 12/,
      /\(secret\)/,
    );
    expect(problems({ apiSecret: "short-pw" })[0]).not.toContain("short-pw");
  });
  test("secrets in plaintext are refused", () => {
    const found = problems({}, ["nightscout:apiSecret"]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /nightscout:apiSecret = \(secret\): is stored in plaintext.*--secret apiSecret/,
    );
  });
  test("displayUnits is mmol/L or mg/dL", () =>
    expectOneProblem({ displayUnits: "mmol" }, "displayUnits", /"mmol"/, /mmol\/L or mg\/dL/));
  test("thresholds: all four or none (fact 22)", () =>
    expectOneProblem(
      { bgHigh: "13.9" },
      "bgLow",
      /unset while bgHigh is set/,
      /set all four thresholds/,
    ));
  test("thresholds: range in the display unit", () =>
    expectOneProblem(
      { bgLow: "70", bgTargetBottom: "3.9", bgTargetTop: "10", bgHigh: "13.9" },
      "bgLow",
      /"70"/,
      /from 1.5 to 27 mmol\/L/,
      /look like mg\/dL/,
    ));
  test("thresholds: mg/dL values are checked in mg/dL", () =>
    expectOneProblem(
      {
        displayUnits: "mg/dL",
        bgLow: "3.9",
        bgTargetBottom: "70",
        bgTargetTop: "180",
        bgHigh: "250",
      },
      "bgLow",
      /from 27 to 486 mg\/dL/,
    ));
  test("thresholds: must rise low < bottom < top < high", () =>
    expectOneProblem(
      { bgLow: "4.5", bgTargetBottom: "3.9", bgTargetTop: "10", bgHigh: "13.9" },
      "bgLow",
      /must be below bgTargetBottom \(3.9\)/,
    ));
  test("thresholds: not a number", () =>
    expectOneProblem(
      { bgLow: "low", bgTargetBottom: "3.9", bgTargetTop: "10", bgHigh: "13.9" },
      "bgLow",
      /"low"/,
    ));
  test("alarmTypes is simple and/or predict", () =>
    expectOneProblem({ alarmTypes: "loud" }, "alarmTypes", /"loud"/));
  test("authDefaultRoles names known roles", () =>
    expectOneProblem(
      { authDefaultRoles: '["status-only","readonly"]' },
      "authDefaultRoles",
      /unknown: readonly/,
      /status-only/,
    ));
  test("authDefaultRoles must be a list", () =>
    expectOneProblem({ authDefaultRoles: "readable" }, "authDefaultRoles", /list of strings/));
  test("enabledPlugins names known plugins", () =>
    expectOneProblem(
      { enabledPlugins: '["careportal","iob","cobb"]', showPlugins: '["careportal"]' },
      "enabledPlugins",
      /unknown plugins: cobb/,
    ));
  test("showPlugins names known plugins", () =>
    expectOneProblem(
      { showPlugins: '["careportal","frobnicate"]' },
      "showPlugins",
      /unknown plugins: frobnicate/,
    ));
  test("showPlugins must be enabled", () =>
    expectOneProblem(
      { enabledPlugins: '["careportal"]', showPlugins: '["careportal","iob"]' },
      "showPlugins",
      /not enabled: iob/,
    ));
  test("images must not float to latest", () =>
    expectOneProblem(
      { nightscoutImage: "nightscout/cgm-remote-monitor:latest" },
      "nightscoutImage",
      /floating tag "latest"/,
    ));
  test("images need a tag or digest", () =>
    expectOneProblem(
      { nightscoutImage: "nightscout/cgm-remote-monitor" },
      "nightscoutImage",
      /no tag/,
    ));
  test("a malformed digest is refused", () =>
    expectOneProblem(
      { nightscoutImage: "nightscout/cgm-remote-monitor@sha256:abc" },
      "nightscoutImage",
      /malformed digest/,
    ));
  test("a digest pin is accepted", () => {
    const image = `nightscout/cgm-remote-monitor:15.0.7@sha256:${"a".repeat(64)}`;
    expect(parse({ nightscoutImage: image }).nightscout.image).toBe(image);
  });
  test("FerretDB and DocumentDB versions must pair (fact 1)", () =>
    expectOneProblem(
      { ferretdbImage: "ghcr.io/ferretdb/ferretdb:2.5.0" },
      "ferretdbImage",
      /FerretDB 2.5.0 works with DocumentDB 0.106.0, but postgresImage carries DocumentDB 0.107.0/,
      /upgrade both as a pair/,
    ));
  test("during an upgrade a mismatched pair is a warning, not an error", () => {
    const c = parse({
      upgradeInProgress: "true",
      postgresImage: "ghcr.io/ferretdb/postgres-documentdb:17-0.107.0-ferretdb-2.7.0",
      ferretdbImage: "ghcr.io/ferretdb/ferretdb:2.5.0",
    });
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(
      /nightscout:ferretdbImage: FerretDB 2.5.0 works with DocumentDB 0.106.0.*upgradeInProgress/,
    );
    expect(parse().warnings).toEqual([]);
  });
  test("an upgrade does not excuse a malformed image tag", () =>
    expectOneProblem(
      { upgradeInProgress: "true", postgresImage: "postgres:17" },
      "postgresImage",
      /<pg>-<documentdb>-ferretdb-<ferretdb>/,
    ));
  test("postgresImage must be a postgres-documentdb tag", () =>
    expectOneProblem(
      { postgresImage: "ghcr.io/cloudnative-pg/postgresql:17.2" },
      "postgresImage",
      /<pg>-<documentdb>-ferretdb-<ferretdb>/,
    ));
  test("postgresImage must be PostgreSQL 17", () =>
    expectOneProblem(
      { postgresImage: "ghcr.io/ferretdb/postgres-documentdb:16-0.107.0-ferretdb-2.7.0" },
      "postgresImage",
      /PostgreSQL 16/,
    ));
  test("an unknown FerretDB release is refused", () =>
    expectOneProblem(
      { ferretdbImage: "ghcr.io/ferretdb/ferretdb:2.6.0" },
      "ferretdbImage",
      /not a known v2 release/,
    ));
  test("postgresInstances is a whole number in range", () =>
    expectOneProblem({ postgresInstances: "0" }, "postgresInstances", /from 1 to 9/));
  test("postgresInstances is not fractional", () =>
    expectOneProblem({ postgresInstances: "1.5" }, "postgresInstances", /"1.5"/));
  test("postgresStorageSize is a quantity", () =>
    expectOneProblem(
      { postgresStorageSize: "10GB" },
      "postgresStorageSize",
      /not a Kubernetes quantity/,
    ));
  test("postgresStorageSize has a floor", () =>
    expectOneProblem({ postgresStorageSize: "512Mi" }, "postgresStorageSize", /below 1Gi/));
  test("resources are quantities", () =>
    expectOneProblem({ ferretdbMemoryLimit: "lots" }, "ferretdbMemoryLimit", /"lots"/));
  test("postgresMaxConnections has a floor", () =>
    expectOneProblem(
      { postgresMaxConnections: "5" },
      "postgresMaxConnections",
      /from 20 to 10000/,
    ));
  test("FerretDB pools must fit max_connections (fact 17)", () =>
    expectOneProblem(
      { ferretdbReplicas: "3", ferretdbPoolSize: "50" },
      "ferretdbPoolSize",
      /3 FerretDB replica\(s\) \+ 1 during a rollout, x 50 connections \+ 13 reserved exceeds postgresMaxConnections=100/,
      /at most 21/,
    ));
  test("a TLS source is required", () =>
    expectOneProblem({ tlsClusterIssuer: undefined }, "tlsClusterIssuer", /no TLS source/));
  test("an existing TLS secret is enough", () => {
    expect(
      parse({ tlsClusterIssuer: undefined, tlsSecretName: "wildcard-tls" }).ingress.tlsSecretName,
    ).toBe("wildcard-tls");
  });
  test("names are Kubernetes names", () =>
    expectOneProblem(
      { ingressClassName: "Traefik" },
      "ingressClassName",
      /not a valid Kubernetes object name/,
    ));
  test("redirectMiddleware is a CRD reference", () =>
    expectOneProblem(
      { redirectMiddleware: "redirect-https" },
      "redirectMiddleware",
      /<namespace>-<name>@kubernetescrd/,
    ));
  test("namespace is a DNS label", () =>
    expectOneProblem({ namespace: "Night_Scout" }, "namespace", /"Night_Scout"/));
  test("backups need credentials", () => {
    const found = problems({ backupDestinationPath: "s3://b/p" });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(
      /nightscout:backupAccessKeyId = \(secret\): is required when backupDestinationPath is set/,
    );
    expect(found[1]).toMatch(/nightscout:backupSecretAccessKey/);
  });
  const withBackup = {
    backupDestinationPath: "s3://b/p",
    backupAccessKeyId: "AKID",
    backupSecretAccessKey: "SAK",
  };
  test("backup path is an object store URL", () =>
    expectOneProblem(
      { ...withBackup, backupDestinationPath: "/var/backups" },
      "backupDestinationPath",
      /not an object store URL/,
    ));
  test("credentials without a path are an error", () =>
    expectOneProblem(
      { backupAccessKeyId: "AKID" },
      "backupDestinationPath",
      /unset while backupAccessKeyId is set/,
    ));
  test("backup endpoint is a URL without a path", () =>
    expectOneProblem(
      { ...withBackup, backupEndpointUrl: "s3.example.org" },
      "backupEndpointUrl",
      /http\(s\) URL/,
    ));
  test("retention is a number of days, weeks or months", () =>
    expectOneProblem(
      { ...withBackup, backupRetention: "30 days" },
      "backupRetention",
      /number followed by d, w or m/,
    ));
  test("schedule has six fields, seconds first (fact 8)", () =>
    expectOneProblem(
      { ...withBackup, backupSchedule: "45 2 * * *" },
      "backupSchedule",
      /has 5 fields; ScheduledBackup needs six/,
    ));
  test("restore into the same server name would overwrite the backups", () =>
    expectOneProblem(
      { ...withBackup, restoreFromServerName: "nightscout-db" },
      "postgresClusterName",
      /archive WAL over the backups/,
    ));
  test("restore target time must be RFC 3339", () =>
    expectOneProblem(
      {
        ...withBackup,
        postgresClusterName: "db2",
        restoreFromServerName: "nightscout-db",
        restoreTargetTime: "yesterday 3am",
      },
      "restoreTargetTime",
      /RFC 3339/,
    ));
  test("restore target time must be in the past", () =>
    expectOneProblem(
      {
        ...withBackup,
        postgresClusterName: "db2",
        restoreFromServerName: "nightscout-db",
        restoreTargetTime: "2999-01-01T00:00:00Z",
      },
      "restoreTargetTime",
      /in the future/,
    ));
  test("restore needs a source path", () => {
    const found = problems({ restoreFromServerName: "nightscout-db" });
    expect(found.join("\n")).toMatch(
      /nightscout:restoreSourcePath = undefined: is required to restore/,
    );
  });
  test("a target time without a source is an error", () =>
    expectOneProblem(
      { restoreTargetTime: "2026-11-20T03:00:00Z" },
      "restoreFromServerName",
      /unset while restoreTargetTime is set/,
    ));
  test("postDeployCheck mode is known", () =>
    expectOneProblem(
      { postDeployCheck: "always" },
      "postDeployCheck",
      /portForward, direct or off/,
    ));
  test("direct mode needs a URI", () =>
    expectOneProblem(
      { postDeployCheck: "direct" },
      "postDeployCheckUri",
      /required when postDeployCheck is direct/,
    ));
  test("rendering manifests cannot port-forward", () =>
    expectOneProblem(
      { renderYamlToDirectory: "rendered/staging" },
      "postDeployCheck",
      /cannot port-forward when renderYamlToDirectory is set/,
    ));
  test("booleans are true or false", () =>
    expectOneProblem({ protectDatabase: "yes" }, "protectDatabase", /true or false/));
});

test("reports every problem at once, before anything is deployed", () => {
  const found = problems({
    hostname: "not a host",
    apiSecret: "short",
    displayUnits: "mmol",
    postgresInstances: "0",
    ferretdbImage: "ghcr.io/ferretdb/ferretdb:latest",
  });
  expect(found.map((p) => p.split(" = ")[0])).toEqual(
    expect.arrayContaining([
      "nightscout:hostname",
      "nightscout:apiSecret",
      "nightscout:displayUnits",
      "nightscout:postgresInstances",
      "nightscout:ferretdbImage",
    ]),
  );
  try {
    parse({ hostname: "not a host", apiSecret: "short" });
  } catch (e) {
    expect((e as Error).message).toMatch(
      /^Invalid stack configuration \(2 problems\); nothing was deployed:/,
    );
  }
});
