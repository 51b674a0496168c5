import {
  POSTGRES_MAJOR,
  documentDbFor,
  parseDocumentDbImageTag,
  parseFerretDbImageVersion,
} from "../../domain";
import { Settings } from "../read";
import type { SettingKey } from "../settings";

/**
 * Fact 1: FerretDB and the DocumentDB extension in the PostgreSQL image are released in
 * pairs. During an upgrade (image first, extension, then FerretDB) the two differ by design,
 * so with upgradeInProgress a mismatch is returned as a warning; a malformed tag never is.
 */
export function imagePairingRule(s: Settings): string[] {
  const warnings: string[] = [];
  if (!s.isValid("postgresImage") || !s.isValid("ferretdbImage")) return warnings;
  const postgresImage = s.text("postgresImage")!;
  const ferretdbImage = s.text("ferretdbImage")!;
  const mismatch = (key: SettingKey, value: string, why: string, fix: string) => {
    if (s.flag("upgradeInProgress")) {
      warnings.push(
        `${s.problems.fullKey(key)}: ${why} (accepted because upgradeInProgress is true; set it to false when the upgrade is done)`,
      );
    } else {
      s.problems.add(key, value, why, fix);
    }
  };

  const documentdb = parseDocumentDbImageTag(postgresImage);
  if (!documentdb) {
    s.problems.add(
      "postgresImage",
      postgresImage,
      "is not a postgres-documentdb image tag <pg>-<documentdb>-ferretdb-<ferretdb>",
      "use e.g. ghcr.io/ferretdb/postgres-documentdb:17-0.107.0-ferretdb-2.7.0",
    );
    return warnings;
  }
  if (documentdb.postgres !== POSTGRES_MAJOR) {
    s.problems.add(
      "postgresImage",
      postgresImage,
      `is PostgreSQL ${documentdb.postgres}; this stack runs PostgreSQL ${POSTGRES_MAJOR}`,
      `use a ${POSTGRES_MAJOR}-<documentdb>-ferretdb-<ferretdb> tag`,
    );
  }
  const ferretdb = parseFerretDbImageVersion(ferretdbImage);
  if (!ferretdb) {
    s.problems.add(
      "ferretdbImage",
      ferretdbImage,
      "has no version tag, so its DocumentDB pairing cannot be checked",
      "use e.g. ghcr.io/ferretdb/ferretdb:2.7.0",
    );
    return warnings;
  }
  const expected = documentDbFor(ferretdb);
  if (expected === undefined) {
    s.problems.add(
      "ferretdbImage",
      ferretdbImage,
      `FerretDB ${ferretdb} is not a known v2 release with a DocumentDB pairing`,
      "use 2.7.0 with DocumentDB 0.107.0 (or another pair from the FerretDB changelog)",
    );
  } else if (expected !== documentdb.documentdb) {
    mismatch(
      "ferretdbImage",
      ferretdbImage,
      `FerretDB ${ferretdb} works with DocumentDB ${expected}, but postgresImage carries DocumentDB ${documentdb.documentdb}`,
      `upgrade both as a pair: postgresImage ...:${POSTGRES_MAJOR}-${expected}-ferretdb-${ferretdb}, or a FerretDB that pairs with ${documentdb.documentdb}`,
    );
  } else if (documentdb.ferretdb !== ferretdb) {
    mismatch(
      "ferretdbImage",
      ferretdbImage,
      `postgresImage was built for FerretDB ${documentdb.ferretdb}`,
      `use ghcr.io/ferretdb/ferretdb:${documentdb.ferretdb} or the matching postgres-documentdb tag`,
    );
  }
  return warnings;
}
