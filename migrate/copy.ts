/**
 * The copy pass of one collection: each `_id` bucket read in `_id` order in batches of raw
 * BSON, each batch written as those bytes (raw-bson.ts) while the next is read, the position saved after every batch. Run again,
 * it continues from the saved positions, which is also the catch-up pass: documents written
 * to the source since (new ObjectIds, later dates) come after the positions.
 */
import type { Db, Document, FindCursor } from "mongodb";
import { connectionError, type Endpoint } from "./connect";
import { idTextOfRaw, type CopiedIds } from "./copied-ids";
import type { DeadLetters } from "./dead-letter";
import { MIGRATE_EXIT_CODES, MigrateError } from "./exit-codes";
import { BUCKETS, bucketFilter, idText, isPositioned, parseIdText } from "./id-order";
import type { Progress } from "./progress";
import { decodeFaithfully, MAX_BATCH_BYTES } from "./raw-bson";
import type { StateFile } from "./state";
import type { Refusal, TargetWriter, WriteResult } from "./write";

export interface CopyContext {
  source: Db;
  sourceEndpoint: Endpoint;
  writer: TargetWriter;
  state: StateFile;
  /** The `_id`s on the target because the migration put them there. */
  copied: CopiedIds;
  deadLetters: DeadLetters;
  skipInvalid: boolean;
  batchSize: number;
  progress: Progress;
}

export interface CopyCounts {
  read: number;
  inserted: number;
  duplicates: number;
  deadLettered: number;
}

/**
 * Batches written at once: a second insert keeps the target busy while FerretDB and the
 * client handle the first (measured back to back on the loaded two-core machine, 64,785
 * documents: 7,502 docs/s with two, 6,084 with one).
 */
const WRITES_IN_FLIGHT = 2;

/** Raw documents in batches of at most `size` documents and MAX_BATCH_BYTES bytes. */
async function* inBatches(
  cursor: FindCursor<Document>,
  size: number,
  onError: (err: unknown) => Error,
): AsyncGenerator<Buffer[]> {
  let batch: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const document of cursor) {
      const raw = document as unknown as Buffer;
      if (batch.length > 0 && bytes + raw.length > MAX_BATCH_BYTES) {
        yield batch;
        batch = [];
        bytes = 0;
      }
      batch.push(raw);
      bytes += raw.length;
      if (batch.length >= size) {
        yield batch;
        batch = [];
        bytes = 0;
      }
    }
  } catch (err) {
    throw onError(err);
  } finally {
    await cursor.close().catch(() => undefined);
  }
  if (batch.length > 0) yield batch;
}

/** Ends the run, or files the documents as dead letters with --skip-invalid. */
export function handleRefusals(ctx: CopyContext, collection: string, refused: Refusal[]): number {
  if (refused.length === 0) return 0;
  if (!ctx.skipInvalid) {
    const first = refused[0];
    throw new MigrateError(
      MIGRATE_EXIT_CODES.refused,
      `${collection}: the target refused the document with _id ${idText(first.document._id)}: ` +
        `${first.reason}. Fix it on the source, or rerun with --skip-invalid to put refused ` +
        `documents in ${ctx.deadLetters.file} and carry on`,
    );
  }
  for (const r of refused) {
    ctx.deadLetters.add(collection, r.document, r.reason);
    ctx.progress.note(
      `${collection}: _id ${idText(r.document._id)} refused (${r.reason}); kept in the dead-letter file`,
    );
  }
  return refused.length;
}

export async function copyCollection(ctx: CopyContext, collection: string): Promise<CopyCounts> {
  const counts: CopyCounts = { read: 0, inserted: 0, duplicates: 0, deadLettered: 0 };
  const state = ctx.state.collection(collection);
  for (const bucket of BUCKETS) {
    const position = isPositioned(bucket) ? state.positions[bucket] : undefined;
    const filter = bucketFilter(bucket, position === undefined ? undefined : parseIdText(position));
    const cursor = ctx.source
      .collection(collection)
      .find(filter, { sort: { _id: 1 }, batchSize: ctx.batchSize, raw: true });
    const batches = inBatches(cursor, ctx.batchSize, (err) =>
      connectionError(ctx.sourceEndpoint, err, "command"),
    );
    // The next batch is read while up to WRITES_IN_FLIGHT batches are written: source and
    // target work at once. Results are taken in order, so the saved position only ever
    // covers batches that, with every one before them, are on the target.
    const writing: { docs: Buffer[]; result: Promise<WriteResult> }[] = [];
    const settle = async (): Promise<void> => {
      const { docs, result: pending } = writing.shift() as (typeof writing)[number];
      const result = await pending;
      counts.read += docs.length;
      counts.inserted += result.inserted;
      counts.duplicates += result.duplicates;
      counts.deadLettered += handleRefusals(ctx, collection, result.refused);
      // Recorded before the position moves past them: see copied-ids.ts.
      const refused = new Set(result.refused.map((r) => idText(r.document._id)));
      ctx.copied.record(
        collection,
        docs.map(idTextOfRaw).filter((id) => !refused.has(id)),
      );
      state.inserted += result.inserted;
      if (isPositioned(bucket)) {
        state.positions[bucket] = idText(decodeFaithfully(docs[docs.length - 1])._id);
        state.throughPositions = (state.throughPositions ?? 0) + docs.length;
      }
      ctx.state.save();
      ctx.progress.advance(docs.length);
    };
    let next = batches.next();
    for (;;) {
      const current = await next;
      if (current.done) break;
      next = batches.next();
      // A rejection of the read-ahead is seen when it is awaited; until then it is handled.
      next.catch(() => undefined);
      const result = ctx.writer.insert(collection, current.value);
      result.catch(() => undefined);
      writing.push({ docs: current.value, result });
      if (writing.length >= WRITES_IN_FLIGHT) await settle();
    }
    while (writing.length > 0) await settle();
  }
  return counts;
}
