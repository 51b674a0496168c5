/**
 * Documents a MongoDB server stores and FerretDB refuses (measured against FerretDB v1.24.2
 * on PostgreSQL; see docs/migration.md): the migration must stop on each with its `_id` and
 * the reason, or put it in the dead-letter file with --skip-invalid.
 *
 * `injectable` says whether a test can plant the document in a FerretDB v1 source by writing
 * its storage directly (PostgreSQL jsonb): a NUL character or a NaN cannot be held there, so
 * those exist only as unit-test inputs.
 */
import type { Document } from "mongodb";

export interface HostileDocument {
  document: Document;
  /** Why FerretDB refuses it, in words. */
  why: string;
  injectable: boolean;
}

export function hostileDocuments(): HostileDocument[] {
  return [
    {
      document: { _id: "hostile-dollar-key", type: "sgv", $where: "legacy uploader field" },
      why: "a field name starting with '$' (MongoDB 5.0+ stores it)",
      injectable: true,
    },
    {
      document: { _id: "hostile-dotted-key", eventType: "Note", "pump.model": "x" },
      why: "a field name containing '.' (MongoDB 3.6+ stores it)",
      injectable: true,
    },
    {
      document: { _id: "hostile-nan", type: "sgv", sgv: Number.NaN },
      why: "a NaN number",
      injectable: false,
    },
    {
      document: { _id: "hostile-nul", eventType: "Note", notes: "a\u0000b" },
      why: "a NUL character in a string (PostgreSQL text cannot hold it)",
      injectable: false,
    },
  ];
}
