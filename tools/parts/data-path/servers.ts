/**
 * Starts the local data path: a private PostgreSQL 15 (Debian's), bootstrapped the way
 * CloudNative-PG bootstraps the rendered Cluster, and FerretDB v1.24.2 with the environment the
 * program renders for FerretDB's container (local.ts says where and why these differ: above all,
 * no registry serves DocumentDB, so FerretDB v2 cannot run here). Both listen on free loopback
 * ports, in a fresh temporary directory that is removed afterwards.
 *
 * Cleanup happens on stop(), on process exit and on SIGINT/SIGTERM/SIGHUP, and a detached
 * reaper stops both servers if this process dies without any of those (SIGKILL, a crash).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MongoClient } from "mongodb";
import {
  localBootstrapSql,
  localFerretDbEnv,
  localPostgresConfig,
  postgresConfLines,
  renderedMongoLogin,
  withAddress,
} from "./local";
import { PostgresServer } from "./postgres";
import type { RenderedDataPath } from "./render";
import { recordFerretPid, startReaper } from "./reaper";
import { cleanEnv, distinctFreePorts, onExit, PROJECT_DIR, sleep, tail } from "./process";

export { freePort, PROJECT_DIR } from "./process";
export { PG_BIN } from "./postgres";

const BUILD = path.join(PROJECT_DIR, "tools", "parts", "data-path", "build.sh");
const RENDER = path.join(PROJECT_DIR, "tools", "parts", "data-path", "render.ts");

/** The built parts (tools/parts/data-path/build.sh --env), building them first if `build` is set. */
export function dataPathBuild(build = false): Record<string, string> {
  const result = spawnSync("bash", build ? [BUILD] : [BUILD, "--env"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", build ? "inherit" : "pipe"],
  });
  if (result.status !== 0) {
    throw new Error(
      `tools/parts/data-path/build.sh${build ? "" : " --env"} failed (exit ${result.status}): ` +
        `${(result.stderr ?? "").trim() || "see its output above"}`,
    );
  }
  return Object.fromEntries(
    result.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
}

const renderCache = new Map<string, RenderedDataPath>();

/**
 * What the program renders for a stack, evaluated in a child process: the Pulumi runtime is
 * process-global, one capture runs at a time, and this may run beside other captures.
 */
export function renderedDataPath(
  stack: string,
  overrides: Record<string, string | undefined> = {},
): RenderedDataPath {
  const key = JSON.stringify([stack, overrides]);
  const cached = renderCache.get(key);
  if (cached) return cached;
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", RENDER, stack, JSON.stringify(overrides)],
    {
      cwd: PROJECT_DIR,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: "tsconfig.json" },
    },
  );
  if (result.status !== 0) throw new Error(`rendering ${stack} failed: ${result.stderr.trim()}`);
  const rendered = JSON.parse(result.stdout) as RenderedDataPath;
  renderCache.set(key, rendered);
  return rendered;
}

export interface DataPathOptions {
  /** Whose rendered configuration to run (default staging). */
  stack?: string;
  /** Setting overrides for the render, as `pulumi config set` would make them. */
  overrides?: Record<string, string | undefined>;
}

export interface LocalDataPath {
  readonly dir: string;
  readonly rendered: RenderedDataPath;
  readonly pgPort: number;
  readonly ferretPort: number;
  readonly debugPort: number;
  /** The MongoDB database Nightscout uses, and the user and password it logs in with. */
  readonly database: string;
  readonly username: string;
  readonly password: string;
  /**
   * `SHOW server_version`, and the FerretDB module version the binary was built from (build.sh
   * checks that the binary reports it).
   */
  readonly versions: { postgres: string; ferretdb: string };
  /** The rendered MongoDB URI pointed at the local FerretDB, optionally another password/port. */
  uri(opts?: { password?: string; port?: number }): string;
  /** SQL as the superuser, in `postgres` (where FerretDB keeps its schemas) unless told; bare rows. */
  psql(sql: string, database?: string): string;
  stopPostgres(): void;
  startPostgres(): void;
  isPostgresRunning(): boolean;
  /** SIGSTOP (freeze) or SIGCONT (thaw) every PostgreSQL process, as a hung server behaves. */
  signalPostgres(signal: "SIGSTOP" | "SIGCONT"): void;
  stopFerretDb(): Promise<void>;
  startFerretDb(): Promise<void>;
  /** Stops FerretDB and PostgreSQL and removes the directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** Waits for an authenticated ping through `uri`, failing fast when FerretDB exits. */
export async function waitForMongo(uri: string, ferret: ChildProcess, log: string): Promise<void> {
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

/**
 * Runs CNPG's initdb bootstrap of the rendered Cluster on a fresh server, as it runs here
 * (local.ts: localBootstrapSql).
 */
function bootstrapLikeCnpg(pg: PostgresServer, rendered: RenderedDataPath): void {
  const { owner, ownerPassword, database } = rendered.postgres;
  const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;
  pg.psql(`CREATE ROLE "${owner}" LOGIN PASSWORD ${literal(ownerPassword)}`, "postgres");
  pg.psql(`CREATE DATABASE "${database}" OWNER "${owner}"`, "postgres");
  const sql = localBootstrapSql(rendered);
  for (const statement of sql.postgres) pg.psql(statement, "postgres");
  for (const statement of sql.application) pg.psql(statement, database);
}

/**
 * Starts PostgreSQL and FerretDB on free loopback ports. A port is free when it is picked and may
 * be taken by another process before the server binds it (two suites starting at once): a start
 * that fails on a port already in use is tried again on new ports, twice at most.
 */
export async function startLocalDataPath(options: DataPathOptions = {}): Promise<LocalDataPath> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLocalDataPathOnce(options);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/i.test((err as Error).message)) throw err;
    }
  }
}

async function startLocalDataPathOnce(options: DataPathOptions): Promise<LocalDataPath> {
  const stack = options.stack ?? "staging";
  const built = dataPathBuild();
  const ferretBin = built.FERRETDB_BIN;
  const rendered = renderedDataPath(stack, options.overrides);
  const [pgPort, ferretPort, debugPort] = await distinctFreePorts(3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nightscout-data-path-"));
  const stateDir = path.join(dir, "ferretdb-state");
  const ferretLog = path.join(dir, "ferretdb.log");
  fs.mkdirSync(stateDir);

  const pg = new PostgresServer(dir, built.DATA_PATH_PG_BIN);
  const config = localPostgresConfig(rendered, pg.socketDir, pgPort);
  let ferret: ChildProcess | undefined;
  let stopped = false;

  const ferretAlive = () => ferret !== undefined && ferret.exitCode === null && !ferret.signalCode;
  const login = renderedMongoLogin(rendered);
  const uri = (opts: { password?: string; port?: number } = {}) => {
    const u = new URL(
      withAddress(rendered.nightscout.env.MONGODB_URI, "127.0.0.1", opts.port ?? ferretPort),
    );
    if (opts.password !== undefined) u.password = encodeURIComponent(opts.password);
    return u.toString();
  };

  const startFerretDb = async (): Promise<void> => {
    if (ferretAlive()) return;
    const logFd = fs.openSync(ferretLog, "a");
    const env = {
      ...cleanEnv(),
      ...localFerretDbEnv(
        rendered,
        { postgres: pgPort, ferretdb: ferretPort, ferretdbDebug: debugPort },
        stateDir,
      ),
    };
    ferret = spawn(ferretBin, [], { stdio: ["ignore", logFd, logFd], env });
    fs.closeSync(logFd);
    recordFerretPid(dir, ferret);
    await waitForMongo(uri(), ferret, ferretLog);
  };

  const stopFerretDb = async (): Promise<void> => {
    if (!ferret || !ferretAlive()) return;
    const exited = new Promise((r) => ferret?.once("exit", r));
    ferret.kill("SIGTERM");
    await Promise.race([exited, sleep(5_000)]);
    if (ferretAlive()) ferret.kill("SIGKILL");
  };

  /** Synchronous so it can run from process.on("exit"). */
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    removeExitHook();
    if (ferretAlive()) ferret?.kill("SIGKILL");
    pg.stopNow();
    reaper.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const removeExitHook = onExit(stopSync);
  const reaper = startReaper({ dir, pgDataDir: pg.dataDir });

  try {
    pg.init(postgresConfLines(config), config.hba, config.ident);
    pg.start();
    bootstrapLikeCnpg(pg, rendered);
    await startFerretDb();
    return {
      dir,
      rendered,
      pgPort,
      ferretPort,
      debugPort,
      database: login.database,
      username: login.username,
      password: login.password,
      versions: {
        postgres: pg.psql("SHOW server_version", "postgres").trim(),
        ferretdb: built.FERRETDB_MODULE_VERSION,
      },
      uri,
      psql: (sql, database = "postgres") => pg.psql(sql, database),
      stopPostgres: () => pg.stop(),
      startPostgres: () => pg.start(),
      isPostgresRunning: () => pg.isRunning(),
      signalPostgres: (signal) => pg.signal(signal),
      stopFerretDb,
      startFerretDb,
      stop: async () => {
        if (stopped) return;
        await stopFerretDb();
        stopSync();
      },
    };
  } catch (err) {
    const logs = `\n--- postgres.log\n${tail(pg.log)}\n--- ferretdb.log\n${tail(ferretLog)}`;
    stopSync();
    throw new Error(`${(err as Error).message}${logs}`);
  }
}
