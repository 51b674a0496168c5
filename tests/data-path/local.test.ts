/**
 * The local data path is the rendered one except for LOCAL_OVERRIDES: these tests fail when a
 * difference appears that the list does not name, or when the list grows without this file
 * being updated (a reviewer then reads the new entry's reason).
 */
import {
  CNPG_HBA_AFTER,
  CNPG_HBA_BEFORE,
  CNPG_IDENT_BEFORE,
  LOCAL_OVERRIDES,
  localFerretDbEnv,
  localNightscoutEnv,
  localPostgresConfig,
  withAddress,
} from "../../tools/data-path/local";
import { renderDataPath, type RenderedDataPath } from "../../tools/data-path/render";

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
    "documentdbVersion",
    "indexBuildScheduleInSec",
    "socketDirectory",
    "postgresAddress",
    "ferretdbImageEnv",
    "mongoAddress",
    "glucoseExporter",
    "nightscoutListen",
  ]);
  for (const entry of Object.values(LOCAL_OVERRIDES)) {
    expect(entry.why.length).toBeGreaterThan(20);
  }
});

describe("PostgreSQL", () => {
  it("keeps the rendered libraries and changes only the named parameters", () => {
    const local = localPostgresConfig(rendered, SOCKET, PORTS.postgres);
    expect(local.sharedPreloadLibraries).toEqual(rendered.postgres.sharedPreloadLibraries);
    expect(changedKeys(rendered.postgres.parameters, local.parameters)).toEqual([
      // socketDirectory
      "cron.host",
      "documentdb.indexBuildScheduleInSec",
      "documentdb.localhost_connection_string",
      // where CNPG listens: operator-fixed settings, made local
      "listen_addresses",
      "port",
      "unix_socket_directories",
    ]);
    expect(local.parameters["cron.host"]).toBe(SOCKET);
    expect(local.parameters["documentdb.localhost_connection_string"]).toBe(
      rendered.postgres.parameters["documentdb.localhost_connection_string"].replace(
        "/controller/run",
        SOCKET,
      ),
    );
  });

  it("wraps the rendered pg_hba and pg_ident lines in CNPG's own, in its order", () => {
    const local = localPostgresConfig(rendered, SOCKET, PORTS.postgres);
    expect(rendered.postgres.pgIdent.length).toBeGreaterThan(0);
    expect(local.hba).toEqual([...CNPG_HBA_BEFORE, ...rendered.postgres.pgHba, ...CNPG_HBA_AFTER]);
    expect(local.ident).toEqual([...CNPG_IDENT_BEFORE, ...rendered.postgres.pgIdent]);
  });

  it("refuses a rendered socket setting that DocumentDB could not use (fact 5)", () => {
    const broken = structuredClone(rendered);
    broken.postgres.parameters["documentdb.localhost_connection_string"] = "host=localhost";
    expect(() => localPostgresConfig(broken, SOCKET, PORTS.postgres)).toThrow(
      "documentdb.localhost_connection_string = 'host=localhost' does not use /controller/run",
    );
    delete broken.postgres.parameters["cron.host"];
    expect(() => localPostgresConfig(broken, SOCKET, PORTS.postgres)).toThrow(
      "the Cluster does not set cron.host",
    );
  });
});

describe("FerretDB", () => {
  it("keeps the rendered env, pointing only the URL's address at the local server", () => {
    const local = localFerretDbEnv(rendered, PORTS, "/tmp/state");
    expect(changedKeys(rendered.ferretdb.env, local)).toEqual([
      "FERRETDB_DEBUG_ADDR",
      "FERRETDB_LISTEN_ADDR",
      "FERRETDB_POSTGRESQL_URL",
      "FERRETDB_STATE_DIR",
    ]);
    const before = new URL(rendered.ferretdb.env.FERRETDB_POSTGRESQL_URL);
    const after = new URL(local.FERRETDB_POSTGRESQL_URL);
    expect(after.host).toBe(`127.0.0.1:${PORTS.postgres}`);
    for (const part of ["protocol", "username", "password", "pathname", "search"] as const) {
      expect(after[part]).toBe(before[part]);
    }
  });
});

describe("Nightscout", () => {
  it("keeps the rendered env but the MongoDB address and where it listens", () => {
    const local = localNightscoutEnv(rendered, PORTS.ferretdb, 11337);
    expect(changedKeys(rendered.nightscout.env, local)).toEqual([
      "HOSTNAME",
      "MONGODB_URI",
      "PORT",
    ]);
    expect(local.MONGODB_URI).toBe(
      withAddress(rendered.nightscout.env.MONGODB_URI, "127.0.0.1", PORTS.ferretdb),
    );
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
