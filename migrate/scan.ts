/**
 * A whole collection in one sorted scan (`find({}).sort({_id: 1})`, raw), served bucket by
 * bucket. The server sorts `_id`s of different types in MongoDB's order of types, the order of
 * BUCKETS, so one scan holds every bucket one after the other.
 *
 * One scan, not a range query per bucket: on a source whose `_id` index does not answer
 * ranges (FerretDB v1 scans the whole collection for every query, an empty range or a count
 * included: 3-9 s each for 29,000 documents, against 7.6 s for one sorted read of everything),
 * eight type-bracketed ranges cost eight reads of the collection. One scan costs one, on every
 * source.
 *
 * Positioned buckets come in the server's order, which is compareIds' order. Within the other
 * buckets (embedded documents, binary, booleans, timestamps) the server's order is not this
 * client's, so each of their runs is gathered and sorted here, on both sides alike; they are
 * few. `_id`s in no bucket (null, NaN, MinKey, MaxKey, regular expressions) are counted as
 * unwalked: the migration does not copy them, and verification says so.
 */
import type { Db, FindCursor } from "mongodb";
import { connectionError, type Endpoint } from "./connect";
import { MIGRATE_EXIT_CODES, MigrateError } from "./exit-codes";
import { BUCKETS, bucketOf, idText, isPositioned, type Bucket } from "./id-order";
import { idOfRaw } from "./raw-bson";

export interface Scanned {
  raw: Buffer;
  /** The `_id`, decoded faithfully (wrapper types kept). */
  id: unknown;
  bucket: Bucket;
}

const order = new Map(BUCKETS.map((bucket, i) => [bucket, i]));

/** The documents a scan read, in scan order, with their bucket; unwalked ones counted. */
export class Scan {
  /** Documents whose `_id` is in no bucket. */
  unwalked = 0;
  private readonly cursor: FindCursor;
  private peeked?: Scanned | null;
  private lastBucket = -1;
  private gathered?: { bucket: Bucket; docs: Scanned[] };

  constructor(
    db: Db,
    private readonly endpoint: Endpoint,
    private readonly where: string,
    collection: string,
    batchSize: number,
  ) {
    this.cursor = db.collection(collection).find({}, { sort: { _id: 1 }, batchSize, raw: true });
  }

  /** The next document of any bucket, in scan order, or undefined at the end. */
  async next(): Promise<Scanned | undefined> {
    if (this.peeked !== undefined) {
      const doc = this.peeked;
      this.peeked = undefined;
      return doc ?? undefined;
    }
    for (;;) {
      let raw: Buffer | null;
      try {
        raw = (await this.cursor.next()) as unknown as Buffer | null;
      } catch (err) {
        throw connectionError(this.endpoint, err, "command");
      }
      if (raw === null) return undefined;
      const id = idOfRaw(raw);
      const bucket = bucketOf(id);
      if (bucket === undefined) {
        this.unwalked++;
        continue;
      }
      const at = order.get(bucket) as number;
      if (at < this.lastBucket) {
        throw new MigrateError(
          MIGRATE_EXIT_CODES.internal,
          `${this.where} sorted _id ${idText(id)} (${bucket}) after ${BUCKETS[this.lastBucket]} _ids, ` +
            "not in MongoDB's order of types, which the migration walks in",
        );
      }
      this.lastBucket = at;
      return { raw, id, bucket };
    }
  }

  private async peek(): Promise<Scanned | undefined> {
    if (this.peeked === undefined) this.peeked = (await this.next()) ?? null;
    return this.peeked ?? undefined;
  }

  /**
   * The next document of `bucket`, or undefined once the scan is past it. Buckets are asked
   * for in BUCKETS order, each until it is exhausted.
   */
  async nextOf(bucket: Bucket): Promise<Scanned | undefined> {
    if (!isPositioned(bucket)) {
      if (this.gathered?.bucket !== bucket) {
        const docs: Scanned[] = [];
        while ((await this.peek())?.bucket === bucket) docs.push((await this.next()) as Scanned);
        const key = (d: Scanned): string => idText(d.id);
        docs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
        this.gathered = { bucket, docs };
      }
      return this.gathered.docs.shift();
    }
    if ((await this.peek())?.bucket !== bucket) return undefined;
    return this.next();
  }

  /** Reads to the end (counting what is unwalked there), then closes. */
  async finish(): Promise<void> {
    while ((await this.next()) !== undefined);
    await this.close();
  }

  async close(): Promise<void> {
    await this.cursor.close().catch(() => undefined);
  }
}
