/**
 * How the rendered data path (render.ts) becomes a local one: PostgreSQL 15 with DocumentDB and
 * FerretDB v2 on loopback ports, then Nightscout. Pure functions; servers.ts starts the processes.
 *
 * Everything is taken from what the program renders, except the differences in LOCAL_OVERRIDES:
 * one named entry each, saying what the cluster has, what runs here instead, and why. The unit
 * tests pin this list, so a new difference cannot slip in without a reviewer reading its reason.
 */
import type { RenderedDataPath } from "./render";

export interface LocalOverride {
  /** The cluster's value (from the rendered resources, the image or the operator). */
  cluster: string;
  /** What runs here instead. */
  local: string;
  why: string;
}

/** The one list of places where the local data path differs from the rendered one. */
export const LOCAL_OVERRIDES = {
  postgresMajor: {
    cluster: "PostgreSQL 17 (postgresImage)",
    local: "PostgreSQL 15",
    why: "Debian 12 packages PostgreSQL 15 only; DocumentDB supports 15 to 17 from the same source",
  },
  documentdbVersion: {
    cluster: "DocumentDB 0.107.0 with FerretDB 2.7.0 (the image pair)",
    local: "DocumentDB 0.106.0 with FerretDB 2.5.0 (its exact pair); FerretDB 2.7.0 on request",
    why: "0.106.0 (FerretDB's fork, tag v0.106.0-ferretdb-2.5.0) is the newest source available here",
  },
  indexBuildScheduleInSec: {
    cluster: "documentdb.indexBuildScheduleInSec unset (a seconds schedule)",
    local: "documentdb.indexBuildScheduleInSec = 60",
    why: "Debian's pg_cron 1.4 has no seconds schedules: CREATE EXTENSION documentdb fails with 'invalid schedule: 2 seconds'",
  },
  socketDirectory: {
    cluster:
      "/controller/run (CNPG's socket directory) in cron.host and documentdb.localhost_connection_string",
    local: "the local server's own socket directory, in the same two settings",
    why: "one private server per test run; the rendered user and options are kept",
  },
  postgresAddress: {
    cluster: "<cluster>-rw.<namespace>.svc:5432 in FERRETDB_POSTGRESQL_URL",
    local: "127.0.0.1:<free port>",
    why: "no cluster DNS here; the URL's user, password, database and options are kept",
  },
  ferretdbImageEnv: {
    cluster:
      "the FerretDB image's own env: FERRETDB_LISTEN_ADDR=:27017, FERRETDB_DEBUG_ADDR=:8088, FERRETDB_STATE_DIR=/state",
    local: "127.0.0.1:<free port> twice and a temporary state directory",
    why: "the program relies on the image for these; a local process needs free ports",
  },
  mongoAddress: {
    cluster:
      "<ferretdb service>.<namespace>.svc:27017 in MONGODB_URI (Nightscout, post-deploy check)",
    local: "127.0.0.1:<FerretDB's port>",
    why: "no cluster DNS here; the URI's user, password, database and options are kept",
  },
  glucoseExporter: {
    cluster: "json_exporter on :7979 (its image's default), probing http://<nightscout service>:80",
    local: "127.0.0.1:<free port>, probing Nightscout's own local address",
    why: "a local process needs a free port, and there is no Service in front of Nightscout here",
  },
  nightscoutListen: {
    cluster: "HOSTNAME=0.0.0.0, PORT=1337 in the pod",
    local: "HOSTNAME=127.0.0.1, PORT=<free port>",
    why: "a local process must not listen on every interface, nor on a fixed port",
  },
} as const satisfies Record<string, LocalOverride>;

/**
 * What CloudNative-PG writes around the Cluster's own pg_hba and pg_ident lines (its
 * pkg/postgres hba and ident templates): the operator's part, not an override. The fixed local
 * rule comes first, so the app role's own peer line only matters for what the operator's
 * `local` map does not cover.
 */
export const CNPG_HBA_BEFORE = ["local all all peer map=local"];
export const CNPG_HBA_AFTER = ["host all all all scram-sha-256"];
export const CNPG_IDENT_BEFORE = ["local postgres postgres"];

export interface LocalPorts {
  postgres: number;
  ferretdb: number;
  ferretdbDebug: number;
}

export interface LocalPostgresConfig {
  sharedPreloadLibraries: string[];
  /** postgresql.conf settings: the rendered parameters with the overrides applied. */
  parameters: Record<string, string>;
  hba: string[];
  ident: string[];
}

const CNPG_SOCKET_DIRECTORY = "/controller/run";

function replaceSocketDirectory(value: string, socketDir: string, setting: string): string {
  if (!value.includes(CNPG_SOCKET_DIRECTORY)) {
    throw new Error(
      `${setting} = '${value}' does not use ${CNPG_SOCKET_DIRECTORY}; DocumentDB's own ` +
        "connections would not reach the server (domain fact 5)",
    );
  }
  return value.split(CNPG_SOCKET_DIRECTORY).join(socketDir);
}

/** The local server's settings: the rendered ones, with LOCAL_OVERRIDES applied. */
export function localPostgresConfig(
  rendered: RenderedDataPath,
  socketDir: string,
  port: number,
): LocalPostgresConfig {
  const parameters: Record<string, string> = { ...rendered.postgres.parameters };
  for (const key of ["cron.host", "documentdb.localhost_connection_string"]) {
    if (parameters[key] === undefined) {
      throw new Error(`the Cluster does not set ${key} (domain fact 5)`);
    }
    parameters[key] = replaceSocketDirectory(parameters[key], socketDir, key);
  }
  parameters["documentdb.indexBuildScheduleInSec"] = "60";
  return {
    sharedPreloadLibraries: [...rendered.postgres.sharedPreloadLibraries],
    parameters: {
      ...parameters,
      // Where CNPG listens and keeps its socket (operator-fixed settings), made local.
      port: String(port),
      listen_addresses: "127.0.0.1",
      unix_socket_directories: socketDir,
    },
    hba: [...CNPG_HBA_BEFORE, ...rendered.postgres.pgHba, ...CNPG_HBA_AFTER],
    ident: [...CNPG_IDENT_BEFORE, ...rendered.postgres.pgIdent],
  };
}

/** postgresql.conf lines, values quoted as PostgreSQL reads them. */
export function postgresConfLines(config: LocalPostgresConfig): string[] {
  const quote = (v: string) => `'${v.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
  return [
    `shared_preload_libraries = ${quote(config.sharedPreloadLibraries.join(","))}`,
    ...Object.entries(config.parameters).map(([k, v]) => `${k} = ${quote(v)}`),
  ];
}

/** A URL or URI with its host and port replaced, everything else kept byte for byte. */
export function withAddress(url: string, host: string, port: number): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?)([^/:?#]+)(?::\d+)?(.*)$/i.exec(url);
  if (!match) throw new Error("a rendered URL has no host to point at the local server");
  return `${match[1]}${host}:${port}${match[3]}`;
}

/** FerretDB's environment: the rendered container env plus the image's, made local. */
export function localFerretDbEnv(
  rendered: RenderedDataPath,
  ports: LocalPorts,
  stateDir: string,
): Record<string, string> {
  const env = { ...rendered.ferretdb.env };
  const url = env.FERRETDB_POSTGRESQL_URL;
  if (!url) throw new Error("the FerretDB container has no FERRETDB_POSTGRESQL_URL");
  return {
    ...env,
    FERRETDB_POSTGRESQL_URL: withAddress(url, "127.0.0.1", ports.postgres),
    FERRETDB_LISTEN_ADDR: `127.0.0.1:${ports.ferretdb}`,
    FERRETDB_DEBUG_ADDR: `127.0.0.1:${ports.ferretdbDebug}`,
    FERRETDB_STATE_DIR: stateDir,
  };
}

/** Nightscout's environment: the rendered container env, its MongoDB URI made local. */
export function localNightscoutEnv(
  rendered: RenderedDataPath,
  ferretdbPort: number,
  port: number,
): Record<string, string> {
  const env = { ...rendered.nightscout.env };
  if (!env.MONGODB_URI) throw new Error("the Nightscout container has no MONGODB_URI");
  return {
    ...env,
    MONGODB_URI: withAddress(env.MONGODB_URI, "127.0.0.1", ferretdbPort),
    HOSTNAME: "127.0.0.1",
    PORT: String(port),
  };
}
