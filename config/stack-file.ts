/**
 * A stack file read the way the Pulumi engine reads it, and the YAML forms that do not mean what
 * they look like. The engine (Go, yaml.v3) resolves plain scalars by its own rules and hands the
 * program only the resulting strings: `0123` arrives as "83" (octal), `2026-12-01T03:00:00Z` as
 * "2026-12-01 03:00:00 +0000 UTC", `null` as "" (and, as the engine warns, as null in a later
 * version). The program cannot tell those from what was meant, so it reads the file itself and
 * refuses them; the offline gate reads stack files through here too, so both see the same values.
 * Measured against pulumi 3.274.1 (`pulumi config --json`); tests/e2e/stack-file-reading.test.ts
 * holds the two readings equal on a corpus of forms.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

/** One plain scalar that the engine rewrites into something its text does not say. */
export interface YamlSurprise {
  /** `nightscout:key`, or `nightscout:key[1]` inside a list. */
  path: string;
  /** The text as written in the file. */
  written: string;
  why: string;
  fix: string;
  /** The same, for a value that must not be shown (a secret): neither text names the value. */
  withoutValue: { why: string; fix: string };
}

/** The `config:` block as the engine hands it over, and the surprises found on the way. */
export interface StackFileReading {
  /** Plain values as the engine's strings; lists and maps as its JSON; `{ secure }` as is. */
  config: Record<string, unknown>;
  surprises: YamlSurprise[];
}

/** A plain scalar, resolved: what the engine stores for it, and what it means in JSON. */
class Resolved {
  constructor(
    readonly written: string,
    /** The string the program receives when this is a whole setting. */
    readonly engineText: string,
    /** The value inside a list or map, which the engine keeps typed. */
    readonly json: unknown,
    readonly surprise?: Pick<YamlSurprise, "why" | "fix" | "withoutValue">,
  ) {}

  // As a mapping key it is the text as written (js-yaml calls String on any key but a plain
  // object, which the tag makes this not look like).
  get [Symbol.toStringTag](): string {
    return "Resolved";
  }

  toString(): string {
    return this.written;
  }
}

const NULL_FORMS = ["", "~", "null", "Null", "NULL"];
const TRUE_FORMS = ["true", "True", "TRUE"];
const FALSE_FORMS = ["false", "False", "FALSE"];
/** yaml.v3's `yamlStyleFloat`, after it has removed underscores. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Said of a secret written in a form the engine rewrites: how is not said, since it shows. */
const SECRET_FORM = {
  why: "is written unquoted in a form that Pulumi rewrites (a number, a timestamp)",
  fix: "store it with pulumi config set --secret <key> <value>, which encrypts and quotes it",
};

/** What yaml.v3 and then Pulumi make of a plain (unquoted) scalar. */
export function resolvePlainScalar(text: string): Resolved {
  if (NULL_FORMS.includes(text)) {
    return new Resolved(text, "", null, {
      why:
        "is YAML null: Pulumi passes it on as an empty value today (so the default applies) " +
        "and as null in a later version",
      fix: "remove the key to use the default (pulumi config rm <key>), or give it a value",
      withoutValue: {
        why: "is YAML null",
        fix: "remove the key to use the default, or give it a value",
      },
    });
  }
  if (TRUE_FORMS.includes(text)) return new Resolved(text, "true", true);
  if (FALSE_FORMS.includes(text)) return new Resolved(text, "false", false);
  if (/^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(text)) {
    return new Resolved(text, text, null, {
      why: "is YAML infinity or not-a-number, which Pulumi cannot store, so it refuses the file",
      fix: `quote it ("${text}") if you mean the text, or write a number`,
      withoutValue: SECRET_FORM,
    });
  }
  const timestamp = goTimestamp(text);
  if (timestamp !== undefined) {
    return new Resolved(text, timestamp, timestamp, {
      why: `is an unquoted timestamp, which Pulumi rewrites as "${timestamp}"`,
      fix: `quote it: "${text}"`,
      withoutValue: SECRET_FORM,
    });
  }
  const plain = text.replace(/_/g, "");
  const integer = goInteger(plain);
  if (integer !== undefined) {
    const engineText = integer.toString();
    if (/^[-+]?0[0-9]/.test(plain)) {
      return new Resolved(text, engineText, Number(integer), {
        why: `is a zero-padded number, which Pulumi reads as octal where it can: ${engineText}`,
        fix: `write it without the leading zeros (${String(Number(plain.replace(/^([-+]?)0+(?=\d)/, "$1")))}), or quote it ("${text}") if you mean the text`,
        withoutValue: SECRET_FORM,
      });
    }
    return new Resolved(text, engineText, Number(integer));
  }
  if (YAML_FLOAT.test(plain)) {
    const n = Number(plain);
    // Pulumi stores it through Go's JSON encoder, which spells a float as JavaScript does.
    if (/^[-+]?0[0-9]/.test(plain)) {
      return new Resolved(text, String(n), n, {
        why: `is a zero-padded number, which Pulumi reads as ${String(n)}`,
        fix: `write ${String(n)}, or quote it ("${text}") if you mean the text`,
        withoutValue: SECRET_FORM,
      });
    }
    return new Resolved(text, String(n), n);
  }
  return new Resolved(text, text, text);
}

/** strconv.ParseInt(s, 0, 64), then ParseUint, then yaml.v3's own 0b/0o forms; else undefined. */
function goInteger(s: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[1-9][0-9]*|0)$/.exec(s);
  if (!m) return undefined;
  const [, sign, digits] = m;
  let magnitude: bigint;
  if (/^0[oO]/.test(digits)) magnitude = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]/.test(digits)) magnitude = BigInt(`0o${digits.slice(1)}`);
  else magnitude = BigInt(digits);
  const value = sign === "-" ? -magnitude : magnitude;
  const limit = sign === "-" ? INT64_MAX + 1n : sign === "+" ? INT64_MAX : UINT64_MAX;
  return magnitude <= limit ? value : undefined;
}

/**
 * yaml.v3 accepts four timestamp layouts (short month and day allowed, a zone required after a
 * "T"); Pulumi then prints the time as Go's Time.String does, in the zone it was written in.
 */
function goTimestamp(text: string): string | undefined {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?))?$/.exec(
      text,
    );
  if (!m) return undefined;
  const [year, month, day] = [m[1], m[2], m[3]].map(Number);
  const [hour, minute, second] = (m[4] ? [m[4], m[5], m[6]] : [m[9], m[10], m[11]]).map((x) =>
    Number(x ?? 0),
  );
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = (m[7] ?? m[12] ?? "").replace(/0+$/, "").replace(/^\.$/, "");
  const zone = m[8] ?? "Z";
  const offset =
    zone === "Z" || zone === "+00:00"
      ? "+0000 UTC"
      : `${zone.replace(":", "")} ${zone.replace(":", "")}`;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)}${fraction} ${offset}`;
}

const NULL = resolvePlainScalar("");

/** js-yaml hands every plain scalar here (quoted ones stay strings), so none escapes resolving. */
const PLAIN_SCALAR = new yaml.Type("tag:yaml.org,2002:plain", {
  kind: "scalar",
  resolve: () => true,
  construct: (text: string) => resolvePlainScalar(text),
});
const ENGINE_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({ implicit: [PLAIN_SCALAR] });

/** Refused by the engine before the program runs; the gate says which key and where. */
export class StackFileError extends Error {}

/** Reads a stack file's text as the engine would; throws StackFileError on what it refuses. */
export function readStackFile(text: string, fileName: string): StackFileReading {
  let parsed: unknown;
  try {
    parsed = yaml.load(text, { schema: ENGINE_SCHEMA, filename: fileName });
  } catch (error) {
    throw new StackFileError(yamlErrorMessage(error, text, fileName));
  }
  const root = isMap(parsed) ? parsed : {};
  const block = root.config;
  const config: Record<string, unknown> = {};
  const surprises: YamlSurprise[] = [];
  if (!isMap(block)) return { config, surprises };
  for (const [key, value] of Object.entries(block)) {
    if (typeof value === "string") {
      config[key] = value;
    } else if (isMap(value) && Object.keys(value).length === 1 && "secure" in value) {
      config[key] = { secure: plainJson(value.secure, key, surprises) };
    } else {
      // A whole setting is the engine's string; a list or map keeps its values typed, as JSON.
      const json = plainJson(value, key, surprises);
      config[key] =
        value instanceof Resolved || value === null
          ? (value ?? NULL).engineText
          : JSON.stringify(json);
    }
  }
  return { config, surprises };
}

function plainJson(value: unknown, at: string, surprises: YamlSurprise[]): unknown {
  if (value instanceof Resolved) {
    if (value.surprise) surprises.push({ path: at, written: value.written, ...value.surprise });
    return value.json;
  }
  // A key with nothing after it never reaches the scalar resolver: it is null as well.
  if (value === null) return plainJson(NULL, at, surprises);
  if (Array.isArray(value)) return value.map((v, i) => plainJson(v, `${at}[${i}]`, surprises));
  if (isMap(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, plainJson(v, `${at}.${k}`, surprises)]),
    );
  }
  return value;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Resolved)
  );
}

/** js-yaml names a duplicated key by position only; say which key, and where it was first set. */
function yamlErrorMessage(error: unknown, text: string, fileName: string): string {
  if (!(error instanceof yaml.YAMLException)) throw error;
  const line = error.mark ? error.mark.line + 1 : undefined;
  if (error.reason === "duplicated mapping key" && line !== undefined) {
    const lines = text.split("\n");
    const name = keyOfLine(lines[line - 1] ?? "");
    const first = name ? lines.findIndex((l, i) => i < line - 1 && keyOfLine(l) === name) : -1;
    const where = first >= 0 ? ` (first set on line ${first + 1})` : "";
    return (
      `${fileName} line ${line}: ${name ?? "a key"} is set twice${where}, and Pulumi refuses ` +
      `the file. Fix: keep one of the two lines`
    );
  }
  return `${fileName} is not valid YAML: ${error.reason}${line !== undefined ? ` (line ${line})` : ""}. Fix: correct the file at that line`;
}

/** The mapping key a line of the file sets, quoted or not; undefined for any other line. */
function keyOfLine(line: string): string | undefined {
  const key = /^\s*(?:"([^"]+)"|'([^']+)'|(\S.*?))\s*:(?:\s|$)/.exec(line);
  return key ? (key[1] ?? key[2] ?? key[3]) : undefined;
}

/**
 * The stack file the engine read for `stack`, found as the engine finds it: next to the project
 * file, or under its `stackConfigDir`. Undefined when there is none, or the project file there
 * is another project's (configuration given only
 * through the Automation API, say): then the engine's values are all there is to check.
 */
export function findStackFile(
  projectDir: string,
  project: string,
  stack: string,
): { name: string; text: string } | undefined {
  const projectFile = ["Pulumi.yaml", "Pulumi.yml"]
    .map((f) => path.join(projectDir, f))
    .find((f) => fs.existsSync(f));
  if (!projectFile) return undefined;
  const settings = yaml.load(fs.readFileSync(projectFile, "utf8")) as {
    name?: string;
    stackConfigDir?: string;
  } | null;
  // Another project's files (a test run from the repository root for platform/, say).
  if (settings?.name !== project) return undefined;
  const dir = path.resolve(projectDir, settings.stackConfigDir ?? ".");
  for (const ext of ["yaml", "yml"]) {
    const file = path.join(dir, `Pulumi.${stack}.${ext}`);
    if (fs.existsSync(file)) {
      return { name: path.basename(file), text: fs.readFileSync(file, "utf8") };
    }
  }
  return undefined;
}
