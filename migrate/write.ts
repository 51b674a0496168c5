/**
 * Writing to the target: a batch of raw source documents goes in unordered, as the bytes the
 * source stored (raw-bson.ts); a duplicate `_id` (a batch written again after an
 * interruption) is not an error; a document the target refuses is isolated and named with
 * its reason. A failure that is not about one document (the connection dropped, the server
 * refused the whole command) is retried one document at a time after a `ping` proves the
 * target still answers, so one bad document never hides among a thousand good ones, and an
 * unreachable target ends the run instead.
 */
import { MongoNetworkError, MongoServerError, type Db, type Document } from "mongodb";
import { connectionError, type Endpoint } from "./connect";
import { MIGRATE_EXIT_CODES, MigrateError } from "./exit-codes";
import { decodeFaithfully, documentSequence, replacementStatement } from "./raw-bson";
import { scrub } from "../check/redact";

const DUPLICATE_KEY = 11000;
/** `_id`s per delete command: well under the 16 MiB command limit for any `_id`. */
const REMOVE_BATCH = 1000;

export interface Refusal {
  document: Document;
  reason: string;
}

export interface WriteResult {
  inserted: number;
  duplicates: number;
  refused: Refusal[];
}

interface WriteError {
  index: number;
  code?: number;
  codeName?: string;
  errmsg?: string;
}

/** The parts of an insert or update reply the writer reads. */
interface WriteReply {
  n?: number;
  writeErrors?: WriteError[];
  writeConcernError?: { errmsg?: string };
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

  /** A reply with a write concern error wrote, but not as durably as asked: not a copy. */
  private durable(collection: string, reply: WriteReply): void {
    if (reply.writeConcernError) {
      throw new MigrateError(
        MIGRATE_EXIT_CODES.internal,
        `${collection}: the target did not confirm a write (${this.reason(reply.writeConcernError)}); ` +
          "rerun once it is healthy, the migration continues where it stopped",
      );
    }
  }

  /** Inserts raw documents (BSON bytes as read from the source). */
  async insert(collection: string, raws: Buffer[]): Promise<WriteResult> {
    if (raws.length === 0) return { inserted: 0, duplicates: 0, refused: [] };
    let reply: WriteReply;
    try {
      reply = (await this.db.command({
        insert: collection,
        documents: documentSequence("documents", raws),
        ordered: false,
      })) as WriteReply;
    } catch (err) {
      // The whole command failed: a dropped connection (FerretDB v1 closes it on a NaN) or
      // a refusal of the message, which says nothing about which documents arrived.
      await this.stillAnswers(err);
      if (raws.length === 1) return this.oneRefused(raws[0], err);
      return this.oneByOne(collection, raws);
    }
    this.durable(collection, reply);
    const errors = reply.writeErrors ?? [];
    if ((reply.n ?? 0) + errors.length !== raws.length) return this.oneByOne(collection, raws);
    let duplicates = 0;
    const refused: Refusal[] = [];
    for (const writeError of errors) {
      if (writeError.code === DUPLICATE_KEY) duplicates++;
      else {
        refused.push({
          document: decodeFaithfully(raws[writeError.index]),
          reason: this.reason(writeError),
        });
      }
    }
    return { inserted: raws.length - duplicates - refused.length, duplicates, refused };
  }

  private oneRefused(raw: Buffer, err: unknown): WriteResult {
    if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) {
      return { inserted: 0, duplicates: 1, refused: [] };
    }
    // The target answered a ping right after: the connection closed on this document.
    const reason =
      err instanceof MongoNetworkError
        ? `the target closed the connection on this document (${this.reason(err)})`
        : this.reason(err);
    return { inserted: 0, duplicates: 0, refused: [{ document: decodeFaithfully(raw), reason }] };
  }

  private async oneByOne(collection: string, raws: Buffer[]): Promise<WriteResult> {
    const total: WriteResult = { inserted: 0, duplicates: 0, refused: [] };
    for (const raw of raws) {
      const one = await this.insert(collection, [raw]);
      total.inserted += one.inserted;
      total.duplicates += one.duplicates;
      total.refused.push(...one.refused);
    }
    return total;
  }

  /** Replaces the target's version of a document that changed on the source, byte for byte. */
  async replace(collection: string, raw: Buffer): Promise<Refusal | undefined> {
    let reply: WriteReply;
    try {
      reply = (await this.db.command({
        update: collection,
        updates: documentSequence("updates", [replacementStatement(raw)]),
        ordered: true,
      })) as WriteReply;
    } catch (err) {
      await this.stillAnswers(err);
      return { document: decodeFaithfully(raw), reason: this.reason(err) };
    }
    this.durable(collection, reply);
    const refusal = reply.writeErrors?.[0];
    return refusal ? { document: decodeFaithfully(raw), reason: this.reason(refusal) } : undefined;
  }

  /** Deletes the documents with these `_id`s (values as decoded faithfully); returns how many went. */
  async remove(collection: string, ids: readonly unknown[]): Promise<number> {
    let removed = 0;
    for (let at = 0; at < ids.length; at += REMOVE_BATCH) {
      const batch = ids.slice(at, at + REMOVE_BATCH);
      let reply: WriteReply;
      try {
        reply = (await this.db.command({
          delete: collection,
          deletes: [{ q: { _id: { $in: batch } }, limit: 0 }],
          ordered: true,
        })) as WriteReply;
      } catch (err) {
        throw connectionError(this.endpoint, err, "command");
      }
      this.durable(collection, reply);
      if (reply.writeErrors?.length) {
        throw new MigrateError(
          MIGRATE_EXIT_CODES.internal,
          `${collection}: the target refused a delete (${this.reason(reply.writeErrors[0])}); ` +
            "rerun once it is healthy, the migration continues where it stopped",
        );
      }
      removed += reply.n ?? 0;
    }
    return removed;
  }
}
