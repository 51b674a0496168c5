/**
 * Runs the real Pulumi engine (built by tools/parts/pulumi-toolchain.sh) on a scratch copy of this
 * project: a local file backend, a test passphrase and test secrets, all under .cache/ (gitignored).
 * The committed Pulumi.<stack>.yaml files are copied, never written. Used by tests/e2e,
 * bench/preview.ts, tools/commands/render.ts, up:local and up:platform.
 *
 * The operations that run the program (up, preview, refresh, destroy) go through the Automation
 * API with the program inline (tools/parts/engine/run.ts), since no registry serves the Node.js language
 * host; every other command (stack, config, output) is the CLI's own.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");
export const PROJECT = "nightscout";

/** Files of the program the scratch project links to (never copies, so edits show at once). */
const LINKED = ["index.ts", "outputs.ts", "components", "config", "node_modules", "package.json"];

/** The CLI commands that run the program, and so go through tools/parts/engine/run.ts. */
const PROGRAM_OPERATIONS = new Set(["up", "preview", "refresh", "destroy"]);
const ENGINE_RUNNER = path.join(ROOT, "tools", "parts", "engine", "run.ts");
/** The policy pack as an executable the engine launches itself (tools/parts/engine/run-policy-pack). */
export const POLICY_PACK_LAUNCHER = path.join(ROOT, "tools", "parts", "engine", "run-policy-pack");

/**
 * The command line for `pulumi <args>` on stack `stack`: the CLI itself, or for the operations
 * that run the program, the engine runner in a Node process of its own (which loads the program
 * through ts-node, as the language host would).
 */
export function engineCommand(args: string[], stack?: string): { file: string; argv: string[] } {
  if (PROGRAM_OPERATIONS.has(args[0])) {
    if (!stack)
      throw new Error(`pulumi ${args[0]} through the Automation API needs the stack name`);
    return {
      file: process.execPath,
      argv: [
        "-r",
        require.resolve("ts-node/register/transpile-only"),
        ENGINE_RUNNER,
        ...args,
        "--stack",
        stack,
      ],
    };
  }
  return { file: "pulumi", argv: [...args, "--non-interactive"] };
}

let cachedEnv: NodeJS.ProcessEnv | undefined;

/**
 * The env of the offline engine: PATH, PULUMI_HOME and the no-download switches, from
 * `tools/parts/pulumi-toolchain.sh` (which builds what is missing first; a no-op when warm).
 */
export function toolchainEnv(): NodeJS.ProcessEnv {
  if (cachedEnv) return cachedEnv;
  const out = execFileSync("bash", [path.join(ROOT, "tools/parts/pulumi-toolchain.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const line of out.split("\n")) {
    const m = /^export ([A-Z_]+)="?(.*?)"?$/.exec(line.trim());
    if (m) env[m[1]] = m[2].replace("$PATH", process.env.PATH ?? "");
  }
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  delete env.PULUMI_ACCESS_TOKEN;
  return (cachedEnv = env);
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for messages that may land on either. */
  output: string;
  ms: number;
}

export interface ScratchStack {
  stack: string;
  /** The scratch area (.cache/<area>/<name>): project/, backend/, and room for output. */
  base: string;
  /** The scratch project directory (the engine's working directory). */
  dir: string;
  env: NodeJS.ProcessEnv;
  pulumi(args: string[]): RunResult;
  /**
   * The same, without blocking the event loop (for callers that serve something the engine
   * uses meanwhile, like the local FerretDB relay); `echo` streams the output as it comes.
   */
  pulumiAsync(args: string[], opts?: { echo?: boolean }): Promise<RunResult>;
  /** The scratch copy of Pulumi.<stack>.yaml. */
  stackFile(): string;
  /** The stack's checkpoint in the local backend (after an update). */
  stateFile(): string;
  /** Test secrets set with `pulumi config set --secret`, by key. */
  secrets: Record<string, string>;
}

/**
 * `pulumi <args>` in project `dir` on stack `stack`, to completion (engineCommand says which
 * program runs it).
 */
export function runPulumi(
  dir: string,
  env: NodeJS.ProcessEnv,
  args: string[],
  stack?: string,
): RunResult {
  const start = Date.now();
  const { file, argv } = engineCommand(args, stack);
  const r = spawnSync(file, argv, { cwd: dir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    output: r.stdout + r.stderr,
    ms: Date.now() - start,
  };
}

export function testSecret(): string {
  return `e2e-${randomBytes(15).toString("base64url")}`;
}

/**
 * A fresh stack `<stack>` of this project on a local backend under .cache/<area>/<name>, with
 * the committed stack file's values, generated secrets (apiSecret, and the backup credentials
 * where the stack uses an object store) and `config` on top. With `keep`, an existing one is
 * reused as it is (its state and secrets kept; `secrets` is then empty) and `config` set again.
 */
export function scratchStack(
  stack: string,
  opts: {
    name?: string;
    area?: string;
    config?: Record<string, string>;
    keep?: boolean;
    /** Extra environment for every pulumi run (e.g. KUBECONFIG, PATH with kubectl). */
    env?: NodeJS.ProcessEnv;
  } = {},
): ScratchStack {
  const base = path.join(ROOT, ".cache", opts.area ?? "e2e", opts.name ?? stack);
  const dir = path.join(base, "project");
  const reuse =
    opts.keep === true &&
    fs.existsSync(path.join(dir, `Pulumi.${stack}.yaml`)) &&
    fs.existsSync(path.join(base, "backend", ".pulumi"));
  if (!reuse) {
    fs.rmSync(base, { recursive: true, force: true });
    fs.mkdirSync(path.join(base, "backend"), { recursive: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const f of LINKED) fs.symlinkSync(path.join(ROOT, f), path.join(dir, f));
    fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(dir, "tsconfig.json"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.copyFileSync(
      path.join(ROOT, `Pulumi.${stack}.yaml`),
      path.join(dir, `Pulumi.${stack}.yaml`),
    );
  }

  const env: NodeJS.ProcessEnv = {
    ...toolchainEnv(),
    PULUMI_BACKEND_URL: `file://${path.join(base, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: `e2e-passphrase-${stack}`,
    ...opts.env,
  };
  const pulumi = (args: string[]): RunResult => runPulumi(dir, env, args, stack);
  const pulumiAsync = (args: string[], o: { echo?: boolean } = {}): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const start = Date.now();
      const { file, argv } = engineCommand(args, stack);
      const child = spawn(file, argv, { cwd: dir, env });
      let stdout = "";
      let stderr = "";
      let output = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d;
        output += d;
        if (o.echo) process.stdout.write(d);
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d;
        output += d;
        if (o.echo) process.stderr.write(d);
      });
      child.on("error", reject);
      child.on("close", (status) =>
        resolve({ status, stdout, stderr, output, ms: Date.now() - start }),
      );
    });
  const must = (args: string[]) => {
    const r = pulumi(args);
    if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed:\n${r.output}`);
    return r;
  };

  const secrets: Record<string, string> = {};
  if (reuse) {
    must(["stack", "select", stack]);
  } else {
    must(["stack", "init", stack, "--secrets-provider", "passphrase"]);
    const committed = fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
    secrets.apiSecret = testSecret();
    if (/^\s*nightscout:(backupDestinationPath|restoreFromServerName):/m.test(committed)) {
      secrets.backupAccessKeyId = testSecret();
      secrets.backupSecretAccessKey = testSecret();
    }
    for (const [k, v] of Object.entries(secrets)) must(["config", "set", "--secret", k, v]);
  }
  for (const [k, v] of Object.entries(opts.config ?? {})) must(["config", "set", k, v]);

  return {
    stack,
    base,
    dir,
    env,
    pulumi,
    pulumiAsync,
    secrets,
    stackFile: () => path.join(dir, `Pulumi.${stack}.yaml`),
    stateFile: () => {
      const stacks = path.join(base, "backend", ".pulumi", "stacks");
      for (const p of [
        path.join(stacks, PROJECT, `${stack}.json`),
        path.join(stacks, `${stack}.json`),
      ])
        if (fs.existsSync(p)) return p;
      throw new Error(`no checkpoint for stack ${stack} under ${stacks}`);
    },
  };
}

/**
 * The `--policy-pack` flags for a stack, as render, the e2e tests, up:local and CI use them: the
 * pack through its launcher (no language host), with the stack's policy config.
 */
export function policyArgs(stack: string): string[] {
  return [
    "--policy-pack",
    POLICY_PACK_LAUNCHER,
    "--policy-pack-config",
    path.join(ROOT, "policies", "config", `${stack}.json`),
  ];
}

/** Whether `dir`'s node_modules was installed from its current package-lock.json. */
function installedFromLock(dir: string): boolean {
  // npm ci writes node_modules/.package-lock.json last; a lockfile newer than it (a pull, a
  // new dependency) means the install is out of date.
  const hidden = path.join(dir, "node_modules", ".package-lock.json");
  const lock = path.join(dir, "package-lock.json");
  return fs.existsSync(hidden) && fs.statSync(hidden).mtimeMs >= fs.statSync(lock).mtimeMs;
}

/**
 * The pack ready to run fast: `npm ci` in policies/ when its or the domain's install is missing
 * or older than its lockfile (the pack's `prepare` installs ../domain and compiles), else a
 * rebuild of the compiled pack when the sources changed since (policies/precompiled.js).
 * Offline-friendly (--prefer-offline): inside the network namespace only npm's cache serves.
 */
export function ensurePolicyPackDeps(pack = path.join(ROOT, "policies")): void {
  const domain = path.join(pack, "..", "domain");
  if (!installedFromLock(pack) || !installedFromLock(domain)) {
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: pack,
      stdio: "inherit",
    });
    return;
  }
  const precompiled = path.join(pack, "precompiled.js");
  const status = spawnSync(process.execPath, [precompiled, "status"], { encoding: "utf8" });
  if (status.status === 0) return;
  execFileSync(process.execPath, [precompiled, "build"], { stdio: "inherit" });
}
