/**
 * A FerretDB v1.24.2 on a private PostgreSQL 15: the target of the refusal tests only. The
 * project's target, FerretDB v2 on DocumentDB, stores every document the generator calls
 * hostile ('$'- and '.'-names, NaN, NUL, nesting past 100; measured, see docs/migration.md),
 * so nothing there exercises "the target refuses a document". FerretDB v1.24.2 refuses
 * '$'- and '.'-names and NaN, as the example targets do, so it stands in for such a
 * target. This is the project's integration harness as it was before the switch to FerretDB
 * v2 (tests/integration/harness.ts at commit b06cc24), with its exports renamed; FerretDB
 * v1.24.2 is built by tools/ferretdb.sh (tools/install-integration-deps.sh).
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { MongoClient } from "mongodb";

const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";
const PROJECT_DIR = path.resolve(__dirname, "..", "..", "..");

/** Credentials a client uses; the password needs URI encoding on purpose. */
const MONGO_USER = "nightscout";
const DATABASE = "nightscout";
const PG_ROLE = "ferretdb";

export interface FerretDbV1 {
  readonly dir: string;
  readonly pgPort: number;
  readonly ferretPort: number;
  readonly database: string;
  readonly username: string;
  readonly password: string;
  /** A MongoDB URI for the FerretDB, optionally with another password or port. */
  uri(opts?: { password?: string; port?: number }): string;
  /** Runs SQL as the PostgreSQL superuser in the FerretDB database; returns unaligned rows. */
  psql(sql: string): string;
  stopPostgres(): void;
  startPostgres(): void;
  isPostgresRunning(): boolean;
  /**
   * SIGSTOP (freeze) or SIGCONT (thaw) every PostgreSQL process: connections still open and
   * the kernel still accepts new ones, but nothing answers, the way a hung server behaves.
   */
  signalPostgres(signal: "SIGSTOP" | "SIGCONT"): void;
  /** Stops FerretDB and PostgreSQL and removes the directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** Resolves a port nobody listens on right now (the kernel's pick, released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** The FerretDB binary: FERRETDB_BIN, or what tools/ferretdb.sh builds or finds cached. */
function ensureFerretDb(): string {
  const fromEnv = process.env.FERRETDB_BIN;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`FERRETDB_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  const built = spawnSync("bash", [path.join(PROJECT_DIR, "tools", "ferretdb.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const bin = built.stdout.trim().split("\n").pop() ?? "";
  if (built.status !== 0 || !bin) {
    throw new Error(`tools/ferretdb.sh failed (exit ${built.status}); see its output above`);
  }
  process.env.FERRETDB_BIN = bin;
  return bin;
}

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
        "run tools/install-integration-deps.sh (the postgresql package creates it)",
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // libpq honours PG* variables; a developer's PGHOST must not redirect the tests.
    if (!key.startsWith("PG")) env[key] = value;
  }
  env.LC_ALL = "C";
  return env;
}

function run(file: string, args: string[], opts: SpawnOptions & PgUser, what: string): string {
  const result = spawnSync(file, args, { ...opts, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
    throw new Error(`${what} failed (exit ${result.status ?? result.signal}): ${output}`);
  }
  return String(result.stdout ?? "");
}

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

const lines = (text: string): string[] => text.split("\n").filter((l) => l.trim().length > 0);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitForMongo(uri: string, ferret: ChildProcess, log: string): Promise<void> {
  const until = Date.now() + 30_000;
  let last = "";
  while (Date.now() < until) {
    if (ferret.exitCode !== null || ferret.signalCode !== null) {
      throw new Error(`FerretDB exited (${ferret.exitCode ?? ferret.signalCode}):\n${tail(log)}`);
    }
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1_000 });
    try {
      await client.db("admin").command({ ping: 1 });
      return;
    } catch (err) {
      last = (err as Error).message;
    } finally {
      await client.close().catch(() => undefined);
    }
    await sleep(200);
  }
  throw new Error(`FerretDB did not answer a ping within 30 s (${last}):\n${tail(log)}`);
}

const liveHarnesses = new Set<() => void>();
let signalHandlersInstalled = false;

function installSignalHandlers(): void {
  if (signalHandlersInstalled) return;
  signalHandlersInstalled = true;
  const stopAll = (): void => {
    for (const stop of [...liveHarnesses]) stop();
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

export async function startFerretDbV1(): Promise<FerretDbV1> {
  const ferretBin = ensureFerretDb();
  const pgUser = postgresUser();
  const [pgPort, ferretPort, debugPort] = await distinctFreePorts(3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nscheck-"));
  const dataDir = path.join(dir, "pg");
  const socketDir = path.join(dir, "sock");
  const pgLog = path.join(dir, "postgres.log");
  const ferretLog = path.join(dir, "ferretdb.log");
  const stateDir = path.join(dir, "ferretdb-state");
  fs.mkdirSync(socketDir);
  fs.mkdirSync(stateDir);
  if (pgUser.uid !== undefined) {
    fs.chownSync(dir, pgUser.uid, pgUser.gid ?? pgUser.uid);
    fs.chownSync(socketDir, pgUser.uid, pgUser.gid ?? pgUser.uid);
  }

  const password = `Pw-${randomBytes(9).toString("base64url")}:@/%`;
  const pgPassword = randomBytes(18).toString("hex");
  const pgOpts = { ...pgUser, env: cleanEnv(), cwd: dir };
  const pgCtl = path.join(PG_BIN, "pg_ctl");

  let ferret: ChildProcess | undefined;
  let reaper: ChildProcess | undefined;
  let stopped = false;

  const isPostgresRunning = (): boolean =>
    spawnSync(pgCtl, ["status", "-D", dataDir], { ...pgOpts, stdio: "ignore" }).status === 0;

  const startPostgres = (): void => {
    const options = [
      `-c port=${pgPort}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${socketDir}`,
      // Durability is not under test; speed is welcome.
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
    ].join(" ");
    run(
      pgCtl,
      ["start", "-w", "-t", "30", "-D", dataDir, "-l", pgLog, "-o", options],
      pgOpts,
      "pg_ctl start",
    );
  };

  const stopPostgres = (): void => {
    if (!isPostgresRunning()) return;
    run(pgCtl, ["stop", "-w", "-t", "30", "-m", "fast", "-D", dataDir], pgOpts, "pg_ctl stop");
  };

  const psqlRows = (sql: string, database = DATABASE): string =>
    run(
      path.join(PG_BIN, "psql"),
      // -X: no ~/.psqlrc; -A -t: bare rows; ON_ERROR_STOP: a failed statement fails the call.
      ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDir, "-p", String(pgPort)].concat([
        "-U",
        "postgres",
        "-d",
        database,
        "-c",
        sql,
      ]),
      pgOpts,
      "psql",
    );

  const postgresPids = (): number[] => {
    let postmaster: number;
    try {
      postmaster = Number(
        fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0],
      );
    } catch {
      return [];
    }
    const children = spawnSync("ps", ["-o", "pid=", "--ppid", String(postmaster)], {
      encoding: "utf8",
    });
    return [postmaster, ...lines(children.stdout ?? "").map(Number)].filter((pid) => pid > 0);
  };

  const signalPostgres = (signal: "SIGSTOP" | "SIGCONT"): void => {
    for (const pid of postgresPids()) {
      try {
        process.kill(pid, signal);
      } catch {
        // A backend that exited meanwhile.
      }
    }
  };

  /** Synchronous so it can run from process.on("exit"). */
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    liveHarnesses.delete(stopSync);
    if (ferret && ferret.exitCode === null && ferret.signalCode === null) ferret.kill("SIGKILL");
    // A frozen PostgreSQL would hold pg_ctl's shutdown signal until thawed.
    signalPostgres("SIGCONT");
    try {
      spawnSync(pgCtl, ["stop", "-m", "immediate", "-D", dataDir], {
        ...pgOpts,
        stdio: "ignore",
        timeout: 20_000,
      });
    } catch {
      // Best effort: the reaper below tries again.
    }
    reaper?.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    run(
      path.join(PG_BIN, "initdb"),
      [
        "-D",
        dataDir,
        "-U",
        "postgres",
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
      ],
      pgOpts,
      "initdb",
    );
    startPostgres();
    liveHarnesses.add(stopSync);
    installSignalHandlers();
    psqlRows(`CREATE ROLE ${PG_ROLE} LOGIN PASSWORD '${pgPassword}'`, "postgres");
    psqlRows(
      `CREATE DATABASE ${DATABASE} OWNER ${PG_ROLE} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
      "postgres",
    );

    const logFd = fs.openSync(ferretLog, "a");
    ferret = spawn(
      ferretBin,
      [
        "--handler=postgresql",
        `--postgresql-url=postgres://${PG_ROLE}:${pgPassword}@127.0.0.1:${pgPort}/${DATABASE}`,
        `--listen-addr=127.0.0.1:${ferretPort}`,
        `--debug-addr=127.0.0.1:${debugPort}`,
        "--telemetry=disable",
        `--state-dir=${stateDir}`,
        "--log-level=info",
        "--test-enable-new-auth",
        `--setup-database=${DATABASE}`,
        `--setup-username=${MONGO_USER}`,
        `--setup-password=${password}`,
      ],
      { stdio: ["ignore", logFd, logFd], env: cleanEnv() },
    );
    fs.closeSync(logFd);

    // Outlives a SIGKILLed test process: stops FerretDB and PostgreSQL, removes the files.
    const reaperScript = [
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
      `kill -9 ${ferret.pid} 2>/dev/null`,
      `pid=$(head -n 1 '${dataDir}/postmaster.pid' 2>/dev/null) && kill -QUIT "$pid" 2>/dev/null`,
      "sleep 2",
      `rm -rf '${dir}'`,
    ].join("\n");
    reaper = spawn("bash", ["-c", reaperScript], { detached: true, stdio: "ignore" });
    reaper.unref();

    const harness: FerretDbV1 = {
      dir,
      pgPort,
      ferretPort,
      database: DATABASE,
      username: MONGO_USER,
      password,
      uri: (opts = {}) =>
        `mongodb://${MONGO_USER}:${encodeURIComponent(opts.password ?? password)}` +
        `@127.0.0.1:${opts.port ?? ferretPort}/${DATABASE}`,
      psql: (sql) => psqlRows(sql),
      stopPostgres,
      startPostgres,
      isPostgresRunning,
      signalPostgres,
      stop: async () => {
        if (stopped) return;
        if (ferret && ferret.exitCode === null && ferret.signalCode === null) {
          const exited = new Promise((r) => ferret?.once("exit", r));
          ferret.kill("SIGTERM");
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
        }
        stopSync();
      },
    };
    await waitForMongo(harness.uri(), ferret, ferretLog);
    return harness;
  } catch (err) {
    const logs = `\n--- postgres.log\n${tail(pgLog)}\n--- ferretdb.log\n${tail(ferretLog)}`;
    stopSync();
    throw new Error(`${(err as Error).message}${logs}`);
  }
}
