/**
 * `npm run bench`: the cost of evaluating the program for each stack under mocks, beside the
 * cost of merely loading @pulumi/pulumi, each in fresh processes, in one run. Two ways to
 * run the TypeScript: through ts-node (as `pulumi up` does) and precompiled with tsc (the
 * program's own cost). Not a test: it prints numbers and asserts nothing.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_RATIO = 1.5;

interface Sample {
  wallMs: number;
  maxRssKb: number;
  resources: number;
}

function run(command: string, args: string[], cwd: string): Sample {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop()!) as Sample;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function measure(label: string, command: string, args: string[], cwd: string) {
  const samples = Array.from({ length: RUNS }, () => run(command, args, cwd));
  return {
    label,
    wallMs: median(samples.map((s) => s.wallMs)),
    maxRssMb: Math.max(...samples.map((s) => s.maxRssKb)) / 1024,
    resources: samples[0].resources,
  };
}

/** Compiles the project with tsc into a scratch directory that resolves the same packages. */
function compile(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "nightscout-bench-"));
  execFileSync(
    process.execPath,
    [
      require.resolve("typescript/bin/tsc"),
      "-p",
      "tsconfig.json",
      "--noEmit",
      "false",
      "--outDir",
      out,
      "--sourceMap",
      "false",
    ],
    {
      cwd: ROOT,
      stdio: "inherit",
    },
  );
  for (const file of fs
    .readdirSync(ROOT)
    .filter((f) => /^Pulumi\..*\.yaml$|^Pulumi\.yaml$/.test(f))) {
    fs.copyFileSync(path.join(ROOT, file), path.join(out, file));
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(out, "node_modules"));
  return out;
}

function main() {
  const tsNode = [require.resolve("ts-node/dist/bin"), "--transpile-only", "bench/child.ts"];
  const compiled = compile();
  const js = [path.join(compiled, "bench/child.js")];
  const rows = [];
  for (const [variant, args, cwd] of [
    ["ts-node", tsNode, ROOT],
    ["compiled", js, compiled],
  ] as const) {
    const sdk = measure(`${variant}: load @pulumi/pulumi`, process.execPath, [...args, "sdk"], cwd);
    rows.push({ ...sdk, ratio: 1 });
    for (const stack of ["staging", "production"]) {
      const m = measure(
        `${variant}: evaluate ${stack}`,
        process.execPath,
        [...args, "stack", stack],
        cwd,
      );
      rows.push({ ...m, ratio: m.wallMs / sdk.wallMs });
    }
  }
  fs.rmSync(compiled, { recursive: true, force: true });

  console.log(
    `\nMedian of ${RUNS} fresh processes each, node ${process.version}, ${os.cpus().length} CPUs\n`,
  );
  console.log("| run | wall (ms) | peak RSS (MiB) | resources | x SDK load |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.wallMs.toFixed(0)} | ${r.maxRssMb.toFixed(0)} | ${r.resources || ""} | ${r.ratio.toFixed(2)} |`,
    );
  }
  const worst = Math.max(...rows.filter((r) => r.ratio !== 1).map((r) => r.ratio));
  console.log(
    `\nTarget: evaluating a stack costs at most ${TARGET_RATIO}x loading the SDK. Worst ratio: ${worst.toFixed(2)}x (${worst <= TARGET_RATIO ? "met" : "not met"}).`,
  );
}

main();
