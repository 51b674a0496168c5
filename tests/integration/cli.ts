/** Runs check/cli.ts (or the port-forward wrapper) as a real child process. */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { PROJECT_DIR } from "./harness";

export { leakForms } from "../helpers/leaks";

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
}

/** A process still running: its pid, its result, and a way to wait for what it prints. */
export interface Running {
  readonly pid: number;
  readonly done: Promise<Run>;
  /**
   * Resolves once stderr matches `pattern`: a deterministic signal that the process got
   * that far. Rejects if the process exits first (without quoting its output).
   */
  untilStderr(pattern: RegExp): Promise<void>;
}

/** Only what the check needs: a stray MONGODB_URI or NIGHTSCOUT_URL must not leak in. */
function baseEnv(): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG"];
  return Object.fromEntries(keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
}

function startProcess(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: RunOptions,
): Running {
  const started = Date.now();
  const child = spawn(file, [...args, ...(opts.args ?? [])], {
    cwd: PROJECT_DIR,
    env: { ...baseEnv(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let closed = false;
  const waiters: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  const settle = (exited: boolean): void => {
    for (const w of [...waiters]) {
      if (w.pattern.test(stderr)) w.resolve();
      else if (exited) w.reject(new Error(`the process exited before stderr matched ${w.pattern}`));
      else continue;
      waiters.splice(waiters.indexOf(w), 1);
    }
  };
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    settle(false);
  });
  const done = new Promise<Run>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      closed = true;
      settle(true);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, pid: child.pid as number });
    });
  });
  return {
    pid: child.pid as number,
    done,
    untilStderr: (pattern) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ pattern, resolve, reject });
        settle(closed);
      }),
  };
}

export function startCli(env: NodeJS.ProcessEnv, opts: RunOptions = {}): Running {
  return startProcess(process.execPath, ["-r", "ts-node/register/transpile-only", CLI], env, opts);
}

export function startPortForward(env: NodeJS.ProcessEnv, opts: RunOptions = {}): Running {
  return startProcess("bash", [PORT_FORWARD], env, opts);
}

export const runCli = (env: NodeJS.ProcessEnv, opts: RunOptions = {}): Promise<Run> =>
  startCli(env, opts).done;

export const runPortForward = (env: NodeJS.ProcessEnv, opts: RunOptions = {}): Promise<Run> =>
  startPortForward(env, opts).done;

export function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.length > 0);
}
