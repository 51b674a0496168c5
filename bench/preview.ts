/**
 * Wall time of a real `pulumi preview` per stack (offline engine from tools/pulumi-toolchain.sh,
 * local file backend, with and without the policy pack) beside evaluating the same program under
 * mocks in a fresh process (bench/child.ts), which is what `npm test` and `policy:check` pay.
 *
 *   npm run bench:preview          (BENCH_RUNS=3 by default)
 *
 * Prints a table and writes bench/results/preview.json. A benchmark, not a test.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ensurePolicyPackDeps,
  policyArgs,
  ROOT,
  scratchStack,
  toolchainEnv,
} from "../tools/offline-engine";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function mocked(stack: string): number {
  const start = Date.now();
  const r = spawnSync(
    process.execPath,
    [require.resolve("ts-node/dist/bin"), "--transpile-only", "bench/child.ts", "stack", stack],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`bench/child.ts ${stack} failed:\n${r.stderr}`);
  return Date.now() - start;
}

function main() {
  toolchainEnv();
  ensurePolicyPackDeps();
  const rows: { label: string; ms: number[] }[] = [];
  for (const stack of ["staging", "production"]) {
    const s = scratchStack(stack, { area: "bench", config: { postDeployCheck: "off" } });
    const variants: [string, () => number][] = [
      [`${stack}: mocks, fresh process (bench/child.ts)`, () => mocked(stack)],
      [`${stack}: pulumi preview`, () => timed(s.pulumi(["preview"]))],
      [
        `${stack}: pulumi preview --policy-pack`,
        () => timed(s.pulumi(["preview", ...policyArgs(stack)])),
      ],
    ];
    for (const [label, fn] of variants) rows.push({ label, ms: Array.from({ length: RUNS }, fn) });
  }
  console.log(`\nMedian of ${RUNS} runs each, node ${process.version}, ${os.cpus().length} CPUs\n`);
  console.log("| run | median (ms) | min (ms) | max (ms) |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const r of rows)
    console.log(
      `| ${r.label} | ${median(r.ms).toFixed(0)} | ${Math.min(...r.ms)} | ${Math.max(...r.ms)} |`,
    );
  const out = path.join(ROOT, "bench", "results");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, "preview.json"),
    JSON.stringify({ runs: RUNS, node: process.version, cpus: os.cpus().length, rows }, null, 2),
  );
}

function timed(r: { status: number | null; output: string; ms: number }): number {
  if (r.status !== 0) throw new Error(`pulumi preview failed:\n${r.output}`);
  return r.ms;
}

main();
