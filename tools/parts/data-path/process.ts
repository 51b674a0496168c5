/** Process plumbing for the local data path: free ports, a clean env, exit hooks. */
import * as fs from "node:fs";
import * as path from "node:path";
// The migration's port-forward picks its local port the same way.
import { freePort } from "../../../migrate/port-forward";

export { freePort };

export const PROJECT_DIR = path.resolve(__dirname, "..", "..", "..");

export async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** The parent's env without PG* variables: a developer's PGHOST must not redirect the servers. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("PG")) env[key] = value;
  }
  env.LC_ALL = "C";
  return env;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref?.());

export function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

const hooks = new Set<() => void>();
let installed = false;

/**
 * Runs `stop` (synchronous) when the process exits or is signalled, unless removed first by
 * calling the returned function.
 */
export function onExit(stop: () => void): () => void {
  hooks.add(stop);
  if (!installed) {
    installed = true;
    const stopAll = (): void => {
      for (const hook of [...hooks]) hook();
    };
    process.on("exit", stopAll);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      process.once(signal, () => {
        stopAll();
        // Re-raise with the default action so the exit status still tells of the signal.
        process.kill(process.pid, signal);
      });
    }
  }
  return () => hooks.delete(stop);
}
