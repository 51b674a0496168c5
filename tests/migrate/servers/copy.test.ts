/**
 * A full migration between two data paths of the integration harness (FerretDB v1.24.2 on
 * PostgreSQL 15; the source stands in for the hosted MongoDB, the target for the stack's
 * FerretDB v2): every collection arrives document for document with its types, field order and
 * `_id`s, Nightscout's indexes exist, a rerun changes nothing, and a rerun after the source
 * changed catches up. "Document for document" is read back through the MongoDB protocol as raw
 * BSON on both sides, and compared in PostgreSQL too: FerretDB v1 keeps each document's field
 * order and BSON types in its JSONB row, so equal rows mean equal documents.
 */
import { BSON } from "mongodb";
import { dataset, seed } from "../../../migrate/generate";
import { NIGHTSCOUT_INDEXES, indexName } from "../../../migrate/indexes";
import { NIGHTSCOUT_COLLECTIONS } from "../../../migrate/options";
import { documentSequence, replacementStatement } from "../../../migrate/raw-bson";
import { storedRows } from "../../integration/harness";
import { expectNoSecret } from "../../helpers/leaks";
import {
  differingCollections,
  migrate,
  readReport,
  snapshot,
  startPair,
  withClient,
  type Pair,
} from "./helpers";

let pair: Pair;
let stateDir: string;

/** `_id`s of every type real data has and some it rarely has, and the hostile documents. */
const ODD_DOCUMENTS = [
  { _id: new BSON.Int32(7), eventType: "Note", notes: "Int32 _id" },
  { _id: BSON.Long.fromNumber(8), eventType: "Note", notes: "Int64 _id" },
  { _id: 9.5, eventType: "Note", notes: "double _id" },
  { _id: new Date(Date.UTC(2025, 5, 1)), eventType: "Note", notes: "Date _id" },
  { _id: { uploader: "xdrip", seq: 1 }, eventType: "Note", notes: "embedded document _id" },
  { _id: true, eventType: "Note", notes: "boolean _id" },
  { _id: "ü-ñ-😀", eventType: "Note", notes: "non-ASCII string _id" },
  {
    _id: "late-edit",
    eventType: "Note",
    notes: "edited after the first run",
    created_at: "2025-01-01T00:00:00.000Z",
  },
  {
    _id: "z-nested",
    eventType: "Meal Bolus",
    boluscalc: { a: { b: { c: [1, { d: new BSON.Double(1) }] } } },
  },
];

/**
 * A document stored with an integer-like field name after another one, which only raw BSON
 * can hold: decoded into a JavaScript object, "1" would move first.
 */
function integerNameLast(id: string, value: string): Buffer {
  const bytes = Buffer.from(BSON.serialize({ _id: id, notes: value, x: 1 }));
  return Buffer.from(bytes.toString("latin1").replace("\x10x\x00", "\x101\x00"), "latin1");
}

beforeAll(async () => {
  pair = await startPair();
  await withClient(pair.source.uri(), async (client) => {
    const db = client.db();
    await seed(db, dataset({ days: 3, seed: 11 }));
    await db.collection("treatments").insertMany(ODD_DOCUMENTS as never[]);
    await db.command({
      insert: "treatments",
      documents: documentSequence("documents", [integerNameLast("stored-order", "as stored")]),
    });
    await db.collection("settings").insertOne({ _id: "custom", theme: "colors" } as never);
  });
  stateDir = pair.stateDir();
});

afterAll(async () => {
  await pair?.stop();
});

const COLLECTIONS = [...NIGHTSCOUT_COLLECTIONS, "settings"];

it("copies every collection faithfully, verified, with Nightscout's indexes, and prints no secret", async () => {
  const run = await migrate(pair.args(stateDir, ["--collections", "settings"]), pair.env());
  expect(run.stderr).not.toMatch(/internal error/);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("verified: every collection matches");
  expect(await differingCollections(pair.source.uri(), pair.target.uri(), COLLECTIONS)).toEqual([]);
  // The same, below FerretDB: the rows PostgreSQL holds on both sides, types and order included.
  for (const collection of COLLECTIONS) {
    const rows = storedRows(pair.source, collection);
    expect(rows.length).toBeGreaterThan(0);
    expect({ collection, rows: storedRows(pair.target, collection) }).toEqual({ collection, rows });
  }
  const report = readReport(stateDir);
  expect(report.verified).toBe(true);
  expect(report.collections.map((c) => c.collection)).toEqual(COLLECTIONS);
  // The copy alone was faithful: verification had nothing to repair.
  expect(report.collections.filter((c) => c.caughtUp !== 0)).toEqual([]);
  const entries = report.collections.find((c) => c.collection === "entries");
  expect(entries?.inserted).toBeGreaterThanOrEqual(3 * 288);
  expect(entries?.inserted).toBe((await snapshot(pair.source.uri(), "entries")).length);
  await withClient(pair.target.uri(), async (client) => {
    for (const [collection, keys] of Object.entries(NIGHTSCOUT_INDEXES)) {
      const names = (await client.db().collection(collection).listIndexes().toArray()).map(
        (i) => i.name,
      );
      for (const key of keys) expect(names).toContain(indexName(key));
    }
  });
  expectNoSecret([run.stdout, run.stderr], pair.secrets());
});

it("changes nothing when run again after success", async () => {
  const before = await snapshot(pair.target.uri(), "treatments");
  const run = await migrate(pair.args(stateDir, ["--collections", "settings"]), pair.env());
  expect(run.code).toBe(0);
  const report = readReport(stateDir);
  expect(report.documentsInserted).toBe(0);
  expect(report.collections.every((c) => c.inserted === 0 && c.caughtUp === 0)).toBe(true);
  expect(await snapshot(pair.target.uri(), "treatments")).toEqual(before);
});

it("catches up with documents added and edited on the source since, by _id and in place", async () => {
  await withClient(pair.source.uri(), async (client) => {
    const db = client.db();
    // After every saved position: a newer ObjectId, as an uploader creates it. The copy pass
    // does not run again once it has read the whole source: the catch-up brings it too.
    await db
      .collection("entries")
      .insertOne({ _id: new BSON.ObjectId(), type: "sgv", sgv: 101, date: Date.now() } as never);
    // Before the string position ("z-nested"): only the catch-up pass can see it.
    await db
      .collection("treatments")
      .insertOne({ _id: "aaps-0000", eventType: "Note", notes: "late" } as never);
    // Edited in place, as Nightscout's care portal does.
    await db
      .collection("treatments")
      .updateOne({ _id: "late-edit" } as never, { $set: { notes: "edited" } });
    // Edited with its integer-like name still last: the repair must keep that order.
    await db.command({
      update: "treatments",
      updates: documentSequence("updates", [
        replacementStatement(integerNameLast("stored-order", "edited")),
      ]),
    });
  });
  const run = await migrate(pair.args(stateDir, ["--collections", "settings"]), pair.env());
  expect(run.code).toBe(0);
  expect(await differingCollections(pair.source.uri(), pair.target.uri(), COLLECTIONS)).toEqual([]);
  const report = readReport(stateDir);
  const by = (name: string) => report.collections.find((c) => c.collection === name);
  expect(by("entries")).toMatchObject({ inserted: 0, caughtUp: 1 });
  expect(by("treatments")).toMatchObject({ inserted: 0, caughtUp: 3 });
  expect(run.stderr).toContain(
    "entries: copied by an earlier run; the catch-up pass brings it up to date",
  );
});

it("keeps a document only on the target that it never copied, and verifies the rest around it", async () => {
  await withClient(pair.target.uri(), (client) =>
    client
      .db()
      .collection("profile")
      .insertOne({ _id: "only-on-target", units: "mmol" } as never),
  );
  const run = await migrate(pair.args(stateDir, ["--collections", "settings"]), pair.env());
  expect(run.stderr).not.toContain("does not match");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("1 only on the target and never copied: kept, not compared");
  expect(run.stdout).toMatch(/^profile .* ok$/m);
  // Never deleted: the target's document is still there.
  expect(
    (await snapshot(pair.target.uri(), "profile")).some((d) => d.includes("only-on-target")),
  ).toBe(true);
});
