/**
 * Documents the target refuses. Both sides are FerretDB v1.24.2 on PostgreSQL 15 (the
 * integration harness); FerretDB v1 refuses names starting with '$' or containing '.' on every
 * write, as the project's example targets do, while a hosted MongoDB stores them. So the source
 * gets them the way such a database would hold them, behind FerretDB's back: each is inserted
 * through the MongoDB protocol under a placeholder name, then renamed in its JSONB row with SQL
 * (`plantHostile`). FerretDB serves such a row as it is. Without --skip-invalid the run stops on
 * the first with its `_id` and reason; with it they go to the dead-letter file as Extended
 * JSON, the rest verifies, and a later run retries them from the source.
 *
 * NaN and NUL in a string cannot be planted (PostgreSQL's jsonb holds neither), so those
 * hostile documents stay unit-test inputs (HostileDocument.injectable).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BSON, type Document } from "mongodb";
import { dataset, hostileDocuments, seed } from "../../../migrate/generate";
import { MIGRATE_EXIT_CODES } from "../../../migrate/exit-codes";
import { documentsTable, startHarness, type Harness } from "../../integration/harness";
import { expectNoSecret } from "../../helpers/leaks";
import { migrateArgs as args, migrate, readReport, snapshot, uriEnv, withClient } from "./helpers";

let source: Harness;
let target: Harness;
let scratch: string;

/** The hostile documents a FerretDB v1 source can hold (see the header). */
const REFUSED = hostileDocuments().filter((h) => h.injectable);

/** A field name as FerretDB accepts it, standing for `name` until plantHostile renames it. */
const placeholder = (name: string, i: number): string => `planted_${i}_${name.length}`;

/**
 * Stores `document` in the source's `collection` with its hostile field names intact: written
 * through FerretDB with placeholder names, then renamed in the JSONB row (values, and the key
 * list and types FerretDB keeps in `$s`), so its field order and types are FerretDB's own.
 */
async function plantHostile(h: Harness, collection: string, document: Document): Promise<void> {
  const renames = Object.keys(document)
    .filter((name) => name.startsWith("$") || name.includes("."))
    .map((name, i) => [placeholder(name, i), name] as const);
  expect(renames.length).toBeGreaterThan(0);
  const safe = Object.fromEntries(
    Object.entries(document).map(([name, value]) => [
      renames.find(([, hostile]) => hostile === name)?.[0] ?? name,
      value,
    ]),
  );
  await withClient(h.uri(), (client) => client.db().collection(collection).insertOne(safe));
  let jsonb = "_jsonb::text";
  for (const [from, to] of renames) {
    jsonb = `replace(${jsonb}, '${JSON.stringify(from)}', '${JSON.stringify(to).replace(/'/g, "''")}')`;
  }
  const changed = h.psql(
    `WITH planted AS (UPDATE ${documentsTable(h, collection)} SET _jsonb = (${jsonb})::jsonb ` +
      `WHERE _jsonb->>'_id' = '${String(document._id)}' RETURNING 1) SELECT count(*) FROM planted`,
  );
  expect(changed.trim()).toBe("1");
}

beforeAll(async () => {
  [source, target] = await Promise.all([startHarness(), startHarness()]);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-refused-"));
  await withClient(source.uri(), (client) =>
    seed(client.db(), dataset({ days: 1, seed: 10, devicestatus: 50 })),
  );
  for (const h of REFUSED) await plantHostile(source, "entries", h.document);
  // FerretDB serves them back exactly as planted: what the migration will read.
  const served = await snapshot(source.uri(), "entries");
  for (const h of REFUSED) {
    expect(served).toContain(BSON.EJSON.stringify(h.document, { relaxed: false }));
  }
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
    // The exact document, hostile names and all, as canonical Extended JSON.
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
