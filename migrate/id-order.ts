/**
 * Walking a collection in `_id` order when `_id`s have several BSON types. MongoDB (and
 * FerretDB) compare with `$gt`/`$gte` only within one type ("type bracketing"), so each
 * type is a bucket, selected by a range on `_id` from that type's lowest value: the `_id`
 * index answers it. (`$type` and `$nor` filters are avoided: DocumentDB runs them through
 * its own connections back into PostgreSQL, which a misconfigured pg_hba refuses; see
 * docs/migration.md.)
 *
 * Numbers, strings, ObjectIds and dates, which is what real `_id`s are, keep a resume
 * position (`$gt: last`). The other types (embedded documents, binary, booleans,
 * timestamps) are rare: they are walked whole on every pass, where inserting them again is
 * a harmless duplicate, and sorted by the client on both sides alike.
 *
 * The buckets come in MongoDB's sort order of types, so concatenated they are the
 * collection in `_id` order, the order the digests are computed in. An `_id` in no bucket
 * (null, NaN, MinKey, MaxKey) is caught by comparing the bucket total with the count.
 */
import { BSON, type Document } from "mongodb";

export const POSITIONED_BUCKETS = ["number", "string", "objectId", "date"] as const;
export type PositionedBucket = (typeof POSITIONED_BUCKETS)[number];
export type UnpositionedBucket = "object" | "binData" | "bool" | "timestamp";
export type Bucket = PositionedBucket | UnpositionedBucket;

/** MongoDB's order of types: numbers, strings, objects, binary, ObjectIds, booleans, dates, timestamps. */
export const BUCKETS: readonly Bucket[] = [
  "number",
  "string",
  "object",
  "binData",
  "objectId",
  "bool",
  "date",
  "timestamp",
];

/** The lowest value of each bucket's type: `$gte` it selects the whole type. */
const LOWEST: Record<Bucket, () => unknown> = {
  number: () => -Infinity,
  string: () => "",
  object: () => ({}),
  binData: () => new BSON.Binary(Buffer.alloc(0), 0),
  objectId: () => new BSON.ObjectId("000000000000000000000000"),
  bool: () => false,
  date: () => new Date(-8_640_000_000_000_000),
  timestamp: () => new BSON.Timestamp({ t: 0, i: 0 }),
};

export const isPositioned = (bucket: Bucket): bucket is PositionedBucket =>
  (POSITIONED_BUCKETS as readonly string[]).includes(bucket);

/** The filter of `bucket`, after `after` (an `_id` of that bucket) when given. */
export function bucketFilter(bucket: Bucket, after?: unknown): Document {
  return after === undefined ? { _id: { $gte: LOWEST[bucket]() } } : { _id: { $gt: after } };
}

/** The bucket an `_id` value falls in, or undefined for one in none. */
export function bucketOf(id: unknown): Bucket | undefined {
  if (typeof id === "number") return Number.isNaN(id) ? undefined : "number";
  if (
    id instanceof BSON.Int32 ||
    id instanceof BSON.Double ||
    id instanceof BSON.Long ||
    id instanceof BSON.Decimal128
  ) {
    return Number.isNaN(numeric(id)) ? undefined : "number";
  }
  if (typeof id === "string") return "string";
  if (id instanceof BSON.ObjectId) return "objectId";
  if (id instanceof Date) return "date";
  if (typeof id === "boolean") return "bool";
  if (id instanceof BSON.Binary) return "binData";
  if (id instanceof BSON.Timestamp) return "timestamp";
  if (id !== null && typeof id === "object" && !(id instanceof BSON.BSONValue)) return "object";
  return undefined;
}

function numeric(id: unknown): number {
  if (typeof id === "number") return id;
  if (id instanceof BSON.Long) return id.toNumber();
  if (id instanceof BSON.Decimal128) return Number(id.toString());
  return (id as BSON.Int32 | BSON.Double).valueOf();
}

/**
 * Compares two `_id`s of the same positioned bucket the way the server orders them
 * (strings by their UTF-8 bytes, MongoDB's simple collation); other buckets by canonical
 * Extended JSON, the order the client sorts them in on both sides.
 */
export function compareIds(bucket: Bucket, a: unknown, b: unknown): number {
  switch (bucket) {
    case "number":
      return Math.sign(numeric(a) - numeric(b));
    case "string":
      return Buffer.compare(Buffer.from(a as string, "utf8"), Buffer.from(b as string, "utf8"));
    case "objectId":
      return Buffer.compare(
        Buffer.from((a as BSON.ObjectId).id),
        Buffer.from((b as BSON.ObjectId).id),
      );
    case "date":
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    default: {
      const x = idText(a);
      const y = idText(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

/** An `_id` as canonical Extended JSON: how messages, state and dead letters name it. */
export function idText(id: unknown): string {
  return BSON.EJSON.stringify({ _id: id }, { relaxed: false }).slice('{"_id":'.length, -1);
}

/** The `_id` back from idText's form. */
export function parseIdText(text: string): unknown {
  return (BSON.EJSON.parse(`{"_id":${text}}`, { relaxed: false }) as { _id: unknown })._id;
}

/** A document as canonical Extended JSON: the unit of both sides' digests. */
export function canonical(doc: Document): string {
  return BSON.EJSON.stringify(doc, { relaxed: false });
}
