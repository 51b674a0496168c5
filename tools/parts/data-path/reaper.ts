/**
 * A detached shell that outlives the process that started a data path: once that process is
 * gone without running its exit hooks (a SIGKILL from a CI timeout or a killed jest worker,
 * a crash), it kills FerretDB, stops PostgreSQL and removes the data path's directory.
 * Started before any server, so no moment of start-up can leave one behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface Reaped {
  /** Removed last. */
  dir: string;
  /** PostgreSQL's data directory: its postmaster.pid names the server. */
  pgDataDir: string;
}

/** Where a data path records its FerretDB's pid for the reaper. */
export const ferretPidFile = (dir: string): string => path.join(dir, "ferretdb.pid");

export function recordFerretPid(dir: string, ferret: ChildProcess): void {
  if (ferret.pid !== undefined) fs.writeFileSync(ferretPidFile(dir), `${ferret.pid}\n`);
}

/**
 * A frozen server (the outage tests' SIGSTOP) holds every signal but SIGCONT and SIGKILL, so
 * every PostgreSQL process is thawed first, asked to quit, and killed if it has not within
 * five seconds.
 */
function reaperScript(owner: number, { dir, pgDataDir }: Reaped): string {
  return [
    `while kill -0 ${owner} 2>/dev/null; do sleep 1; done`,
    `ferret=$(cat '${ferretPidFile(dir)}' 2>/dev/null) && kill -9 "$ferret" 2>/dev/null`,
    `postmaster=$(head -n 1 '${pgDataDir}/postmaster.pid' 2>/dev/null)`,
    'if [ -n "$postmaster" ]; then',
    '  all="$postmaster $(ps -o pid= --ppid "$postmaster")"',
    "  kill -CONT $all 2>/dev/null",
    '  kill -QUIT "$postmaster" 2>/dev/null',
    '  for _ in 1 2 3 4 5; do kill -0 "$postmaster" 2>/dev/null || break; sleep 1; done',
    "  kill -9 $all 2>/dev/null",
    "fi",
    `rm -rf '${dir}'`,
  ].join("\n");
}

/** Starts the reaper for this process; `stop` dismisses it once the data path is stopped. */
export function startReaper(reaped: Reaped): { stop(): void } {
  const reaper = spawn("bash", ["-c", reaperScript(process.pid, reaped)], {
    detached: true,
    stdio: "ignore",
  });
  reaper.unref();
  return { stop: () => reaper.kill("SIGKILL") };
}
