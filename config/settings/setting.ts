/** What a setting declaration says about its key. */
import type { StringFormat } from "../formats";

export type SettingType = "string" | "integer" | "boolean" | "array" | "records";

/** One field of a records setting's entries (config/records.ts reads them). */
export interface RecordField {
  type: "string" | "integer" | "boolean" | "array";
  /** What the field is for; a missing required field's message says it. */
  description: string;
  required?: true;
  /** A valid value, for the fix. */
  example: string;
  oneOf?: readonly string[];
  range?: readonly [number, number];
}

export interface Setting {
  key: string;
  type: SettingType;
  description: string;
  /**
   * The engine treats a declared key without a default as required, so optional keys get an
   * empty default ("" or 0) that the program reads as unset.
   */
  default?: string | number | boolean | readonly string[];
  secret?: true;
  /**
   * Optional secrets stay out of Pulumi.yaml: declared there without a default they would
   * become required. The program itself rejects them when they are stored in plaintext.
   */
  optionalSecret?: true;
  /** Strings: what the value must look like (config/formats.ts checks it). */
  format?: StringFormat;
  /** Strings: the only values accepted. */
  oneOf?: readonly string[];
  /** Integers: the smallest and largest value accepted (why, beside each). */
  range?: readonly [number, number];
  /** Arrays: the only entries accepted, and how many there must be at least. */
  items?: readonly string[];
  minItems?: number;
  /** Records: the fields of each entry. */
  fields?: Readonly<Record<string, RecordField>>;
  /** Secrets: the shortest value accepted. */
  minLength?: number;
  /** Settings without a default are required: why, for the message. */
  requiredBecause?: string;
  /** Arrays: what the entries are called in messages ("roles", "plugins"). */
  itemsName?: string;
  /** A valid value for the fix in a message, when the default is empty or not an example. */
  example?: string;
}

/**
 * One project's settings: its name (the namespace of its keys) and its declarations, with the
 * keys as a type, so a typo in the program's own reads fails to compile. The app and platform/
 * each declare theirs; config/read.ts reads and checks either the same way.
 */
export interface DeclaredSettings<K extends string = string> {
  readonly project: string;
  readonly settings: readonly Setting[];
  /** The declaration of `key`. */
  of(key: K): Setting;
}

/**
 * Declares `settings` as `project`'s. Pass them `as const satisfies readonly Setting[]` so each
 * key stays a literal type. Two declarations of one key are refused here, when the module
 * loads: the second would never be read.
 */
export function declareSettings<const T extends readonly Setting[]>(
  project: string,
  settings: T,
): DeclaredSettings<T[number]["key"]> {
  const byKey = new Map<string, Setting>();
  for (const s of settings) {
    if (byKey.has(s.key)) throw new Error(`${project}:${s.key} is declared twice`);
    byKey.set(s.key, s);
  }
  return { project, settings, of: (key) => byKey.get(key)! };
}
