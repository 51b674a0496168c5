/**
 * Throughput of `npm run migrate` for a year of 5-minute CGM entries (105,120) plus 100,000
 * devicestatus documents, local source to local target (two data paths from the integration
 * harness: FerretDB v1.24.2 on PostgreSQL 15; the stack's FerretDB v2 on DocumentDB is not
 * available here, so the numbers are FerretDB v1's), against two floors measured in the same
 * run on the same data: one sorted read of the source alone, and the same documents
 * bulk-inserted from memory into the target (unordered batches of 1,000), once before and once
 * after the migration, so load drift on the shared machine shows. Goals (issue 21): the copy
 * at least 0.5x the slower floor, verification at most 2x the source read, a no-change rerun
 * (the same command again) at most 2x the source read; devicestatus is reported on its own.
 * FerretDB v1 refuses nested arrays, which the OpenAPS rig's devicestatus carries
 * (mmtune.scanDetails): those documents are left out of the source and the floor alike, and
 * the count left out is printed.
 *
 *   npm run bench:migrate          (BENCH_DAYS=365, BENCH_DEVICESTATUS=100000)
 *
 * Prints a table and writes bench/results/migrate.json. A benchmark, not a test: nothing
 * here fails on a number.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { MongoClient, type Db, type Document } from "mongodb";
import { batches, dataset } from "../migrate/generate";
import { PROJECT_DIR, startHarness } from "../tests/integration/harness";
import { CLI, migrateArgs, uriEnv } from "../tests/migrate/servers/helpers";

const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const DEVICESTATUS = Number(process.env.BENCH_DEVICESTATUS ?? 100_000);
const BATCH = 1000;
const COLLECTIONS = ["entries", "devicestatus"] as const;

const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** An array directly inside an array, anywhere in the document: FerretDB v1 refuses it. */
function hasNestedArray(value: unknown, inArray = false): boolean {
  if (Array.isArray(value)) return inArray || value.some((item) => hasNestedArray(item, true));
  if (value && typeof value === "object" && !(value instanceof Date) && !("_bsontype" in value)) {
    return Object.values(value).some((item) => hasNestedArray(item));
  }
  return false;
}

let leftOut = 0;

/** The documents FerretDB v1 stores; `count` counts the others (once: the source's pass). */
function* storable(docs: Iterable<Document>, count: boolean): Generator<Document> {
  for (const doc of docs) {
    if (!hasNestedArray(doc)) yield doc;
    else if (count) leftOut++;
  }
}

async function insertFromMemory(db: Db, collection: string, docs: Document[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < docs.length; i += BATCH) {
    await db.collection(collection).insertMany(docs.slice(i, i + BATCH), { ordered: false });
  }
  return (performance.now() - started) / 1000;
}

/** The target floor: every document generated first, then only the inserts are timed. */
async function floor(
  db: Db,
): Promise<{ seconds: number; documents: number; perCollection: Record<string, number> }> {
  const data = dataset({ days: DAYS, devicestatus: DEVICESTATUS });
  let seconds = 0;
  let documents = 0;
  const perCollection: Record<string, number> = {};
  for (const collection of COLLECTIONS) {
    // One collection in memory at a time: the floor measures writing, not swapping.
    const docs = [...storable(data[collection](), false)];
    perCollection[collection] = await insertFromMemory(db, collection, docs);
    seconds += perCollection[collection];
    documents += docs.length;
  }
  await db.dropDatabase();
  return { seconds, documents, perCollection };
}

/** The source read floor: one sorted raw read of each collection, alone, nothing else running. */
async function readFloor(db: Db): Promise<Record<string, { seconds: number; documents: number }>> {
  const out: Record<string, { seconds: number; documents: number }> = {};
  for (const collection of COLLECTIONS) {
    const started = performance.now();
    let documents = 0;
    const cursor = db
      .collection(collection)
      .find({}, { sort: { _id: 1 }, raw: true, batchSize: BATCH });
    for await (const _ of cursor) documents++;
    out[collection] = { seconds: (performance.now() - started) / 1000, documents };
  }
  return out;
}

async function seedSource(db: Db): Promise<number> {
  const data = dataset({ days: DAYS, devicestatus: DEVICESTATUS });
  let documents = 0;
  for (const collection of COLLECTIONS) {
    for (const batch of batches(storable(data[collection](), true), BATCH)) {
      await db.collection(collection).insertMany(batch, { ordered: false });
      documents += batch.length;
    }
  }
  return documents;
}

function runMigration(
  env: NodeJS.ProcessEnv,
  stateDir: string,
): Promise<{ code: number | null; seconds: number; stderr: string }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", CLI, ...migrateArgs(stateDir, [], "bench")],
    {
      cwd: PROJECT_DIR,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    process.stderr.write(d);
  });
  child.stdout.on("data", (d: Buffer) => process.stdout.write(d));
  return new Promise((resolve) =>
    child.on("close", (code) =>
      resolve({ code, seconds: (performance.now() - started) / 1000, stderr }),
    ),
  );
}

async function main(): Promise<void> {
  const loadAtStart = load();
  const [source, target] = await Promise.all([startHarness(), startHarness()]);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-migrate-"));
  const sourceClient = new MongoClient(source.uri());
  const targetClient = new MongoClient(target.uri());
  try {
    const t0 = performance.now();
    const documents = await seedSource(sourceClient.db());
    process.stderr.write(
      `bench: seeded ${documents} documents in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
        `(${leftOut} with nested arrays left out: FerretDB v1 refuses them)\n`,
    );
    const sourceRead = await readFloor(sourceClient.db());
    const sourceReadSeconds = Object.values(sourceRead).reduce((sum, r) => sum + r.seconds, 0);
    process.stderr.write(
      `bench: source read floor ${sourceReadSeconds.toFixed(1)} s (load ${load()})\n`,
    );
    const floorBefore = await floor(targetClient.db("floor_before"));
    process.stderr.write(
      `bench: target floor ${floorBefore.seconds.toFixed(1)} s (load ${load()})\n`,
    );
    const loadBefore = load();
    const stateDir = path.join(scratch, "state");
    const migration = await runMigration(uriEnv(source, target), stateDir);
    const loadAfter = load();
    const readReport = () =>
      JSON.parse(fs.readFileSync(path.join(stateDir, "report.json"), "utf8")) as {
        copySeconds: number;
        verifySeconds: number;
        seconds: number;
        documentsRead: number;
        verified: boolean;
        peakRssMiB: number;
        collections: { collection: string; inserted: number; copySeconds: number }[];
      };
    const report = readReport();
    const rerun = await runMigration(uriEnv(source, target), stateDir);
    const rerunReport = readReport();
    const floorAfter = await floor(targetClient.db("floor_after"));
    const targetRate = (2 * documents) / (floorBefore.seconds + floorAfter.seconds);
    const sourceRate = documents / sourceReadSeconds;
    const slowerFloor = Math.min(targetRate, sourceRate);
    const copyRate = report.documentsRead / report.copySeconds;
    const ratio = (x: number) => Number(x.toFixed(2));
    const ds = report.collections.find((c) => c.collection === "devicestatus");
    const dsSlower = Math.min(
      sourceRead.devicestatus.documents / sourceRead.devicestatus.seconds,
      (2 * sourceRead.devicestatus.documents) /
        (floorBefore.perCollection.devicestatus + floorAfter.perCollection.devicestatus),
    );
    const dsRate = ds && ds.copySeconds > 0 ? ds.inserted / ds.copySeconds : 0;
    const result = {
      when: new Date().toISOString(),
      documents,
      leftOutNestedArrays: leftOut,
      source: "FerretDB v1.24.2 on PostgreSQL 15",
      target: "FerretDB v1.24.2 on PostgreSQL 15",
      days: DAYS,
      devicestatus: DEVICESTATUS,
      cpus: os.cpus().length,
      load: {
        start: loadAtStart,
        beforeMigration: loadBefore,
        afterMigration: loadAfter,
        end: load(),
      },
      sourceReadSeconds: ratio(sourceReadSeconds),
      sourceReadDocsPerSecond: Math.round(sourceRate),
      floorSeconds: [ratio(floorBefore.seconds), ratio(floorAfter.seconds)],
      floorDocsPerSecond: Math.round(targetRate),
      migrationExit: migration.code,
      verified: report.verified,
      copySeconds: ratio(report.copySeconds),
      copyDocsPerSecond: Math.round(copyRate),
      copyToSlowerFloor: ratio(copyRate / slowerFloor),
      verifySeconds: ratio(report.verifySeconds),
      verifyToSourceRead: ratio(report.verifySeconds / sourceReadSeconds),
      rerunExit: rerun.code,
      rerunSeconds: ratio(rerunReport.seconds),
      rerunToSourceRead: ratio(rerunReport.seconds / sourceReadSeconds),
      devicestatusCopyDocsPerSecond: Math.round(dsRate),
      devicestatusToSlowerFloor: ratio(dsRate / dsSlower),
      wholeRunSeconds: ratio(report.seconds),
      processSeconds: ratio(migration.seconds),
      peakRssMiB: report.peakRssMiB,
    };
    const rows = [
      ["documents", `${documents} (${leftOut} with nested arrays left out)`],
      [
        "source read floor (one sorted read, alone)",
        `${result.sourceReadSeconds} s = ${result.sourceReadDocsPerSecond} docs/s`,
      ],
      [
        "target floor (bulk insert from memory)",
        `${result.floorSeconds.join(" s, ")} s = ${result.floorDocsPerSecond} docs/s`,
      ],
      [
        "copy",
        `${result.copySeconds} s = ${result.copyDocsPerSecond} docs/s: ${result.copyToSlowerFloor}x the slower floor (goal >= 0.5x)`,
      ],
      [
        "  devicestatus alone",
        `${result.devicestatusCopyDocsPerSecond} docs/s: ${result.devicestatusToSlowerFloor}x its slower floor`,
      ],
      [
        "verification (indexes, catch-up, compare)",
        `${result.verifySeconds} s: ${result.verifyToSourceRead}x the source read (goal <= 2x)`,
      ],
      [
        "no-change rerun",
        `${result.rerunSeconds} s (exit ${result.rerunExit}): ${result.rerunToSourceRead}x the source read (goal <= 2x)`,
      ],
      [
        "whole first run",
        `${result.wholeRunSeconds} s; process ${result.processSeconds} s; verified ${result.verified} (exit ${result.migrationExit})`,
      ],
      ["peak RSS of the migration", `${result.peakRssMiB} MiB`],
      [
        "load average (1/5/15 min)",
        `start ${result.load.start}; around the migration ${loadBefore} -> ${loadAfter}`,
      ],
    ];
    for (const [name, value] of rows) process.stdout.write(`${name.padEnd(52)} ${value}\n`);
    const out = path.join(PROJECT_DIR, "bench", "results");
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, "migrate.json"), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await Promise.all([sourceClient.close(), targetClient.close()]);
    await Promise.all([source.stop(), target.stop()]);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:migrate failed: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
