/**
 * Field names in stored order, read from raw BSON: what verification compares to catch a
 * reordering that a decoded JavaScript object would hide.
 */
import { BSON, type Document } from "mongodb";
import { fieldNames } from "../../migrate/bson-scan";

const raw = (doc: Document): Buffer => Buffer.from(BSON.serialize(doc));

it("lists field names in stored order, which JavaScript objects do not keep", () => {
  // Built as raw BSON: a JavaScript object literal would already put "1" first.
  const bytes = raw({ b: 1, n: { z: 1, a: 2 } });
  expect(fieldNames(bytes)).toEqual(["b", "n", "z", "a"]);
  const stored = Buffer.from(
    raw({ b: 1, c: 2 }).toString("latin1").replace("\x10c\x00", "\x101\x00"),
    "latin1",
  );
  expect(fieldNames(stored)).toEqual(["b", "1"]);
  // Decoded and encoded again, "1" comes first: the reordering verification must report.
  expect(Object.keys(BSON.deserialize(stored))).toEqual(["1", "b"]);
  expect(fieldNames(raw(BSON.deserialize(stored)))).toEqual(["1", "b"]);
});

it("walks every BSON type without losing its place", () => {
  const doc: Document = {
    double: 2.5,
    string: "s",
    object: { inner: 1 },
    array: [1, { inArray: true }],
    binary: new BSON.Binary(Buffer.from("x")),
    objectId: new BSON.ObjectId("0123456789abcdef01234567"),
    bool: true,
    date: new Date(0),
    null: null,
    regex: new BSON.BSONRegExp("a.c", "i"),
    code: new BSON.Code("x()"),
    codeWithScope: new BSON.Code("y()", { a: 1 }),
    int32: new BSON.Int32(3),
    timestamp: new BSON.Timestamp({ t: 1, i: 2 }),
    int64: BSON.Long.fromNumber(4),
    decimal: BSON.Decimal128.fromString("1.5"),
    min: new BSON.MinKey(),
    max: new BSON.MaxKey(),
    last: 1,
  };
  const names = Object.keys(doc);
  // Nested documents' names inline, also inside arrays; array indexes are not names.
  names.splice(names.indexOf("object") + 1, 0, "inner");
  names.splice(names.indexOf("array") + 1, 0, "inArray");
  expect(fieldNames(raw(doc))).toEqual(names);
});
