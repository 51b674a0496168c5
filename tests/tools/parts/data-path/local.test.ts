/**
 * The local data path is the rendered one except for LOCAL_OVERRIDES: these tests fail when a
 * difference appears that the list does not name, or when the list grows without this file
 * being updated (a reviewer then reads the new entry's reason). What is left out for
 * DocumentDB is left out by name, so anything else the program renders runs live.
 */
import {
  CNPG_HBA_AFTER,
  CNPG_HBA_BEFORE,
  CNPG_IDENT_BEFORE,
  DOCUMENTDB_LIBRARIES,
  LOCAL_OVERRIDES,
  ferretDbPostgresDatabase,
  localBootstrapSql,
  localFerretDbEnv,
  localPostgresConfig,
  postgresConfLines,
  renderedMongoLogin,
  withAddress,
} from "../../../../tools/parts/data-path/local";
import { renderDataPath, type RenderedDataPath } from "../../../../tools/parts/data-path/render";

let rendered: RenderedDataPath;
const SOCKET = "/tmp/ns-test/sock";
const PORTS = { postgres: 15432, ferretdb: 17017, ferretdbDebug: 18088 };

beforeAll(async () => {
  rendered = await renderDataPath("staging");
}, 60_000);

/** Keys whose value differs between two records, or that only one of them has. */
function changedKeys(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
}

it("names exactly these overrides", () => {
  expect(Object.keys(LOCAL_OVERRIDES)).toEqual([
    "postgresMajor",
    "ferretdbVersion",
    "documentdb",
    "ferretdbSchemaGrant",
    "ferretdbUsers",
    "postgresAddress",
    "ferretdbImageEnv",
    "mongoAddress",
    "glucoseExporter",
  ]);
  for (const entry of Object.values(LOCAL_OVERRIDES)) {
    expect(entry.why.length).toBeGreaterThan(20);
  }
});

describe("PostgreSQL", () => {
  it("leaves out DocumentDB's libraries and parameters, by name, and keeps the rest", () => {
    const local = localPostgresConfig(rendered, SOCKET, PORTS.postgres);
    // What the program renders today: DocumentDB and the pg_cron it schedules with.
    expect(rendered.postgres.sharedPreloadLibraries).toEqual([...DOCUMENTDB_LIBRARIES]);
    expect(local.sharedPreloadLibraries).toEqual([]);
    const dropped = Object.keys(rendered.postgres.parameters).filter(
      (k) => !(k in local.parameters),
    );
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.filter((k) => !/^(documentdb|cron)\./.test(k))).toEqual([]);
    expect(changedKeys(rendered.postgres.parameters, local.parameters)).toEqual(
      [
        ...dropped,
        // where CNPG listens: operator-fixed settings, made local
        "listen_addresses",
        "port",
        "unix_socket_directories",
      ].sort(),
    );
    // Every other rendered parameter runs as rendered (the connection budget among them).
    expect(local.parameters.max_connections).toBe(rendered.postgres.parameters.max_connections);
    expect(local.parameters.unix_socket_directories).toBe(SOCKET);
  });

  it("loads any library the program adds besides DocumentDB's, so it is verified live", () => {
    const more = structuredClone(rendered);
    more.postgres.sharedPreloadLibraries = [
      ...more.postgres.sharedPreloadLibraries,
      "auto_explain",
    ];
    more.postgres.parameters["auto_explain.log_min_duration"] = "250ms";
    const local = localPostgresConfig(more, SOCKET, PORTS.postgres);
    expect(local.sharedPreloadLibraries).toEqual(["auto_explain"]);
    expect(local.parameters["auto_explain.log_min_duration"]).toBe("250ms");
    expect(postgresConfLines(local)[0]).toBe("shared_preload_libraries = 'auto_explain'");
  });

  it("wraps the rendered pg_hba and pg_ident lines in CNPG's own, in its order", () => {
    const local = localPostgresConfig(rendered, SOCKET, PORTS.postgres);
    expect(rendered.postgres.pgIdent.length).toBeGreaterThan(0);
    expect(local.hba).toEqual([...CNPG_HBA_BEFORE, ...rendered.postgres.pgHba, ...CNPG_HBA_AFTER]);
    expect(local.ident).toEqual([...CNPG_IDENT_BEFORE, ...rendered.postgres.pgIdent]);
  });
});

describe("bootstrap SQL", () => {
  it("leaves out exactly DocumentDB's statements and adds FerretDB v1's schema grant", () => {
    expect(rendered.postgres.postInitSQL).toEqual([
      "CREATE EXTENSION IF NOT EXISTS documentdb CASCADE;",
      `GRANT documentdb_admin_role TO ${rendered.postgres.owner};`,
    ]);
    expect(ferretDbPostgresDatabase(rendered)).toBe("postgres");
    expect(localBootstrapSql(rendered)).toEqual({
      postgres: [`GRANT CREATE ON DATABASE "postgres" TO "${rendered.postgres.owner}"`],
      application: rendered.postgres.postInitApplicationSQL,
    });
  });

  it("runs any other statement the program adds", () => {
    const more = structuredClone(rendered);
    more.postgres.postInitSQL.push("CREATE ROLE readonly NOLOGIN;");
    more.postgres.postInitApplicationSQL.push("CREATE SCHEMA reports;");
    const sql = localBootstrapSql(more);
    expect(sql.postgres).toEqual([
      "CREATE ROLE readonly NOLOGIN;",
      `GRANT CREATE ON DATABASE "postgres" TO "${rendered.postgres.owner}"`,
    ]);
    expect(sql.application).toContain("CREATE SCHEMA reports;");
  });

  it("refuses a FerretDB URL without a database, naming the setting", () => {
    const broken = structuredClone(rendered);
    broken.ferretdb.env.FERRETDB_POSTGRESQL_URL = "postgres://u:p@db.svc:5432";
    expect(() => localBootstrapSql(broken)).toThrow("FERRETDB_POSTGRESQL_URL names no database");
  });
});

describe("FerretDB", () => {
  it("keeps the rendered env, pointing the URL at the local server, and sets up v1's own user", () => {
    const local = localFerretDbEnv(rendered, PORTS, "/tmp/state");
    expect(changedKeys(rendered.ferretdb.env, local)).toEqual([
      "FERRETDB_DEBUG_ADDR",
      "FERRETDB_HANDLER",
      "FERRETDB_LISTEN_ADDR",
      "FERRETDB_POSTGRESQL_URL",
      "FERRETDB_SETUP_DATABASE",
      "FERRETDB_SETUP_PASSWORD",
      "FERRETDB_SETUP_USERNAME",
      "FERRETDB_STATE_DIR",
      "FERRETDB_TEST_ENABLE_NEW_AUTH",
    ]);
    const before = new URL(rendered.ferretdb.env.FERRETDB_POSTGRESQL_URL);
    const after = new URL(local.FERRETDB_POSTGRESQL_URL);
    expect(after.host).toBe(`127.0.0.1:${PORTS.postgres}`);
    for (const part of ["protocol", "username", "password", "pathname", "search"] as const) {
      expect(after[part]).toBe(before[part]);
    }
    // The user the rendered MONGODB_URI logs in with, and in which database.
    const uri = new URL(withAddress(rendered.nightscout.env.MONGODB_URI, "127.0.0.1", 1));
    expect(local.FERRETDB_SETUP_USERNAME).toBe(decodeURIComponent(uri.username));
    expect(local.FERRETDB_SETUP_PASSWORD).toBe(decodeURIComponent(uri.password));
    expect(local.FERRETDB_SETUP_DATABASE).toBe(uri.pathname.slice(1));
    expect(local.FERRETDB_HANDLER).toBe("postgresql");
  });

  it("refuses a rendered MONGODB_URI without a password, naming the part", () => {
    const broken = structuredClone(rendered);
    broken.nightscout.env.MONGODB_URI = "mongodb://nightscout@ferretdb.ns.svc:27017/nightscout";
    expect(() => renderedMongoLogin(broken)).toThrow("the rendered MONGODB_URI has no password");
  });
});

describe("withAddress", () => {
  it("replaces host and port and keeps every other byte, encoded credentials included", () => {
    expect(withAddress("mongodb://u:p%40%3A%2F@svc.ns.svc:27017/db?x=1", "127.0.0.1", 5)).toBe(
      "mongodb://u:p%40%3A%2F@127.0.0.1:5/db?x=1",
    );
    expect(withAddress("postgres://h/db", "127.0.0.1", 6)).toBe("postgres://127.0.0.1:6/db");
  });

  it("refuses a URL without a host", () => {
    expect(() => withAddress("not a url", "127.0.0.1", 1)).toThrow("has no host");
  });
});
