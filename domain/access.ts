/**
 * Nightscout's access tokens (cgm-remote-monitor 15.0.7: lib/authorization/storage.js and
 * lib/server/enclave.js). A token is computed from a subject each time Nightscout loads its
 * subjects, never stored: the same subject `_id` and the same API_SECRET give the same token,
 * deleting the subject revokes it, and changing API_SECRET changes every token at once.
 */
import { createHash } from "node:crypto";

/**
 * Subjects the stack makes for itself: the glucose exporter reads the newest entry with its own
 * token rather than API_SECRET's hash, which grants everything. No declared entry may take a
 * name whose token would start as theirs.
 */
export const GLUCOSE_EXPORTER_SUBJECT = "glucose-exporter";
export const MANAGED_SUBJECTS = [{ name: GLUCOSE_EXPORTER_SUBJECT, roles: ["readable"] }] as const;

/** How much of the name and of the digest a token carries. */
export const TOKEN_ABBREVIATION_LENGTH = 10;
export const TOKEN_DIGEST_LENGTH = 16;

/**
 * The token's readable prefix: the name lowercased, every character outside [A-Za-z0-9_]
 * dropped (JavaScript's `\W` without the unicode flag, so "ë" goes and "İ" leaves its "i"),
 * cut to 10 characters.
 */
export function tokenAbbreviation(name: string): string {
  return name.toLowerCase().replace(/\W/g, "").substring(0, TOKEN_ABBREVIATION_LENGTH);
}

/** The subject hash of Nightscout's enclave: hex SHA-1 of hex SHA-1(API_SECRET) + the `_id`. */
export function subjectDigest(apiSecret: string, subjectId: string): string {
  const secretHash = createHash("sha1").update(apiSecret).digest("hex");
  return createHash("sha1").update(secretHash).update(subjectId).digest("hex");
}

/** The access token Nightscout gives `subject` under `apiSecret`. */
export function accessToken(subject: { name: string; _id: string }, apiSecret: string): string {
  const digest = subjectDigest(apiSecret, subject._id).slice(0, TOKEN_DIGEST_LENGTH);
  return `${tokenAbbreviation(subject.name)}-${digest}`;
}

/**
 * Names whose tokens would start alike, grouped by their abbreviation (groups of two or more,
 * in the order the names come): such people cannot tell their links apart.
 */
export function abbreviationClashes(names: readonly string[]): string[][] {
  const byAbbreviation = new Map<string, string[]>();
  for (const name of names) {
    const abbreviation = tokenAbbreviation(name);
    byAbbreviation.set(abbreviation, [...(byAbbreviation.get(abbreviation) ?? []), name]);
  }
  return [...byAbbreviation.values()].filter((group) => group.length > 1);
}
