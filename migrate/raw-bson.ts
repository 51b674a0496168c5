/**
 * Writing documents to the target as the bytes the source stored, never decoded into
 * JavaScript objects and encoded again. That is both the faithful copy (every BSON type,
 * every field name in its stored order, which a JavaScript object does not keep for
 * integer-like names) and the fast one: on a year of data, decoding and re-encoding cost
 * more client time than the target's own inserts (docs/migration.md).
 *
 * The driver sends an OP_MSG document sequence (kind-1 section) for a command field whose
 * value is its `DocumentSequence`, with each document's bytes as pushed. The class is
 * internal to mongodb 6.x (it serves the driver's own client bulk write) and the version is
 * pinned in package.json; tests/migrate/raw-bson.test.ts fails if it changes shape.
 */
import { BSON, type Document } from "mongodb";
import { fieldAlone } from "./bson-scan";

interface DocumentSequenceLike {
  push(document: Document, buffer: Uint8Array): number;
  toBin(): Buffer;
}
type DocumentSequenceClass = new (field: string) => DocumentSequenceLike;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const commands = require("mongodb/lib/cmap/commands") as {
  DocumentSequence?: DocumentSequenceClass;
};

function documentSequenceClass(): DocumentSequenceClass {
  const DocumentSequence = commands.DocumentSequence;
  if (typeof DocumentSequence !== "function") {
    throw new Error(
      "the mongodb driver no longer exports DocumentSequence from lib/cmap/commands; " +
        "the migration writes raw documents through it: pin mongodb back to the version " +
        "in package-lock.json",
    );
  }
  return DocumentSequence;
}

/**
 * The bytes a batch may hold: well under the 48 MB message limit MongoDB servers and
 * FerretDB announce, and above the 16 MiB a single document can reach.
 */
export const MAX_BATCH_BYTES = 24 * 1024 * 1024;

/** A command field carrying `raws` byte for byte. */
export function documentSequence(field: string, raws: readonly Buffer[]): DocumentSequenceLike {
  const sequence = new (documentSequenceClass())(field);
  // The first argument is what command monitoring would show; the bytes are what is sent.
  for (const raw of raws) sequence.push({}, raw);
  return sequence;
}

/** Every document keeps its BSON type (Int32, Int64, Double, Decimal128, regex flags). */
export const FAITHFUL_READ = { promoteValues: false, promoteBuffers: false, bsonRegExp: true };

/** A raw document decoded with every BSON type kept, for messages and dead letters. */
export const decodeFaithfully = (raw: Buffer): Document => BSON.deserialize(raw, FAITHFUL_READ);

/** A raw document's `_id`, decoded faithfully, without decoding the rest of the document. */
export function idOfRaw(raw: Buffer): unknown {
  const alone = fieldAlone(raw, "_id");
  return alone
    ? (BSON.deserialize(alone, FAITHFUL_READ) as { _id: unknown })._id
    : decodeFaithfully(raw)._id;
}

/**
 * An update statement `{q: {_id}, u: <raw>}` that replaces the document with `_id` by
 * `raw` exactly: `raw` goes in as an embedded document, its bytes untouched.
 */
export function replacementStatement(raw: Buffer): Buffer {
  const query = Buffer.from(BSON.serialize({ q: { _id: idOfRaw(raw) } }));
  const name = Buffer.from("u\0", "utf8");
  // A BSON document: int32 total length, elements, a terminating 0x00.
  const length = 4 + (query.length - 5) + 1 + name.length + raw.length + 1;
  const out = Buffer.alloc(length);
  out.writeInt32LE(length, 0);
  let at = 4;
  at += query.copy(out, at, 4, query.length - 1);
  out[at++] = 0x03; // embedded document
  at += name.copy(out, at);
  at += raw.copy(out, at);
  out[at] = 0x00;
  return out;
}
