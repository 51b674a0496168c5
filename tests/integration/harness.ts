/**
 * The integration tests' servers, configured from what the program renders (tools/parts/data-path/):
 * Debian's PostgreSQL 15, bootstrapped as CloudNative-PG bootstraps the rendered Cluster, and
 * FerretDB v1.24.2 (postgresql handler) with the rendered container environment, on free loopback
 * ports. Clients log in with the SCRAM credentials in the rendered MongoDB URI. The cluster runs
 * FerretDB v2 on DocumentDB instead, which no package registry serves: docs/data-path.md says
 * what that leaves unverified.
 */
import {
  startLocalDataPath,
  type DataPathOptions,
  type LocalDataPath,
} from "../../tools/parts/data-path/servers";

export { freePort, PG_BIN, PROJECT_DIR } from "../../tools/parts/data-path/servers";
export type Harness = LocalDataPath;

export async function startHarness(options: DataPathOptions = {}): Promise<Harness> {
  const h = await startLocalDataPath(options);
  process.stderr.write(
    `data-path (${h.rendered.stack}): FerretDB ${h.versions.ferretdb} on PostgreSQL ${h.versions.postgres}\n`,
  );
  return h;
}

const literal = (v: string): string => `'${v.replace(/'/g, "''")}'`;
const ident = (v: string): string => `"${v.replace(/"/g, '""')}"`;

/**
 * Where FerretDB v1 keeps a collection's documents: each MongoDB database is a schema of the
 * database FERRETDB_POSTGRESQL_URL names, whose `_ferretdb_database_metadata` table maps each
 * collection to a table of its own (FerretDB's internal/backends/postgresql/metadata).
 */
export function documentsTable(h: Harness, collection: string): string {
  const table = h
    .psql(
      `SELECT _jsonb->>'table' FROM ${ident(h.database)}._ferretdb_database_metadata ` +
        `WHERE _jsonb->>'_id' = ${literal(collection)}`,
    )
    .trim();
  if (!/^[a-z0-9_]+$/.test(table)) {
    throw new Error(`no collection ${h.database}.${collection}: "${table}"`);
  }
  return `${ident(h.database)}.${ident(table)}`;
}

/**
 * A collection's documents as PostgreSQL holds them: FerretDB v1's JSONB column, read with SQL
 * (not through FerretDB), without the `$s` key in which FerretDB keeps the BSON types.
 */
export function storedDocuments(h: Harness, collection: string): Array<Record<string, unknown>> {
  return h
    .psql(`SELECT _jsonb - '$s' FROM ${documentsTable(h, collection)}`)
    .split("\n")
    .filter((row) => row.length > 0)
    .map((row) => JSON.parse(row) as Record<string, unknown>);
}

/**
 * A collection's JSONB rows, each as the SHA-256 of its text, sorted: everything FerretDB v1
 * keeps of each document (values, and the field order and BSON types in `$s`), for comparing
 * two servers below FerretDB. Digests, as a year of devicestatus is megabytes of text.
 */
export function storedRows(h: Harness, collection: string): string[] {
  return h
    .psql(
      `SELECT encode(sha256(convert_to(_jsonb::text, 'UTF8')), 'hex') ` +
        `FROM ${documentsTable(h, collection)}`,
    )
    .split("\n")
    .filter((row) => row.length > 0)
    .sort();
}
