/**
 * The dead-letter file: documents the target refused while --skip-invalid was given, one
 * canonical Extended JSON object a line ({collection, _id, reason, document}), so nothing
 * refused is lost and a later run can try each again. It holds the family's health data:
 * it is created readable by its owner only.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BSON, type Document } from "mongodb";
import { idText } from "./id-order";

export interface DeadLetter {
  collection: string;
  /** canonical Extended JSON of the `_id` (idText). */
  id: string;
  reason: string;
  document: Document;
}

export class DeadLetters {
  readonly file: string;
  private letters: DeadLetter[];

  constructor(dir: string) {
    this.file = path.join(dir, "dead-letters.ejson");
    this.letters = fs.existsSync(this.file)
      ? fs
          .readFileSync(this.file, "utf8")
          .split("\n")
          .filter((line) => line.trim())
          .map((line, i) => {
            try {
              return BSON.EJSON.parse(line, { relaxed: false }) as DeadLetter;
            } catch (err) {
              throw new Error(
                `${this.file} line ${i + 1} is not Extended JSON: ${(err as Error).message}`,
              );
            }
          })
      : [];
  }

  all(): readonly DeadLetter[] {
    return this.letters;
  }

  of(collection: string): DeadLetter[] {
    return this.letters.filter((l) => l.collection === collection);
  }

  /** canonical `_id`s of `collection` that wait here; verification leaves them out. */
  ids(collection: string): Set<string> {
    return new Set(this.of(collection).map((l) => l.id));
  }

  add(collection: string, document: Document, reason: string): void {
    const id = idText(document._id);
    this.letters = this.letters.filter((l) => !(l.collection === collection && l.id === id));
    this.letters.push({ collection, id, reason, document });
    this.save();
  }

  remove(collection: string, id: string): void {
    this.letters = this.letters.filter((l) => !(l.collection === collection && l.id === id));
    this.save();
  }

  private save(): void {
    if (this.letters.length === 0) {
      fs.rmSync(this.file, { force: true });
      return;
    }
    const text = this.letters.map((l) => BSON.EJSON.stringify(l, { relaxed: false })).join("\n");
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, `${text}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
