/**
 * The platform project's settings have one home, platform/settings.ts: its Pulumi.yaml config
 * block and the README's platform table are what `npm run sync:settings` writes from it, and
 * the program's defaults are the ones the engine hands over from Pulumi.yaml.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ConfigError } from "../../config";
import { PLATFORM_OUTPUT_KEYS } from "../../domain/platform";
import nightscoutPlatform from "../../platform/index";
import { parsePlatformConfig } from "../../platform/config";
import { PLATFORM_SETTINGS, PROJECT } from "../../platform/settings";
import { capture } from "../../tools/lib/capture";
import {
  withPlatformProjectConfig,
  withProjectConfig,
  withPlatformTable,
} from "../../tools/commands/sync-settings";

const ROOT = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const SETTINGS = PLATFORM_SETTINGS.settings;
type ProjectConfig = Record<string, { type: string; default?: unknown; secret?: boolean }>;
const project = yaml.load(read("platform/Pulumi.yaml")) as { name: string; config: ProjectConfig };

describe("platform/Pulumi.yaml declares every setting, as platform/settings.ts does", () => {
  test("its project is the one the settings are named after", () => {
    expect(project.name).toBe(PROJECT);
    expect(PLATFORM_SETTINGS.project).toBe(PROJECT);
  });

  test("the same keys, types and defaults; none secret, none required", () => {
    expect(Object.keys(project.config)).toEqual(SETTINGS.map((s) => s.key));
    for (const s of SETTINGS) {
      expect(project.config[s.key]).toMatchObject({ type: s.type, default: s.default });
      expect(project.config[s.key].secret).toBeUndefined();
    }
  });

  test("is exactly what npm run sync:settings writes", () => {
    expect(withPlatformProjectConfig(read("platform/Pulumi.yaml"))).toBe(
      read("platform/Pulumi.yaml"),
    );
  });

  test("a default changed only in the declarations makes the file stale", () => {
    const text = read("platform/Pulumi.yaml");
    const changed = SETTINGS.map((s) =>
      s.key === "operatorNamespace" ? { ...s, default: "db-operators" } : s,
    );
    const written = withProjectConfig(text, changed);
    expect(written).not.toBe(text);
    expect((yaml.load(written) as typeof project).config.operatorNamespace.default).toBe(
      "db-operators",
    );
  });
});

test("the README's platform table is the one platform/settings.ts describes", () => {
  const readme = read("README.md");
  for (const s of SETTINGS) expect(readme).toContain(`| \`${s.key}\` |`);
  expect(withPlatformTable(readme)).toBe(readme);
});

test("the engine's defaults, from Pulumi.yaml, read as the program's own", () => {
  const fromEngine = Object.fromEntries(
    Object.entries(project.config).map(([k, v]) => [`${PROJECT}:${k}`, String(v.default)]),
  );
  const given = parsePlatformConfig({
    read: (k) => fromEngine[k],
    project: PROJECT,
    keys: Object.keys(fromEngine),
  });
  expect(given).toEqual(parsePlatformConfig({ read: () => undefined, project: PROJECT }));
});

describe.each(["local", "production"])("platform/Pulumi.%s.yaml", (stack) => {
  const file = yaml.load(read(`platform/Pulumi.${stack}.yaml`)) as {
    config: Record<string, string>;
  };

  test("sets only declared settings, and passes the program's checks", () => {
    const known = SETTINGS.map((s) => `${PROJECT}:${s.key}`);
    for (const key of Object.keys(file.config)) expect(known).toContain(key);
    const values = Object.fromEntries(Object.entries(file.config).map(([k, v]) => [k, String(v)]));
    expect(() =>
      parsePlatformConfig({ read: (k) => values[k], project: PROJECT, keys: Object.keys(values) }),
    ).not.toThrow();
  });
});

describe("platform/index.ts reads the stack's configuration from the engine", () => {
  /** What the engine hands the program: Pulumi.yaml's defaults, then the stack's values. */
  const engineConfig = (values: Record<string, string>) => ({
    config: Object.fromEntries([
      ...Object.entries(project.config).map(([k, v]) => [`${PROJECT}:${k}`, String(v.default)]),
      ...Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v]),
    ]),
    secretKeys: [],
  });
  const run = (values: Record<string, string>) =>
    capture({
      project: PROJECT,
      stack: "test",
      configuration: engineConfig(values),
      loadProgram: () => nightscoutPlatform() as Record<string, unknown>,
    });

  test("an operator managed elsewhere, nothing installed: the contract reports it", async () => {
    const { outputs } = await run({
      installCnpg: "false",
      externalOperatorVersion: "1.27.1",
      installBarmanPlugin: "false",
      monitoringCrds: "managedElsewhere",
    });
    // deployPlatform's outputs are plain values, exported as they are.
    const resolved = Object.fromEntries(PLATFORM_OUTPUT_KEYS.map((k) => [k, outputs[k]]));
    expect(resolved).toEqual({
      operatorNamespace: "cnpg-system",
      operatorVersion: "1.27.1",
      pluginName: "",
      monitoringCrdsPresent: true,
    });
  });

  test("a misspelled key in the stack stops it before anything is registered", async () => {
    const failure = run({ installCnpg: "false", externalOperatorVesion: "1.27.1" });
    // The module registry is fresh, so the error is its own ConfigError class: named, not instanceof.
    await expect(failure).rejects.toMatchObject({ name: ConfigError.name });
    await expect(failure).rejects.toThrow(
      "nightscout-platform:externalOperatorVesion: is not a setting of this project, so it would be ignored. Fix: did you mean externalOperatorVersion? Rename the key to nightscout-platform:externalOperatorVersion in the stack file",
    );
  });
});
