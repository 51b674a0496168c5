/**
 * Asserting that output holds no secret without ever printing the secret: jest's
 * `expect(text).not.toContain(secret)` puts both into its failure message, and so into CI
 * logs. These helpers report only where a secret was found.
 */

/** Every form in which a password could leak into output: as is, and percent-encoded. */
export function leakForms(password: string): string[] {
  return [...new Set([password, encodeURIComponent(password)])];
}

/**
 * Where in `value` (a string, an Error, or arrays and objects of them) any of `secrets`
 * occurs, as a path like `$.stderr (character 120)`; undefined when nowhere.
 */
export function findSecret(
  value: unknown,
  secrets: readonly string[],
  path = "$",
): string | undefined {
  if (typeof value === "string") {
    for (const secret of secrets) {
      const at = secret ? value.indexOf(secret) : -1;
      if (at >= 0) return `${path} (character ${at})`;
    }
    return undefined;
  }
  if (value instanceof Error) {
    return (
      findSecret(value.message, secrets, `${path}.message`) ??
      findSecret(value.stack ?? "", secrets, `${path}.stack`)
    );
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findSecret(value[i], secrets, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      const found = findSecret(inner, secrets, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** Throws "a secret value was found at <path>" (and nothing of the secret) if one is. */
export function expectNoSecret(value: unknown, secrets: readonly string[], path = "$"): void {
  const where = findSecret(value, secrets, path);
  if (where !== undefined) throw new Error(`a secret value was found at ${where}`);
}
