/**
 * --carry-deletes: the documents the migration copied that the source has deleted since,
 * removed from the target only after they are saved, and never more of a collection than
 * DELETE_CAP_PERCENT of it unless the operator confirmed the number. A source that looks
 * emptied (a wrong --from, a restore gone wrong, a truncated dump) must not empty the target.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BSON } from "mongodb";
import { MIGRATE_EXIT_CODES, MigrateError } from "./exit-codes";
import { DELETE_CAP_PERCENT } from "./options";
import { decodeFaithfully } from "./raw-bson";

export interface DeletePolicy {
  stateDir: string;
  /** Documents a collection may lose beyond the cap (--confirm-deletes); 0 when not given. */
  confirmed: number;
}

/** How many of `onTarget` documents a run removes without confirmation. */
export const unconfirmedLimit = (onTarget: number): number =>
  Math.floor((onTarget * DELETE_CAP_PERCENT) / 100);

/** Why removing `count` of a collection's `onTarget` documents needs a confirmation, or undefined. */
export function overCap(
  collection: string,
  count: number,
  onTarget: number,
  confirmed: number,
): string | undefined {
  if (count <= unconfirmedLimit(onTarget) || count <= confirmed) return undefined;
  const share = onTarget > 0 ? Math.round((count / onTarget) * 100) : 100;
  return (
    `${collection}: ${count} of the ${onTarget} documents on the target (${share} %) were copied and are gone from the source, ` +
    `more than the ${DELETE_CAP_PERCENT} % a run removes unconfirmed` +
    (confirmed > 0 ? ` and more than --confirm-deletes ${confirmed}` : "") +
    `. Nothing was removed. A wrong --from or an emptied source looks like this: check the source, ` +
    `then rerun with --carry-deletes --confirm-deletes ${count}`
  );
}

/** Throws the refusal when removing `count` documents needs a confirmation it does not have. */
export function checkCap(
  collection: string,
  count: number,
  onTarget: number,
  policy: DeletePolicy,
): void {
  const problem = overCap(collection, count, onTarget, policy.confirmed);
  if (problem) throw new MigrateError(MIGRATE_EXIT_CODES.deletesOverCap, problem);
}

/**
 * Writes the documents about to be removed, one canonical Extended JSON object a line, to a
 * new file under `<state-dir>/removed/` (owner-only: it holds health data), flushed to disk
 * before anything is removed. Returns the file.
 */
export function saveRemoved(
  policy: DeletePolicy,
  collection: string,
  raws: readonly Buffer[],
): string {
  const dir = path.join(policy.stateDir, "removed");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = path.join(dir, `${collection}-${stamp}.ejson`);
  const fd = fs.openSync(file, "wx", 0o600);
  try {
    for (const raw of raws) {
      fs.writeSync(fd, `${BSON.EJSON.stringify(decodeFaithfully(raw), { relaxed: false })}\n`);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}
