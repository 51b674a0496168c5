/**
 * Verification of one collection: both sides read in `_id` order, bucket by bucket, in
 * lockstep; each side's documents as canonical Extended JSON feed that side's SHA-256
 * digest, and the first `_id` where they part is named. Documents in the dead-letter file
 * are left out of the source side (the report counts them).
 *
 * In repair mode (the catch-up pass) a document missing on the target is inserted and one
 * that differs is replaced from the source, so documents written to or edited on the source
 * during the migration arrive.
 *
 * A document only on the target is one of two kinds, told apart by the record of copied
 * `_id`s (copied-ids.ts). Copied, then deleted on the source: a difference, which
 * --carry-deletes repairs by removing it (saved first, within the cap: removed.ts). Never
 * copied (the new site wrote it): not the source's, so it is left out of the comparison,
 * counted as kept, and never removed.
 */
import { createHash, type Hash } from "node:crypto";
import type { Db } from "mongodb";
import { fieldNames } from "./bson-scan";
import type { Endpoint } from "./connect";
import { handleRefusals, type CopyContext } from "./copy";
import { BUCKETS, canonical, compareIds, idText } from "./id-order";
import { decodeFaithfully as decode } from "./raw-bson";
import { checkCap, saveRemoved, type DeletePolicy } from "./removed";
import { Scan } from "./scan";

export interface Difference {
  id: string;
  what: string;
}

export interface Verdict {
  collection: string;
  sourceCount: number;
  targetCount: number;
  sourceDigest: string;
  targetDigest: string;
  /** Source documents left out because they wait in the dead-letter file. */
  deadLettered: number;
  firstDifference?: Difference;
  differences: number;
  /** Source documents no bucket walks (their `_id` type); 0 when all were compared. */
  unwalked?: number;
  /** Documents inserted, replaced or removed by this pass (repair mode). */
  repaired: number;
  /** Copied earlier, deleted on the source since: their `_id`s (idText). */
  goneFromSource: string[];
  /** Documents only on the target that the migration never copied: left alone. */
  keptOnTarget: number;
  /** Documents this pass removed (--carry-deletes), and the file that holds them. */
  removed: number;
  removedFile?: string;
}

/** What a comparison reads; repair mode needs the whole VerifyContext. */
export type CompareContext = Pick<
  CopyContext,
  "source" | "sourceEndpoint" | "deadLetters" | "batchSize" | "copied"
> & { target: Db; targetEndpoint: Endpoint };

export interface VerifyContext extends CopyContext {
  target: Db;
  targetEndpoint: Endpoint;
  /** Set with --carry-deletes. */
  carryDeletes?: DeletePolicy;
}

export function verifyCollection(
  ctx: VerifyContext,
  collection: string,
  repair: boolean,
): Promise<Verdict>;
export function verifyCollection(
  ctx: CompareContext,
  collection: string,
  repair: false,
): Promise<Verdict>;
export async function verifyCollection(
  compare: CompareContext,
  collection: string,
  repair: boolean,
): Promise<Verdict> {
  // Only repair mode writes, and the first overload is the only one that allows it.
  const ctx = compare as VerifyContext;
  const excluded = ctx.deadLetters.ids(collection);
  const sourceHash: Hash = createHash("sha256");
  const targetHash: Hash = createHash("sha256");
  const verdict: Verdict = {
    collection,
    sourceCount: 0,
    targetCount: 0,
    sourceDigest: "",
    targetDigest: "",
    deadLettered: 0,
    differences: 0,
    repaired: 0,
    goneFromSource: [],
    keptOnTarget: 0,
    removed: 0,
  };
  const differ = (id: unknown, what: Difference["what"]): void => {
    verdict.differences++;
    verdict.firstDifference ??= { id: idText(id), what };
  };
  const toRepair: Buffer[] = [];
  const toRemove: { raw: Buffer; id: unknown }[] = [];
  const flush = async (): Promise<void> => {
    const docs = toRepair.splice(0);
    const result = await ctx.writer.insert(collection, docs);
    verdict.repaired += result.inserted;
    handleRefusals(ctx, collection, result.refused);
    ctx.copied.recordWritten(collection, docs, result.refused);
  };

  // One sorted scan per side, read at once (scan.ts); bucket by bucket in lockstep.
  const source = new Scan(ctx.source, ctx.sourceEndpoint, "the source", collection, ctx.batchSize);
  const target = new Scan(ctx.target, ctx.targetEndpoint, "the target", collection, ctx.batchSize);
  try {
    for (const bucket of BUCKETS) {
      const nextSource = async (): Promise<Buffer | undefined> => {
        for (;;) {
          const doc = await source.nextOf(bucket);
          if (doc === undefined) return undefined;
          if (excluded.size > 0 && excluded.has(idText(doc.id))) {
            verdict.deadLettered++;
            continue;
          }
          return doc.raw;
        }
      };
      const nextTarget = async (): Promise<Buffer | undefined> =>
        (await target.nextOf(bucket))?.raw;
      let [a, b] = await Promise.all([nextSource(), nextTarget()]);
      while (a !== undefined || b !== undefined) {
        if (a !== undefined && b !== undefined && a.equals(b)) {
          // Byte-identical: one canonical form serves both digests.
          const text = `${canonical(decode(a))}\n`;
          sourceHash.update(text);
          targetHash.update(text);
          verdict.sourceCount++;
          verdict.targetCount++;
          [a, b] = await Promise.all([nextSource(), nextTarget()]);
          continue;
        }
        const da = a === undefined ? undefined : decode(a);
        const db = b === undefined ? undefined : decode(b);
        const order = da && db ? compareIds(bucket, da._id, db._id) : da ? -1 : 1;
        if (order === 0 && da && db) {
          const ta = canonical(da);
          const tb = canonical(db);
          sourceHash.update(`${ta}\n`);
          targetHash.update(`${tb}\n`);
          verdict.sourceCount++;
          verdict.targetCount++;
          // Equal canonical forms of different bytes: the same values, perhaps with field
          // names in another order (JavaScript objects put integer-like names first).
          const reordered =
            ta === tb && fieldNames(a as Buffer).join("\0") !== fieldNames(b as Buffer).join("\0");
          if (ta !== tb || reordered) {
            differ(da._id, reordered ? "differs in field order" : "differs");
            if (repair) {
              const refusal = await ctx.writer.replace(collection, a as Buffer);
              if (refusal) handleRefusals(ctx, collection, [refusal]);
              else {
                verdict.repaired++;
                ctx.copied.record(collection, [idText(da._id)]);
              }
            }
          }
          [a, b] = await Promise.all([nextSource(), nextTarget()]);
        } else if (order < 0 && da) {
          sourceHash.update(`${canonical(da)}\n`);
          verdict.sourceCount++;
          differ(da._id, "missing on the target");
          if (repair) {
            toRepair.push(a as Buffer);
            if (toRepair.length >= ctx.batchSize) await flush();
          }
          a = await nextSource();
        } else if (db) {
          const id = idText(db._id);
          if (ctx.copied.has(collection, id)) {
            targetHash.update(`${canonical(db)}\n`);
            verdict.targetCount++;
            verdict.goneFromSource.push(id);
            differ(db._id, "copied earlier, since deleted on the source");
            if (repair && ctx.carryDeletes) toRemove.push({ raw: b as Buffer, id: db._id });
          } else {
            verdict.keptOnTarget++;
          }
          b = await nextTarget();
        }
      }
    }
    // What follows the last bucket (MaxKey, regular expressions) is counted as unwalked.
    await Promise.all([source.finish(), target.finish()]);
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
  if (toRepair.length > 0) await flush();
  if (toRemove.length > 0 && ctx.carryDeletes) {
    checkCap(
      collection,
      toRemove.length,
      verdict.targetCount + verdict.keptOnTarget,
      ctx.carryDeletes,
    );
    verdict.removedFile = saveRemoved(
      ctx.carryDeletes,
      collection,
      toRemove.map((r) => r.raw),
    );
    verdict.removed = await ctx.writer.remove(
      collection,
      toRemove.map((r) => r.id),
    );
    verdict.repaired += verdict.removed;
  }
  // An `_id` of a type no bucket holds (null, NaN, MinKey, MaxKey) is not copied: a difference.
  if (source.unwalked > 0 || target.unwalked > 0) {
    verdict.differences++;
    verdict.unwalked = source.unwalked;
    verdict.firstDifference ??= {
      id: "(none)",
      what:
        source.unwalked > 0
          ? `${source.unwalked} source documents have an _id of a type the migration does not copy (null, NaN, MinKey, MaxKey)`
          : `${target.unwalked} target documents have an _id of a type the migration does not copy (null, NaN, MinKey, MaxKey)`,
    };
  }
  verdict.sourceDigest = sourceHash.digest("hex");
  verdict.targetDigest = targetHash.digest("hex");
  return verdict;
}

/** Whether the collection verified: same count, same digest, nothing differing. */
export const verified = (v: Verdict): boolean =>
  v.differences === 0 && v.sourceCount === v.targetCount && v.sourceDigest === v.targetDigest;
