/**
 * `npm run bench`: the cost of evaluating the program for each stack under mocks, beside the
 * cost of merely loading @pulumi/pulumi the same way, in fresh processes, in one run (samples
 * interleaved, so a busy machine weighs on both alike). Wall time is the target's measure; CPU
 * time (user + system, at exit) is printed beside it because it moves less when other work
 * shares the cores. Not a test: it prints numbers and asserts nothing.
 *
 * Three ways to run the program (bench/child.ts), each against its own SDK baseline:
 *
 * - `pulumi up`: what the Node.js language host does with `runtime.options.typescript: true`
 *   (node_modules/@pulumi/pulumi/cmd/run/index.js and run.js, CommonJS branch): it installs
 *   source-map-support, then registers ts-node with project tsconfig.json, transpileOnly from
 *   PULUMI_NODEJS_TRANSPILE_ONLY or compilerOptions.noCheck, and its default compiler options
 *   under the tsconfig's. ts-node adds the tsconfig's own "ts-node" section (SWC). Its SDK
 *   baseline is that registration plus the SDK, loaded from JavaScript. The target applies to
 *   this way; the last column also compares it with a plain require("@pulumi/pulumi").
 * - precompiled, host: tsc's output under the host's source-map-support, as `pulumi up` runs a
 *   JavaScript build.
 * - precompiled, bare: tsc's output on plain node, the program's own cost. Without
 *   source-map-support the stack traces the SDK takes (one per resource and several per
 *   promise it makes, see @pulumi/pulumi/runtime/debuggable.js) are not mapped.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { stackConfig } from "../tools/lib/capture";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_RATIO = 1.25;
/** About as many resources as a stack registers (24 staging, 28 production). */
const FLOOR_RESOURCES = 26;

/**
 * Preloaded with `node -r` for the `pulumi up` way. Mirrors @pulumi/pulumi's cmd/run: keep it
 * in step with run.js when the SDK is upgraded. Paths resolve from the SDK, as in the host.
 */
const LANGUAGE_HOST_PRELOAD = `"use strict";
const fs = require("fs");
const sdk = require("module").createRequire(require.resolve("@pulumi/pulumi/package.json", { paths: [process.cwd()] }));
sdk("source-map-support/register");
const tsutils = sdk("./tsutils");
const tsConfigPath = process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json";
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const transpileOnlyEnv = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
const transpileOnly = transpileOnlyEnv ? transpileOnlyEnv === "true" : compilerOptions.noCheck;
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
sdk(typescriptRequire);
sdk(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly,
  project: tsConfigPath,
  skipProject: !fs.existsSync(tsConfigPath),
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});
`;

/** Preloaded first in every run: reports the process's CPU time on stderr as it exits. */
const CPU_REPORT_PRELOAD = `"use strict";
process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write("\\nbench-cpu-ms " + (user + system) / 1000 + "\\n");
});
`;

interface Sample {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  resources: number;
}

interface Row {
  label: string;
  args: string[];
  cwd: string;
  samples: Sample[];
  baseline?: Row;
  env?: NodeJS.ProcessEnv;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Sample {
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  const cpu = /^bench-cpu-ms (\S+)$/m.exec(result.stderr);
  if (!cpu) throw new Error(`${args.join(" ")} reported no CPU time: ${result.stderr}`);
  const sample = JSON.parse(result.stdout.trim().split("\n").pop()!) as Omit<Sample, "cpuMs">;
  return { ...sample, cpuMs: Number(cpu[1]) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Emits the project with tsc into a scratch directory that resolves the same packages.
 * Without type-checking (`npm run build` does that): the emitted JavaScript is the same.
 */
function compile(out: string): void {
  execFileSync(
    process.execPath,
    [
      require.resolve("typescript/bin/tsc"),
      "-p",
      "tsconfig.json",
      "--noEmit",
      "false",
      "--noCheck",
      "--outDir",
      out,
      "--sourceMap",
      "true",
    ],
    { cwd: ROOT, stdio: "inherit" },
  );
  for (const file of fs.readdirSync(ROOT).filter((f) => /^Pulumi(\..*)?\.yaml$/.test(f))) {
    fs.copyFileSync(path.join(ROOT, file), path.join(out, file));
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(out, "node_modules"));
}

/** The tsconfig's "ts-node" section, which ts-node applies on top of the host's options. */
function tsNodeSection(): unknown {
  const file = path.join(ROOT, "tsconfig.json");
  return ts.parseConfigFileTextToJson(file, fs.readFileSync(file, "utf8")).config?.["ts-node"];
}

function main() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "nightscout-bench-"));
  try {
    const compiled = path.join(scratch, "out");
    compile(compiled);
    const preload = path.join(scratch, "language-host-preload.js");
    fs.writeFileSync(preload, LANGUAGE_HOST_PRELOAD);
    const cpuReport = path.join(scratch, "cpu-report-preload.js");
    fs.writeFileSync(cpuReport, CPU_REPORT_PRELOAD);
    const smsRegister = require.resolve("source-map-support/register", {
      paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] }))],
    });
    const childJs = path.join(compiled, "bench/child.js");
    // Each way: how its SDK baseline runs, how a stack runs, and where. The `pulumi up` baseline
    // loads the SDK from JavaScript after the host's registration, as the host itself does
    // before it requires the program, so no TypeScript of the project is in it.
    const ways: [string, string[], string[], string][] = [
      ["pulumi up (ts-node)", ["-r", preload, childJs], ["-r", preload, "bench/child.ts"], ROOT],
      ["precompiled, host", ["-r", smsRegister, childJs], ["-r", smsRegister, childJs], compiled],
      ["precompiled, bare", [childJs], [childJs], compiled],
    ];

    const rows: Row[] = [];
    for (const [way, sdkArgs, stackArgs, cwd] of ways) {
      const sdk: Row = {
        label: `${way}: load @pulumi/pulumi`,
        args: ["-r", cpuReport, ...sdkArgs, "sdk"],
        cwd,
        samples: [],
      };
      rows.push(sdk);
      rows.push({
        label: `${way}: floor, ${FLOOR_RESOURCES} ConfigMaps`,
        args: ["-r", cpuReport, ...sdkArgs, "floor", String(FLOOR_RESOURCES)],
        cwd,
        samples: [],
        baseline: sdk,
      });
      for (const stack of ["staging", "production"]) {
        rows.push({
          label: `${way}: evaluate ${stack}`,
          args: ["-r", cpuReport, ...stackArgs, "stack", stack],
          cwd,
          samples: [],
          baseline: sdk,
          // The engine reads the stack file, not the program: hand the child its result.
          env: { ...process.env, BENCH_STACK_CONFIG: JSON.stringify(stackConfig(stack)) },
        });
      }
    }
    // One unmeasured round warms the file system cache.
    for (const row of rows) run(row.args, row.cwd, row.env);
    for (let i = 0; i < RUNS; i++)
      for (const row of rows) row.samples.push(run(row.args, row.cwd, row.env));

    const wall = (r: Row) => median(r.samples.map((s) => s.wallMs));
    const cpu = (r: Row) => median(r.samples.map((s) => s.cpuMs));
    const plainSdk = rows.find((r) => r.label.startsWith(ways[2][0]) && !r.baseline)!;
    console.log(
      `\nMedian of ${RUNS} fresh processes each, node ${process.version}, ${os.cpus().length} CPUs,` +
        ` tsconfig.json "ts-node": ${JSON.stringify(tsNodeSection() ?? null)}\n`,
    );
    console.log(
      "| run | wall (ms) | x SDK load | CPU (ms) | x SDK load (CPU) | x plain require (wall) | peak RSS (MiB) | resources |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of rows) {
      const ratio = r.baseline ? wall(r) / wall(r.baseline) : 1;
      const cpuRatio = r.baseline ? cpu(r) / cpu(r.baseline) : 1;
      const rssMb = Math.max(...r.samples.map((s) => s.maxRssKb)) / 1024;
      console.log(
        `| ${r.label} | ${wall(r).toFixed(0)} | ${ratio.toFixed(2)} | ${cpu(r).toFixed(0)} | ${cpuRatio.toFixed(2)} | ${(wall(r) / wall(plainSdk)).toFixed(2)} | ${rssMb.toFixed(0)} | ${r.samples[0].resources || ""} |`,
      );
    }
    const target = rows.filter(
      (r) => r.baseline && r.label.startsWith(ways[0][0]) && r.label.includes("evaluate"),
    );
    const worst = Math.max(...target.map((r) => wall(r) / wall(r.baseline!)));
    const worstPlain = Math.max(...target.map((r) => wall(r) / wall(plainSdk)));
    const floorRow = rows.find((r) => r.label.startsWith(ways[0][0]) && r.label.includes("floor"))!;
    const floorRatio = wall(floorRow) / wall(floorRow.baseline!);
    const overFloor = Math.max(...target.map((r) => wall(r) / wall(floorRow)));
    console.log(
      `\nTarget: evaluating a stack the way \`pulumi up\` runs it costs at most ${TARGET_RATIO}x loading the SDK` +
        ` the way the host does. Worst ratio: ${worst.toFixed(2)}x (${worst <= TARGET_RATIO ? "met" : "not met"});` +
        ` ${worstPlain.toFixed(2)}x a plain require("@pulumi/pulumi").` +
        `\nThe SDK alone, registering ${FLOOR_RESOURCES} ConfigMaps the same way, costs ${floorRatio.toFixed(2)}x;` +
        ` the program costs at most ${overFloor.toFixed(2)}x that floor.`,
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main();
