/**
 * A walk over a document's raw BSON, without decoding it into objects, for two questions
 * the copy asks of every document:
 *
 * - Can it take the fast path? Decoding with the driver's default promotion (JS numbers)
 *   and encoding again gives back the same bytes, except for: a double with a whole value in
 *   the 32-bit range (it would come back as an Int32), an Int64 (promoted to a number), the
 *   deprecated types (undefined, symbol, DBPointer, code with scope), a regular expression
 *   (JavaScript reorders or drops flags), a date beyond JavaScript's range, and any name
 *   starting with '$' (`$ref` documents decode as DBRef). Those documents are decoded with
 *   every BSON type kept (promoteValues: false), which is slower.
 * - In what order are its field names? JavaScript objects put integer-like names first
 *   ("1" before "a"), whatever the stored order: verification compares the name order of
 *   both sides, so a reordering is reported instead of passing unseen.
 */

const MAX_DATE_MS = 8_640_000_000_000_000;

class Walker {
  promotable = true;
  readonly names: string[] = [];

  constructor(
    private readonly buf: Buffer,
    private readonly wantNames: boolean,
  ) {}

  private cstringEnd(at: number): number {
    const end = this.buf.indexOf(0, at);
    if (end < 0) throw new Error("truncated BSON: a name has no end");
    return end;
  }

  /** Walks the document starting at `at`; returns the offset after it. */
  document(at: number, isArray: boolean): number {
    const size = this.buf.readInt32LE(at);
    const end = at + size;
    let p = at + 4;
    while (p < end - 1) {
      const type = this.buf[p];
      const nameEnd = this.cstringEnd(p + 1);
      if (!isArray) {
        if (this.buf[p + 1] === 0x24) this.promotable = false; // '$'
        if (this.wantNames) this.names.push(this.buf.toString("utf8", p + 1, nameEnd));
      }
      p = this.value(type, nameEnd + 1);
    }
    return end;
  }

  private value(type: number, p: number): number {
    const buf = this.buf;
    switch (type) {
      case 0x01: {
        const v = buf.readDoubleLE(p);
        if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0)) {
          this.promotable = false;
        }
        return p + 8;
      }
      case 0x02:
      case 0x0d:
        return p + 4 + buf.readInt32LE(p);
      case 0x0e:
        this.promotable = false;
        return p + 4 + buf.readInt32LE(p);
      case 0x03:
        return this.document(p, false);
      case 0x04:
        return this.document(p, true);
      case 0x05:
        return p + 5 + buf.readInt32LE(p);
      case 0x06:
        this.promotable = false;
        return p;
      case 0x07:
        return p + 12;
      case 0x08:
        return p + 1;
      case 0x09: {
        const ms = Number(buf.readBigInt64LE(p));
        if (Math.abs(ms) > MAX_DATE_MS) this.promotable = false;
        return p + 8;
      }
      case 0x0a:
      case 0x7f:
      case 0xff:
        return p;
      case 0x0b:
        this.promotable = false;
        return this.cstringEnd(this.cstringEnd(p) + 1) + 1;
      case 0x0c:
        this.promotable = false;
        return p + 4 + buf.readInt32LE(p) + 12;
      case 0x0f:
        this.promotable = false;
        return p + buf.readInt32LE(p);
      case 0x10:
        return p + 4;
      case 0x11:
        return p + 8;
      case 0x12:
        this.promotable = false;
        return p + 8;
      case 0x13:
        return p + 16;
      default:
        throw new Error(`unknown BSON type 0x${type.toString(16)}`);
    }
  }
}

/** Whether decoding with default promotion and encoding again gives the same bytes. */
export function isPromotable(raw: Buffer): boolean {
  const walker = new Walker(raw, false);
  walker.document(0, false);
  return walker.promotable;
}

/** Every field name in document order (nested documents inline, arrays skipped). */
export function fieldNames(raw: Buffer): string[] {
  const walker = new Walker(raw, true);
  walker.document(0, false);
  return walker.names;
}
