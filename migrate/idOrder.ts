/**
 * Walking a collection in `_id` order when `_id`s have several BSON types. MongoDB (and
 * FerretDB) compare with `$gt` only within one type ("type bracketing"), so a resume
 * position is kept per type: numbers, strings, ObjectIds and dates each form a bucket walked
 * with `{_id: {$type, $gt: last}}`. Any other type (embedded documents, binary, booleans...)
 * is rare in Nightscout data and is walked whole on every pass; inserting it again is a
 * harmless duplicate.
 *
 * The buckets come in MongoDB's sort order of types, so concatenated they are the
 * collection in `_id` order, which is the order the digests are computed in.
 */
import { BSON, type Document } from "mongodb";

export const POSITIONED_BUCKETS = ["number", "string", "objectId", "date"] as const;
export type PositionedBucket = (typeof POSITIONED_BUCKETS)[number];
export const REST_BUCKET = "rest";
export type Bucket = PositionedBucket | typeof REST_BUCKET;
export const BUCKETS: readonly Bucket[] = [...POSITIONED_BUCKETS, REST_BUCKET];

/** The filter of `bucket`, after `after` (an `_id` of that bucket) when given. */
export function bucketFilter(bucket: Bucket, after?: unknown): Document {
  if (bucket === REST_BUCKET) return { _id: { $not: { $type: [...POSITIONED_BUCKETS] } } };
  return after === undefined ? { _id: { $type: bucket } } : { _id: { $type: bucket, $gt: after } };
}

/** The bucket an `_id` value falls in. */
export function bucketOf(id: unknown): Bucket {
  if (
    typeof id === "number" ||
    id instanceof BSON.Int32 ||
    id instanceof BSON.Double ||
    id instanceof BSON.Long ||
    id instanceof BSON.Decimal128
  ) {
    return "number";
  }
  if (typeof id === "string") return "string";
  if (id instanceof BSON.ObjectId) return "objectId";
  if (id instanceof Date) return "date";
  return REST_BUCKET;
}

function numeric(id: unknown): number {
  if (typeof id === "number") return id;
  if (id instanceof BSON.Long) return id.toNumber();
  if (id instanceof BSON.Decimal128) return Number(id.toString());
  return (id as BSON.Int32 | BSON.Double).valueOf();
}

/**
 * Compares two `_id`s of the same bucket the way the server orders them (strings by their
 * UTF-8 bytes, MongoDB's simple collation); the rest bucket by canonical Extended JSON, the
 * order both sides are sorted in by the client.
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
