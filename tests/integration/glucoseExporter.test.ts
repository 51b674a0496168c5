/**
 * The stale-data alert's source, for real: the json_exporter monitoring deploys (built from its
 * Go module at the image's version), started with the configuration the program renders, probes
 * the real Nightscout the way the rendered PodMonitor asks, and reports the date of the newest
 * CGM entry that an uploader just wrote. The alert rule (promtool-tested) reads that metric.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseImage } from "../../domain";
import { NEWEST_ENTRY_METRIC } from "../../domain/alerts";
import { DEFAULT_GLUCOSE_EXPORTER_IMAGE } from "../../domain/platform";
import { startNightscout, type LocalNightscout } from "../../tools/data-path/nightscout";
import { freePort } from "../../tools/data-path/process";
import { dataPathBuild } from "../../tools/data-path/servers";
import { startHarness, type Harness } from "./harness";

let h: Harness;
let ns: LocalNightscout;
let exporter: ChildProcess | undefined;
let exporterUrl: string;

/** The rendered target, pointed at the local Nightscout (LOCAL_OVERRIDES.glucoseExporter). */
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
  ns = await startNightscout(h);
  exporterUrl = await startExporter(h.rendered.glucoseExporter?.config ?? "");
}, 180_000);

afterAll(async () => {
  exporter?.kill("SIGKILL");
  await ns?.stop();
  await h?.stop();
});

it("is the exporter version the program deploys", () => {
  expect(h.rendered.glucoseExporter?.image).toBe(DEFAULT_GLUCOSE_EXPORTER_IMAGE);
  const built = path.basename(path.dirname(dataPathBuild().JSON_EXPORTER_BIN));
  expect(built).toBe(`json-exporter-${parseImage(DEFAULT_GLUCOSE_EXPORTER_IMAGE).tag}`);
});

it("reports the date of the newest entry an uploader wrote", async () => {
  const secret = createHash("sha1").update(h.rendered.nightscout.env.API_SECRET).digest("hex");
  for (const date of [Date.now() - 600_000, Date.now() - 300_000]) {
    const res = await fetch(`${ns.ingressUrl}/api/v1/entries`, {
      method: "POST",
      headers: { "api-secret": secret, "content-type": "application/json" },
      body: JSON.stringify([{ type: "sgv", sgv: 110, date, device: "exporter-test" }]),
    });
    expect(res.status).toBe(200);
    const scraped = await probe(exporterUrl);
    expect(scraped.status).toBe(200);
    expect(metricValue(scraped.body)).toBe(date);
  }
});

it("reports nothing when Nightscout refuses its credential, so the alert cannot pass on stale auth", async () => {
  const rendered = h.rendered.glucoseExporter?.config ?? "";
  const secretHash = /api-secret: (\S+)/.exec(rendered)?.[1];
  expect(secretHash).toMatch(/^[0-9a-f]{40}$/);
  const wrong = rendered.replace(secretHash ?? "", "0".repeat(40));
  const url = await startExporter(wrong);
  const scraped = await probe(url);
  expect(metricValue(scraped.body)).toBeUndefined();
});
