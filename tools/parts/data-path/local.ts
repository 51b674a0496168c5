/**
 * How the rendered data path (render.ts) becomes a local one: FerretDB v1.24.2 on Debian's
 * PostgreSQL 15, on loopback ports. Pure functions; servers.ts starts the processes.
 *
 * Everything is taken from what the program renders, except the differences in LOCAL_OVERRIDES:
 * one named entry each, saying what the cluster has, what runs here instead, and why. The unit
 * tests pin this list, so a new difference cannot slip in without a reviewer reading its reason.
 * The biggest is that no package registry serves DocumentDB, so FerretDB v2 (which needs it)
 * cannot run here: what the program renders for DocumentDB is left out, by name, and what is
 * left runs live (docs/data-path.md lists both halves).
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
    local: "PostgreSQL 15 (Debian's postgresql-15)",
    why: "Debian 12 packages PostgreSQL 15 only, and apt is the registry PostgreSQL comes from here",
  },
  ferretdbVersion: {
    cluster: "FerretDB v2 (ferretdbImage) on DocumentDB",
    local: "FerretDB v1.24.2 (Go module github.com/FerretDB/FerretDB) with its postgresql handler",
    why: "FerretDB v2 cannot run without DocumentDB; v1 speaks the same MongoDB wire protocol and stores JSONB in plain PostgreSQL tables",
  },
  documentdb: {
    cluster:
      "shared_preload_libraries pg_cron, pg_documentdb_core, pg_documentdb; the documentdb.* and cron.* parameters; postInitSQL CREATE EXTENSION documentdb and GRANT documentdb_admin_role",
    local: "none of them: no extension is loaded or created",
    why: "no package registry serves DocumentDB (a C extension); pg_cron is there only to run DocumentDB's background jobs",
  },
  ferretdbSchemaGrant: {
    cluster: "documentdb_admin_role lets the owner role store documents through DocumentDB",
    local: "GRANT CREATE ON DATABASE <the database of FERRETDB_POSTGRESQL_URL> TO <owner>",
    why: "FerretDB v1 keeps each MongoDB database as a schema of the URL's database (postgres, as rendered), and creating a schema needs CREATE there",
  },
  ferretdbUsers: {
    cluster:
      "FerretDB v2 authenticates MongoDB clients as PostgreSQL roles: the URI's user is the CNPG owner role",
    local:
      "FerretDB v1's own user store (FERRETDB_TEST_ENABLE_NEW_AUTH), with one setup user made from the rendered MONGODB_URI's user, password and database",
    why: "FerretDB v1 hands credentials to PostgreSQL only over PLAIN; SCRAM, which the rendered URI and the drivers use, needs its own user store",
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
    cluster:
      "json_exporter on :7979 (its image's default), probing Nightscout 15.0.7 at http://<nightscout service>:80",
    local:
      "127.0.0.1:<free port>, probing a stand-in of the test's own that serves Nightscout's /api/v1/entries/current.json from FerretDB",
    why: "no registry serves Nightscout 15.0.7 (npm has only 0.12.8, for Node <= 12), and a local process needs a free port",
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

/** The preload libraries LOCAL_OVERRIDES.documentdb leaves out; any other is loaded. */
export const DOCUMENTDB_LIBRARIES = ["pg_cron", "pg_documentdb_core", "pg_documentdb"] as const;
/** The parameter prefixes LOCAL_OVERRIDES.documentdb leaves out. */
export const DOCUMENTDB_PARAMETER_PREFIXES = ["documentdb.", "cron."] as const;
/**
 * The bootstrap statements LOCAL_OVERRIDES.documentdb leaves out, exactly; any other statement
 * the program adds runs here, so it is verified live (or fails the start, naming itself).
 */
export const DOCUMENTDB_BOOTSTRAP_SQL = [
  /^CREATE EXTENSION IF NOT EXISTS documentdb CASCADE;?$/,
  /^GRANT documentdb_admin_role TO "?[A-Za-z_][A-Za-z0-9_-]*"?;?$/,
] as const;

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

const isDocumentDbParameter = (key: string): boolean =>
  DOCUMENTDB_PARAMETER_PREFIXES.some((prefix) => key.startsWith(prefix));

/** The local server's settings: the rendered ones, with LOCAL_OVERRIDES applied. */
export function localPostgresConfig(
  rendered: RenderedDataPath,
  socketDir: string,
  port: number,
): LocalPostgresConfig {
  const parameters = Object.fromEntries(
    Object.entries(rendered.postgres.parameters).filter(([key]) => !isDocumentDbParameter(key)),
  );
  return {
    sharedPreloadLibraries: rendered.postgres.sharedPreloadLibraries.filter(
      (lib) => !(DOCUMENTDB_LIBRARIES as readonly string[]).includes(lib),
    ),
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

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The database FERRETDB_POSTGRESQL_URL names (FerretDB v1 keeps its schemas there). */
export function ferretDbPostgresDatabase(rendered: RenderedDataPath): string {
  const url = rendered.ferretdb.env.FERRETDB_POSTGRESQL_URL;
  if (!url) throw new Error("the FerretDB container has no FERRETDB_POSTGRESQL_URL");
  const database = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (!database) {
    throw new Error(
      "FERRETDB_POSTGRESQL_URL names no database: FerretDB would use its default, not the Cluster's",
    );
  }
  return database;
}

export interface LocalBootstrap {
  /** Run in `postgres` after the owner and the application database exist. */
  postgres: string[];
  /** Run in the application database. */
  application: string[];
}

/**
 * CNPG's initdb bootstrap SQL as it runs here: the rendered postInitSQL and
 * postInitApplicationSQL without DocumentDB's statements (LOCAL_OVERRIDES.documentdb), plus
 * the grant FerretDB v1 needs (LOCAL_OVERRIDES.ferretdbSchemaGrant).
 */
export function localBootstrapSql(rendered: RenderedDataPath): LocalBootstrap {
  const keep = (sql: string) => !DOCUMENTDB_BOOTSTRAP_SQL.some((re) => re.test(sql.trim()));
  return {
    postgres: [
      ...rendered.postgres.postInitSQL.filter(keep),
      `GRANT CREATE ON DATABASE ${quoteIdent(ferretDbPostgresDatabase(rendered))} TO ${quoteIdent(rendered.postgres.owner)}`,
    ],
    application: rendered.postgres.postInitApplicationSQL.filter(keep),
  };
}

/** A URL or URI with its host and port replaced, everything else kept byte for byte. */
export function withAddress(url: string, host: string, port: number): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?)([^/:?#]+)(?::\d+)?(.*)$/i.exec(url);
  if (!match) throw new Error("a rendered URL has no host to point at the local server");
  return `${match[1]}${host}:${port}${match[3]}`;
}

export interface MongoLogin {
  username: string;
  password: string;
  database: string;
}

/** The user, password and database of the rendered MONGODB_URI (Nightscout's). */
export function renderedMongoLogin(rendered: RenderedDataPath): MongoLogin {
  const uri = rendered.nightscout.env.MONGODB_URI;
  if (!uri) throw new Error("the Nightscout container has no MONGODB_URI");
  const u = new URL(withAddress(uri, "127.0.0.1", 1));
  const login = {
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, "")),
  };
  for (const [part, value] of Object.entries(login)) {
    if (!value) throw new Error(`the rendered MONGODB_URI has no ${part}`);
  }
  return login;
}

/**
 * FerretDB v1's environment: the rendered container env plus the image's, made local, with
 * the postgresql handler and its own user store set up with the rendered login.
 */
export function localFerretDbEnv(
  rendered: RenderedDataPath,
  ports: LocalPorts,
  stateDir: string,
): Record<string, string> {
  const env = { ...rendered.ferretdb.env };
  const url = env.FERRETDB_POSTGRESQL_URL;
  if (!url) throw new Error("the FerretDB container has no FERRETDB_POSTGRESQL_URL");
  const login = renderedMongoLogin(rendered);
  return {
    ...env,
    FERRETDB_POSTGRESQL_URL: withAddress(url, "127.0.0.1", ports.postgres),
    FERRETDB_LISTEN_ADDR: `127.0.0.1:${ports.ferretdb}`,
    FERRETDB_DEBUG_ADDR: `127.0.0.1:${ports.ferretdbDebug}`,
    FERRETDB_STATE_DIR: stateDir,
    // LOCAL_OVERRIDES.ferretdbVersion and ferretdbUsers; in the environment, not on the
    // command line, so the password stays out of `ps`.
    FERRETDB_HANDLER: "postgresql",
    FERRETDB_TEST_ENABLE_NEW_AUTH: "true",
    FERRETDB_SETUP_DATABASE: login.database,
    FERRETDB_SETUP_USERNAME: login.username,
    FERRETDB_SETUP_PASSWORD: login.password,
  };
}
