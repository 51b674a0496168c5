/**
 * The resume state: per collection and `_id` bucket, the last `_id` known to be on the
 * target, written atomically (temporary file, then rename) after every batch. A run killed
 * at any point finds the position of the last whole batch; the batch after it may be
 * partly written already, and inserting it again is refused as duplicates, which the copy
 * ignores and verification checks.
 *
 * The state names the source and target it belongs to (hosts and database, no
 * credentials): resuming against another pair would skip documents.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PositionedBucket } from "./id-order";

/** 2: the copied `_id`s are recorded beside the state (copied-ids.ts). */
export const STATE_VERSION = 2;

export interface CollectionState {
  /** The last `_id` copied, per bucket, as canonical Extended JSON (idText). */
  positions: Partial<Record<PositionedBucket, string>>;
  /** Documents this and earlier runs inserted (duplicates not counted). */
  inserted: number;
  /**
   * When a copy pass last read the whole collection. Later runs leave the copy out: their
   * catch-up pass reads both sides anyway and inserts what is new.
   */
  copiedAt?: string;
}

export interface MigrationState {
  version: number;
  /** `host:port/db -> host:port/db`: which pair this state belongs to. */
  pair: string;
  collections: Record<string, CollectionState>;
  /** When the last run ended verified, or undefined. */
  verifiedAt?: string;
}

export class StateFile {
  readonly file: string;
  state: MigrationState;

  private constructor(file: string, state: MigrationState) {
    this.file = file;
    this.state = state;
  }

  /** Opens `dir/state.json`, or starts a new state; refuses a state of another pair. */
  static open(dir: string, pair: string): StateFile {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, "state.json");
    if (!fs.existsSync(file)) {
      return new StateFile(file, { version: STATE_VERSION, pair, collections: {} });
    }
    let state: MigrationState;
    try {
      state = JSON.parse(fs.readFileSync(file, "utf8")) as MigrationState;
    } catch (err) {
      throw new Error(
        `${file} is not readable JSON (${(err as Error).message}): move it away to start over`,
      );
    }
    if (state.version === 1) {
      throw new Error(
        `${file} was written before the migration recorded the _ids it copies, which ` +
          "--carry-deletes and verification now rely on: move it away and run again (the copy " +
          "reads the source again, records every _id, and inserts nothing twice)",
      );
    }
    if (state.version !== STATE_VERSION || typeof state.collections !== "object") {
      throw new Error(`${file} was written by another version of the migration: move it away`);
    }
    if (state.pair !== pair) {
      throw new Error(
        `${file} belongs to the migration ${state.pair}, not ${pair}: ` +
          "use another --state-dir for this pair, or move the file away to start over",
      );
    }
    return new StateFile(file, state);
  }

  collection(name: string): CollectionState {
    this.state.collections[name] ??= { positions: {}, inserted: 0 };
    return this.state.collections[name];
  }

  save(): void {
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(this.state, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
