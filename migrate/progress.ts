/**
 * Progress per collection: documents, documents per second and ETA. On a terminal one line
 * redrawn in place (at most ten times a second); elsewhere (CI, a log file) a plain line
 * every `intervalMs`. Both go to stderr, so stdout carries only the report.
 */

export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

export interface ProgressOptions {
  sink: ProgressSink;
  /** Between plain lines when not on a terminal. */
  intervalMs?: number;
  now?: () => number;
}

const TTY_REDRAW_MS = 100;
export const DEFAULT_PLAIN_INTERVAL_MS = 5_000;

const group = (n: number): string => Math.round(n).toLocaleString("en-US");

/** `1:05:09` or `4:07`: an ETA a person reads at a glance. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

export interface ProgressLine {
  collection: string;
  done: number;
  /** Undefined until the source has counted them. */
  total?: number;
  elapsedMs: number;
  /** Documents already done when this run started on the collection (a resume). */
  doneAtStart?: number;
  /** The collection's last line: its rate is the whole pass's, however short. */
  final?: boolean;
}

/**
 * Before this much time has passed the rate is one batch over a few milliseconds (it once read
 * "1 docs/s ETA 17:32:15"): no rate and no ETA are shown yet.
 */
export const RATE_AFTER_MS = 1_000;

/** `entries 12,000/105,120 (11%) 4,000 docs/s ETA 0:23`, or `entries 12,000 4,000 docs/s`. */
export function formatProgress(p: ProgressLine): string {
  const movedThisRun = p.done - (p.doneAtStart ?? 0);
  const measured = p.final ? p.elapsedMs > 0 : p.elapsedMs >= RATE_AFTER_MS;
  const rate = measured && movedThisRun > 0 ? (movedThisRun * 1000) / p.elapsedMs : 0;
  if (p.total === undefined) {
    return `${p.collection} ${group(p.done)} ${rate > 0 ? `${group(rate)} docs/s` : "measuring the rate"}`;
  }
  const total = Math.max(p.total, p.done);
  const left = total - p.done;
  const percent = total > 0 ? Math.floor((p.done * 100) / total) : 100;
  const speed =
    rate > 0 ? `${group(rate)} docs/s ETA ${formatDuration(left / rate)}` : "measuring the rate";
  return `${p.collection} ${group(p.done)}/${group(total)} (${percent}%) ${speed}`;
}

export class Progress {
  private readonly sink: ProgressSink;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private current?: {
    collection: string;
    total?: number;
    done: number;
    doneAtStart: number;
    startedAt: number;
  };
  private lastDrawAt = 0;

  constructor(opts: ProgressOptions) {
    this.sink = opts.sink;
    this.intervalMs = opts.intervalMs ?? DEFAULT_PLAIN_INTERVAL_MS;
    this.now = opts.now ?? (() => performance.now());
  }

  start(collection: string, total?: number, done = 0): void {
    this.current = { collection, total, done, doneAtStart: done, startedAt: this.now() };
    this.lastDrawAt = this.now();
    if (!this.sink.isTTY) {
      this.sink.write(
        `${collection}: copying${total === undefined ? "" : `, ${group(total)} documents`}\n`,
      );
    }
  }

  /** The collection's total, once known: the line gets a percentage and an ETA. */
  total(collection: string, total: number): void {
    if (this.current?.collection === collection) this.current.total = total;
  }

  advance(count: number): void {
    if (!this.current) return;
    this.current.done += count;
    const now = this.now();
    if (now - this.lastDrawAt < (this.sink.isTTY ? TTY_REDRAW_MS : this.intervalMs)) return;
    this.lastDrawAt = now;
    this.draw();
  }

  /**
   * Ends the collection's line with a summary. The copy has read the collection to its end, so a
   * count still on its way (it runs beside the copy, and a small collection beats it) is what
   * was read: the last line says 100% either way.
   */
  finish(note = ""): void {
    if (!this.current) return;
    this.current.total ??= this.current.done;
    this.draw(true, note);
    this.current = undefined;
  }

  /** A line of its own, kept clear of the redrawn progress line. */
  note(text: string): void {
    if (this.sink.isTTY && this.current) this.sink.write("\r\x1b[2K");
    this.sink.write(`${text}\n`);
    if (this.sink.isTTY && this.current) this.draw();
  }

  private draw(final = false, note = ""): void {
    if (!this.current) return;
    const line = formatProgress({
      collection: this.current.collection,
      done: this.current.done,
      total: this.current.total,
      elapsedMs: this.now() - this.current.startedAt,
      doneAtStart: this.current.doneAtStart,
      final,
    });
    const text = final ? `${line}${note ? ` ${note}` : ""}` : line;
    if (this.sink.isTTY) this.sink.write(`\r\x1b[2K${text}${final ? "\n" : ""}`);
    else this.sink.write(`${text}\n`);
  }
}
