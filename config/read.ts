/**
 * Reading and coercion: every declared setting read once, typed, and checked against its own
 * declaration (type, range, format, allowed values). Cross-field rules live in config/rules/.
 * Problems are collected, not thrown, so one run reports them all.
 */
// The Output module alone: see config/runtime.ts.
import * as pulumi from "@pulumi/pulumi/output";
import { SECRET_SAFE_FORMATS, formatProblem } from "./formats";
import { closest, namespaceSlip, nonAscii } from "./key-names";
import { Problems, appSettings, exampleItem, exampleOf, quote } from "./problems";
import { type ReadRecords, readRecords } from "./records";
import { readStackFile, StackFileError } from "./stack-file";
import { DeclaredSettings, Setting, SettingKey } from "./settings";

/** Reads one raw value: a string as stored in the stack file, or undefined when unset. */
export type RawConfigReader = (key: string) => string | undefined;

/** Where the settings come from: the engine, or a test. */
export interface ConfigSource {
  read: RawConfigReader;
  /** The project's name, the namespace of its keys. */
  project?: string;
  /** Whether the stack stores `fullKey` encrypted; plaintext secrets are refused. */
  isSecret?: (fullKey: string) => boolean;
  /** Every key the stack's configuration holds, to catch misspelled ones. */
  keys?: readonly string[];
  /**
   * The stack file as written, when there is one: the engine has already resolved its values,
   * so only the text shows a `0123` that arrived as "83" (config/stack-file.ts).
   */
  stackFile?: { name: string; text: string };
}

/**
 * The settings of one stack, read and coerced; invalid values are reported in `problems`.
 * The app's settings unless `declared` names another project's (platform/ passes its own).
 */
export class Settings<K extends string = SettingKey> {
  readonly problems: Problems<K>;
  /** Accepted but risky settings, each with why it was accepted, for the program to log. */
  readonly warnings: string[] = [];
  private readonly invalid = new Set<K>();

  private readonly read: RawConfigReader;
  private readonly isSecret: (fullKey: string) => boolean;

  constructor(
    source: ConfigSource,
    private readonly declared: DeclaredSettings<K> = appSettings<K>(),
  ) {
    const project = source.project ?? declared.project;
    this.read = source.read;
    this.isSecret = source.isSecret ?? (() => true);
    this.problems = new Problems(project, declared);
    this.checkUndeclared(project, source.keys ?? []);
    if (source.stackFile) this.checkStackFile(project, source.stackFile);
    for (const setting of declared.settings) this.check(setting);
  }

  /** Whether the setting was given (or has a non-empty default); secrets included. */
  isSet(key: K): boolean {
    return this.raw(key) !== undefined;
  }

  /** Whether the stack file gives the setting a value, even an empty list; defaults do not count. */
  isGiven(key: K): boolean {
    return this.read(this.problems.fullKey(key)) !== undefined;
  }

  /** Whether the setting passed its own checks, so rules can skip follow-on problems. */
  isValid(key: K): boolean {
    return !this.invalid.has(key);
  }

  /** A string setting, or undefined when unset. Invalid values are returned as given. */
  text(key: K): string | undefined {
    return this.raw(key);
  }

  /** An integer setting; NaN when invalid, so comparisons with it stay false. */
  integer(key: K): number {
    return this.isValid(key) ? Number(this.raw(key)) : NaN;
  }

  flag(key: K): boolean {
    const value = this.raw(key);
    return this.isValid(key) ? value === "true" : Boolean(this.declared.of(key).default);
  }

  /** A list setting; undefined when the value is not a list of strings. */
  list(key: K): string[] | undefined {
    try {
      const parsed: unknown = JSON.parse(this.raw(key) ?? "[]");
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) return parsed;
    } catch {
      // Not JSON: reported by check().
    }
    return undefined;
  }

  /** A records setting's entries that passed their fields' checks, each with its index. */
  records(key: K): ReadRecords["entries"] {
    return this.readRecordsOf(key).entries;
  }

  private readonly recordsRead = new Map<K, ReadRecords>();
  private readRecordsOf(key: K): ReadRecords {
    let read = this.recordsRead.get(key);
    if (!read) {
      read = readRecords(this.declared.of(key), this.raw(key) ?? "[]");
      this.recordsRead.set(key, read);
    }
    return read;
  }

  /** A secret, wrapped in a secret Output the moment it is read; undefined when unset. */
  secret(key: K): pulumi.Output<string> | undefined {
    const value = this.read(this.problems.fullKey(key));
    return value === undefined || value === "" ? undefined : pulumi.secret(value);
  }

  private raw(key: K): string | undefined {
    const setting = this.declared.of(key);
    const value = this.read(this.problems.fullKey(key));
    if (value !== undefined && value !== "") return value;
    if (setting.default === undefined || setting.default === "") return undefined;
    return Array.isArray(setting.default)
      ? JSON.stringify(setting.default)
      : String(setting.default);
  }

  private fail(setting: Setting, value: string | undefined, why: string, fix: string) {
    this.invalid.add(setting.key as K);
    this.problems.add(setting.key as K, value, why, fix);
  }

  /**
   * A key in the project's namespace that no setting declares is a typo until shown otherwise;
   * so is a namespace that looks like the project's, whose keys the program would never read.
   */
  private checkUndeclared(project: string, keys: readonly string[]): void {
    const declared = this.declared.settings.map((s) => s.key);
    for (const full of keys) {
      const colon = full.indexOf(":");
      const namespace = full.slice(0, colon);
      const key = full.slice(colon + 1);
      if (namespace !== project) {
        const slip = namespaceSlip(namespace, project);
        if (slip === "looks like the project") {
          const target = `${project}:${key}`;
          this.problems.messages.push(
            `${full}: ${quote(namespace)} is not this project's namespace ${quote(project)}` +
              `${nonAscii(namespace)}, so the program would never read this key. Fix: rename the ` +
              `key to ${target} in the stack file`,
          );
        } else if (slip === "unknown") {
          this.warnings.push(
            `${full}: nothing in this program reads the namespace ${quote(namespace)}; if the ` +
              `key is meant for this project, rename it to ${project}:${key}`,
          );
        }
        continue;
      }
      if (declared.includes(key)) continue;
      const near = closest(key, declared);
      this.problems.messages.push(
        `${full}: is not a setting of this project${nonAscii(key)}, so it would be ignored. Fix: ` +
          (near
            ? `did you mean ${near}? Rename the key to ${project}:${near} in the stack file`
            : `pulumi config rm ${key}`),
      );
    }
  }

  /**
   * Plain YAML scalars the engine rewrites (config/stack-file.ts). A secret setting's text is
   * never shown, nor that of a key no setting declares: it may be a misspelled secret.
   */
  private checkStackFile(project: string, file: { name: string; text: string }): void {
    let surprises;
    try {
      surprises = readStackFile(file.text, file.name).surprises;
    } catch (error) {
      if (!(error instanceof StackFileError)) throw error;
      this.problems.messages.push(error.message);
      return;
    }
    for (const surprise of surprises) {
      const key = surprise.path.slice(project.length + 1).replace(/[[.].*$/, "");
      const setting = surprise.path.startsWith(`${project}:`)
        ? this.declared.settings.find((s) => s.key === key)
        : undefined;
      if (setting) this.invalid.add(setting.key as K);
      const { why, fix } = setting && !setting.secret ? surprise : surprise.withoutValue;
      const shown = setting && !setting.secret ? quote(surprise.written) : "(not shown)";
      this.problems.messages.push(
        `${surprise.path} = ${shown} in ${file.name}: ${why}. Fix: ${fix}`,
      );
    }
  }

  private failRequired(setting: Setting): void {
    const flag = setting.secret ? "--secret " : "";
    this.fail(
      setting,
      undefined,
      `is required: ${setting.requiredBecause ?? "it has no default"}`,
      `pulumi config set ${flag}${setting.key} ${exampleOf(setting)}`,
    );
  }

  private check(setting: Setting): void {
    const key = setting.key as K;
    if (setting.secret) {
      this.checkSecret(setting);
      return;
    }
    const value = this.raw(key);
    if (value === undefined) {
      if (setting.default === undefined) this.failRequired(setting);
      return;
    }
    const set = (example: string) => `pulumi config set ${key} ${example}`;
    switch (setting.type) {
      case "integer": {
        const [min, max] = setting.range ?? [-Infinity, Infinity];
        const n = Number(value);
        if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) {
          this.fail(
            setting,
            value,
            `must be a whole number from ${min} to ${max}`,
            set(`<${min}..${max}>`),
          );
        }
        return;
      }
      case "boolean":
        if (value !== "true" && value !== "false") {
          this.fail(setting, value, "must be true or false", set("true|false"));
        }
        return;
      case "array":
        return this.checkList(setting, value);
      case "records":
        // The setting stays valid: the rules see its entries without a problem.
        for (const p of this.readRecordsOf(key).problems) {
          this.problems.add(key, p.value, p.why, p.fix, p.at);
        }
        return;
      case "string":
        if (value !== value.trim()) {
          this.fail(
            setting,
            value,
            "has whitespace at its start or end, which would be kept as part of the value",
            set(
              value.trim().length <= 80 && !/\s/.test(value.trim())
                ? value.trim()
                : "<the value without the whitespace around it>",
            ),
          );
          return;
        }
        return this.checkString(setting, value);
    }
  }

  private checkString(setting: Setting, value: string): void {
    const key = setting.key as K;
    if (setting.oneOf && !setting.oneOf.includes(value)) {
      const choices = setting.oneOf.join(", ").replace(/, ([^,]*)$/, " or $1");
      this.fail(
        setting,
        value,
        `must be ${choices}`,
        `pulumi config set ${key} ${setting.example ?? setting.default}`,
      );
      return;
    }
    if (!setting.format) return;
    const problem = formatProblem(setting.format, value);
    if (!problem) return;
    const fix = `pulumi config set ${key} ${problem.suggestion ?? exampleOf(setting)}`;
    this.invalid.add(key);
    const shown = problem.shownValue ?? value;
    this.problems.add(key, shown, problem.why, fix);
  }

  private checkList(setting: Setting, value: string): void {
    const key = setting.key as K;
    const entries = this.list(key);
    if (entries === undefined) {
      this.fail(
        setting,
        value,
        "must be a list of strings",
        `pulumi config set --path '${key}[0]' <value> (one entry per index)`,
      );
      return;
    }
    const noun = setting.itemsName ?? "entries";
    const unknown = setting.items ? entries.filter((e) => !setting.items!.includes(e)) : [];
    if (setting.minItems !== undefined && entries.length < setting.minItems) {
      const known = setting.items ? ` of: ${setting.items.join(", ")}` : " entries";
      this.fail(
        setting,
        JSON.stringify(entries),
        `must name at least ${setting.minItems}${known}`,
        // The next index: the entries already set stay.
        `pulumi config set --path '${key}[${entries.length}]' ${exampleItem(setting)}`,
      );
    } else if (unknown.length > 0) {
      this.fail(
        setting,
        JSON.stringify(entries),
        `names unknown ${noun}: ${unknown.join(", ")} (known: ${setting.items!.join(", ")})`,
        `use only known ${noun}, e.g. pulumi config set --path '${key}[0]' ${exampleItem(setting)}`,
      );
    }
  }

  /**
   * The engine only enforces encryption for secrets declared in Pulumi.yaml; the optional
   * ones are checked here, and none of them may sit in a stack file in plaintext.
   */
  private checkSecret(setting: Setting): void {
    const key = setting.key as K;
    const full = this.problems.fullKey(key);
    const value = this.read(full);
    if (value === undefined || value === "") {
      if (setting.default === undefined && !setting.optionalSecret) this.failRequired(setting);
      return;
    }
    if (!this.isSecret(full)) {
      this.fail(
        setting,
        undefined,
        "is stored in plaintext in the stack configuration",
        `pulumi config set --secret ${key} <value> (and rotate it: it was readable)`,
      );
    } else if (value !== value.trim()) {
      // A pasted or piped secret often ends in a newline: Nightscout would hash it with it, and
      // every uploader, which sends it without, would get 401.
      this.fail(
        setting,
        undefined,
        "has whitespace at its start or end, which would be kept as part of the secret",
        `pulumi config set --secret ${key} <the same value without the surrounding whitespace>`,
      );
    } else if (setting.minLength !== undefined && value.length < setting.minLength) {
      this.fail(
        setting,
        undefined,
        `is ${value.length} characters long; it needs at least ${setting.minLength}`,
        `pulumi config set --secret ${key} <at least ${setting.minLength} characters>`,
      );
    } else if (setting.format && formatProblem(setting.format, value)) {
      // The reason may quote the value, so only the kind of problem is named, unless the format
      // words its reasons by the value's shape alone.
      this.fail(
        setting,
        undefined,
        SECRET_SAFE_FORMATS.has(setting.format)
          ? formatProblem(setting.format, value)!.why
          : "is not in the expected form",
        `pulumi config set --secret ${key} ${exampleOf(setting)}`,
      );
    }
  }
}
