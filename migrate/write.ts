/**
 * Writing to the target: a batch goes in unordered; a duplicate `_id` (a batch written
 * again after an interruption) is not an error; a document the target refuses is isolated
 * and named with its reason. A failure that is not about one document (the connection
 * dropped, the driver refused the batch) is retried one document at a time after a `ping`
 * proves the target still answers, so one bad document never hides among a thousand good
 * ones, and an unreachable target ends the run instead.
 */
import {
  MongoBulkWriteError,
  MongoNetworkError,
  MongoServerError,
  type Db,
  type Document,
  type WriteError,
} from "mongodb";
import { connectionError, type Endpoint } from "./connect";
import { scrub } from "../check/redact";

const DUPLICATE_KEY = 11000;

export interface Refusal {
  document: Document;
  reason: string;
}

export interface WriteResult {
  inserted: number;
  duplicates: number;
  refused: Refusal[];
}

function writeErrorsOf(err: MongoBulkWriteError): WriteError[] {
  const errors: unknown = err.writeErrors;
  if (!errors) return [];
  return Array.isArray(errors) ? (errors as WriteError[]) : [errors as WriteError];
}

function accountsForAll(err: MongoBulkWriteError, count: number): boolean {
  const errors = writeErrorsOf(err).length;
  return errors > 0 && err.result?.insertedCount + errors === count;
}

export class TargetWriter {
  constructor(
    private readonly db: Db,
    private readonly endpoint: Endpoint,
  ) {}

  private reason(err: unknown): string {
    const e = err as { code?: unknown; codeName?: unknown; message?: unknown; errmsg?: unknown };
    const code = e.codeName ?? e.code;
    const message = String(e.errmsg ?? e.message ?? err);
    return scrub(
      code !== undefined ? `${message} (${String(code)})` : message,
      this.endpoint.secrets,
    );
  }

  /** Throws the run-ending error when the target does not answer a ping either. */
  private async stillAnswers(cause: unknown): Promise<void> {
    try {
      await this.db.command({ ping: 1 });
    } catch {
      throw connectionError(this.endpoint, cause, "command");
    }
  }

  async insert(collection: string, docs: Document[]): Promise<WriteResult> {
    if (docs.length === 0) return { inserted: 0, duplicates: 0, refused: [] };
    try {
      await this.db.collection(collection).insertMany(docs, { ordered: false });
      return { inserted: docs.length, duplicates: 0, refused: [] };
    } catch (err) {
      // A bulk error accounts for every document only when each is inserted or has its own
      // write error; a dropped connection (FerretDB v1 closes it on a NaN) is a bulk error
      // with none, and says nothing about which documents arrived.
      if (err instanceof MongoBulkWriteError && accountsForAll(err, docs.length)) {
        return this.sortBulkErrors(docs, err);
      }
      await this.stillAnswers(err);
      if (docs.length === 1) return this.oneRefused(docs[0], err);
      return this.oneByOne(collection, docs);
    }
  }

  private sortBulkErrors(docs: Document[], err: MongoBulkWriteError): WriteResult {
    const errors = writeErrorsOf(err);
    let duplicates = 0;
    const refused: Refusal[] = [];
    for (const writeError of errors) {
      if (writeError.code === DUPLICATE_KEY) duplicates++;
      else refused.push({ document: docs[writeError.index], reason: this.reason(writeError) });
    }
    return { inserted: docs.length - duplicates - refused.length, duplicates, refused };
  }

  private oneRefused(doc: Document, err: unknown): WriteResult {
    if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) {
      return { inserted: 0, duplicates: 1, refused: [] };
    }
    // The target answered a ping right after: the connection closed on this document.
    const reason =
      err instanceof MongoNetworkError
        ? `the target closed the connection on this document (${this.reason(err)})`
        : this.reason(err);
    return { inserted: 0, duplicates: 0, refused: [{ document: doc, reason }] };
  }

  private async oneByOne(collection: string, docs: Document[]): Promise<WriteResult> {
    const total: WriteResult = { inserted: 0, duplicates: 0, refused: [] };
    for (const doc of docs) {
      const one = await this.insert(collection, [doc]);
      total.inserted += one.inserted;
      total.duplicates += one.duplicates;
      total.refused.push(...one.refused);
    }
    return total;
  }

  /** Replaces the target's version of a document that changed on the source. */
  async replace(collection: string, doc: Document): Promise<Refusal | undefined> {
    try {
      await this.db.collection(collection).replaceOne({ _id: doc._id }, doc);
      return undefined;
    } catch (err) {
      await this.stillAnswers(err);
      return { document: doc, reason: this.reason(err) };
    }
  }
}
