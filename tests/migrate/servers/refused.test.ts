/**
 * Documents the target refuses. The source is FerretDB v2 on DocumentDB, which stores names
 * starting with '$' or containing '.', and NaN, as MongoDB does; the target is FerretDB
 * v1.24.2 (ferretdbV1.ts says why), which refuses all three. Without --skip-invalid the run
 * stops on the first with its `_id` and reason; with it they go to the dead-letter file as
 * Extended JSON, the rest verifies, and a later run retries them from the source.
 */
import * as fs from "node:fs";
import { BSON } from "mongodb";
import { dataset, hostileDocuments, seed } from "../../../migrate/generate";
import { MIGRATE_EXIT_CODES } from "../../../migrate/exitCodes";
import { startHarness, type Harness } from "../../integration/harness";
import { expectNoSecret } from "../../helpers/leaks";
import { startFerretDbV1, type FerretDbV1 } from "./ferretdbV1";
import { migrateArgs as args, migrate, readReport, snapshot, uriEnv, withClient } from "./helpers";
import * as os from "node:os";
import * as path from "node:path";

let source: Harness;
let target: FerretDbV1;
let scratch: string;

/** The hostile documents FerretDB v1.24.2 refuses (NUL it refuses too, but only in entries). */
const REFUSED = hostileDocuments().filter((h) => h.document._id !== "hostile-nul");

beforeAll(async () => {
  [source, target] = await Promise.all([startHarness(), startFerretDbV1()]);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-refused-"));
  await withClient(source.uri(), async (client) => {
    const db = client.db();
    // Seed 10 gives Loop's devicestatus: OpenAPS's nested arrays (mmtune) FerretDB v1 refuses too.
    await seed(db, dataset({ days: 1, seed: 10, devicestatus: 50 }));
    await db.collection("entries").insertMany(REFUSED.map((h) => h.document) as never[]);
  });
});

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

const env = (): NodeJS.ProcessEnv => uriEnv(source, target);
const secrets = (): string[] => [
  source.password,
  encodeURIComponent(source.password),
  target.password,
  encodeURIComponent(target.password),
];

it("stops on the first refused document, naming the collection, its _id and the reason (exit 7)", async () => {
  const stateDir = path.join(scratch, "stop");
  const run = await migrate(args(stateDir), env());
  expect(run.code).toBe(MIGRATE_EXIT_CODES.refused);
  expect(run.stderr).toMatch(
    /entries: the target refused the document with _id "hostile-[a-z-]+": .+\. Fix it on the source, or rerun with --skip-invalid/,
  );
  expectNoSecret([run.stdout, run.stderr], secrets());
  // Stopped again at the same place on a rerun: the position never moved past it.
  const again = await migrate(args(stateDir), env());
  expect(again.code).toBe(MIGRATE_EXIT_CODES.refused);
});

it("with --skip-invalid keeps them in the dead-letter file, verifies the rest (exit 8), and retries them later", async () => {
  const stateDir = path.join(scratch, "skip");
  const run = await migrate(args(stateDir, ["--skip-invalid"]), env());
  expect(run.code).toBe(MIGRATE_EXIT_CODES.deadLettered);
  const file = path.join(stateDir, "dead-letters.ejson");
  const letters = fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map(
      (line) =>
        BSON.EJSON.parse(line, { relaxed: false }) as {
          collection: string;
          id: string;
          reason: string;
          document: BSON.Document;
        },
    );
  expect(letters.map((l) => l.document._id).sort()).toEqual(
    REFUSED.map((h) => h.document._id).sort(),
  );
  for (const letter of letters) {
    expect(letter.collection).toBe("entries");
    expect(letter.reason.length).toBeGreaterThan(0);
    const original = REFUSED.find((h) => h.document._id === letter.document._id)?.document;
    // The exact document, NaN and all, as canonical Extended JSON.
    expect(BSON.EJSON.stringify(letter.document, { relaxed: false })).toBe(
      BSON.EJSON.stringify(original as BSON.Document, { relaxed: false }),
    );
  }
  expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
  const report = readReport(stateDir);
  expect(report.verified).toBe(true);
  expect(report.collections.find((c) => c.collection === "entries")?.deadLettered).toBe(
    REFUSED.length,
  );
  expect(run.stdout).toContain(`${REFUSED.length} documents wait in ${file}`);
  expectNoSecret([run.stdout, run.stderr], secrets());

  // Fixed on the source (the operator renames the fields), a later run takes them from there.
  await withClient(source.uri(), async (client) => {
    const entries = client.db().collection("entries");
    for (const h of REFUSED) {
      await entries.replaceOne({ _id: h.document._id } as never, {
        type: "note",
        fixed: true,
        was: h.why,
      });
    }
  });
  const retried = await migrate(args(stateDir), env());
  expect(retried.code).toBe(0);
  expect(fs.existsSync(file)).toBe(false);
  expect(await snapshot(target.uri(), "entries")).toEqual(await snapshot(source.uri(), "entries"));
});
