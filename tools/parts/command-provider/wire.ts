/**
 * Property values as the engine's provider protocol carries them: secrets and output values
 * wrapped in signature-keyed objects, unknowns as a sentinel string. What the command stand-in
 * (provider.ts) needs to see through them, mark them, and compare them.
 */

// The engine's wire markers (sdk/go/common/resource/properties.go), as the Node SDK's
// runtime/rpc.ts spells them. Spelled out here so the provider loads only the server.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A property value as the provider server hands it over (Struct.toJavaScript). */
export type Wire = unknown;
export type WireMap = Record<string, Wire>;

export function isObject(v: Wire): v is WireMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isSecretWrapper(v: Wire): v is WireMap {
  return isObject(v) && v[SIG_KEY] === SECRET_SIG;
}

function isOutputValue(v: Wire): v is WireMap {
  return isObject(v) && v[SIG_KEY] === OUTPUT_VALUE_SIG;
}

/** Whether `v` holds a secret anywhere. */
export function containsSecret(v: Wire): boolean {
  if (isSecretWrapper(v)) return true;
  if (isOutputValue(v)) return v.secret === true || containsSecret(v.value);
  if (Array.isArray(v)) return v.some(containsSecret);
  if (isObject(v)) return Object.values(v).some(containsSecret);
  return false;
}

/** Whether `v` holds a value the engine does not know yet (only in previews). */
export function containsUnknown(v: Wire): boolean {
  if (v === UNKNOWN) return true;
  if (isSecretWrapper(v)) return containsUnknown(v.value);
  if (isOutputValue(v)) return !("value" in v) || containsUnknown(v.value);
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (isObject(v)) return Object.values(v).some(containsUnknown);
  return false;
}

/** `v` with every secret marker removed: what a command gets to see. */
export function reveal(v: Wire): Wire {
  if (isSecretWrapper(v)) return reveal(v.value);
  if (isOutputValue(v)) return reveal(v.value);
  if (Array.isArray(v)) return v.map(reveal);
  if (isObject(v)) {
    const out: WireMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = reveal(x);
    return out;
  }
  return v;
}

/** `v` wrapped as a secret for the engine. */
export function secretWire(v: Wire): WireMap {
  return { [SIG_KEY]: SECRET_SIG, value: v };
}

/** A canonical text of a revealed value, so key order does not count as a change. */
export function canonical(v: Wire): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  }
  return v === undefined ? "null" : JSON.stringify(v);
}
