/**
 * Throughput of `npm run migrate` for a year of 5-minute CGM entries (105,120) plus 100,000
 * devicestatus documents, local source to local target (two data paths from the integration
 * harness: FerretDB v1.24.2 on PostgreSQL 15; the stack's FerretDB v2 on DocumentDB is not
 * available here, so the numbers are FerretDB v1's), beside its floor measured in the
 * same run: the same documents bulk-inserted from memory into the same target (unordered
 * batches of 1,000, as fast as a client can write them), once before and once after the
 * migration, so load drift on the shared machine shows. Targets (issue 12): the copy at
 * least 50% of the floor's rate, the whole year (copy, indexes, verification) under 2
 * minutes, memory bounded (the migration's peak RSS is reported). FerretDB v1 refuses nested
 * arrays, which the OpenAPS rig's devicestatus carries (mmtune.scanDetails): those documents are
 * left out of the source and the floor alike, and the count left out is printed.
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

/** The floor: every document generated first, then only the inserts are timed. */
async function floor(db: Db): Promise<{ seconds: number; documents: number }> {
  const data = dataset({ days: DAYS, devicestatus: DEVICESTATUS });
  let seconds = 0;
  let documents = 0;
  for (const collection of COLLECTIONS) {
    // One collection in memory at a time: the floor measures writing, not swapping.
    const docs = [...storable(data[collection](), false)];
    seconds += await insertFromMemory(db, collection, docs);
    documents += docs.length;
  }
  await db.dropDatabase();
  return { seconds, documents };
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
    const floorBefore = await floor(targetClient.db("floor_before"));
    process.stderr.write(`bench: floor ${floorBefore.seconds.toFixed(1)} s (load ${load()})\n`);
    const loadBefore = load();
    const migration = await runMigration(uriEnv(source, target), path.join(scratch, "state"));
    const loadAfter = load();
    const report = JSON.parse(
      fs.readFileSync(path.join(scratch, "state", "report.json"), "utf8"),
    ) as {
      copySeconds: number;
      seconds: number;
      documentsRead: number;
      verified: boolean;
      peakRssMiB: number;
    };
    const floorAfter = await floor(targetClient.db("floor_after"));
    const floorRate = (2 * documents) / (floorBefore.seconds + floorAfter.seconds);
    const copyRate = report.documentsRead / report.copySeconds;
    const result = {
      when: new Date().toISOString(),
      documents,
      leftOutNestedArrays: leftOut,
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
      floorSeconds: [Number(floorBefore.seconds.toFixed(2)), Number(floorAfter.seconds.toFixed(2))],
      floorDocsPerSecond: Math.round(floorRate),
      migrationExit: migration.code,
      verified: report.verified,
      copySeconds: Number(report.copySeconds.toFixed(2)),
      copyDocsPerSecond: Math.round(copyRate),
      ratioToFloor: Number((copyRate / floorRate).toFixed(2)),
      wholeRunSeconds: Number(report.seconds.toFixed(2)),
      processSeconds: Number(migration.seconds.toFixed(2)),
      peakRssMiB: report.peakRssMiB,
    };
    const rows = [
      ["documents", `${documents} (${leftOut} with nested arrays left out)`],
      [
        "floor (bulk insert from memory)",
        `${result.floorSeconds.join(" s, ")} s = ${result.floorDocsPerSecond} docs/s`,
      ],
      [
        "migration copy",
        `${result.copySeconds} s = ${result.copyDocsPerSecond} docs/s (${result.ratioToFloor}x the floor; target >= 0.5x)`,
      ],
      [
        "whole run (copy, indexes, catch-up, verification)",
        `${result.wholeRunSeconds} s (target < 120 s); process ${result.processSeconds} s`,
      ],
      ["verified", `${result.verified} (exit ${result.migrationExit})`],
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
