/**
 * The final pass converges: documents deleted on the source after they were copied are
 * removed from the target with --carry-deletes (listed by the dry run first, saved before
 * they go, capped), a document the new site wrote on the target is never removed, and a run
 * killed while it removes converges when run again. Real servers (FerretDB v1 on PostgreSQL).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BSON, type Document } from "mongodb";
import { MIGRATE_EXIT_CODES } from "../../../migrate/exit-codes";
import { dataset, seed } from "../../../migrate/generate";
import { NIGHTSCOUT_COLLECTIONS } from "../../../migrate/options";
import {
  differingCollections,
  migrate,
  sleep,
  startMigrate,
  startPair,
  withClient,
  type Pair,
} from "./helpers";

let pair: Pair;
// Seed 4: Loop's devicestatus shape, which FerretDB v1 stores (an OpenAPS rig's is refused).
const DATA = dataset({ days: 2, seed: 4, devicestatus: 300 });

beforeAll(async () => {
  pair = await startPair();
});

afterAll(async () => {
  await pair?.stop();
});

/** A fresh source and target with the data set, and a first run that copied it all. */
async function copied(): Promise<string> {
  await Promise.all(
    [pair.source, pair.target].map((side) =>
      withClient(side.uri(), (client) => client.db().dropDatabase()),
    ),
  );
  await withClient(pair.source.uri(), (client) => seed(client.db(), DATA));
  const stateDir = pair.stateDir();
  const first = await migrate(pair.args(stateDir), pair.env());
  expect(first.stderr).not.toContain("does not match");
  expect(first.code).toBe(0);
  return stateDir;
}

/** Deletes the first `n` documents (by `_id`) of a source collection; returns their `_id`s. */
async function deleteOnSource(collection: string, n: number): Promise<unknown[]> {
  return withClient(pair.source.uri(), async (client) => {
    const docs = await client
      .db()
      .collection(collection)
      .find({}, { projection: { _id: 1 }, sort: { _id: 1 }, limit: n })
      .toArray();
    const ids = docs.map((d) => d._id);
    await client
      .db()
      .collection(collection)
      .deleteMany({ _id: { $in: ids } });
    return ids;
  });
}

const count = (uri: string, collection: string, filter: Document = {}): Promise<number> =>
  withClient(uri, (client) => client.db().collection(collection).countDocuments(filter));

const idText = (id: unknown): string =>
  BSON.EJSON.stringify({ _id: id }, { relaxed: false }).slice('{"_id":'.length, -1);

/** Every document saved under <state-dir>/removed/, as canonical `_id`s. */
function removedIds(stateDir: string): string[] {
  const dir = path.join(stateDir, "removed");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .flatMap((f) => fs.readFileSync(path.join(dir, f), "utf8").split("\n"))
    .filter((line) => line)
    .map((line) => idText((BSON.EJSON.parse(line, { relaxed: false }) as Document)._id));
}

it("carries deletes over on the final pass: listed by the dry run, saved, removed, then nothing left to do", async () => {
  const stateDir = await copied();
  const entriesOnTarget = await count(pair.target.uri(), "entries");
  const gone = [
    ...(await deleteOnSource("entries", 3)),
    ...(await deleteOnSource("treatments", 1)),
  ].map(idText);

  const plain = await migrate(pair.args(stateDir), pair.env());
  expect(plain.code).toBe(MIGRATE_EXIT_CODES.mismatch);
  // Both collections named, and the way forward.
  expect(plain.stderr).toContain("entries does not match");
  expect(plain.stderr).toContain("treatments does not match");
  expect(plain.stderr).toContain("copied earlier, since deleted on the source");
  expect(plain.stderr).toContain("rerun with --carry-deletes");
  expect(await count(pair.target.uri(), "entries")).toBe(entriesOnTarget);

  const dry = await migrate(pair.args(stateDir, ["--dry-run", "--carry-deletes"]), pair.env());
  expect(dry.code).toBe(0);
  const [firstLine, ...rest] = dry.stdout.split("\n");
  expect(firstLine).toBe(
    "--carry-deletes would remove 4 documents: copied earlier, deleted on the source since",
  );
  const entriesLine = rest.find((l) => l.startsWith("  entries: 3 of "));
  expect(entriesLine).toBeDefined();
  for (const id of gone.slice(0, 3)) expect(entriesLine).toContain(id);
  expect(rest.find((l) => l.startsWith("  treatments: 1 of "))).toContain(gone[3]);
  expect(await count(pair.target.uri(), "entries")).toBe(entriesOnTarget);
  expect(fs.existsSync(path.join(stateDir, "removed"))).toBe(false);

  const final = await migrate(pair.args(stateDir, ["--carry-deletes"]), pair.env());
  expect(final.stderr).not.toContain("does not match");
  expect(final.code).toBe(0);
  expect(final.stdout).toContain("3 removed: copied earlier, deleted on the source since");
  expect(
    await differingCollections(pair.source.uri(), pair.target.uri(), NIGHTSCOUT_COLLECTIONS),
  ).toEqual([]);
  expect(removedIds(stateDir).sort()).toEqual([...gone].sort());

  const again = await migrate(pair.args(stateDir), pair.env());
  expect(again.code).toBe(0);
  expect(again.stdout).not.toContain("removed:");
});

it("never removes a document the new site wrote on the target, and verifies around it", async () => {
  const stateDir = await copied();
  await withClient(pair.target.uri(), (client) =>
    client
      .db()
      .collection("entries")
      .insertOne({ _id: "written-by-the-new-site", sgv: 101, type: "sgv" } as never),
  );
  const [gone] = await deleteOnSource("entries", 1);

  const run = await migrate(pair.args(stateDir, ["--carry-deletes"]), pair.env());
  expect(run.stderr).not.toContain("does not match");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("1 only on the target and never copied: kept");
  expect(await count(pair.target.uri(), "entries", { _id: "written-by-the-new-site" })).toBe(1);
  expect(await count(pair.target.uri(), "entries", { _id: gone })).toBe(0);
  expect(removedIds(stateDir)).toEqual([idText(gone)]);
});

it("refuses to remove more than the cap without --confirm-deletes, and removes with it", async () => {
  const stateDir = await copied();
  const onTarget = await count(pair.target.uri(), "treatments");
  // A quarter of the collection: over the 10 % a run removes unconfirmed.
  const n = Math.ceil(onTarget / 4);
  await deleteOnSource("treatments", n);

  const refused = await migrate(pair.args(stateDir, ["--carry-deletes"]), pair.env());
  expect(refused.code).toBe(MIGRATE_EXIT_CODES.deletesOverCap);
  expect(refused.stderr).toContain(
    `treatments: ${n} of the ${onTarget} documents on the target (25 %) were copied and are gone from the source`,
  );
  expect(refused.stderr).toContain(`--carry-deletes --confirm-deletes ${n}`);
  expect(await count(pair.target.uri(), "treatments")).toBe(onTarget);

  const tooFew = await migrate(
    pair.args(stateDir, ["--carry-deletes", "--confirm-deletes", String(n - 1)]),
    pair.env(),
  );
  expect(tooFew.code).toBe(MIGRATE_EXIT_CODES.deletesOverCap);
  expect(tooFew.stderr).toContain(`more than --confirm-deletes ${n - 1}`);
  expect(await count(pair.target.uri(), "treatments")).toBe(onTarget);

  const confirmed = await migrate(
    pair.args(stateDir, ["--carry-deletes", "--confirm-deletes", String(n)]),
    pair.env(),
  );
  expect(confirmed.code).toBe(0);
  expect(await count(pair.target.uri(), "treatments")).toBe(onTarget - n);
  expect(removedIds(stateDir)).toHaveLength(n);
});

it("converges after SIGKILL while it removes", async () => {
  const stateDir = await copied();
  const onTarget = await count(pair.target.uri(), "entries");
  const gone = (await deleteOnSource("entries", Math.floor(onTarget / 20))).map(idText);

  const args = pair.args(stateDir, ["--carry-deletes", "--batch-size", "50"]);
  const running = startMigrate(args, pair.env());
  const removedDir = path.join(stateDir, "removed");
  const until = Date.now() + 240_000;
  // The removal starts right after the documents are saved: kill as the file appears.
  while (!(fs.existsSync(removedDir) && fs.readdirSync(removedDir).length > 0)) {
    if (Date.now() > until) throw new Error(`never reached the removal:\n${running.stderr()}`);
    await sleep(5);
  }
  running.kill("SIGKILL");
  expect((await running.done).signal).toBe("SIGKILL");

  const resumed = await migrate(args, pair.env());
  expect(resumed.stderr).not.toContain("does not match");
  expect(resumed.code).toBe(0);
  expect(
    await differingCollections(pair.source.uri(), pair.target.uri(), NIGHTSCOUT_COLLECTIONS),
  ).toEqual([]);
  // Every removed document was saved, by the killed run or the one after it.
  expect(new Set(removedIds(stateDir))).toEqual(new Set(gone));
});
