/**
 * What counts as a secret in a container's environment (fact 20). The Nightscout component
 * refuses such literals and the policy pack's no-literal-secrets uses the same patterns as
 * its default, so the two cannot disagree.
 */

/** Env var names that hold secrets (case-insensitive regular expressions). */
export const SENSITIVE_ENV_NAME_PATTERNS = [
  "SECRET",
  "PASSWORD",
  "PASSWD",
  "TOKEN",
  "CREDENTIAL",
  "(^|_)KEY$",
];

/** `scheme://user:password@host`: a URI that carries a password. */
const CREDENTIAL_URI = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i;

export function hasCredentialUri(value: string): boolean {
  return CREDENTIAL_URI.test(value);
}

/** Whether an env var with this name or value may only come from a Secret. */
export function isSecretLookingEnv(name: string, value: string): boolean {
  return (
    SENSITIVE_ENV_NAME_PATTERNS.some((p) => new RegExp(p, "i").test(name)) ||
    hasCredentialUri(value)
  );
}
