/**
 * `_id` order and canonical form: the buckets a resume position is kept in, the order both
 * sides are compared in, and the Extended JSON the digests are computed over.
 */
import { BSON } from "mongodb";
import {
  BUCKETS,
  bucketOf,
  canonical,
  compareIds,
  idText,
  parseIdText,
} from "../../migrate/id-order";

const { Int32, Long, Double, ObjectId, Binary } = BSON;

it("puts each _id type in its bucket, in MongoDB's order of types", () => {
  expect(BUCKETS).toEqual([
    "number",
    "string",
    "object",
    "binData",
    "objectId",
    "bool",
    "date",
    "timestamp",
  ]);
  expect(bucketOf(5)).toBe("number");
  expect(bucketOf(new Int32(5))).toBe("number");
  expect(bucketOf(Long.fromNumber(5))).toBe("number");
  expect(bucketOf(new Double(5.5))).toBe("number");
  expect(bucketOf("5f1afb118b6aca48aa123400")).toBe("string");
  expect(bucketOf(new ObjectId("5f1afb118b6aca48aa123400"))).toBe("objectId");
  expect(bucketOf(new Date(0))).toBe("date");
  expect(bucketOf({ a: 1 })).toBe("object");
  expect(bucketOf(new Binary(Buffer.from("x")))).toBe("binData");
  expect(bucketOf(true)).toBe("bool");
  // No range selects these: verification counts them instead.
  expect(bucketOf(null)).toBeUndefined();
  expect(bucketOf(Number.NaN)).toBeUndefined();
  expect(bucketOf(new BSON.MinKey())).toBeUndefined();
});

it("orders ids as the server does: numbers by value, strings by UTF-8 bytes", () => {
  expect(compareIds("number", new Int32(2), new Double(10))).toBe(-1);
  expect(compareIds("number", Long.fromNumber(10), 10)).toBe(0);
  // UTF-16 puts U+1F600 (a surrogate pair, 0xD83D...) before U+FFFF; UTF-8 and MongoDB after.
  expect(compareIds("string", "\uffff", "😀")).toBe(-1);
  expect("😀" < "\uffff").toBe(true);
  const older = new ObjectId("5f1afb118b6aca48aa123400");
  const newer = new ObjectId("5f1afb128b6aca48aa123400");
  expect(compareIds("objectId", older, newer)).toBe(-1);
  expect(compareIds("date", new Date(2), new Date(1))).toBe(1);
});

it("names an _id in canonical Extended JSON and reads it back with its type", () => {
  for (const id of [
    new Int32(7),
    Long.fromNumber(7),
    new Double(7),
    "aaps-1",
    new ObjectId("5f1afb118b6aca48aa123400"),
    new Date(1_700_000_000_000),
    { a: 1 },
  ]) {
    const text = idText(id);
    expect(idText(parseIdText(text))).toBe(text);
  }
  expect(idText(new Int32(7))).toBe('{"$numberInt":"7"}');
  expect(idText(Long.fromNumber(7))).toBe('{"$numberLong":"7"}');
  expect(idText("aaps-1")).toBe('"aaps-1"');
});

it("canonical form tells apart what a copy must keep: types, field order, nesting", () => {
  const base = canonical({ _id: "a", sgv: new Int32(120), date: 1 });
  expect(canonical({ _id: "a", sgv: new Double(120), date: 1 })).not.toBe(base);
  expect(canonical({ _id: "a", date: 1, sgv: new Int32(120) })).not.toBe(base);
  expect(canonical({ _id: "a", sgv: new Int32(120), date: Long.fromNumber(1) })).not.toBe(base);
  expect(canonical({ _id: "a", sgv: new Int32(120), date: new Date(1) })).not.toBe(base);
  expect(canonical({ _id: "a", sgv: new Int32(120), date: 1 })).toBe(base);
  expect(canonical({ n: { a: 1 } })).not.toBe(canonical({ n: { a: "1" } }));
});
