import { POSTGRES_MAJOR, PairingFinding, pairingFindings } from "../../domain";
import { Settings } from "../read";
import type { SettingKey } from "../settings";

interface Problem {
  key: SettingKey;
  why: string;
  fix: string;
  /** A version mismatch, which an upgrade in progress turns into a warning. */
  mismatch?: boolean;
}

/** How the config names each pairing finding: the key, why, and the fix. */
function problemOf(f: PairingFinding): Problem {
  switch (f.kind) {
    case "postgresTagUnreadable":
      return {
        key: "postgresImage",
        why: "is not a postgres-documentdb image tag <pg>-<documentdb>-ferretdb-<ferretdb>",
        fix: "use e.g. ghcr.io/ferretdb/postgres-documentdb:17-0.107.0-ferretdb-2.7.0",
      };
    case "postgresMajor":
      return {
        key: "postgresImage",
        why: `is PostgreSQL ${f.postgres}; this stack runs PostgreSQL ${POSTGRES_MAJOR}`,
        fix: `use a ${POSTGRES_MAJOR}-<documentdb>-ferretdb-<ferretdb> tag`,
      };
    case "ferretdbTagUnreadable":
      return {
        key: "ferretdbImage",
        why: "has no version tag, so its DocumentDB pairing cannot be checked",
        fix: "use e.g. ghcr.io/ferretdb/ferretdb:2.7.0",
      };
    case "ferretdbUnknown":
      return {
        key: "ferretdbImage",
        why: `FerretDB ${f.ferretdb} is not a known v2 release with a DocumentDB pairing`,
        fix: "use 2.7.0 with DocumentDB 0.107.0 (or another pair from the FerretDB changelog)",
      };
    case "documentdbMismatch":
      return {
        key: "ferretdbImage",
        why: `FerretDB ${f.ferretdb} works with DocumentDB ${f.expected}, but postgresImage carries DocumentDB ${f.documentdb}`,
        fix: `upgrade both as a pair: postgresImage ...:${POSTGRES_MAJOR}-${f.expected}-ferretdb-${f.ferretdb}, or a FerretDB that pairs with ${f.documentdb}`,
        mismatch: true,
      };
    case "builtForOtherFerretdb":
      return {
        key: "ferretdbImage",
        why: `postgresImage was built for FerretDB ${f.builtFor}`,
        fix: `use ghcr.io/ferretdb/ferretdb:${f.builtFor} or the matching postgres-documentdb tag`,
        mismatch: true,
      };
  }
}

/**
 * Fact 1: FerretDB and the DocumentDB extension in the PostgreSQL image are released in
 * pairs. During an upgrade (image first, extension, then FerretDB) the two differ by design,
 * so with upgradeInProgress a mismatch is returned as a warning; a malformed tag never is.
 */
export function imagePairingRule(s: Settings): string[] {
  if (!s.isValid("postgresImage") || !s.isValid("ferretdbImage")) return [];
  const warnings: string[] = [];
  for (const finding of pairingFindings(s.text("postgresImage")!, s.text("ferretdbImage")!)) {
    const { key, why, fix, mismatch } = problemOf(finding);
    if (mismatch && s.flag("upgradeInProgress")) {
      warnings.push(
        `${s.problems.fullKey(key)}: ${why} (accepted because upgradeInProgress is true; set it to false when the upgrade is done)`,
      );
    } else {
      s.problems.add(key, s.text(key), why, fix);
    }
  }
  return warnings;
}
