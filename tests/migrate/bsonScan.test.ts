/**
 * The copy's fast path: a document goes through plain JavaScript numbers only when encoding
 * them gives back the very bytes the source stored; everything else keeps its BSON types.
 */
import { BSON, type Document } from "mongodb";
import { fieldNames, isPromotable } from "../../migrate/bsonScan";
import { decodeForCopy } from "../../migrate/copy";
import { dataset, hostileDocuments } from "../../migrate/generate";

const raw = (doc: Document): Buffer => Buffer.from(BSON.serialize(doc));
const roundTrips = (bytes: Buffer): boolean => raw(BSON.deserialize(bytes)).equals(bytes);

it("takes the fast path exactly when default promotion would give back the same bytes", () => {
  const cases: Document[] = [
    { a: 2.5 },
    { a: new BSON.Int32(2) },
    { a: new BSON.Double(3e10) },
    { a: new BSON.Double(-0) },
    { a: Number.NaN },
    {
      a: new Date(0),
      b: new BSON.ObjectId(),
      c: "s",
      d: null,
      e: true,
      f: new BSON.Binary(Buffer.from("x")),
    },
    { a: BSON.Decimal128.fromString("1.5"), t: new BSON.Timestamp({ t: 1, i: 2 }) },
    { a: new BSON.Double(2) },
    { a: [new BSON.Double(1)] },
    { n: { deep: new BSON.Double(7) } },
    { a: BSON.Long.fromNumber(2) },
    { a: /x/i },
  ];
  for (const doc of cases) {
    const bytes = raw(doc);
    // Never fast when promotion would change the bytes.
    if (!roundTrips(bytes)) expect(isPromotable(bytes)).toBe(false);
  }
  expect(cases.map((d) => isPromotable(raw(d)))).toEqual([
    true,
    true,
    true,
    true,
    true,
    true,
    true,
    false,
    false,
    false,
    false,
    false,
  ]);
  // '$' names: `$ref` documents would decode as DBRef.
  expect(isPromotable(raw({ x: { $ref: "c", $id: 1 } }))).toBe(false);
});

it("copies every generated document byte for byte, on whichever path", () => {
  const data = dataset({ days: 1, seed: 4 });
  const docs = Object.values(data).flatMap((make) => [...make()]);
  docs.push(...hostileDocuments().map((h) => h.document));
  let fast = 0;
  for (const doc of docs) {
    const bytes = raw(doc);
    if (isPromotable(bytes)) fast++;
    expect(raw(decodeForCopy(bytes)).equals(bytes)).toBe(true);
  }
  // Most real documents take the fast path (Nightscout writes through the JavaScript driver).
  expect(fast / docs.length).toBeGreaterThan(0.9);
});

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
  expect(fieldNames(raw(decodeForCopy(stored)))).toEqual(["1", "b"]);
});
