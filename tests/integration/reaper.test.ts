/**
 * A data path outlives nothing: when the process that started it dies without running its
 * exit hooks (SIGKILL, as a CI timeout or a killed jest worker does), the reaper stops
 * PostgreSQL and FerretDB and removes their files, also when PostgreSQL was frozen (a
 * stopped process holds every signal but SIGKILL and SIGCONT) and also when the owner dies
 * half-way through start-up.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ferretPidFile } from "../../tools/parts/data-path/reaper";
import { PROJECT_DIR } from "./harness";

const HOLDER = path.join(__dirname, "hold-data-path.ts");
const DIR_PREFIX = "nightscout-data-path-";

/** The holder's temporary directory: its own, so no other data path on the machine is seen. */
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "reaper-test-"));
  // PostgreSQL runs as its own user when the tests run as root: it must reach its directory.
  fs.chmodSync(tmp, 0o755);
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function hold(...args: string[]): ChildProcess {
  return spawn(process.execPath, ["-r", "ts-node/register/transpile-only", HOLDER, ...args], {
    cwd: PROJECT_DIR,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/** Alive and not a zombie (nothing may reap an orphan here). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

const postmasterOf = (dir: string): number | undefined => {
  try {
    return Number(fs.readFileSync(path.join(dir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return undefined;
  }
};

async function until(what: string, ok: () => boolean, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Processes whose command line names the directory (PostgreSQL's, the reaper itself). */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmdline.includes(dir) && alive(Number(entry))) pids.push(Number(entry));
    } catch {
      // Exited meanwhile.
    }
  }
  return pids;
}

async function expectReaped(dir: string, servers: number[]): Promise<void> {
  await until("the servers stop", () => servers.every((pid) => !alive(pid)), 20);
  await until("the data path's files are removed", () => !fs.existsSync(dir), 20);
  await until("every process of the data path exits", () => processesUnder(dir).length === 0, 10);
}

it("stops a frozen PostgreSQL and FerretDB when their owner is SIGKILLed", async () => {
  const child = hold("frozen");
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.on("exit", (code) => reject(new Error(`the holder exited (${code}) before it was up`)));
  });
  const { dir } = JSON.parse(line) as { dir: string };
  const postmaster = postmasterOf(dir) as number;
  const ferretdb = Number(fs.readFileSync(ferretPidFile(dir), "utf8"));
  expect([alive(postmaster), alive(ferretdb)]).toEqual([true, true]);
  child.kill("SIGKILL");
  await expectReaped(dir, [postmaster, ferretdb]);
});

it("stops PostgreSQL when its owner is SIGKILLed half-way through start-up", async () => {
  const child = hold();
  let dir = "";
  let postmaster: number | undefined;
  await until(
    "PostgreSQL starts",
    () => {
      for (const name of fs.readdirSync(tmp)) {
        if (!name.startsWith(DIR_PREFIX)) continue;
        dir = path.join(tmp, name);
        postmaster = postmasterOf(dir);
      }
      return postmaster !== undefined && alive(postmaster);
    },
    60,
  );
  // Before FerretDB is up and before start-up returns.
  child.kill("SIGKILL");
  await expectReaped(dir, [postmaster as number]);
});
