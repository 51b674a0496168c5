/**
 * The integration tests' servers: the real data path the program deploys, configured from what
 * it renders (tools/data-path/): PostgreSQL 15 with DocumentDB, bootstrapped as CloudNative-PG
 * bootstraps the rendered Cluster, and FerretDB v2 with the rendered container environment, on
 * free loopback ports. Clients log in with the SCRAM credentials in the rendered MongoDB URI.
 */
import {
  startLocalDataPath,
  type DataPathOptions,
  type LocalDataPath,
} from "../../tools/data-path/servers";

export { freePort, PG_BIN, PROJECT_DIR } from "../../tools/data-path/servers";
export type Harness = LocalDataPath;

export async function startHarness(options: DataPathOptions = {}): Promise<Harness> {
  const h = await startLocalDataPath(options);
  process.stderr.write(
    `data-path (${h.rendered.stack}): DocumentDB ${h.versions.documentdb}, FerretDB ${h.versions.ferretdb}\n`,
  );
  return h;
}

/**
 * Where FerretDB keeps a collection's documents: DocumentDB's catalog maps each collection of
 * a database to a table of its own.
 */
export function documentsTable(h: Harness, collection: string): string {
  const id = h
    .psql(
      "SELECT collection_id FROM documentdb_api_catalog.collections " +
        `WHERE database_name = '${h.database}' AND collection_name = '${collection}'`,
    )
    .trim();
  if (!/^\d+$/.test(id)) throw new Error(`no collection ${h.database}.${collection}: "${id}"`);
  return `documentdb_data.documents_${id}`;
}
