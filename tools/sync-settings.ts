/**
 * config/settings/ is the one list of settings; `npm run sync:settings` writes it into
 * Pulumi.yaml's `config:` block and the README's configuration table, and tests fail when
 * either differs from what this would write.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { SETTINGS } from "../config/settings";

const ROOT = path.resolve(__dirname, "..");

export const BEGIN = "<!-- config-table:begin (npm run sync:settings) -->";
export const END = "<!-- config-table:end -->";

export function configTable(): string {
  const cell = (v: unknown) => String(v).replace(/\|/g, "\\|");
  const shownDefault = (d: unknown) =>
    d === undefined
      ? "required"
      : d === "" || d === 0
        ? "(unset)"
        : Array.isArray(d)
          ? `\`${d.join(" ")}\``
          : `\`${cell(d)}\``;
  const rows = SETTINGS.map(
    (s) =>
      `| \`${s.key}\` | ${s.type}${s.secret ? ", secret" : ""} | ${shownDefault(s.default)} | ${cell(s.description)} |`,
  );
  return ["| key | type | default | meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

export function withTable(readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${BEGIN} ... ${END}`);
  return readme.slice(0, start + BEGIN.length) + "\n" + configTable() + "\n" + readme.slice(end);
}

/** Pulumi.yaml's config block. Optional secrets stay out: declared, they would be required. */
export function projectConfig(): Record<string, Record<string, unknown>> {
  const config: Record<string, Record<string, unknown>> = {};
  for (const s of SETTINGS.filter((s) => !s.optionalSecret)) {
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
export function withProjectConfig(pulumiYaml: string): string {
  const start = pulumiYaml.search(/^config:$/m);
  if (start < 0) throw new Error("Pulumi.yaml has no top-level config: block");
  return (
    pulumiYaml.slice(0, start) +
    yaml.dump({ config: projectConfig() }, { lineWidth: 100, noRefs: true })
  );
}

if (require.main === module) {
  const rewrite = (file: string, change: (text: string) => string) => {
    const full = path.join(ROOT, file);
    fs.writeFileSync(full, change(fs.readFileSync(full, "utf8")));
  };
  rewrite("README.md", withTable);
  rewrite("Pulumi.yaml", withProjectConfig);
}
