/**
 * Values of the rule catalogue each have one home: changed there, and only there, the program
 * (settings and components), the pack and the docs' rule table all follow. Each test loads them
 * afresh with one domain module changed (jest.doMock inside isolateModules).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- modules are loaded after the mock */
type Load<T> = () => T;

function withModule<T>(module: string, change: (actual: object) => object, load: Load<T>): T {
  let result: T;
  jest.isolateModules(() => {
    jest.doMock(module, () => change(jest.requireActual(module)));
    result = load();
  });
  return result!;
}

const loaders = () => ({
  config: require("../config/helpers") as typeof import("../config/helpers"),
  sync: require("../../tools/commands/sync-rules") as typeof import("../../tools/commands/sync-rules"),
  fixtures: require("../policies/fixtures") as typeof import("../policies/fixtures"),
  helpers: require("../policies/helpers") as typeof import("../policies/helpers"),
  nightscoutPolicy: (
    require("../../policies/rules/nightscout-settings") as typeof import("../../policies/rules/nightscout-settings")
  ).nightscoutSettings,
  ingressPolicy: (
    require("../../policies/rules/ingress-tls-and-https-redirect") as typeof import("../../policies/rules/ingress-tls-and-https-redirect")
  ).ingressTlsAndHttpsRedirect,
  nightscout:
    require("../../components/nightscout") as typeof import("../../components/nightscout"),
  nightscoutEnv:
    require("../../components/nightscout-settings") as typeof import("../../components/nightscout-settings"),
  args: require("../helpers/component-args") as typeof import("../helpers/component-args"),
});

afterEach(() => jest.resetModules());

test("the threshold limit: a narrower mmol/L range in domain/nightscout.ts is what the program, the pack and the docs hold", async () => {
  const { program, pack, table } = withModule(
    "../../domain/nightscout",
    (actual) => ({ ...actual, THRESHOLD_RANGES: { "mmol/L": [2, 20], "mg/dL": [36, 360] } }),
    () => {
      const { config, sync, fixtures, helpers, nightscoutPolicy } = loaders();
      let deployment = helpers.withEnv(fixtures.nightscoutDeployment(), "DISPLAY_UNITS", "mmol");
      const values = { BG_LOW: "3.5", BG_TARGET_BOTTOM: "4", BG_TARGET_TOP: "10", BG_HIGH: "22" };
      for (const [name, value] of Object.entries(values)) {
        deployment = helpers.withEnv(deployment, name, value);
      }
      return {
        program: config.problems({
          bgLow: "3.5",
          bgTargetBottom: "4",
          bgTargetTop: "10",
          bgHigh: "22",
        }),
        pack: helpers.runResourcePolicy(nightscoutPolicy, deployment),
        table: sync.ruleTable(),
      };
    },
  );
  expect(program).toEqual([
    'nightscout:bgHigh = "22": must be a number from 2 to 20 mmol/L. Fix: pulumi config set bgHigh <2..20>',
  ]);
  expect((await pack).violations).toEqual([
    'BG_HIGH = "22": must be a number from 2 to 20 mmol/L. Fix: set BG_HIGH to <2..20>.',
  ]);
  expect(table).toContain("(mmol/L 2-20, below 50; mg/dL 36-360)");
});

test("the units rule: other words for the units in domain/nightscout.ts are what the component writes and the pack demands", async () => {
  const { written, pack, table } = withModule(
    "../../domain/nightscout",
    (actual) => ({ ...actual, DISPLAY_UNITS_WORD: { "mmol/L": "mmol/l", "mg/dL": "mg/dl" } }),
    () => {
      const { fixtures, helpers, nightscoutPolicy, nightscoutEnv, sync } = loaders();
      const preferences = {
        displayUnits: "mmol/L" as const,
        alarmTypes: "simple",
        authDefaultRoles: ["status-only"],
        enabledPlugins: [],
        showPlugins: [],
        dbSizeMaxMiB: 1,
        staleDataMinutes: 20,
      };
      const deployment = helpers.withEnv(fixtures.nightscoutDeployment(), "DISPLAY_UNITS", "mmol");
      return {
        written: nightscoutEnv.nightscoutSettings(preferences).DISPLAY_UNITS,
        pack: helpers.runResourcePolicy(nightscoutPolicy, deployment),
        table: sync.ruleTable(),
      };
    },
  );
  expect(written).toBe("mmol/l");
  expect((await pack).violations).toEqual([
    'DISPLAY_UNITS = "mmol": is read by Nightscout as mmol/L, but only mmol/l and mg/dl say so unambiguously. Fix: set DISPLAY_UNITS to mmol/l.',
  ]);
  expect(table).toContain("DISPLAY_UNITS is set, to mmol/l or mg/dl");
});

test("the TLS source: a changed rule in domain/rules/tls.ts is what the settings, the component, the pack and the docs enforce", async () => {
  const { program, component, pack, table } = withModule(
    "../../domain/rules/tls",
    (actual) => {
      const { tlsSource } = actual as typeof import("../../domain/rules/tls");
      return {
        ...actual,
        tlsSource: {
          ...tlsSource,
          summary: "A TLS source that names its issuer, always.",
          check: () => [
            { field: "clusterIssuer", value: undefined, why: "changed here", fix: "change back" },
          ],
        },
      };
    },
    () => {
      const { config, fixtures, helpers, ingressPolicy, nightscout, args, sync } = loaders();
      let component: unknown;
      try {
        nightscout.validateNightscoutArgs(args.nightscoutArgs());
      } catch (error) {
        component = (error as Error).message;
      }
      return {
        program: config.problems({}),
        component,
        pack: helpers.runResourcePolicy(ingressPolicy, fixtures.ingress()),
        table: sync.ruleTable(),
      };
    },
  );
  expect(program).toEqual([
    "nightscout:tlsClusterIssuer = undefined: changed here. Fix: change back",
  ]);
  expect(component).toBe(
    "Nightscout: args.ingress.clusterIssuer = (unset): changed here (rule tls-source, fact 34). Fix: change back.",
  );
  expect((await pack).violations).toEqual([
    'metadata.annotations["cert-manager.io/cluster-issuer"] = (unset): changed here. Fix: change back.',
  ]);
  expect(table).toContain("| `tls-source` | 34 | A TLS source that names its issuer, always. |");
});
