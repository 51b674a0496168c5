/**
 * config/settings/ is the one list of the app's settings, platform/settings.ts the platform
 * project's; `npm run sync:settings` writes each into its Pulumi.yaml's `config:` block and its
 * table in the README, and tests fail when any differs from what this would write.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { SETTINGS, type Setting, inProjectFile } from "../../config/settings";
import { PLATFORM_SETTINGS } from "../../platform/settings";

const ROOT = path.resolve(__dirname, "../..");

export const BEGIN = "<!-- config-table:begin (npm run sync:settings) -->";
export const END = "<!-- config-table:end -->";
export const PLATFORM_BEGIN = "<!-- platform-config-table:begin (npm run sync:settings) -->";
export const PLATFORM_END = "<!-- platform-config-table:end -->";

export function configTable(settings: readonly Setting[] = SETTINGS): string {
  const cell = (v: unknown) => String(v).replace(/\|/g, "\\|");
  const shownDefault = (d: unknown) =>
    d === undefined
      ? "required"
      : d === "" || d === 0 || (Array.isArray(d) && d.length === 0)
        ? "(unset)"
        : Array.isArray(d)
          ? `\`${d.join(" ")}\``
          : `\`${cell(d)}\``;
  const rows = settings.map(
    (s) =>
      `| \`${s.key}\` | ${s.type}${s.secret ? ", secret" : ""} | ${s.optionalSecret ? "(unset)" : shownDefault(s.default)} | ${cell(s.description)} |`,
  );
  return ["| key | type | default | meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** The README with the table between `begin` and `end` written from `settings`. */
export function withTable(
  readme: string,
  settings: readonly Setting[] = SETTINGS,
  begin = BEGIN,
  end = END,
): string {
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md lacks the markers ${begin} ... ${end}`);
  return (
    readme.slice(0, from + begin.length) + "\n" + configTable(settings) + "\n" + readme.slice(to)
  );
}

/** The README with the platform project's table written from platform/settings.ts. */
export function withPlatformTable(readme: string): string {
  return withTable(readme, PLATFORM_SETTINGS.settings, PLATFORM_BEGIN, PLATFORM_END);
}

/**
 * Pulumi.yaml's config block. Optional secrets stay out (declared, they would be required), and
 * so do records settings: a project's config types stop at lists of strings.
 */
export function projectConfig(
  settings: readonly Setting[] = SETTINGS,
): Record<string, Record<string, unknown>> {
  const config: Record<string, Record<string, unknown>> = {};
  for (const s of settings.filter(inProjectFile)) {
    config[s.key] = {
      type: s.type,
      description: s.description,
      ...(s.type === "array" ? { items: { type: "string" } } : {}),
      ...(s.default !== undefined ? { default: s.default } : {}),
      ...(s.secret ? { secret: true } : {}),
    };
  }
  return config;
}

/** Pulumi.yaml with its config block replaced; everything above `config:` is kept. */
export function withProjectConfig(
  pulumiYaml: string,
  settings: readonly Setting[] = SETTINGS,
): string {
  const start = pulumiYaml.search(/^config:$/m);
  if (start < 0) throw new Error("Pulumi.yaml has no top-level config: block");
  return (
    pulumiYaml.slice(0, start) +
    yaml.dump({ config: projectConfig(settings) }, { lineWidth: 100, noRefs: true })
  );
}

/** platform/Pulumi.yaml with its config block written from platform/settings.ts. */
export function withPlatformProjectConfig(pulumiYaml: string): string {
  return withProjectConfig(pulumiYaml, PLATFORM_SETTINGS.settings);
}

if (require.main === module) {
  const rewrite = (file: string, change: (text: string) => string) => {
    const full = path.join(ROOT, file);
    fs.writeFileSync(full, change(fs.readFileSync(full, "utf8")));
  };
  rewrite("README.md", (readme) => withPlatformTable(withTable(readme)));
  rewrite("Pulumi.yaml", (text) => withProjectConfig(text));
  rewrite("platform/Pulumi.yaml", withPlatformProjectConfig);
}
