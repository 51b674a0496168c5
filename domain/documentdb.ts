/**
 * Fact 38: the DocumentDB switches FerretDB's postgres-documentdb image turns on in its own
 * configuration. CloudNative-PG writes postgresql.conf itself, so like the preload libraries
 * (fact 3) they only apply when the Cluster declares them. Measured on DocumentDB 0.106.0: five
 * of these are off by default (let/collation in queries, $$NOW, sort on _id through the primary
 * key, schema validation and bypassing it), so without them FerretDB runs with less than it was
 * released against, and sorting by _id (the migration's order) skips the primary key.
 */
export const DOCUMENTDB_SWITCHES: Readonly<Record<string, string>> = {
  "documentdb.enableCompact": "true",
  "documentdb.enableLetAndCollationForQueryMatch": "true",
  "documentdb.enableNowSystemVariable": "true",
  "documentdb.enableSortbyIdPushDownToPrimaryKey": "true",
  "documentdb.enableSchemaValidation": "true",
  "documentdb.enableBypassDocumentValidation": "true",
  "documentdb.enableUserCrud": "true",
  /** The image's limit on MongoDB users; Nightscout needs one (the app role). */
  "documentdb.maxUserLimit": "100",
};
