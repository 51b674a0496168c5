import { cnpgDocumentdbSettings as policy } from "../../policies/rules/cnpg-documentdb-settings";
import { documentdbCluster, ferretdbDeployment } from "./fixtures";
import { REMOVE, UNKNOWN_STRING, runResourcePolicy, set } from "./helpers";

const PARAMS = "spec.postgresql.parameters";

describe("cnpg-documentdb-settings", () => {
  it("passes the documented DocumentDB Cluster", async () => {
    expect((await runResourcePolicy(policy, documentdbCluster())).violations).toEqual([]);
  });

  it("is not applicable to other types or to plain PostgreSQL Clusters", async () => {
    expect((await runResourcePolicy(policy, ferretdbDeployment())).notApplicable).toBe(
      "Policy only applies to kubernetes:postgresql.cnpg.io/v1:Cluster",
    );
    const plain = set(
      documentdbCluster(),
      "spec.imageName",
      "ghcr.io/cloudnative-pg/postgresql:17.5",
    );
    expect((await runResourcePolicy(policy, plain)).notApplicable).toBe(
      "The Cluster does not run a postgres-documentdb image",
    );
  });

  it.each([
    ["postgresUID", 26],
    ["postgresGID", 26],
  ])("reports %s other than 999", async (field, value) => {
    const r = set(documentdbCluster(), `spec.${field}`, value);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      `spec.${field} is 26, must be 999: the image runs postgres as 999, CNPG defaults to 26.`,
    ]);
  });

  it("follows a configured UID", async () => {
    const r = set(documentdbCluster(), "spec.postgresUID", 1000);
    expect((await runResourcePolicy(policy, r, { postgresUID: 1000 })).violations).toEqual([]);
  });

  it("reports missing preload libraries", async () => {
    const r = set(documentdbCluster(), "spec.postgresql.shared_preload_libraries", ["pg_cron"]);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      "spec.postgresql.shared_preload_libraries lacks pg_documentdb_core, pg_documentdb; CNPG does not run the image's entrypoint that would load them.",
    ]);
  });

  it("reports cron.database_name other than postgres", async () => {
    // Parameter names contain dots, so replace the whole parameters object.
    const params = (documentdbCluster().props.spec as { postgresql: { parameters: object } })
      .postgresql.parameters;
    const r = set(documentdbCluster(), PARAMS, { ...params, "cron.database_name": "app" });
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'spec.postgresql.parameters["cron.database_name"] must be "postgres" (pg_cron lives there).',
    ]);
  });

  it("reports postInitSQL without the extension or the grant", async () => {
    const r = set(documentdbCluster(), "spec.bootstrap.initdb.postInitSQL", ["SELECT 1;"]);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'spec.bootstrap.initdb.postInitSQL does not run "CREATE EXTENSION IF NOT EXISTS documentdb CASCADE;" (it must run in the postgres database).',
      "spec.bootstrap.initdb.postInitSQL does not grant documentdb_admin_role to the application role FerretDB connects as.",
    ]);
  });

  it("does not ask for postInitSQL on a recovery bootstrap", async () => {
    const r = set(documentdbCluster(), "spec.bootstrap", { recovery: { source: "origin" } });
    expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
  });

  it("reports internal connections that would go over TCP", async () => {
    const r = set(documentdbCluster(), PARAMS, {
      "cron.database_name": "postgres",
      "documentdb.localhost_connection_string": "host=localhost user=postgres",
    });
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'spec.postgresql.parameters["cron.host"] must be "/controller/run": pg_cron jobs otherwise connect over TCP and fail with "no password supplied".',
      'spec.postgresql.parameters["documentdb.localhost_connection_string"] must connect through host=/controller/run (e.g. "host=/controller/run user=postgres").',
    ]);
  });

  it("reports a pg_ident without the app role in CNPG's local map", async () => {
    const r = set(documentdbCluster(), "spec.postgresql.pg_ident", REMOVE);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'spec.postgresql.pg_ident has no "local postgres ferretdb" line: CNPG\'s first pg_hba rule ("local all all peer map=local") decides socket connections, and DocumentDB connects back as ferretdb (drop_collection), which fails peer authentication unless the local map lets postgres be ferretdb.',
    ]);
  });

  it("reports the map of another role, or of a map CNPG never consults", async () => {
    for (const ident of [["local postgres app"], ["documentdb postgres ferretdb"]]) {
      const r = set(documentdbCluster(), "spec.postgresql.pg_ident", ident);
      expect((await runResourcePolicy(policy, r)).violations).toEqual([
        expect.stringMatching(/^spec\.postgresql\.pg_ident has no "local postgres ferretdb" line/),
      ]);
    }
  });

  it("reports superuser access off", async () => {
    const r = set(documentdbCluster(), "spec.enableSuperuserAccess", false);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      "spec.enableSuperuserAccess must be true: creating the extension and its grants needs the superuser.",
    ]);
  });

  it("reports backups from a standby, and ignores the target when there are no backups", async () => {
    const standby = set(documentdbCluster(), "spec.backup", REMOVE);
    expect((await runResourcePolicy(policy, standby)).violations).toEqual([
      'Backups are configured but spec.backup.target is not "primary": backups from a standby stall on DocumentDB\'s role grants.',
    ]);
    const noBackups = set(standby, "spec.plugins", REMOVE);
    expect((await runResourcePolicy(policy, noBackups)).violations).toEqual([]);
  });

  it("still reports what it can prove when another field is unknown", async () => {
    const r = set(
      set(documentdbCluster(), "spec.postgresql.pg_ident", UNKNOWN_STRING),
      "spec.enableSuperuserAccess",
      false,
    );
    const outcome = await runResourcePolicy(policy, r);
    expect(outcome.violations).toEqual([
      "spec.enableSuperuserAccess must be true: creating the extension and its grants needs the superuser.",
    ]);
    expect(outcome.unknown).toContain("pg_ident");
  });

  describe("boundaries", () => {
    it("skips postInitSQL entries that are not strings, and finds the statements among others", async () => {
      const r = set(documentdbCluster(), "spec.bootstrap.initdb.postInitSQL", [
        42,
        "SELECT 1;",
        'create extension if not exists "documentdb" cascade;',
        "GRANT documentdb_admin_role TO ferretdb;",
      ]);
      expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
      const numbersOnly = set(documentdbCluster(), "spec.bootstrap.initdb.postInitSQL", [1, 2]);
      expect((await runResourcePolicy(policy, numbersOnly)).violations).toHaveLength(2);
    });

    it("does not take a statement nested in a list for one CNPG runs", async () => {
      const nested = set(documentdbCluster(), "spec.bootstrap.initdb.postInitSQL", [
        ["CREATE EXTENSION IF NOT EXISTS documentdb CASCADE;"],
        ["GRANT documentdb_admin_role TO ferretdb;"],
      ]);
      expect((await runResourcePolicy(policy, nested)).violations).toEqual([
        'spec.bootstrap.initdb.postInitSQL does not run "CREATE EXTENSION IF NOT EXISTS documentdb CASCADE;" (it must run in the postgres database).',
        "spec.bootstrap.initdb.postInitSQL does not grant documentdb_admin_role to the application role FerretDB connects as.",
      ]);
    });

    it("reports an unset localhost_connection_string", async () => {
      const unset = set(documentdbCluster(), PARAMS, {
        "cron.database_name": "postgres",
        "cron.host": "/controller/run",
      });
      expect((await runResourcePolicy(policy, unset)).violations).toEqual([
        'spec.postgresql.parameters["documentdb.localhost_connection_string"] must connect through host=/controller/run (e.g. "host=/controller/run user=postgres").',
      ]);
    });

    it("reads the app role from a recovery bootstrap's owner too", async () => {
      const recovered = set(documentdbCluster(), "spec.bootstrap", {
        recovery: { source: "origin", owner: "nightscout" },
      });
      expect((await runResourcePolicy(policy, recovered)).violations).toEqual([
        expect.stringMatching(
          /^spec\.postgresql\.pg_ident has no "local postgres nightscout" line/,
        ),
      ]);
      const mapped = set(recovered, "spec.postgresql.pg_ident", ["local postgres nightscout"]);
      expect((await runResourcePolicy(policy, mapped)).violations).toEqual([]);
    });

    it("without an app role, any line of the local map will do, and none is reported as <app role>", async () => {
      const ownerless = set(documentdbCluster(), "spec.bootstrap", {
        recovery: { source: "origin" },
      });
      expect((await runResourcePolicy(policy, ownerless)).violations).toEqual([]);
      const unmapped = set(ownerless, "spec.postgresql.pg_ident", ["other postgres x"]);
      expect((await runResourcePolicy(policy, unmapped)).violations).toEqual([
        expect.stringMatching(
          /^spec\.postgresql\.pg_ident has no "local postgres <app role>" line/,
        ),
      ]);
    });

    it("trims pg_ident lines and skips entries that are not strings", async () => {
      const r = set(documentdbCluster(), "spec.postgresql.pg_ident", [
        7,
        "  local postgres ferretdb  ",
      ]);
      expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
      const extra = set(documentdbCluster(), "spec.postgresql.pg_ident", [
        "local postgres ferretdb extra",
      ]);
      expect((await runResourcePolicy(policy, extra)).violations).toHaveLength(1);
    });

    it("counts backups by the barman plugin or the in-tree object store, and by nothing else", async () => {
      const noTarget = set(documentdbCluster(), "spec.backup", REMOVE);
      const otherPlugin = set(noTarget, "spec.plugins", [{ name: "something-else.example.org" }]);
      expect((await runResourcePolicy(policy, otherPlugin)).violations).toEqual([]);
      const inTree = set(set(noTarget, "spec.plugins", REMOVE), "spec.backup", {
        barmanObjectStore: { destinationPath: "s3://b/p" },
      });
      expect((await runResourcePolicy(policy, inTree)).violations).toEqual([
        'Backups are configured but spec.backup.target is not "primary": backups from a standby stall on DocumentDB\'s role grants.',
      ]);
    });
  });
});
