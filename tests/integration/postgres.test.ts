/**
 * What of the rendered PostgreSQL side still runs live without DocumentDB (local.ts,
 * LOCAL_OVERRIDES.documentdb leaves out its libraries, settings and bootstrap statements by
 * name): the rendered parameters take effect, the rendered pg_hba and pg_ident lines load on a
 * real PostgreSQL inside CloudNative-PG's own, the owner role is bootstrapped as CNPG does, and
 * FerretDB logs in with the rendered FERRETDB_POSTGRESQL_URL and keeps the documents in the
 * database it names. Production's render, whose settings are the strictest.
 */
import { MongoClient } from "mongodb";
import { DOCUMENTDB_LIBRARIES, ferretDbPostgresDatabase } from "../../tools/parts/data-path/local";
import { lines } from "./cli";
import { startHarness, storedDocuments, type Harness } from "./harness";

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ stack: "production" });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

it("is PostgreSQL 15 with none of DocumentDB's libraries", () => {
  expect(h.versions.postgres).toMatch(/^15\./);
  const loaded = h.psql("SHOW shared_preload_libraries").trim();
  for (const lib of DOCUMENTDB_LIBRARIES) expect(loaded).not.toContain(lib);
  expect(h.psql("SELECT extname FROM pg_extension ORDER BY extname").trim()).toBe("plpgsql");
});

it("runs every rendered parameter that is not DocumentDB's, with its rendered value", () => {
  const kept = Object.entries(h.rendered.postgres.parameters).filter(
    ([name]) => !/^(documentdb|cron)\./.test(name),
  );
  expect(kept.map(([name]) => name)).toContain("max_connections");
  for (const [name, value] of kept) {
    expect([name, h.psql(`SHOW ${name}`).trim()]).toEqual([name, value]);
  }
});

it("loads the rendered pg_hba and pg_ident lines, inside CNPG's own, without an error", () => {
  expect(h.psql("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL").trim()).toBe("0");
  expect(h.psql("SELECT count(*) FROM pg_ident_file_mappings WHERE error IS NOT NULL").trim()).toBe(
    "0",
  );
  const mappings = lines(
    h.psql("SELECT map_name || ' ' || sys_name || ' ' || pg_username FROM pg_ident_file_mappings"),
  );
  // CNPG's fixed mapping first, then the Cluster's own lines, as rendered.
  expect(mappings).toEqual(["local postgres postgres", ...h.rendered.postgres.pgIdent]);
  const rules = lines(
    h.psql(
      "SELECT type || ' ' || array_to_string(database, ',') || ' ' || array_to_string(user_name, ',') " +
        "|| ' ' || auth_method FROM pg_hba_file_rules ORDER BY line_number",
    ),
  );
  expect(rules[0]).toBe("local all all peer");
  expect(rules[rules.length - 1]).toBe("host all all scram-sha-256");
  expect(rules).toHaveLength(2 + h.rendered.postgres.pgHba.length);
});

it("bootstraps the owner as CNPG does: a login role, no superuser, owning the application database", () => {
  const { owner, database } = h.rendered.postgres;
  expect(
    h.psql(`SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = '${owner}'`).trim(),
  ).toBe("f|t");
  expect(
    h.psql(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${database}'`).trim(),
  ).toBe(owner);
});

it("FerretDB logs in with the rendered URL's role, over TCP with SCRAM, into the database it names", async () => {
  const client = new MongoClient(h.uri());
  try {
    await client
      .db(h.database)
      .collection("pg_side")
      .insertOne({ _id: "row", sgv: 123 } as never);
    const sessions = lines(
      h.psql(
        "SELECT DISTINCT usename || ' ' || datname || ' ' || (client_addr IS NOT NULL) " +
          "FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
      ),
    );
    const url = new URL(h.rendered.ferretdb.env.FERRETDB_POSTGRESQL_URL);
    expect(sessions).toEqual([`${url.username} ${ferretDbPostgresDatabase(h.rendered)} true`]);
    // SCRAM: the role's stored password is a SCRAM verifier (the last pg_hba rule above).
    expect(
      h
        .psql(`SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = '${url.username}'`)
        .trim(),
    ).toBe("SCRAM-SHA-256$");
    // The document is a row of PostgreSQL's, in the MongoDB database's schema.
    expect(storedDocuments(h, "pg_side")).toEqual([{ _id: "row", sgv: 123 }]);
  } finally {
    await client.close();
  }
});
