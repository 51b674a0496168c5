/**
 * The real Nightscout 15.0.7 (tools/data-path/nightscout.ts) before and after the move:
 * data uploaded through its API and seeded by the generator, served from the source, is
 * served the same from the target after the migration, and an access token created on the
 * source still opens the target (tokens derive from the subject's `_id` and API_SECRET,
 * lib/authorization/storage.js, which is why `_id`s are kept and the stack needs the old
 * API_SECRET).
 */
import { createHash } from "node:crypto";
import { dataset, seed } from "../../../migrate/generate";
import { startNightscout, type LocalNightscout } from "../../../tools/data-path/nightscout";
import { migrate, startPair, withClient, type Pair } from "./helpers";

let pair: Pair;
let nightscout: LocalNightscout | undefined;

beforeAll(async () => {
  pair = await startPair();
  // Generated history first (the last day, well inside the two days Nightscout's API reads
  // by default, so no document leaves the window between the two reads); the uploads below
  // are the newest entries.
  await withClient(pair.source.uri(), (client) =>
    seed(client.db(), dataset({ days: 1, seed: 21, startMs: Date.now() - 1.1 * 86_400_000 })),
  );
});

afterAll(async () => {
  await nightscout?.stop();
  await pair?.stop();
});

function secretHash(pairSide: Pair["source"]): string {
  return createHash("sha1").update(pairSide.rendered.nightscout.env.API_SECRET).digest("hex");
}

async function get(
  ns: LocalNightscout,
  pathAndQuery: string,
  headers: Record<string, string>,
): Promise<unknown> {
  const res = await fetch(`${ns.ingressUrl}${pathAndQuery}`, { headers });
  if (res.status !== 200) throw new Error(`GET ${pathAndQuery}: HTTP ${res.status}`);
  return res.json();
}

/**
 * Nightscout serves recent entries from its in-memory data once its loader has run, with a
 * `mills` it computes (no database holds it): both sides are read only after that, so the
 * comparison is of the same kind of answer.
 */
async function untilLoaded(ns: LocalNightscout, headers: Record<string, string>): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const newest = (await get(ns, "/api/v1/entries.json?count=1", headers)) as { mills?: number }[];
    if (newest[0]?.mills !== undefined) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("Nightscout's data loader did not run within 60 s");
}

const READS = [
  "/api/v1/entries.json?count=1000",
  "/api/v1/entries/sgv.json?count=50",
  "/api/v1/treatments.json?count=500",
  "/api/v1/devicestatus.json?count=100",
  "/api/v1/profile.json",
];

it("serves the same entries, treatments, devicestatus and profiles from the target as from the source", async () => {
  const headers = { "api-secret": secretHash(pair.source) };
  nightscout = await startNightscout(pair.source);
  const now = Date.now();
  const uploaded = [0, 1, 2, 3].map((i) => ({
    type: "sgv",
    sgv: 140 - i * 9,
    direction: "FortyFiveDown",
    device: "xDrip-DexcomG7",
    date: now - i * 300_000,
    dateString: new Date(now - i * 300_000).toISOString(),
  }));
  const posted = await fetch(`${nightscout.ingressUrl}/api/v1/entries`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(uploaded),
  });
  expect(posted.status).toBe(200);
  const subject = await fetch(`${nightscout.ingressUrl}/api/v2/authorization/subjects`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ name: "school-nurse", roles: ["readable"] }),
  });
  expect(subject.status).toBe(200);
  const subjects = (await get(nightscout, "/api/v2/authorization/subjects", headers)) as {
    name: string;
    accessToken: string;
  }[];
  const token = subjects.find((s) => s.name === "school-nurse")?.accessToken;
  expect(token).toMatch(/^schoolnurs-[0-9a-f]{16}$/);

  await untilLoaded(nightscout, headers);
  const before = await Promise.all(
    READS.map((read) => get(nightscout as LocalNightscout, read, headers)),
  );
  expect((before[0] as { sgv?: number }[]).slice(0, 4).map((e) => e.sgv)).toEqual(
    uploaded.map((e) => e.sgv),
  );
  // The runbook: uploaders stopped (here, the old Nightscout) before the final pass.
  await nightscout.stop();
  nightscout = undefined;

  const run = await migrate(pair.args(pair.stateDir()), pair.env());
  expect(run.code).toBe(0);

  nightscout = await startNightscout(pair.target);
  const targetHeaders = { "api-secret": secretHash(pair.target) };
  await untilLoaded(nightscout, targetHeaders);
  const after = await Promise.all(
    READS.map((read) => get(nightscout as LocalNightscout, read, targetHeaders)),
  );
  for (let i = 0; i < READS.length; i++)
    expect({ read: READS[i], body: after[i] }).toEqual({ read: READS[i], body: before[i] });
  // Both renders carry the same API_SECRET (the stack's); then the old token opens the new site.
  expect(secretHash(pair.target)).toBe(secretHash(pair.source));
  const withToken = await fetch(
    `${nightscout.ingressUrl}/api/v1/entries.json?count=4&token=${token}`,
  );
  expect(withToken.status).toBe(200);
  expect(((await withToken.json()) as { sgv: number }[]).map((e) => e.sgv)).toEqual(
    uploaded.map((e) => e.sgv),
  );
});
