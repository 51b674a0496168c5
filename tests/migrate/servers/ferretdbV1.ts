/**
 * A FerretDB v1.24.2 on a private PostgreSQL 15: the target of the refusal tests only. The
 * project's target, FerretDB v2 on DocumentDB, stores every document the generator calls
 * hostile ('$'- and '.'-names, NaN, NUL, nesting past 100; measured, see docs/migration.md),
 * so nothing there exercises "the target refuses a document". FerretDB v1.24.2 refuses
 * '$'- and '.'-names and NaN, as the example targets do, so it stands in for such a
 * target. It runs with `--test-enable-new-auth`, so clients log in with SCRAM against users
 * FerretDB stores itself, as v2 does. FerretDB v1.24.2 is built by tools/ferretdb.sh
 * (tools/install-integration-deps.sh); the server plumbing is the data path's (tools/data-path).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PostgresServer } from "../../../tools/data-path/postgres";
import { recordFerretPid, startReaper } from "../../../tools/data-path/reaper";
import {
  PROJECT_DIR,
  cleanEnv,
  distinctFreePorts,
  onExit,
  sleep,
  tail,
} from "../../../tools/data-path/process";
import { waitForMongo } from "../../../tools/data-path/servers";

/** Credentials a client uses; the password needs URI encoding on purpose. */
const MONGO_USER = "nightscout";
const DATABASE = "nightscout";
const PG_ROLE = "ferretdb";

export interface FerretDbV1 {
  readonly dir: string;
  readonly database: string;
  readonly username: string;
  readonly password: string;
  /** A MongoDB URI for the FerretDB, optionally with another password or port. */
  uri(opts?: { password?: string; port?: number }): string;
  /** Stops FerretDB and PostgreSQL and removes the directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** The FerretDB v1 binary that tools/ferretdb.sh builds or finds cached. */
function ensureFerretDbV1(): string {
  const built = spawnSync("bash", [path.join(PROJECT_DIR, "tools", "ferretdb.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const bin = built.stdout.trim().split("\n").pop() ?? "";
  if (built.status !== 0 || !bin) {
    throw new Error(`tools/ferretdb.sh failed (exit ${built.status}); see its output above`);
  }
  return bin;
}

export async function startFerretDbV1(): Promise<FerretDbV1> {
  const ferretBin = ensureFerretDbV1();
  const [pgPort, ferretPort, debugPort] = await distinctFreePorts(3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nightscout-ferretdb-v1-"));
  const stateDir = path.join(dir, "ferretdb-state");
  const ferretLog = path.join(dir, "ferretdb.log");
  fs.mkdirSync(stateDir);
  const password = `Pw-${randomBytes(9).toString("base64url")}:@/%`;
  const pgPassword = randomBytes(18).toString("hex");
  const pg = new PostgresServer(dir);
  let ferret: ChildProcess | undefined;
  let stopped = false;
  const alive = () => ferret !== undefined && ferret.exitCode === null && !ferret.signalCode;

  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    removeExitHook();
    if (alive()) ferret?.kill("SIGKILL");
    pg.stopNow();
    reaper.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const removeExitHook = onExit(stopSync);
  const reaper = startReaper({ dir, pgDataDir: pg.dataDir });

  try {
    pg.init(
      [
        `port = '${pgPort}'`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${pg.socketDir}'`,
      ],
      ["local all all trust", "host all all 127.0.0.1/32 scram-sha-256"],
      [],
    );
    pg.start();
    pg.psql(`CREATE ROLE ${PG_ROLE} LOGIN PASSWORD '${pgPassword}'`, "postgres");
    pg.psql(
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
    recordFerretPid(dir, ferret);
    const uri = (opts: { password?: string; port?: number } = {}) =>
      `mongodb://${MONGO_USER}:${encodeURIComponent(opts.password ?? password)}` +
      `@127.0.0.1:${opts.port ?? ferretPort}/${DATABASE}`;
    await waitForMongo(uri(), ferret, ferretLog);
    return {
      dir,
      database: DATABASE,
      username: MONGO_USER,
      password,
      uri,
      stop: async () => {
        if (stopped) return;
        if (alive()) {
          const exited = new Promise((r) => ferret?.once("exit", r));
          ferret?.kill("SIGTERM");
          await Promise.race([exited, sleep(5_000)]);
        }
        stopSync();
      },
    };
  } catch (err) {
    const logs = `\n--- postgres.log\n${tail(pg.log)}\n--- ferretdb.log\n${tail(ferretLog)}`;
    stopSync();
    throw new Error(`${(err as Error).message}${logs}`);
  }
}
