/**
 * Latency of the post-deploy check against the local data path (FerretDB v1.24.2 on PostgreSQL
 * 15, configured from the staging render by the integration harness; the stack's FerretDB v2 on
 * DocumentDB is not available here, so these are FerretDB v1's numbers), beside its floor: a
 * `ping` on a client that is already connected and authenticated, measured in the same run,
 * interleaved. Target: the check minus its connect + auth at most 3x that floor. (The Nightscout
 * API round trip it also measured went with Nightscout 15.0.7, which no registry serves.)
 *
 *   npm run bench:check            (BENCH_RUNS=30, BENCH_CLI_RUNS=10 by default)
 *
 * Prints a table and writes bench/results/check.json. A benchmark, not a test: nothing
 * here fails on a number.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { MongoClient } from "mongodb";
import { runCheck } from "../check/run";
import { PROJECT_DIR, startHarness } from "../tests/integration/harness";

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const CLI_RUNS = Number(process.env.BENCH_CLI_RUNS ?? 10);
const WARMUP = 3;

interface Stats {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 1 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { n: sorted.length, median, p90: at(0.9), min: sorted[0], max: sorted[sorted.length - 1] };
}

const fmt = (ms: number): string => ms.toFixed(2).padStart(9);

async function main(): Promise<void> {
  const h = await startHarness();
  try {
    const env = { MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: "30000" };
    const client = new MongoClient(h.uri());
    await client.connect();
    const admin = client.db("admin");

    for (let i = 0; i < WARMUP; i++) {
      await admin.command({ ping: 1 });
      const warm = await runCheck(env);
      if (!warm.ok) throw new Error(`warm-up check failed: ${warm.kind}: ${warm.message}`);
    }

    const floor: number[] = [];
    const full: number[] = [];
    const connect: number[] = [];
    const ping: number[] = [];
    const roundTrip: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await admin.command({ ping: 1 });
      floor.push(performance.now() - t);

      const started = performance.now();
      const result = await runCheck(env);
      const elapsed = performance.now() - started;
      if (!result.ok) throw new Error(`check ${i} failed: ${result.kind}: ${result.message}`);
      full.push(elapsed);
      connect.push(result.connectMs);
      ping.push(result.pingMs);
      roundTrip.push(result.roundTripMs);
    }
    await client.close();

    // The process Pulumi runs: node + ts-node + driver load, then the same check.
    const cli: number[] = [];
    for (let i = 0; i < CLI_RUNS; i++) {
      const t = performance.now();
      const run = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(PROJECT_DIR, "check", "cli.ts")],
        { cwd: PROJECT_DIR, env: { PATH: process.env.PATH, ...env }, encoding: "utf8" },
      );
      if (run.status !== 0) throw new Error(`CLI run ${i} exited ${run.status}: ${run.stderr}`);
      cli.push(performance.now() - t);
    }

    const afterConnect = full.map((ms, i) => ms - connect[i]);
    const checkWork = ping.map((ms, i) => ms + roundTrip[i]);
    const rows: [string, Stats][] = [
      ["floor: ping on an open client", stats(floor)],
      ["full check, in-process", stats(full)],
      ["  of which connect + auth", stats(connect)],
      ["  of which ping", stats(ping)],
      ["  of which round trip", stats(roundTrip)],
      ["  ping + round trip", stats(checkWork)],
      ["  full minus connect + auth", stats(afterConnect)],
      ["full check, CLI process", stats(cli)],
    ];
    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    console.log(
      `post-deploy check vs. FerretDB ${h.versions.ferretdb} on PostgreSQL ${h.versions.postgres}` +
        `, loopback, ${os.cpus().length} x ${cpu}`,
    );
    console.log(
      `${"measure".padEnd(32)} ${"n".padStart(4)} ${"median ms".padStart(9)} ${"p90 ms".padStart(9)} ${"min ms".padStart(9)} ${"max ms".padStart(9)}`,
    );
    for (const [label, s] of rows) {
      console.log(
        `${label.padEnd(32)} ${String(s.n).padStart(4)} ${fmt(s.median)} ${fmt(s.p90)} ${fmt(s.min)} ${fmt(s.max)}`,
      );
    }
    const floorMs = stats(floor).median;
    console.log(
      `ping + round trip / floor: ${(stats(checkWork).median / floorMs).toFixed(1)}x (target at most 3x); ` +
        `with client construction and close, full minus connect / floor: ${(stats(afterConnect).median / floorMs).toFixed(1)}x`,
    );

    const outDir = path.join(PROJECT_DIR, "bench", "results");
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(
      path.join(outDir, "check.json"),
      `${JSON.stringify({ date: new Date().toISOString(), cpu, rows: Object.fromEntries(rows) }, null, 2)}\n`,
    );
  } finally {
    await h.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
