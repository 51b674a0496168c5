/**
 * The values domain/alerts.ts and domain/platform.ts fix when they load: port names, metric
 * names, the rules file's parameters, the exporter's default image. Each test loads the module
 * in a fresh registry of its own, because the mutation run (`ignoreStatic`) tests a change to
 * code that runs at import only with the tests that import it inside their body; checked from
 * file scope, these values could change unnoticed (docs/mutation-testing.md). What they import
 * is handed over as already loaded, so that only the module under test is loaded again.
 */
import * as fs from "fs";
import * as cron from "../../domain/cron";
import { imagePinProblem, parseImage } from "../../domain/images";

type Alerts = typeof import("../../domain/alerts");
type Platform = typeof import("../../domain/platform");
type SyncAlerts = typeof import("../../tools/commands/sync-alerts");

async function fresh<T>(load: () => Promise<T>): Promise<T> {
  let loaded: T | undefined;
  await jest.isolateModulesAsync(async () => {
    jest.doMock("../../domain/cron", () => cron);
    loaded = await load();
  });
  return loaded!;
}

// Kubernetes refuses a named port that is not an IANA service name: 1 to 15 lowercase letters,
// digits and inner hyphens, with at least one letter.
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9](?:[a-z0-9-]{0,13}[a-z0-9])?$/;

test("monitoring/alerts.rules.yaml is what the rules file's parameters render (npm run sync:alerts)", async () => {
  const { RULES_FILE, rulesFileText } = await fresh<SyncAlerts>(
    () => import("../../tools/commands/sync-alerts"),
  );
  expect(rulesFileText()).toBe(fs.readFileSync(RULES_FILE, "utf8"));
});

test("the ports the scrapes name are ports Kubernetes accepts", async () => {
  const alerts = await fresh<Alerts>(() => import("../../domain/alerts"));
  expect(alerts.CNPG_METRICS_PORT_NAME).toMatch(IANA_SVC_NAME);
  expect(alerts.GLUCOSE_EXPORTER_PORT_NAME).toMatch(IANA_SVC_NAME);
  expect(alerts.CNPG_METRICS_PORT_NAME).not.toBe(alerts.GLUCOSE_EXPORTER_PORT_NAME);
});

test("the oldest operator the program accepts is 1.26.0, the README's prerequisite", async () => {
  const { MIN_CNPG_OPERATOR_VERSION, parseVersion } = await fresh<Platform>(
    () => import("../../domain/platform"),
  );
  expect(MIN_CNPG_OPERATOR_VERSION).toBe("1.26.0");
  expect(parseVersion(MIN_CNPG_OPERATOR_VERSION)).toEqual([1, 26, 0]);
  expect(fs.readFileSync(`${__dirname}/../../README.md`, "utf8")).toContain(
    `when the operator is older than ${MIN_CNPG_OPERATOR_VERSION}`,
  );
});

test("the exporter's default image is a pinned reference the kubelet can pull", async () => {
  const { DEFAULT_GLUCOSE_EXPORTER_IMAGE } = await fresh<Platform>(
    () => import("../../domain/platform"),
  );
  expect(imagePinProblem(DEFAULT_GLUCOSE_EXPORTER_IMAGE)).toBeUndefined();
  expect(parseImage(DEFAULT_GLUCOSE_EXPORTER_IMAGE).repository).toMatch(/\/json-exporter$/);
});
