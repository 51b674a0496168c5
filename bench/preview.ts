/**
 * Wall time of a real `pulumi preview` per stack (offline engine from tools/parts/pulumi-toolchain.sh,
 * local file backend, with and without the policy pack) beside evaluating the same program under
 * mocks in a fresh process (bench/child.ts), which is what `npm test` and `check:policy` pay.
 *
 * The pack runs both ways (policies/precompiled.js): precompiled to JavaScript, as every run here
 * uses it, and from its TypeScript sources through ts-node, as it ran before (and still does
 * when the compiled pack is stale).
 *
 * Then the engine floor (bench/floor.ts): on the local cluster (tools/parts/local-cluster), the preview
 * of a one-resource program on the same engine and Kubernetes provider, and each stack's real
 * preview and `up` against the same cluster as a multiple of it (target: preview at most 2x).
 *
 *   npm run bench:preview          (BENCH_RUNS=3 by default; BENCH_FLOOR=off skips the floor)
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
  runPulumi,
  scratchStack,
  toolchainEnv,
} from "../tools/lib/offline-engine";
import { stackConfig } from "../tools/lib/capture";
import { enterNetns } from "../tools/lib/netns";
import { engineFloor, type FloorRow } from "./floor";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FLOOR = process.env.BENCH_FLOOR !== "off";

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
    {
      cwd: ROOT,
      encoding: "utf8",
      // The stack's configuration as the engine would hand it over (bench/child.ts reads it).
      env: { ...process.env, BENCH_STACK_CONFIG: JSON.stringify(stackConfig(stack)) },
    },
  );
  if (r.status !== 0) throw new Error(`bench/child.ts ${stack} failed:\n${r.stderr}`);
  return Date.now() - start;
}

async function main() {
  // The engine floor runs on the local cluster: builds first, then the rest inside the
  // network namespace (tools/parts/netns.sh).
  const outside = enterNetns();
  if (outside !== undefined) {
    process.exitCode = outside;
    return;
  }
  toolchainEnv();
  ensurePolicyPackDeps();
  const rows: { label: string; ms: number[] }[] = [];
  for (const stack of ["staging", "production"]) {
    const s = scratchStack(stack, { area: "bench", config: { postDeployCheck: "off" } });
    // "compiled" refuses a stale build instead of quietly measuring the sources.
    const withPack = (mode: "compiled" | "sources") => () =>
      timed(
        runPulumi(
          s.dir,
          { ...s.env, NIGHTSCOUT_POLICY_PACK_MODE: mode },
          ["preview", ...policyArgs(stack)],
          stack,
        ),
      );
    const variants: [string, () => number][] = [
      [`${stack}: mocks, fresh process (bench/child.ts)`, () => mocked(stack)],
      [`${stack}: pulumi preview`, () => timed(s.pulumi(["preview"]))],
      [`${stack}: pulumi preview --policy-pack (precompiled)`, withPack("compiled")],
      [`${stack}: pulumi preview --policy-pack (sources, ts-node)`, withPack("sources")],
    ];
    // Round-robin, so that a change in the machine's load falls on every variant alike.
    const stackRows = variants.map(([label]) => ({ label, ms: [] as number[] }));
    for (let i = 0; i < RUNS; i++) variants.forEach(([, fn], v) => stackRows[v].ms.push(fn()));
    rows.push(...stackRows);
  }
  console.log(`\nMedian of ${RUNS} runs each, node ${process.version}, ${os.cpus().length} CPUs\n`);
  console.log("| run | median (ms) | min (ms) | max (ms) |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const r of rows)
    console.log(
      `| ${r.label} | ${median(r.ms).toFixed(0)} | ${Math.min(...r.ms)} | ${Math.max(...r.ms)} |`,
    );
  // What the pack adds to a plain preview of the same stack, in the same run.
  console.log("");
  for (const stack of ["staging", "production"]) {
    const plain = median(rows.find((r) => r.label === `${stack}: pulumi preview`)?.ms ?? []);
    for (const mode of ["precompiled", "sources, ts-node"]) {
      const label = `${stack}: pulumi preview --policy-pack (${mode})`;
      const packed = median(rows.find((r) => r.label === label)?.ms ?? []);
      console.log(`${stack}: the pack (${mode}) adds ${(packed - plain).toFixed(0)} ms`);
    }
  }
  const floor: FloorRow[] = FLOOR ? await engineFloor(RUNS) : [];
  const floorMs = floor.length > 0 ? median(floor[0].ms) : undefined;
  if (floorMs !== undefined) printFloor(floor, floorMs);
  const out = path.join(ROOT, "bench", "results");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, "preview.json"),
    JSON.stringify(
      { runs: RUNS, node: process.version, cpus: os.cpus().length, rows, floor, floorMs },
      null,
      2,
    ),
  );
}

function printFloor(floor: FloorRow[], floorMs: number): void {
  console.log(
    "\nOn the local cluster, against the engine floor (one ConfigMap, same engine and provider)\n",
  );
  console.log("| run | median (ms) | min (ms) | max (ms) | x floor |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const r of floor)
    console.log(
      `| ${r.label} | ${median(r.ms).toFixed(0)} | ${Math.min(...r.ms)} | ${Math.max(...r.ms)} | ${(median(r.ms) / floorMs).toFixed(2)} |`,
    );
}

function timed(r: { status: number | null; output: string; ms: number }): number {
  if (r.status !== 0) throw new Error(`pulumi preview failed:\n${r.output}`);
  return r.ms;
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
