/**
 * The report a run leaves: a table on stdout and report.json beside the state. Counts,
 * digests, time and throughput per collection; nothing of any URI but host and database.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { formatDuration } from "./progress";
import type { Verdict } from "./verify";
import { verified } from "./verify";

export interface CollectionReport {
  collection: string;
  sourceCount: number;
  targetCount: number;
  sourceDigest: string;
  targetDigest: string;
  verified: boolean;
  inserted: number;
  duplicatesSkipped: number;
  caughtUp: number;
  deadLettered: number;
  /** Copied earlier and deleted on the source since, still on the target after this run. */
  goneFromSource: number;
  /** Removed by this run (--carry-deletes), saved first in removedFiles. */
  removed: number;
  removedFiles: string[];
  /** Only on the target, never copied (written there, e.g. by the new site): kept. */
  keptOnTarget: number;
  firstDifference?: Verdict["firstDifference"];
  indexesCreated: string[];
  indexesRefused: { name: string; reason: string }[];
  copySeconds: number;
}

export interface RunReport {
  source: string;
  target: string;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  copySeconds: number;
  /** Indexes, catch-up and verification: both sides read again. */
  verifySeconds: number;
  documentsRead: number;
  documentsInserted: number;
  /** Documents read and written per second of the copy pass. */
  docsPerSecond: number;
  verified: boolean;
  /** The migration process's peak resident memory: batches stream, so it stays bounded. */
  peakRssMiB: number;
  deadLetterFile?: string;
  collections: CollectionReport[];
  /** Source collections left behind because the operator said so (--skip-collections). */
  skippedCollections: string[];
}

export function collectionReport(
  verdict: Verdict,
  copy: { inserted: number; duplicates: number; seconds: number },
  caughtUp: number,
  removed: { count: number; files: string[] },
  indexes: { created: string[]; refused: { name: string; reason: string }[] },
): CollectionReport {
  return {
    collection: verdict.collection,
    sourceCount: verdict.sourceCount,
    targetCount: verdict.targetCount,
    sourceDigest: verdict.sourceDigest,
    targetDigest: verdict.targetDigest,
    verified: verified(verdict),
    inserted: copy.inserted,
    duplicatesSkipped: copy.duplicates,
    caughtUp,
    deadLettered: verdict.deadLettered,
    goneFromSource: verdict.goneFromSource.length,
    removed: removed.count,
    removedFiles: removed.files,
    keptOnTarget: verdict.keptOnTarget,
    firstDifference: verdict.firstDifference,
    indexesCreated: indexes.created,
    indexesRefused: indexes.refused,
    copySeconds: copy.seconds,
  };
}

const pad = (text: string | number, width: number): string => String(text).padStart(width);

export function formatReport(report: RunReport): string {
  const lines = [
    `migration ${report.source} -> ${report.target}`,
    `${"collection".padEnd(16)}${pad("source", 9)}${pad("target", 9)}${pad("new", 9)}` +
      `${pad("caught up", 10)}${pad("dead", 6)}  digest (sha256 of canonical EJSON)`,
  ];
  for (const c of report.collections) {
    const digest = c.verified
      ? `${c.sourceDigest.slice(0, 16)} ok`
      : `MISMATCH source ${c.sourceDigest.slice(0, 12)} target ${c.targetDigest.slice(0, 12)}` +
        (c.firstDifference ? `; first _id ${c.firstDifference.id} ${c.firstDifference.what}` : "");
    lines.push(
      `${c.collection.padEnd(16)}${pad(c.sourceCount, 9)}${pad(c.targetCount, 9)}${pad(c.inserted, 9)}` +
        `${pad(c.caughtUp, 10)}${pad(c.deadLettered, 6)}  ${digest}`,
    );
    if (c.removed > 0) {
      lines.push(
        `  ${c.removed} removed: copied earlier, deleted on the source since (saved in ${c.removedFiles.join(", ")})`,
      );
    }
    if (c.keptOnTarget > 0) {
      lines.push(`  ${c.keptOnTarget} only on the target and never copied: kept, not compared`);
    }
    for (const refused of c.indexesRefused) {
      lines.push(`  index ${refused.name} not created on the target: ${refused.reason}`);
    }
  }
  lines.push(
    `${report.documentsInserted} documents inserted, ${report.documentsRead} read, in ` +
      `${formatDuration(report.seconds)} (copy ${report.copySeconds.toFixed(1)} s, ` +
      `verification ${report.verifySeconds.toFixed(1)} s, ` +
      `${Math.round(report.docsPerSecond)} docs/s, peak RSS ${report.peakRssMiB} MiB)`,
  );
  if (report.skippedCollections.length > 0) {
    lines.push(`left behind (--skip-collections): ${report.skippedCollections.join(", ")}`);
  }
  const dead = report.collections.reduce((s, c) => s + c.deadLettered, 0);
  if (dead > 0) lines.push(`${dead} documents wait in ${report.deadLetterFile}`);
  lines.push(report.verified ? "verified: every collection matches" : "NOT verified");
  return lines.join("\n");
}

export function writeReport(dir: string, report: RunReport): string {
  const file = path.join(dir, "report.json");
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
  return file;
}
