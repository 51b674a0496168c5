/**
 * The rendered PostgreSQL settings on the real DocumentDB extension (domain facts 3-7): the
 * libraries load in the rendered order, CNPG's bootstrap SQL leaves the app role able to serve
 * FerretDB without being a superuser, and the operations DocumentDB runs over its own
 * connection back to the server (cursor getMore, drop, index builds through pg_cron) work with
 * the rendered socket settings.
 */
import { MongoClient } from "mongodb";
import { DOCUMENTDB_SWITCHES } from "../../domain";
import { lines } from "./cli";
import { startHarness, type Harness } from "./harness";

let h: Harness;
let client: MongoClient;

beforeAll(async () => {
  h = await startHarness({ stack: "production" });
  client = new MongoClient(h.uri());
  await client.connect();
}, 120_000);

afterAll(async () => {
  await client?.close();
  await h?.stop();
});

it("loads the rendered preload libraries, in order (fact 3)", () => {
  expect(h.psql("SHOW shared_preload_libraries").trim()).toBe(
    h.rendered.postgres.sharedPreloadLibraries.join(","),
  );
  expect(h.psql("SELECT extname FROM pg_extension ORDER BY extname")).toMatch(/^documentdb$/m);
});

it("runs with the DocumentDB switches the program declares (fact 38)", () => {
  const switches = Object.keys(DOCUMENTDB_SWITCHES);
  expect(switches.length).toBeGreaterThan(0);
  for (const name of switches) {
    const rendered = h.rendered.postgres.parameters[name];
    const shown = h.psql(`SHOW ${name}`).trim();
    // PostgreSQL shows booleans as on/off.
    expect([name, shown]).toEqual([name, rendered === "true" ? "on" : rendered]);
  }
});

it("keeps the extension and pg_cron in the postgres database (fact 4)", () => {
  expect(h.psql("SHOW cron.database_name").trim()).toBe("postgres");
  const owner = h.rendered.postgres.database;
  expect(h.psql("SELECT extname FROM pg_extension", owner)).not.toMatch(/documentdb/);
});

it("leaves the app role without superuser, with DocumentDB's admin role (facts 6 and 7)", () => {
  const role = h.rendered.postgres.owner;
  expect(
    h.psql(`SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = '${role}'`).trim(),
  ).toBe("f|t");
  expect(h.psql(`SELECT pg_has_role('${role}', 'documentdb_admin_role', 'MEMBER')`).trim()).toBe(
    "t",
  );
  // FerretDB logs in as that role: the MongoDB user is the PostgreSQL role (fact 15).
  expect(h.username).toBe(role);
});

it("serves a cursor across batches, index builds and drops through DocumentDB's own connection (fact 5)", async () => {
  const collection = client.db(h.database).collection<{ _id: number; sgv: number }>("fact5");
  await collection.insertMany(Array.from({ length: 25 }, (_, i) => ({ _id: i, sgv: 100 + i })));
  // batchSize 4: six getMore calls, each served through the rendered socket connection.
  const seen = await collection.find({}, { batchSize: 4 }).sort({ _id: 1 }).toArray();
  expect(seen.map((d) => d._id)).toEqual(Array.from({ length: 25 }, (_, i) => i));

  await collection.createIndex({ sgv: -1 }, { name: "sgv_desc" });
  const indexes = await collection.listIndexes().toArray();
  expect(indexes.map((i) => i.name)).toEqual(expect.arrayContaining(["_id_", "sgv_desc"]));

  expect(await collection.drop()).toBe(true);
  const names = (await client.db(h.database).listCollections().toArray()).map((c) => c.name);
  expect(names).not.toContain("fact5");
});

it("has pg_cron jobs scheduled by the extension, none failed", () => {
  const jobs = lines(h.psql("SELECT jobname || ' ' || database FROM cron.job ORDER BY jobid"));
  expect(jobs.length).toBeGreaterThan(0);
  for (const job of jobs) expect(job).toMatch(/ postgres$/);
  expect(h.psql("SELECT count(*) FROM cron.job_run_details WHERE status = 'failed'").trim()).toBe(
    "0",
  );
});
