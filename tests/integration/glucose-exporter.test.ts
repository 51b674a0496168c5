/**
 * The stale-data alert's source: the json_exporter monitoring deploys (built from its Go module
 * at the image's version), started with the configuration the program renders, probes the way
 * the rendered PodMonitor asks and reports the date of the newest CGM entry an uploader just
 * wrote to the real FerretDB. The alert rule (promtool-tested) reads that metric. What answers
 * the probe is a STAND-IN for Nightscout's API (nightscout-api-stand-in.ts), since no registry
 * serves Nightscout 15.0.7: the exporter, its rendered config and credential are real, the
 * Nightscout in front of FerretDB is not.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { accessToken, parseImage } from "../../domain";
import { NEWEST_ENTRY_METRIC } from "../../domain/alerts";
import { DEFAULT_GLUCOSE_EXPORTER_IMAGE } from "../../domain/platform";
import { MongoClient } from "mongodb";
import { capturedSubjectId } from "../../tools/lib/capture";
import { freePort } from "../../tools/parts/data-path/process";
import { dataPathBuild } from "../../tools/parts/data-path/servers";
import { startHarness, type Harness } from "./harness";
import { startNightscoutApiStandIn, type NightscoutApiStandIn } from "./nightscout-api-stand-in";

let h: Harness;
let ns: NightscoutApiStandIn;
let exporter: ChildProcess | undefined;
let exporterUrl: string;

/**
 * The exporter's own readable subject, as the program renders it under mocks: the token of
 * `glucose-exporter` with the capture harness's made-up `_id` (in a cluster, the access
 * reconciler makes the subject in Nightscout and the token follows from its `_id`).
 */
const exporterToken = () =>
  accessToken(
    { name: "glucose-exporter", _id: capturedSubjectId("glucose-exporter") },
    h.rendered.nightscout.env.API_SECRET,
  );

/** The rendered target, pointed at the local stand-in (LOCAL_OVERRIDES.glucoseExporter). */
function localTarget(): string {
  const target = new URL(h.rendered.glucoseExporter?.target ?? "");
  return `${ns.url}${target.pathname}${target.search}`;
}

async function startExporter(config: string): Promise<string> {
  const file = path.join(h.dir, `exporter-${Date.now()}.yml`);
  fs.writeFileSync(file, config, { mode: 0o600 });
  const port = await freePort();
  const args = (h.rendered.glucoseExporter?.args ?? []).map((a) =>
    a.startsWith("--config.file=") ? `--config.file=${file}` : a,
  );
  exporter?.kill("SIGKILL");
  exporter = spawn(
    dataPathBuild().JSON_EXPORTER_BIN,
    [...args, `--web.listen-address=127.0.0.1:${port}`],
    {
      stdio: "ignore",
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/metrics`)).ok) return url;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("json_exporter did not start");
}

/** One scrape as Prometheus makes it: /probe with the rendered module and target. */
async function probe(url: string): Promise<{ status: number; body: string }> {
  const exp = h.rendered.glucoseExporter;
  const query = new URLSearchParams({ module: exp?.module ?? "", target: localTarget() });
  const res = await fetch(`${url}/probe?${query}`);
  return { status: res.status, body: await res.text() };
}

const metricValue = (body: string): number | undefined => {
  const line = body.split("\n").find((l) => l.startsWith(`${NEWEST_ENTRY_METRIC} `));
  return line === undefined ? undefined : Number(line.split(" ")[1]);
};

beforeAll(async () => {
  h = await startHarness({ stack: "staging", overrides: { monitoring: "true" } });
  ns = await startNightscoutApiStandIn({
    env: h.rendered.nightscout.env,
    mongoUri: h.uri(),
    readTokens: [exporterToken()],
  });
  exporterUrl = await startExporter(h.rendered.glucoseExporter?.config ?? "");
}, 180_000);

afterAll(async () => {
  exporter?.kill("SIGKILL");
  await ns?.close();
  await h?.stop();
});

it("is the exporter version the program deploys", () => {
  expect(h.rendered.glucoseExporter?.image).toBe(DEFAULT_GLUCOSE_EXPORTER_IMAGE);
  // The module the binary was built from, as `go version -m` read it (build.sh).
  const built = fs.readFileSync(`${dataPathBuild().JSON_EXPORTER_BIN}.module`, "utf8").split(" ");
  expect(built.slice(0, 2)).toEqual([
    "github.com/prometheus-community/json_exporter",
    parseImage(DEFAULT_GLUCOSE_EXPORTER_IMAGE).tag,
  ]);
});

it("reports the date of the newest entry an uploader wrote", async () => {
  const client = new MongoClient(h.uri());
  try {
    const entries = client.db(h.database).collection("entries");
    for (const date of [Date.now() - 600_000, Date.now() - 300_000]) {
      // What Nightscout stores for an uploaded reading, written through FerretDB.
      await entries.insertOne({
        type: "sgv",
        sgv: 110,
        date,
        dateString: new Date(date).toISOString(),
        device: "exporter-test",
      });
      const before = ns.answered()[200] ?? 0;
      const scraped = await probe(exporterUrl);
      expect(scraped.status).toBe(200);
      expect(metricValue(scraped.body)).toBe(date);
      // The value came through the stand-in, with the rendered credential.
      expect(ns.answered()[200]).toBe(before + 1);
    }
  } finally {
    await client.close();
  }
});

it("the rendered api-secret is the exporter's own readable token, never API_SECRET's SHA-1", () => {
  const sent = /api-secret: (\S+)/.exec(h.rendered.glucoseExporter?.config ?? "")?.[1];
  expect(sent).toBe(exporterToken());
  const adminHash = createHash("sha1").update(h.rendered.nightscout.env.API_SECRET).digest("hex");
  expect(sent).not.toBe(adminHash);
});

it("reports nothing when Nightscout refuses its credential, so the alert cannot pass on stale auth", async () => {
  const rendered = h.rendered.glucoseExporter?.config ?? "";
  const credential = /api-secret: (\S+)/.exec(rendered)?.[1];
  expect(credential).toBe(exporterToken());
  // A revoked subject's token, or one from before a rotated API_SECRET: same shape, no subject.
  const wrong = rendered.replace(credential ?? "", "glucoseexp-0000000000000000");
  const url = await startExporter(wrong);
  const refusedBefore = ns.answered()[401] ?? 0;
  const scraped = await probe(url);
  expect(metricValue(scraped.body)).toBeUndefined();
  expect(ns.answered()[401]).toBe(refusedBefore + 1);
});
