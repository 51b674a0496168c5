/**
 * What a run leaves on disk and on the terminal: the resume state (atomic, tied to one
 * source and target), the dead-letter file (Extended JSON that keeps every type), the
 * progress display and the report.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BSON } from "mongodb";
import { DeadLetters } from "../../migrate/dead-letter";
import { Progress, formatDuration, formatProgress } from "../../migrate/progress";
import { formatReport, type RunReport } from "../../migrate/report";
import { StateFile } from "../../migrate/state";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-files-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const PAIR = "mongodb://***@a:27017/ns -> mongodb://***@b:27017/nightscout";

it("state: saved positions come back; another pair's state is refused with the fix", () => {
  const state = StateFile.open(dir, PAIR);
  state.collection("entries").positions.objectId = '{"$oid":"5f1afb118b6aca48aa123400"}';
  state.collection("entries").inserted = 1000;
  state.save();
  expect(fs.existsSync(path.join(dir, "state.json.tmp"))).toBe(false);
  expect((fs.statSync(path.join(dir, "state.json")).mode & 0o777).toString(8)).toBe("600");
  const again = StateFile.open(dir, PAIR);
  expect(again.collection("entries")).toEqual({
    positions: { objectId: '{"$oid":"5f1afb118b6aca48aa123400"}' },
    inserted: 1000,
  });
  expect(() => StateFile.open(dir, "mongodb://x:1/other -> mongodb://y:2/nightscout")).toThrow(
    /belongs to the migration .* use another --state-dir for this pair, or move the file away/,
  );
  fs.writeFileSync(path.join(dir, "state.json"), "{ half");
  expect(() => StateFile.open(dir, PAIR)).toThrow(/is not readable JSON .* move it away/);
});

it("dead letters keep the document's exact types and are read back by a later run", () => {
  const letters = new DeadLetters(dir);
  const doc = {
    _id: new BSON.ObjectId("5f1afb118b6aca48aa123400"),
    v: BSON.Long.fromNumber(5),
    $x: 1,
  };
  letters.add("entries", doc, 'invalid key: "$x"');
  letters.add("entries", doc, "again");
  const later = new DeadLetters(dir);
  expect(later.all()).toHaveLength(1);
  const [letter] = later.all();
  expect(letter.reason).toBe("again");
  expect(letter.document.v).toBeInstanceOf(BSON.Long);
  expect(later.ids("entries")).toEqual(new Set(['{"$oid":"5f1afb118b6aca48aa123400"}']));
  expect(later.ids("treatments").size).toBe(0);
  later.remove("entries", letter.id);
  expect(fs.existsSync(later.file)).toBe(false);
});

it("progress: documents, rate and ETA; redrawn in place on a terminal, plain lines elsewhere", () => {
  expect(
    formatProgress({ collection: "entries", done: 20_000, total: 105_120, elapsedMs: 5_000 }),
  ).toBe("entries 20,000/105,120 (19%) 4,000 docs/s ETA 0:21");
  expect(formatDuration(3_909)).toBe("1:05:09");
  expect(formatDuration(Number.NaN)).toBe("?");

  let now = 0;
  const out: string[] = [];
  const plain = new Progress({
    sink: { isTTY: false, write: (t) => out.push(t) },
    intervalMs: 1000,
    now: () => now,
  });
  plain.start("entries", 3000);
  for (let i = 0; i < 3; i++) {
    now += 600;
    plain.advance(1000);
  }
  plain.finish();
  expect(out).toEqual([
    "entries: copying, 3,000 documents\n",
    "entries 2,000/3,000 (66%) 1,667 docs/s ETA 0:01\n",
    "entries 3,000/3,000 (100%) 1,667 docs/s ETA 0:00\n",
  ]);

  const tty: string[] = [];
  now = 0;
  const terminal = new Progress({
    sink: { isTTY: true, write: (t) => tty.push(t) },
    now: () => now,
  });
  terminal.start("treatments", 10);
  now += 200;
  terminal.advance(5);
  terminal.finish();
  expect(tty.every((t) => t.startsWith("\r\x1b[2K"))).toBe(true);
  expect(tty[tty.length - 1].endsWith("\n")).toBe(true);
});

it("progress: a collection copied before its count arrived still ends at 100%", () => {
  let now = 0;
  const tty: string[] = [];
  const progress = new Progress({
    sink: { isTTY: true, write: (t) => tty.push(t) },
    now: () => now,
  });
  progress.start("entries");
  now += 500;
  progress.advance(291);
  progress.finish("(291 already there)");
  progress.total("entries", 291); // the count, too late: nothing is drawn for a finished line
  expect(tty[tty.length - 1]).toBe(
    "\r\x1b[2Kentries 291/291 (100%) 582 docs/s ETA 0:00 (291 already there)\n",
  );
  expect(tty).toHaveLength(2);
});

it("progress: no rate before a second has passed; a resumed run's rate counts only its own documents", () => {
  const line = (elapsedMs: number, done: number, doneAtStart?: number) =>
    formatProgress({ collection: "entries", done, total: 60_004, elapsedMs, doneAtStart });
  expect(line(999, 1000)).toBe("entries 1,000/60,004 (1%) measuring the rate");
  expect(line(1000, 1000)).toBe("entries 1,000/60,004 (1%) 1,000 docs/s ETA 0:59");
  // 50,000 were there before this run; 2,000 moved in 2 s.
  expect(line(2000, 52_000, 50_000)).toBe("entries 52,000/60,004 (86%) 1,000 docs/s ETA 0:08");
  expect(line(2000, 50_000, 50_000)).toBe("entries 50,000/60,004 (83%) measuring the rate");

  let now = 0;
  const out: string[] = [];
  const resumed = new Progress({
    sink: { isTTY: false, write: (t) => out.push(t) },
    intervalMs: 1000,
    now: () => now,
  });
  resumed.start("entries", 60_004, 60_000);
  now += 1500;
  resumed.advance(4);
  resumed.finish();
  expect(out[out.length - 1]).toBe("entries 60,004/60,004 (100%) 3 docs/s ETA 0:00\n");
});

it("the report names a mismatching collection and its first differing _id", () => {
  const report: RunReport = {
    source: "mongodb+srv://***@cluster0.example.net/ns",
    target: "mongodb://***@ferretdb:27017/nightscout via 127.0.0.1:4321",
    startedAt: "",
    finishedAt: "",
    seconds: 65,
    copySeconds: 60,
    verifySeconds: 4,
    documentsRead: 120_000,
    documentsInserted: 120_000,
    docsPerSecond: 2_000,
    verified: false,
    peakRssMiB: 120,
    collections: [
      {
        collection: "entries",
        sourceCount: 100,
        targetCount: 99,
        sourceDigest: "a".repeat(64),
        targetDigest: "b".repeat(64),
        verified: false,
        inserted: 99,
        duplicatesSkipped: 0,
        caughtUp: 0,
        deadLettered: 0,
        goneFromSource: 0,
        removed: 0,
        removedFiles: [],
        keptOnTarget: 0,
        firstDifference: { id: '"x-1"', what: "missing on the target" },
        indexesCreated: [],
        indexesRefused: [],
        copySeconds: 1,
      },
    ],
    skippedCollections: ["plugin_cache"],
  };
  const text = formatReport(report);
  expect(text).toContain("left behind (--skip-collections): plugin_cache");
  expect(text).toContain(
    'MISMATCH source aaaaaaaaaaaa target bbbbbbbbbbbb; first _id "x-1" missing on the target',
  );
  expect(text).toContain(
    "120000 documents inserted, 120000 read, in 1:05 (copy 60.0 s, verification 4.0 s, 2000 docs/s, peak RSS 120 MiB)",
  );
  expect(text.split("\n").pop()).toBe("NOT verified");
});

it("progress: a collection's last line has the whole pass's rate, however short the pass", () => {
  expect(
    formatProgress({ collection: "food", done: 8, total: 8, elapsedMs: 40, final: true }),
  ).toBe("food 8/8 (100%) 200 docs/s ETA 0:00");
  expect(formatProgress({ collection: "food", done: 8, total: 8, elapsedMs: 40 })).toBe(
    "food 8/8 (100%) measuring the rate",
  );
  expect(formatProgress({ collection: "food", done: 8, elapsedMs: 2000 })).toBe("food 8 4 docs/s");
});
