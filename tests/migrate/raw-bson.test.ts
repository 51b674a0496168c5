/**
 * The raw write path leans on the driver's internal DocumentSequence: these fail when a
 * driver upgrade changes it, before a migration could send anything else than the source's
 * bytes.
 */
import { BSON, type Document } from "mongodb";
import {
  decodeFaithfully,
  documentSequence,
  MAX_BATCH_BYTES,
  replacementStatement,
} from "../../migrate/raw-bson";
import { dataset, hostileDocuments } from "../../migrate/generate";

const raw = (doc: Document): Buffer => Buffer.from(BSON.serialize(doc));

it("sends each document's bytes unchanged in one kind-1 section", () => {
  const docs = [
    { _id: 1, a: new BSON.Double(2) },
    { _id: "two", b: BSON.Long.fromNumber(3) },
  ];
  const raws = docs.map(raw);
  const section = documentSequence("documents", raws).toBin();
  const name = Buffer.from("documents\0");
  // kind byte 1, int32 size of everything after the kind, the field name, the documents.
  expect(section[0]).toBe(1);
  expect(section.readInt32LE(1)).toBe(section.length - 1);
  expect(section.subarray(5, 5 + name.length).equals(name)).toBe(true);
  expect(section.subarray(5 + name.length).equals(Buffer.concat(raws))).toBe(true);
});

it("builds a replacement that carries the document byte for byte, even where decoding would not", () => {
  // Stored with "1" after "b": a decoded JavaScript object would put it first.
  const stored = Buffer.from(
    raw({ _id: BSON.Long.fromNumber(7), b: 1, c: new BSON.Double(2) })
      .toString("latin1")
      .replace("\x01c\x00", "\x011\x00"),
    "latin1",
  );
  const statement = replacementStatement(stored);
  const decoded = BSON.deserialize(statement, { promoteValues: false });
  expect(Object.keys(decoded)).toEqual(["q", "u"]);
  expect(decoded.q._id).toEqual(BSON.Long.fromNumber(7));
  // The `u` value is exactly the stored bytes, at the end of the statement.
  expect(statement.subarray(statement.length - 1 - stored.length, -1).equals(stored)).toBe(true);
  expect(statement.readInt32LE(0)).toBe(statement.length);
});

it("keeps every BSON type when a raw document is decoded for a message or a dead letter", () => {
  const docs = Object.values(dataset({ days: 1, seed: 4 })).flatMap((make) => [...make()]);
  docs.push(...hostileDocuments().map((h) => h.document));
  for (const doc of docs) {
    const bytes = raw(doc);
    expect(raw(decodeFaithfully(bytes)).equals(bytes)).toBe(true);
  }
  // What plain decoding would lose: a whole double comes back as an Int32.
  const whole = raw({ a: new BSON.Double(2) });
  expect(raw(BSON.deserialize(whole)).equals(whole)).toBe(false);
  expect(raw(decodeFaithfully(whole)).equals(whole)).toBe(true);
});

it("leaves room for the largest document in a batch and stays under the message limit", () => {
  expect(MAX_BATCH_BYTES).toBeGreaterThan(16 * 1024 * 1024);
  expect(MAX_BATCH_BYTES).toBeLessThan(48_000_000);
});
