/**
 * A walk over a document's raw BSON, without decoding it into objects, listing its field
 * names in stored order. JavaScript objects put integer-like names first ("1" before "a"),
 * whatever the stored order: verification compares the name order of both sides, so a
 * reordering is reported instead of passing unseen.
 */

class Walker {
  readonly names: string[] = [];

  constructor(private readonly buf: Buffer) {}

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
      if (!isArray) this.names.push(this.buf.toString("utf8", p + 1, nameEnd));
      p = this.value(type, nameEnd + 1);
    }
    return end;
  }

  private value(type: number, p: number): number {
    if (type === 0x03) return this.document(p, false);
    if (type === 0x04) return this.document(p, true);
    return valueEnd(this.buf, type, p);
  }
}

/** Where a value of BSON `type` starting at `p` ends (nested documents by their size). */
function valueEnd(buf: Buffer, type: number, p: number): number {
  const cstringEnd = (at: number): number => {
    const end = buf.indexOf(0, at);
    if (end < 0) throw new Error("truncated BSON: a string has no end");
    return end;
  };
  switch (type) {
    case 0x01:
    case 0x09:
    case 0x11:
    case 0x12:
      return p + 8;
    case 0x02:
    case 0x0d:
    case 0x0e:
      return p + 4 + buf.readInt32LE(p);
    case 0x03:
    case 0x04:
    case 0x0f:
      return p + buf.readInt32LE(p);
    case 0x05:
      return p + 5 + buf.readInt32LE(p);
    case 0x06:
    case 0x0a:
    case 0x7f:
    case 0xff:
      return p;
    case 0x07:
      return p + 12;
    case 0x08:
      return p + 1;
    case 0x0b:
      return cstringEnd(cstringEnd(p) + 1) + 1;
    case 0x0c:
      return p + 4 + buf.readInt32LE(p) + 12;
    case 0x10:
      return p + 4;
    case 0x13:
      return p + 16;
    default:
      throw new Error(`unknown BSON type 0x${type.toString(16)}`);
  }
}

/**
 * The top-level field `name` alone, as a document of its own (its element's bytes, unchanged),
 * or undefined: reading one field of a raw document without decoding the rest.
 */
export function fieldAlone(raw: Buffer, name: string): Buffer | undefined {
  const end = raw.readInt32LE(0) - 1;
  const wanted = Buffer.from(`${name}\0`, "utf8");
  let p = 4;
  while (p < end) {
    const type = raw[p];
    const nameEnd = raw.indexOf(0, p + 1);
    if (nameEnd < 0) throw new Error("truncated BSON: a name has no end");
    const next = valueEnd(raw, type, nameEnd + 1);
    if (
      nameEnd + 1 - (p + 1) === wanted.length &&
      raw.compare(wanted, 0, wanted.length, p + 1, nameEnd + 1) === 0
    ) {
      const alone = Buffer.alloc(4 + (next - p) + 1);
      alone.writeInt32LE(alone.length, 0);
      raw.copy(alone, 4, p, next);
      return alone;
    }
    p = next;
  }
  return undefined;
}

/** Every field name in document order (nested documents inline, arrays skipped). */
export function fieldNames(raw: Buffer): string[] {
  const walker = new Walker(raw);
  walker.document(0, false);
  return walker.names;
}
