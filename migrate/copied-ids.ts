/**
 * Which `_id`s the migration put on the target, per collection: one canonical `_id` (idText)
 * a line in `<state-dir>/copied/<collection>.ids`, appended after each batch is written and
 * before the position is saved. It is what tells a document deleted on the source after it
 * was copied (its `_id` is here: carrying the delete over is safe) from one the new site wrote
 * on the target itself (never here: it is never deleted).
 *
 * A batch is recorded whole once it is written, duplicates included: a duplicate is a
 * document an earlier, interrupted run wrote. A run killed between the write and the append
 * reads that batch again on resume (the position was not saved either) and records it then.
 * A line cut short by a kill has no newline after it and is ignored.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { idText } from "./id-order";
import { idOfRaw } from "./raw-bson";
import type { Refusal } from "./write";

/** A raw document's `_id` as idText, without decoding the rest of the document. */
export const idTextOfRaw = (raw: Buffer): string => idText(idOfRaw(raw));

export class CopiedIds {
  readonly dir: string;
  private readonly loaded = new Map<string, Set<string>>();
  private readonly tidied = new Set<string>();

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "copied");
  }

  private file(collection: string): string {
    return path.join(this.dir, `${collection}.ids`);
  }

  private set(collection: string): Set<string> {
    let ids = this.loaded.get(collection);
    if (!ids) {
      ids = new Set();
      const file = this.file(collection);
      if (fs.existsSync(file)) {
        const lines = fs.readFileSync(file, "utf8").split("\n");
        // Every append ends in a newline: the text after the last one is a cut line, or "".
        lines.pop();
        for (const line of lines) ids.add(line);
      }
      this.loaded.set(collection, ids);
    }
    return ids;
  }

  /** Records `_id`s (idText) now on the target. */
  record(collection: string, ids: readonly string[]): void {
    if (ids.length === 0) return;
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (!this.tidied.has(collection)) {
      this.cutPartialLine(this.file(collection));
      this.tidied.add(collection);
    }
    fs.appendFileSync(this.file(collection), `${ids.join("\n")}\n`, { mode: 0o600 });
    const known = this.loaded.get(collection);
    if (known) for (const id of ids) known.add(id);
  }

  /** A kill during an append can leave a line without its newline: the next would join it. */
  private cutPartialLine(file: string): void {
    if (!fs.existsSync(file)) return;
    const text = fs.readFileSync(file);
    const end = text.lastIndexOf(0x0a) + 1;
    if (end < text.length) fs.truncateSync(file, end);
  }

  /** Records a written batch: every document of it but those the target refused. */
  recordWritten(collection: string, raws: readonly Buffer[], refused: readonly Refusal[]): void {
    const out = new Set(refused.map((r) => idText(r.document._id)));
    this.record(
      collection,
      raws.map(idTextOfRaw).filter((id) => !out.has(id)),
    );
  }

  has(collection: string, id: string): boolean {
    return this.set(collection).has(id);
  }
}
