/** Runs check/cli.ts (or the port-forward wrapper) as a real child process. */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { PROJECT_DIR } from "./harness";

export const CLI = path.join(PROJECT_DIR, "check", "cli.ts");
export const PORT_FORWARD = path.join(PROJECT_DIR, "check", "port-forward.sh");

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  pid: number;
}

export interface RunOptions {
  args?: string[];
  /** Called once the process is running, e.g. to signal it. */
  onSpawn?: (pid: number) => void;
}

/** Only what the check needs: a stray MONGODB_URI or NIGHTSCOUT_URL must not leak in. */
function baseEnv(): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG"];
  return Object.fromEntries(keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
}

function runProcess(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: RunOptions,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(file, args, {
      cwd: PROJECT_DIR,
      env: { ...baseEnv(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("spawn", () => opts.onSpawn?.(child.pid as number));
    child.on("close", (code, signal) =>
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, pid: child.pid as number }),
    );
  });
}

export function runCli(env: NodeJS.ProcessEnv, opts: RunOptions = {}): Promise<Run> {
  return runProcess(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", CLI, ...(opts.args ?? [])],
    env,
    opts,
  );
}

export function runPortForward(env: NodeJS.ProcessEnv, opts: RunOptions = {}): Promise<Run> {
  return runProcess("bash", [PORT_FORWARD, ...(opts.args ?? [])], env, opts);
}

/** Every form in which a password could leak into output. */
export function leakForms(password: string): string[] {
  return [password, encodeURIComponent(password)];
}

export function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.length > 0);
}
