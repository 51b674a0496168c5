/**
 * config/rules/monitoring.ts: what the Monitoring component gets from the settings, and which
 * platformStack names a StackReference can read.
 */
import { GLUCOSE_EXPORTER_RESOURCES } from "../../domain/platform";
import { isSecret, parse, value } from "./helpers";
import { withDomainAsLoaded } from "./formats-as-loaded";

describe("monitoringRule", () => {
  test("monitoring off (the default) gives the component nothing, whatever else is set", () => {
    expect(parse().monitoring).toBeUndefined();
    expect(
      parse({ monitoring: "false", monitoringNamespace: "ops", staleDataMinutes: "45" }).monitoring,
    ).toBeUndefined();
  });

  test("monitoring on hands over the namespace, the staleness limit and the exporter", () => {
    const { monitoring } = parse({
      monitoring: "true",
      monitoringNamespace: "ops",
      staleDataMinutes: "45",
      glucoseExporterImage: "quay.io/prometheuscommunity/json-exporter:v0.7.1",
    });
    expect(monitoring).toEqual({
      monitoringNamespace: "ops",
      staleDataMinutes: 45,
      exporter: {
        image: "quay.io/prometheuscommunity/json-exporter:v0.7.1",
        resources: GLUCOSE_EXPORTER_RESOURCES,
        readToken: undefined,
      },
    });
  });

  test("the exporter's read token is handed over as a secret", async () => {
    const token = "exporter-0123456789abcdef";
    const readToken = parse({ monitoring: "true", glucoseExporterToken: token }).monitoring
      ?.exporter.readToken;
    expect(readToken).toBeDefined();
    expect(await value(readToken)).toBe(token);
    expect(await isSecret(readToken)).toBe(true);
  });
});

/**
 * The stack-name pattern is built when config/rules/monitoring.ts loads, so these tests load the
 * configuration themselves (tests/config/formats-as-loaded.ts says why).
 */
describe("platformStackRule", () => {
  function helpersAsLoaded(): typeof import("./helpers") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return withDomainAsLoaded(() => require("./helpers") as typeof import("./helpers"));
  }

  // One test, one load: each load evaluates the whole configuration again (about half a second).
  test("organization/project/stack is read as given; other shapes are refused with the form", () => {
    const { parse, problems } = helpersAsLoaded();
    expect(
      parse({ platformStack: "organization/nightscout-platform/production" }).platformStack,
    ).toBe("organization/nightscout-platform/production");
    for (const platformStack of [
      "my org/nightscout-platform/production", // a space in the organization
      "organization/nightscout-platform/production/eu", // a fourth part
      "nightscout-platform/production", // two parts only
    ]) {
      expect(problems({ platformStack })).toEqual([
        `nightscout:platformStack = ${JSON.stringify(platformStack)}: is not a fully qualified stack name, which a StackReference needs. Fix: pulumi config set platformStack organization/nightscout-platform/<stack> (on a self-managed backend the organization is literally 'organization')`,
      ]);
    }
  });
});
