/**
 * Interruptions and a live source: a migration killed (SIGKILL, nothing flushed) in the
 * middle of a collection continues on the next run without duplicates and ends verified;
 * documents an uploader writes while the migration runs arrive through the catch-up pass.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BSON } from "mongodb";
import { dataset, seed } from "../../../migrate/generate";
import { NIGHTSCOUT_COLLECTIONS } from "../../../migrate/options";
import {
  differingCollections,
  migrate,
  readReport,
  sleep,
  startMigrate,
  startPair,
  withClient,
  type Pair,
} from "./helpers";

let pair: Pair;

beforeAll(async () => {
  pair = await startPair();
  // Seed 7: no OpenAPS rig among its devicestatus (seed 5 switches to one early); the rig's
  // nested arrays (mmtune.scanDetails) are refused by FerretDB v1 on insert.
  await withClient(pair.source.uri(), (client) =>
    seed(client.db(), dataset({ days: 12, seed: 7, devicestatus: 2000 })),
  );
});

afterAll(async () => {
  await pair?.stop();
});

function insertedSoFar(stateDir: string, collection: string): number {
  try {
    const state = JSON.parse(fs.readFileSync(path.join(stateDir, "state.json"), "utf8"));
    return state.collections[collection]?.inserted ?? 0;
  } catch {
    return 0;
  }
}

async function targetCount(collection: string): Promise<number> {
  return withClient(pair.target.uri(), (client) =>
    client.db().collection(collection).countDocuments(),
  );
}

it("resumes after SIGKILL in the middle of a collection, without duplicates, and ends verified", async () => {
  const stateDir = pair.stateDir();
  const args = pair.args(stateDir, ["--batch-size", "100"]);
  const running = startMigrate(args, pair.env());
  const until = Date.now() + 120_000;
  while (insertedSoFar(stateDir, "entries") < 1000 && Date.now() < until) await sleep(20);
  running.kill("SIGKILL");
  const killed = await running.done;
  expect(killed.signal).toBe("SIGKILL");
  const [entriesOnTarget, entriesOnSource] = await Promise.all([
    targetCount("entries"),
    withClient(pair.source.uri(), (c) => c.db().collection("entries").countDocuments()),
  ]);
  // Really interrupted: some, not all, of the entries were there.
  expect(entriesOnTarget).toBeGreaterThanOrEqual(1000);
  expect(entriesOnTarget).toBeLessThan(entriesOnSource);

  const resumed = await migrate(args, pair.env());
  expect(resumed.code).toBe(0);
  expect(
    await differingCollections(pair.source.uri(), pair.target.uri(), NIGHTSCOUT_COLLECTIONS),
  ).toEqual([]);
  const entries = readReport(stateDir).collections.find((c) => c.collection === "entries");
  // The resumed run started at the saved position: it inserted only what was missing.
  expect(entries?.inserted).toBe(entriesOnSource - entriesOnTarget);
  expect(await targetCount("entries")).toBe(entriesOnSource);
  // The resumed run's last progress line counts every document once (it once read
  // 60,005/60,005 for 60,004 after a resume).
  const total = entriesOnSource.toLocaleString("en-US");
  const last = resumed.stderr
    .split("\n")
    .filter((l) => l.startsWith("entries "))
    .pop();
  expect(last).toMatch(new RegExp(`^entries ${total}(/${total} \\(100%\\))? `));
});

it("picks up documents an uploader writes while the migration runs", async () => {
  await withClient(pair.target.uri(), (client) => client.db().dropDatabase());
  const stateDir = pair.stateDir();
  const running = startMigrate(pair.args(stateDir, ["--batch-size", "200"]), pair.env());
  let written = 0;
  await withClient(pair.source.uri(), async (client) => {
    const entries = client.db().collection("entries");
    const treatments = client.db().collection("treatments");
    // Until the migration starts verifying entries, as an uploader would until told to stop.
    while (!/entries: verifying/.test(running.stderr())) {
      const now = Date.now();
      await entries.insertOne({
        _id: new BSON.ObjectId(),
        type: "sgv",
        sgv: 90 + (written % 50),
        date: now,
      } as never);
      // A string _id that sorts before anything copied: only the catch-up pass sees it.
      await treatments.insertOne({
        _id: `0-live-${written}`,
        eventType: "Note",
        created_at: new Date(now).toISOString(),
      } as never);
      written++;
      await sleep(50);
    }
  });
  const run = await running.done;
  expect(run.code).toBe(0);
  expect(written).toBeGreaterThan(0);
  expect(
    await differingCollections(pair.source.uri(), pair.target.uri(), NIGHTSCOUT_COLLECTIONS),
  ).toEqual([]);
});

it("resumes after SIGKILL during the catch-up and verification pass", async () => {
  await withClient(pair.target.uri(), (client) => client.db().dropDatabase());
  const stateDir = pair.stateDir();
  const args = pair.args(stateDir, ["--batch-size", "200"]);
  const running = startMigrate(args, pair.env());
  const until = Date.now() + 120_000;
  while (!/treatments: verifying/.test(running.stderr()) && Date.now() < until) await sleep(10);
  running.kill("SIGKILL");
  expect((await running.done).signal).toBe("SIGKILL");
  // Killed before it could write its report.
  expect(fs.existsSync(path.join(stateDir, "report.json"))).toBe(false);
  const resumed = await migrate(args, pair.env());
  expect(resumed.code).toBe(0);
  expect(readReport(stateDir).documentsInserted).toBe(0);
  expect(
    await differingCollections(pair.source.uri(), pair.target.uri(), NIGHTSCOUT_COLLECTIONS),
  ).toEqual([]);
});
