/**
 * The real Nightscout 15.0.7 on the real data path (FerretDB v2 on DocumentDB), both started
 * from what the program renders for each stack: it boots, an uploader with the API secret
 * writes and reads back, an anonymous reader is refused, the status shows the stack's units and
 * thresholds, and the post-deploy check's public-URL mode passes. Expectations come from the
 * stack files, not from the render, so a wrong render fails here; the last test proves it with
 * a render broken on purpose.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { MongoClient } from "mongodb";
import { runCheck } from "../../check/run";
import { MGDL_PER_MMOL } from "../../domain";
import { startNightscout, type LocalNightscout } from "../../tools/data-path/nightscout";
import { withAddress } from "../../tools/data-path/local";
import { renderedDataPath } from "../../tools/data-path/servers";
import { PROJECT_DIR, startHarness, type Harness } from "./harness";
import { expectNoSecret, leakForms } from "../helpers/leaks";

interface Thresholds {
  bgHigh: number;
  bgTargetTop: number;
  bgTargetBottom: number;
  bgLow: number;
}

/** Nightscout's own defaults (lib/settings.js), in mg/dL, when a stack sets no thresholds. */
const NIGHTSCOUT_DEFAULT_THRESHOLDS: Thresholds = {
  bgHigh: 260,
  bgTargetTop: 180,
  bgTargetBottom: 80,
  bgLow: 55,
};

/** What the operator asked for in Pulumi.<stack>.yaml, as Nightscout must report it. */
function expectedStatus(stack: string): { units: string; thresholds: Thresholds } {
  const file = path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`);
  const config = (yaml.load(fs.readFileSync(file, "utf8")) as { config: Record<string, string> })
    .config;
  const units = config["nightscout:displayUnits"] ?? "mmol/L";
  const mmol = /mmol/i.test(units);
  const setting = (key: keyof Thresholds) => config[`nightscout:${key}`];
  const thresholds = setting("bgHigh")
    ? (Object.fromEntries(
        (Object.keys(NIGHTSCOUT_DEFAULT_THRESHOLDS) as (keyof Thresholds)[]).map((key) => [
          key,
          // Nightscout keeps thresholds in mg/dL (MMOL_TO_MGDL, rounded).
          Math.round(Number(setting(key)) * (mmol ? MGDL_PER_MMOL : 1)),
        ]),
      ) as unknown as Thresholds)
    : NIGHTSCOUT_DEFAULT_THRESHOLDS;
  return { units: mmol ? "mmol" : "mg/dl", thresholds };
}

interface Status {
  settings: { units: string; thresholds: Thresholds };
}

/** Every way the status differs from the stack file; empty when it matches. */
function statusProblems(status: Status, expected: ReturnType<typeof expectedStatus>): string[] {
  const problems: string[] = [];
  if (status.settings.units !== expected.units) {
    problems.push(`units ${status.settings.units}, expected ${expected.units}`);
  }
  for (const [key, value] of Object.entries(expected.thresholds)) {
    const actual = status.settings.thresholds[key as keyof Thresholds];
    if (actual !== value) problems.push(`${key} ${actual}, expected ${value}`);
  }
  return problems;
}

async function getStatus(ns: LocalNightscout): Promise<Status> {
  const res = await fetch(`${ns.ingressUrl}/api/v1/status.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as Status;
}

describe.each(["staging", "production"])("%s", (stack) => {
  let h: Harness;
  let ns: LocalNightscout;
  let apiSecretHash: string;

  beforeAll(async () => {
    h = await startHarness({ stack });
    ns = await startNightscout(h);
    // Uploaders send the SHA-1 of API_SECRET in the api-secret header.
    apiSecretHash = createHash("sha1").update(h.rendered.nightscout.env.API_SECRET).digest("hex");
  }, 180_000);

  afterAll(async () => {
    await ns?.stop();
    await h?.stop();
  });

  it("boots and reports the stack's units and thresholds", async () => {
    const status = await getStatus(ns);
    expect(statusProblems(status, expectedStatus(stack))).toEqual([]);
  });

  it("an uploader with the API secret writes CGM entries and a treatment and reads them back", async () => {
    const now = Date.now();
    const entries = [0, 1, 2].map((i) => ({
      type: "sgv",
      sgv: 100 + i * 7,
      direction: "Flat",
      device: `integration-${stack}`,
      date: now - i * 300_000,
      dateString: new Date(now - i * 300_000).toISOString(),
    }));
    const headers = { "api-secret": apiSecretHash, "content-type": "application/json" };
    const posted = await fetch(`${ns.ingressUrl}/api/v1/entries`, {
      method: "POST",
      headers,
      body: JSON.stringify(entries),
    });
    expect(posted.status).toBe(200);
    const treatment = {
      eventType: "Note",
      notes: `integration ${stack} ${now}`,
      created_at: new Date(now).toISOString(),
      enteredBy: "integration",
    };
    const postedTreatment = await fetch(`${ns.ingressUrl}/api/v1/treatments`, {
      method: "POST",
      headers,
      body: JSON.stringify(treatment),
    });
    expect(postedTreatment.status).toBe(200);

    const read = await fetch(
      `${ns.ingressUrl}/api/v1/entries.json?count=10&find[device]=integration-${stack}`,
      { headers: { "api-secret": apiSecretHash } },
    );
    expect(read.status).toBe(200);
    const back = (await read.json()) as { sgv: number; date: number }[];
    expect(back.map((e) => [e.sgv, e.date])).toEqual(entries.map((e) => [e.sgv, e.date]));

    const treatments = (await (
      await fetch(`${ns.ingressUrl}/api/v1/treatments.json?find[enteredBy]=integration`, {
        headers: { "api-secret": apiSecretHash },
      })
    ).json()) as { notes: string }[];
    expect(treatments.map((t) => t.notes)).toContain(treatment.notes);

    // Stored through FerretDB in DocumentDB: the same entries over the MongoDB protocol.
    const client = new MongoClient(h.uri());
    try {
      const stored = await client
        .db(h.database)
        .collection("entries")
        .find({ device: `integration-${stack}` })
        .sort({ date: -1 })
        .toArray();
      expect(stored.map((e) => e.sgv)).toEqual(entries.map((e) => e.sgv));
    } finally {
      await client.close();
    }
  });

  it("refuses an anonymous reader and a wrong secret", async () => {
    const anonymous = await fetch(`${ns.ingressUrl}/api/v1/entries.json?count=1`);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(`${ns.ingressUrl}/api/v1/entries.json?count=1`, {
      headers: { "api-secret": createHash("sha1").update("not-the-secret").digest("hex") },
    });
    expect(wrong.status).toBe(401);
  });

  it("passes the post-deploy check in public-URL mode, the way the program runs it", async () => {
    const rendered = renderedDataPath(stack, { postDeployCheckPublicUrl: "true" });
    const env = rendered.checkEnv;
    if (!env) throw new Error(`${stack} renders no post-deploy check`);
    expect(env.NIGHTSCOUT_URL).toMatch(/^https:\/\//);
    const result = await runCheck({
      ...env,
      MONGODB_URI: withAddress(env.MONGODB_URI, "127.0.0.1", h.ferretPort),
      NIGHTSCOUT_URL: ns.ingressUrl,
      CHECK_DEADLINE_MS: "60000",
    });
    expect(result).toMatchObject({ ok: true });
    expectNoSecret(JSON.stringify(result), leakForms(h.password));
  });
});

describe("a render broken on purpose", () => {
  let h: Harness;
  let ns: LocalNightscout | undefined;

  beforeAll(async () => {
    h = await startHarness({ stack: "production" });
  }, 120_000);

  afterAll(async () => {
    await ns?.stop();
    await h?.stop();
  });

  it("thresholds in mmol/L under mg/dL units fail the status test", async () => {
    const broken = structuredClone(h.rendered);
    broken.nightscout.env.DISPLAY_UNITS = "mg/dl";
    ns = await startNightscout(h, broken);
    const problems = statusProblems(await getStatus(ns), expectedStatus("production"));
    // Nightscout takes 13.9, 10, 3.9 and 3.5 as mg/dL: a parent would get no low alarm at all.
    expect(problems).toEqual([
      "units mg/dl, expected mmol",
      "bgHigh 13.9, expected 250",
      "bgTargetTop 10, expected 180",
      "bgTargetBottom 3.9, expected 70",
      "bgLow 3.5, expected 63",
    ]);
  }, 180_000);
});
