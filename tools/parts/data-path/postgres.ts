/** A private PostgreSQL server in a directory of its own, run as an unprivileged user. */
import { spawnSync, type SpawnOptions } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { cleanEnv } from "./process";

export const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

interface PgUser {
  uid?: number;
  gid?: number;
}

/** initdb and postgres refuse to run as root; CI runs as root, so use the postgres user. */
function postgresUser(): PgUser {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return {};
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      "running as root, and there is no 'postgres' user to run PostgreSQL as: " +
        "run tools/parts/data-path/build.sh (it creates one)",
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function run(file: string, args: string[], opts: SpawnOptions & PgUser, what: string): string {
  const result = spawnSync(file, args, { ...opts, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
    throw new Error(`${what} failed (exit ${result.status ?? result.signal}): ${output}`);
  }
  return String(result.stdout ?? "");
}

export class PostgresServer {
  readonly dataDir: string;
  readonly socketDir: string;
  readonly log: string;
  private readonly opts: SpawnOptions & PgUser;
  private port = 0;

  constructor(
    readonly dir: string,
    readonly bin: string = PG_BIN,
  ) {
    const user = postgresUser();
    this.dataDir = path.join(dir, "pg");
    this.socketDir = path.join(dir, "sock");
    this.log = path.join(dir, "postgres.log");
    fs.mkdirSync(this.socketDir, { recursive: true });
    if (user.uid !== undefined) {
      fs.chownSync(dir, user.uid, user.gid ?? user.uid);
      fs.chownSync(this.socketDir, user.uid, user.gid ?? user.uid);
    }
    this.opts = { ...user, env: cleanEnv(), cwd: dir };
  }

  /** initdb, then the given postgresql.conf lines, pg_hba and pg_ident replace the defaults. */
  init(confLines: string[], hba: string[], ident: string[]): void {
    run(
      path.join(this.bin, "initdb"),
      ["-D", this.dataDir, "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"],
      this.opts,
      "initdb",
    );
    const portLine = confLines.find((l) => l.startsWith("port = "));
    this.port = Number(/'(\d+)'/.exec(portLine ?? "")?.[1]);
    if (!this.port) throw new Error("the server's settings name no port");
    // Durability is not under test; speed is welcome.
    const speed = ["fsync = off", "synchronous_commit = off", "full_page_writes = off"];
    const write = (name: string, lines: string[]) => {
      const file = path.join(this.dataDir, name);
      fs.writeFileSync(file, `${lines.join("\n")}\n`);
      if (this.opts.uid !== undefined)
        fs.chownSync(file, this.opts.uid, this.opts.gid ?? this.opts.uid);
    };
    fs.appendFileSync(
      path.join(this.dataDir, "postgresql.conf"),
      `\n${[...confLines, ...speed].join("\n")}\n`,
    );
    write("pg_hba.conf", hba);
    write("pg_ident.conf", ident);
  }

  isRunning(): boolean {
    return (
      spawnSync(path.join(this.bin, "pg_ctl"), ["status", "-D", this.dataDir], {
        ...this.opts,
        stdio: "ignore",
      }).status === 0
    );
  }

  start(): void {
    run(
      path.join(this.bin, "pg_ctl"),
      ["start", "-w", "-t", "30", "-D", this.dataDir, "-l", this.log],
      this.opts,
      "pg_ctl start",
    );
  }

  stop(): void {
    if (!this.isRunning()) return;
    run(
      path.join(this.bin, "pg_ctl"),
      ["stop", "-w", "-t", "30", "-m", "fast", "-D", this.dataDir],
      this.opts,
      "pg_ctl stop",
    );
  }

  /** Immediate shutdown for cleanup; thaws a frozen server first, which would hold the signal. */
  stopNow(): void {
    this.signal("SIGCONT");
    try {
      spawnSync(path.join(this.bin, "pg_ctl"), ["stop", "-m", "immediate", "-D", this.dataDir], {
        ...this.opts,
        stdio: "ignore",
        timeout: 20_000,
      });
    } catch {
      // Best effort: the caller's reaper tries again.
    }
  }

  /** SQL as the superuser over the socket (psql -X -A -t, stopping at the first error). */
  psql(sql: string, database: string): string {
    return run(
      path.join(this.bin, "psql"),
      [
        "-X",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        this.socketDir,
        "-p",
        String(this.port),
      ].concat(["-U", "postgres", "-d", database, "-c", sql]),
      this.opts,
      "psql",
    );
  }

  private pids(): number[] {
    let postmaster: number;
    try {
      postmaster = Number(
        fs.readFileSync(path.join(this.dataDir, "postmaster.pid"), "utf8").split("\n")[0],
      );
    } catch {
      return [];
    }
    const children = spawnSync("ps", ["-o", "pid=", "--ppid", String(postmaster)], {
      encoding: "utf8",
    });
    const childPids = (children.stdout ?? "")
      .split("\n")
      .filter((l) => l.trim())
      .map(Number);
    return [postmaster, ...childPids].filter((pid) => pid > 0);
  }

  signal(signal: "SIGSTOP" | "SIGCONT"): void {
    for (const pid of this.pids()) {
      try {
        process.kill(pid, signal);
      } catch {
        // A backend that exited meanwhile.
      }
    }
  }
}
