/**
 * Settings that hold a list of records (`access`: one entry per person or device), as the engine
 * hands them over: JSON of what the stack file holds. `pulumi config set --path` writes every
 * value as text, a stack file written by hand holds YAML numbers and booleans, so a field takes
 * either. Each entry is checked against its fields' declarations; every problem is reported, at
 * its path (`access[1].roles`), and only the entries without one are handed on.
 */
import type { RecordField, Setting } from "./settings/setting";

/** One entry, its fields coerced to their declared types; absent optional fields are left out. */
export type RecordEntry = Record<string, string | number | boolean | string[]>;

/** A problem at `at` (`[1].roles`, or "" for the whole value) inside a records setting. */
export interface RecordProblem {
  at: string;
  /** The value as given; undefined for a missing field. */
  value: string | undefined;
  why: string;
  /** What to run, with the setting's key in front: `--path 'access[1].roles[0]' readable`. */
  fix: string;
}

export interface ReadRecords {
  /** The entries without a problem, each with its index in the list, for the rules' paths. */
  entries: { index: number; fields: RecordEntry }[];
  problems: RecordProblem[];
}

/** A value as given: text as it is, anything else as JSON (Problems quotes it once more). */
const shown = (value: unknown) =>
  typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));

function coerced(
  field: RecordField,
  value: unknown,
): string | number | boolean | string[] | undefined {
  switch (field.type) {
    case "string":
      return typeof value === "string" ? value : undefined;
    case "integer": {
      const text = typeof value === "number" ? String(value) : value;
      return typeof text === "string" && /^\d+$/.test(text) ? Number(text) : undefined;
    }
    case "boolean":
      if (value === true || value === "true") return true;
      if (value === false || value === "false") return false;
      return undefined;
    case "array":
      return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
  }
}

const expected: Record<RecordField["type"], string> = {
  string: "a string",
  integer: "a whole number",
  boolean: "true or false",
  array: "a list of strings",
};

/** The problem with one field's value, or undefined; `at` is the field's path. */
function fieldProblem(
  key: string,
  at: string,
  field: RecordField,
  value: unknown,
): { problem?: RecordProblem; value?: RecordEntry[string] } {
  const fixWith = (example: string) =>
    field.type === "array"
      ? `pulumi config set --path '${key}${at}[0]' ${example}`
      : `pulumi config set --path '${key}${at}' ${example}`;
  const typed = coerced(field, value);
  if (typed === undefined) {
    return {
      problem: {
        at,
        value: shown(value),
        why: `must be ${expected[field.type]}`,
        // A list cannot be set by index over a value of another kind: it goes first.
        fix:
          field.type === "array"
            ? `pulumi config rm --path '${key}${at}' && ${fixWith(field.example)}`
            : fixWith(field.example),
      },
    };
  }
  if (typeof typed === "string" && typed.trim() !== typed) {
    return {
      problem: {
        at,
        value: shown(value),
        why: "has whitespace at its start or end, which would be kept as part of the value",
        fix: fixWith(JSON.stringify(typed.trim())),
      },
    };
  }
  if (typeof typed === "string" && field.oneOf && !field.oneOf.includes(typed)) {
    return {
      problem: {
        at,
        value: shown(value),
        why: `must be ${field.oneOf.join(" or ")}`,
        fix: fixWith(field.example),
      },
    };
  }
  if (typeof typed === "string" && field.required && typed === "") {
    return {
      problem: { at, value: shown(value), why: "must not be empty", fix: fixWith(field.example) },
    };
  }
  if (
    typeof typed === "number" &&
    field.range &&
    (typed < field.range[0] || typed > field.range[1])
  ) {
    const [min, max] = field.range;
    return {
      problem: {
        at,
        value: shown(value),
        why: `must be a whole number from ${min} to ${max}`,
        fix: fixWith(`<${min}..${max}>`),
      },
    };
  }
  return { value: typed };
}

/** Reads the records setting `setting` from its raw JSON text, as config/read.ts is given it. */
export function readRecords(setting: Setting, text: string): ReadRecords {
  const fields = setting.fields ?? {};
  const names = Object.keys(fields);
  const first = names.find((n) => fields[n].required) ?? names[0];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed)) {
    return {
      entries: [],
      problems: [
        {
          at: "",
          value: text,
          why: `must be a list of entries, each with ${names.join(", ")}`,
          fix: `pulumi config set --path '${setting.key}[0].${first}' ${fields[first]?.example ?? "<value>"} (one entry per index)`,
        },
      ],
    };
  }
  const entries: ReadRecords["entries"] = [];
  const problems: RecordProblem[] = [];
  parsed.forEach((raw: unknown, index) => {
    const at = `[${index}]`;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      problems.push({
        at,
        value: shown(raw),
        why: `must be an entry with ${names.join(", ")}, not ${raw === null ? "null" : Array.isArray(raw) ? "a list" : `a ${typeof raw}`}`,
        fix: `pulumi config set --path '${setting.key}${at}.${first}' ${fields[first]?.example ?? "<value>"}`,
      });
      return;
    }
    const given = raw as Record<string, unknown>;
    const entry: RecordEntry = {};
    let valid = true;
    for (const name of Object.keys(given)) {
      if (fields[name]) continue;
      valid = false;
      problems.push({
        at: `${at}.${name}`,
        value: shown(given[name]),
        why: `is not a field of an entry (fields: ${names.join(", ")}), so it would be ignored`,
        fix: `pulumi config rm --path '${setting.key}${at}.${name}'`,
      });
    }
    for (const [name, field] of Object.entries(fields)) {
      if (given[name] === undefined || given[name] === null) {
        if (!field.required) continue;
        valid = false;
        problems.push({
          at: `${at}.${name}`,
          value: undefined,
          why: `is required: ${field.description}`,
          fix: `pulumi config set --path '${setting.key}${at}.${name}${field.type === "array" ? "[0]" : ""}' ${field.example}`,
        });
        continue;
      }
      const checked = fieldProblem(setting.key, `${at}.${name}`, field, given[name]);
      if (checked.problem) {
        valid = false;
        problems.push(checked.problem);
      } else entry[name] = checked.value!;
    }
    if (valid) entries.push({ index, fields: entry });
  });
  return { entries, problems };
}
