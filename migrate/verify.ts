/**
 * Verification of one collection: both sides read in `_id` order, bucket by bucket, in
 * lockstep; each side's documents as canonical Extended JSON feed that side's SHA-256
 * digest, and the first `_id` where they part is named. Documents in the dead-letter file
 * are left out of the source side (the report counts them).
 *
 * In repair mode (the catch-up pass) a document missing on the target is inserted and one
 * that differs is replaced from the source, so documents written to or edited on the source
 * during the migration arrive; a document only on the target is never deleted, only named.
 */
import { createHash, type Hash } from "node:crypto";
import type { Db } from "mongodb";
import { fieldNames } from "./bson-scan";
import { connectionError, type Endpoint } from "./connect";
import { handleRefusals, type CopyContext } from "./copy";
import {
  BUCKETS,
  isPositioned,
  bucketFilter,
  canonical,
  compareIds,
  idText,
  type Bucket,
} from "./id-order";
import { decodeFaithfully as decode, FAITHFUL_READ } from "./raw-bson";

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
  /** Documents inserted or replaced by this pass (repair mode). */
  repaired: number;
}

export interface VerifyContext extends CopyContext {
  target: Db;
  targetEndpoint: Endpoint;
}

const RAW = { ...FAITHFUL_READ, raw: true };

interface Side {
  next(): Promise<Buffer | undefined>;
}

function sideOf(
  db: Db,
  endpoint: Endpoint,
  collection: string,
  bucket: Bucket,
  batchSize: number,
): Side {
  if (!isPositioned(bucket)) {
    // Embedded-document and other rare `_id`s: the server's order for them is not this
    // client's, so both sides are sorted here, the same way. There are few of them.
    let sorted: Buffer[] | undefined;
    return {
      next: async () => {
        if (!sorted) {
          const docs = (await db
            .collection(collection)
            .find(bucketFilter(bucket), { ...RAW, sort: { _id: 1 } })
            .toArray()
            .catch((err: unknown) => {
              throw connectionError(endpoint, err, "command");
            })) as unknown as Buffer[];
          const key = (b: Buffer): string => idText(decode(b)._id);
          sorted = docs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
        }
        return sorted.shift();
      },
    };
  }
  const cursor = db
    .collection(collection)
    .find(bucketFilter(bucket), { sort: { _id: 1 }, batchSize, ...RAW });
  return {
    next: async () => {
      try {
        const doc = (await cursor.next()) as unknown as Buffer | null;
        return doc ?? undefined;
      } catch (err) {
        throw connectionError(endpoint, err, "command");
      }
    },
  };
}

async function countAll(db: Db, endpoint: Endpoint, collection: string): Promise<number> {
  try {
    return await db.collection(collection).countDocuments();
  } catch (err) {
    throw connectionError(endpoint, err, "command");
  }
}

export async function verifyCollection(
  ctx: VerifyContext,
  collection: string,
  repair: boolean,
): Promise<Verdict> {
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
  };
  const differ = (id: unknown, what: Difference["what"]): void => {
    verdict.differences++;
    verdict.firstDifference ??= { id: idText(id), what };
  };
  const toRepair: Buffer[] = [];
  const flush = async (): Promise<void> => {
    const result = await ctx.writer.insert(collection, toRepair.splice(0));
    verdict.repaired += result.inserted;
    handleRefusals(ctx, collection, result.refused);
  };

  for (const bucket of BUCKETS) {
    const source = sideOf(ctx.source, ctx.sourceEndpoint, collection, bucket, ctx.batchSize);
    const target = sideOf(ctx.target, ctx.targetEndpoint, collection, bucket, ctx.batchSize);
    const nextSource = async (): Promise<Buffer | undefined> => {
      for (;;) {
        const raw = await source.next();
        if (raw === undefined) return undefined;
        if (excluded.size > 0 && excluded.has(idText(decode(raw)._id))) {
          verdict.deadLettered++;
          continue;
        }
        return raw;
      }
    };
    let [a, b] = await Promise.all([nextSource(), target.next()]);
    while (a !== undefined || b !== undefined) {
      if (a !== undefined && b !== undefined && a.equals(b)) {
        // Byte-identical: one canonical form serves both digests.
        const text = `${canonical(decode(a))}\n`;
        sourceHash.update(text);
        targetHash.update(text);
        verdict.sourceCount++;
        verdict.targetCount++;
        [a, b] = await Promise.all([nextSource(), target.next()]);
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
            else verdict.repaired++;
          }
        }
        [a, b] = await Promise.all([nextSource(), target.next()]);
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
        targetHash.update(`${canonical(db)}\n`);
        verdict.targetCount++;
        differ(db._id, "only on the target");
        b = await target.next();
      }
    }
  }
  if (toRepair.length > 0) await flush();
  // An `_id` of a type no bucket walks (null, NaN, MinKey, MaxKey) would be left out of
  // both sides unseen: the totals tell.
  const [sourceTotal, targetTotal] = await Promise.all([
    countAll(ctx.source, ctx.sourceEndpoint, collection),
    countAll(ctx.target, ctx.targetEndpoint, collection),
  ]);
  const unwalked = sourceTotal - verdict.sourceCount - verdict.deadLettered;
  if (unwalked !== 0 || targetTotal !== verdict.targetCount) {
    verdict.differences++;
    verdict.unwalked = unwalked;
    verdict.firstDifference ??= {
      id: "(none)",
      what: `${unwalked} source documents have an _id of a type the migration does not copy (null, NaN, MinKey, MaxKey)`,
    };
  }
  verdict.sourceDigest = sourceHash.digest("hex");
  verdict.targetDigest = targetHash.digest("hex");
  return verdict;
}

/** Whether the collection verified: same count, same digest, nothing differing. */
export const verified = (v: Verdict): boolean =>
  v.differences === 0 && v.sourceCount === v.targetCount && v.sourceDigest === v.targetDigest;
