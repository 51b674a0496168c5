/**
 * The values domain/alerts.ts and domain/platform.ts fix when they load: port names, metric
 * names, the rules file's parameters, the exporter's default image. Each test loads them in a
 * fresh module registry of its own, because the mutation run (`ignoreStatic`) tests a change
 * to code that runs at import only with the tests that import it inside their body; checked
 * from file scope, these values could change unnoticed (docs/mutation-testing.md).
 */
import * as fs from "fs";

type Alerts = typeof import("../../domain/alerts");
type Platform = typeof import("../../domain/platform");
type SyncAlerts = typeof import("../../tools/commands/sync-alerts");
type Images = typeof import("../../domain/images");

async function fresh<T>(load: () => Promise<T>): Promise<T> {
  let loaded: T | undefined;
  await jest.isolateModulesAsync(async () => {
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

test("the exporter's default image is a pinned reference the kubelet can pull", async () => {
  const [{ DEFAULT_GLUCOSE_EXPORTER_IMAGE }, { imagePinProblem, parseImage }] = await fresh(() =>
    Promise.all([
      import("../../domain/platform") as Promise<Platform>,
      import("../../domain/images") as Promise<Images>,
    ]),
  );
  expect(imagePinProblem(DEFAULT_GLUCOSE_EXPORTER_IMAGE)).toBeUndefined();
  expect(parseImage(DEFAULT_GLUCOSE_EXPORTER_IMAGE).repository).toMatch(/\/json-exporter$/);
});
