/**
 * How a problem with a setting reads: the full key, the value as shown (quoted, escaped, cut, or
 * masked for a secret), why, and a fix that names a valid value.
 */
import { APP_SETTINGS, DeclaredSettings, Setting, SettingKey } from "./settings";

/**
 * The app's declarations, as the declarations of `K`: `K` is left at its default, SettingKey,
 * exactly when a caller passes no declarations of its own.
 */
export function appSettings<K extends string>(): DeclaredSettings<K> {
  return APP_SETTINGS as unknown as DeclaredSettings<K>;
}

/** Every problem found, each naming the key, the value (secrets masked) and a fix. */
export class Problems<K extends string = SettingKey> {
  readonly messages: string[] = [];
  constructor(
    private readonly project: string,
    private readonly declared: DeclaredSettings<K> = appSettings<K>(),
  ) {}

  fullKey(key: K): string {
    return `${this.project}:${key}`;
  }

  /** `at` is a place inside the value: an entry's field (`[1].roles`) of a records setting. */
  add(key: K, value: string | undefined, why: string, fix: string, at = ""): void {
    const shown = this.declared.of(key).secret ? "(secret)" : quote(value);
    this.messages.push(`${this.fullKey(key)}${at} = ${shown}: ${why}. Fix: ${fix}`);
  }
}

/** Past this, a value is cut in messages: a pasted file should not flood the terminal. */
const MAX_SHOWN_CHARACTERS = 120;

/**
 * A value as a message shows it: quoted, every invisible or line-breaking character escaped
 * (JSON leaves U+2028 and friends raw), and cut when long.
 */
export function quote(value: string | undefined): string {
  if (value === undefined) return "undefined";
  const cut =
    value.length > MAX_SHOWN_CHARACTERS
      ? `${value.slice(0, MAX_SHOWN_CHARACTERS)}... (${value.length} characters)`
      : value;
  return JSON.stringify(cut).replace(
    /[\p{C}\p{Zl}\p{Zp}\u00a0\u2000-\u200b\u3000\ufeff]/gu,
    (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
}

/** A valid example of `setting`, for a fix: its example, else its default. */
export function exampleOf(setting: Setting): string {
  if (setting.example !== undefined) return setting.example;
  const d = setting.default;
  return Array.isArray(d) ? d.join(" ") : String(d ?? "<value>");
}

/**
 * One entry of a list setting to show in a fix: its default's first (the safe choice, where
 * the first known item may be the most powerful, as admin is of the roles), else the first known.
 */
export function exampleItem(setting: Setting): string {
  const first: unknown = Array.isArray(setting.default) ? setting.default[0] : undefined;
  return String(first ?? setting.items?.[0] ?? "<value>");
}
