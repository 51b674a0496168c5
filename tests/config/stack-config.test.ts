import { ConfigError } from "../../config";
import { isSecret, parse, problems, value, WITH_BACKUP, nightscoutEnv } from "./helpers";

describe("a valid configuration becomes the components' Args", () => {
  test("the documented defaults", () => {
    const c = parse();
    expect(c.namespace).toEqual({
      name: "nightscout",
      create: true,
      retainOnDelete: true,
      allowSystemNamespace: false,
    });
    expect(c.displayUnits).toBe("mmol/L");
    expect(nightscoutEnv(c)).toMatchObject({
      DISPLAY_UNITS: "mmol",
      AUTH_DEFAULT_ROLES: "status-only",
      ALARM_TYPES: "simple",
      // Fact 29: DBSIZE_MAX follows the volume (80% of 5Gi) instead of Atlas' 496 MiB.
      DBSIZE_MAX: "4096",
    });
    expect(nightscoutEnv(c).BG_LOW).toBeUndefined();
    expect(c.postgres).toMatchObject({
      instances: 1,
      maxConnections: 100,
      protect: true,
      operatorNamespace: "cnpg-system",
    });
    expect(c.postgres.backup).toBeUndefined();
    expect(c.postgres.restore).toBeUndefined();
    expect(c.ferretdb).toMatchObject({ replicas: 1, poolSize: 20 });
    expect(c.postDeployCheck).toMatchObject({ mode: "portForward", deadlineSeconds: 180 });
    expect(c.provider).toEqual({ context: undefined, renderYamlToDirectory: undefined });
  });

  test("Nightscout's internet egress follows the plugins that need it", () => {
    expect(parse().nightscout.allowInternetEgress).toBe(true);
    expect(
      parse({ enabledPlugins: '["careportal"]', showPlugins: '["careportal"]' }).nightscout
        .allowInternetEgress,
    ).toBe(false);
  });

  test("secrets become secret Outputs holding the configured values", async () => {
    const c = parse(WITH_BACKUP);
    expect(await isSecret(c.nightscout.apiSecret)).toBe(true);
    expect(await value(c.nightscout.apiSecret)).toBe("a-long-enough-secret");
    expect(await isSecret(c.postgres.backup!.secretAccessKey)).toBe(true);
    expect(await value(c.postgres.backup!.secretAccessKey)).toBe("SAK");
  });

  test("an explicit DBSIZE_MAX wins over the derived one", () => {
    expect(nightscoutEnv(parse({ dbSizeMaxMiB: "2048" })).DBSIZE_MAX).toBe("2048");
  });

  test("a digest pin is accepted", () => {
    const image = `nightscout/cgm-remote-monitor:15.0.7@sha256:${"a".repeat(64)}`;
    expect(parse({ nightscoutImage: image }).nightscout.image).toBe(image);
  });

  test("the check is absent when it is off", () => {
    expect(parse({ postDeployCheck: "off" }).postDeployCheck).toBeUndefined();
  });
});

test("reports every problem at once, before anything is deployed", () => {
  const found = problems({
    hostname: "not a host",
    apiSecret: "short",
    displayUnits: "mmol",
    postgresInstances: "0",
    ferretdbImage: "ghcr.io/ferretdb/ferretdb:latest",
  });
  expect(found.map((p) => p.split(" = ")[0]).sort()).toEqual([
    "nightscout:apiSecret",
    "nightscout:displayUnits",
    "nightscout:ferretdbImage",
    "nightscout:hostname",
    "nightscout:postgresInstances",
  ]);
  expect(() => parse({ hostname: "not a host", apiSecret: "short" })).toThrow(
    /^Invalid stack configuration \(2 problems\); nothing was deployed:/,
  );
  expect(() => parse({ hostname: "not a host" })).toThrow(ConfigError);
});

test("the refusal names itself, counts one problem in the singular, and gives each its own line", () => {
  let one: unknown;
  try {
    parse({ hostname: "not a host" });
  } catch (e) {
    one = e;
  }
  expect(String(one)).toMatch(
    /^ConfigError: Invalid stack configuration \(1 problem\); nothing was deployed:\n {2}- nightscout:hostname = "not a host": /,
  );
  const lines = (() => {
    try {
      parse({ hostname: "not a host", apiSecret: "short" });
    } catch (e) {
      return (e as Error).message.split("\n");
    }
    return [];
  })();
  expect(lines).toHaveLength(3);
  expect(lines[1]).toMatch(/^ {2}- nightscout:\w+ = /);
  expect(lines[2]).toMatch(/^ {2}- nightscout:\w+ = /);
});

test("thresholds are not read in units that were refused: the units are the one problem", () => {
  expect(
    problems({
      displayUnits: "mmol",
      bgLow: "3.9",
      bgTargetBottom: "4.0",
      bgTargetTop: "10.0",
      bgHigh: "13.9",
    }),
  ).toEqual([
    'nightscout:displayUnits = "mmol": must be mmol/L or mg/dL. Fix: pulumi config set displayUnits mmol/L',
  ]);
});
