/**
 * `_id`s of several BSON types. MongoDB (and FerretDB) sort `_id`s by type first, in a fixed
 * order of types, and compare values only within one type, so each type is a bucket: one
 * sorted scan holds them one after the other (scan.ts).
 *
 * Numbers, strings, ObjectIds and dates, which is what real `_id`s are, keep a resume
 * position (the last `_id` copied). The other types (embedded documents, binary, booleans,
 * timestamps) are rare: they are copied whole on every pass, where inserting them again is
 * a harmless duplicate, and sorted by the client on both sides alike.
 *
 * The buckets come in MongoDB's sort order of types, so concatenated they are the
 * collection in `_id` order, the order the digests are computed in. An `_id` in no bucket
 * (null, NaN, MinKey, MaxKey) is not copied, and verification reports it.
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

export const isPositioned = (bucket: Bucket): bucket is PositionedBucket =>
  (POSITIONED_BUCKETS as readonly string[]).includes(bucket);

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
