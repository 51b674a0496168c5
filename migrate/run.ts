/**
 * One migration run: endpoints, connections, dead letters retried, every collection copied
 * from its saved position, indexes, then the catch-up and verification passes and the
 * report. Each step is safe to repeat, so the answer to any interruption is to run again.
 */
import { performance } from "node:perf_hooks";
import { BSON, type Db } from "mongodb";
import { scrub } from "../check/redact";
import {
  connect,
  connectionError,
  DEFAULT_CONNECT_TIMEOUT_MS,
  type Connected,
  type Endpoint,
} from "./connect";
import { CopiedIds } from "./copied-ids";
import { copyCollection, type CopyCounts } from "./copy";
import { DeadLetters } from "./dead-letter";
import { dryRun, type PlannedDeletes } from "./dry-run";
import { sameDatabase, sourceEndpoint, targetEndpoint, type Target } from "./endpoints";
import { MIGRATE_EXIT_CODES, MigrateError } from "./exit-codes";
import { parseIdText } from "./id-order";
import { ensureIndexes } from "./indexes";
import { NIGHTSCOUT_COLLECTIONS, type MigrateOptions } from "./options";
import { Progress, type ProgressSink } from "./progress";
import {
  collectionReport,
  formatReport,
  writeReport,
  type CollectionReport,
  type RunReport,
} from "./report";
import { StateFile } from "./state";
import { verifyCollection, type CompareContext, type Verdict, type VerifyContext } from "./verify";
import { TargetWriter } from "./write";

export interface RunIO {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: ProgressSink;
}

const NIGHTSCOUT_SET = new Set<string>(NIGHTSCOUT_COLLECTIONS);

/** Every secret replaced by `***`, lines kept (scrub makes one line of a message). */
const hide = (text: string, secrets: readonly string[]): string =>
  secrets.reduce((out, secret) => out.split(secret).join("***"), text);

/** How long the source may take to count a collection for the progress line. */
const COUNT_BUDGET_MS = 1_000;

/** Catch-up rounds before the final verification; each one only repairs what changed. */
const CATCH_UP_ROUNDS = 3;

function positiveEnv(io: RunIO, name: string, fallback: number): number {
  const raw = io.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new MigrateError(
      MIGRATE_EXIT_CODES.usage,
      `${name}=${JSON.stringify(raw)} is not a positive whole number of milliseconds`,
    );
  }
  return value;
}

/**
 * Every collection of the source, accounted for: copied (Nightscout's own and --collections),
 * skipped because the operator said so (--skip-collections), or a usage error. Proving that
 * nothing was lost has to cover what plugins and older tools keep beside Nightscout's own.
 */
async function collectionsToCopy(
  source: Db,
  opts: MigrateOptions,
  extra: Set<string>,
): Promise<{ copied: string[]; skipped: string[] }> {
  const present = new Set(
    (await source.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name as string)
      .filter((name) => !name.startsWith("system.")),
  );
  const absent = (names: Iterable<string>) => [...names].filter((name) => !present.has(name));
  for (const [flag, names] of [
    ["--collections", extra],
    ["--skip-collections", opts.skipCollections],
  ] as const) {
    const missing = absent(names);
    if (missing.length > 0) {
      throw new MigrateError(
        MIGRATE_EXIT_CODES.usage,
        `${flag} names ${missing.join(", ")}, which the source database does not have`,
      );
    }
  }
  const unaccounted = [...present]
    .filter((name) => !opts.collections.includes(name) && !opts.skipCollections.includes(name))
    .sort();
  if (unaccounted.length > 0) {
    const list = unaccounted.join(",");
    throw new MigrateError(
      MIGRATE_EXIT_CODES.usage,
      `the source has ${unaccounted.length === 1 ? "a collection" : "collections"} that Nightscout does not own: ` +
        `${unaccounted.join(", ")}. Say what to do with ${unaccounted.length === 1 ? "it" : "each"}: ` +
        `--collections ${list} to copy, or --skip-collections ${list} to leave behind`,
    );
  }
  return {
    copied: opts.collections.filter((name) => present.has(name)),
    skipped: opts.skipCollections.filter((name) => present.has(name)),
  };
}

async function retryDeadLetters(
  ctx: VerifyContext,
  letters: DeadLetters,
  log: (t: string) => void,
): Promise<void> {
  for (const letter of [...letters.all()]) {
    const current = await ctx.source
      .collection(letter.collection)
      .findOne({ _id: parseIdText(letter.id) as never }, { raw: true })
      .catch((err: unknown) => {
        throw connectionError(ctx.sourceEndpoint, err, "command");
      });
    // The source's bytes when it still has the document; else the letter's copy, encoded
    // from Extended JSON with every type it recorded.
    const raw = current
      ? (current as unknown as Buffer)
      : Buffer.from(BSON.serialize(letter.document));
    const result = await ctx.writer.insert(letter.collection, [raw]);
    if (result.refused.length === 0) {
      ctx.copied.record(letter.collection, [letter.id]);
      letters.remove(letter.collection, letter.id);
      log(`${letter.collection}: dead letter _id ${letter.id} is on the target now`);
    }
  }
}

interface CaughtUp {
  verdict: Verdict;
  /** Documents inserted or replaced from the source. */
  caughtUp: number;
  removed: { count: number; files: string[] };
}

async function catchUpAndVerify(ctx: VerifyContext, collection: string): Promise<CaughtUp> {
  const result: CaughtUp = {
    verdict: undefined as unknown as Verdict,
    caughtUp: 0,
    removed: { count: 0, files: [] },
  };
  const tally = (verdict: Verdict): CaughtUp => {
    result.verdict = verdict;
    result.caughtUp += verdict.repaired - verdict.removed;
    result.removed.count += verdict.removed;
    if (verdict.removedFile) result.removed.files.push(verdict.removedFile);
    return result;
  };
  for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
    const verdict = tally(await verifyCollection(ctx, collection, true)).verdict;
    if (verdict.differences === 0) return result;
    // A round that repaired nothing read both sides as they are: its differences stand (a
    // document deleted on the source without --carry-deletes, an _id of a type not copied).
    if (verdict.repaired === 0) return result;
  }
  return tally(await verifyCollection(ctx, collection, false));
}

export async function runMigration(opts: MigrateOptions, io: RunIO): Promise<number> {
  const startedAt = new Date();
  const started = performance.now();
  const connectTimeoutMs = positiveEnv(
    io,
    "MIGRATE_CONNECT_TIMEOUT_MS",
    DEFAULT_CONNECT_TIMEOUT_MS,
  );
  const progressIntervalMs = positiveEnv(io, "MIGRATE_PROGRESS_INTERVAL_MS", 5_000);
  const source: Endpoint = sourceEndpoint(opts, io.env);
  let target: Target | undefined;
  const clients: Connected[] = [];
  try {
    target = await targetEndpoint(opts, io.env);
    if (source.display === target.endpoint.display || sameDatabase(source.uri, target.reachedAs)) {
      throw new MigrateError(
        MIGRATE_EXIT_CODES.usage,
        `the source and the target are the same database (${source.display}` +
          (source.display === target.endpoint.display ? "" : ` is ${target.endpoint.display}`) +
          "): " +
          "--from must name the old Nightscout's database",
      );
    }
    const secrets = [...source.secrets, ...target.endpoint.secrets];
    const log = (text: string): void => io.stderr.write(`${scrub(text, secrets)}\n`);
    const [src, dst] = await Promise.all([
      connect(source, connectTimeoutMs),
      connect(target.endpoint, connectTimeoutMs),
    ]);
    clients.push(src, dst);
    const extra = new Set(opts.collections.filter((c) => !NIGHTSCOUT_SET.has(c)));
    const { copied: collections, skipped } = await collectionsToCopy(src.db, opts, extra);
    log(
      `migrate: ${source.display} -> ${target.endpoint.display}: ${collections.join(", ") || "nothing to copy"}` +
        (skipped.length > 0 ? `; left behind (--skip-collections): ${skipped.join(", ")}` : ""),
    );
    if (opts.dryRun) {
      let deletes: { plans: PlannedDeletes[]; confirmed: number } | undefined;
      if (opts.carryDeletes) {
        // Read-only: the record of copied `_id`s and the dead letters are read, nothing written.
        const compare: CompareContext = {
          source: src.db,
          sourceEndpoint: source,
          target: dst.db,
          targetEndpoint: target.endpoint,
          deadLetters: new DeadLetters(opts.stateDir),
          batchSize: opts.batchSize,
          copied: new CopiedIds(opts.stateDir),
        };
        const plans: PlannedDeletes[] = [];
        for (const collection of collections) {
          const v = await verifyCollection(compare, collection, false);
          plans.push({
            collection,
            ids: v.goneFromSource,
            onTarget: v.targetCount + v.keptOnTarget,
            kept: v.keptOnTarget,
          });
        }
        deletes = { plans, confirmed: opts.confirmDeletes };
      }
      io.stdout(await dryRun(src.db, dst.db, collections, skipped, deletes));
      return MIGRATE_EXIT_CODES.ok;
    }
    const pair = `${source.display} -> ${target.endpoint.display.split(" via ")[0]}`;
    let state: StateFile;
    try {
      state = StateFile.open(opts.stateDir, pair);
    } catch (err) {
      throw new MigrateError(MIGRATE_EXIT_CODES.usage, (err as Error).message);
    }
    const deadLetters = new DeadLetters(opts.stateDir);
    const progress = new Progress({ sink: io.stderr, intervalMs: progressIntervalMs });
    const ctx: VerifyContext = {
      source: src.db,
      sourceEndpoint: source,
      target: dst.db,
      targetEndpoint: target.endpoint,
      writer: new TargetWriter(dst.db, target.endpoint),
      state,
      copied: new CopiedIds(opts.stateDir),
      carryDeletes: opts.carryDeletes
        ? { stateDir: opts.stateDir, confirmed: opts.confirmDeletes }
        : undefined,
      deadLetters,
      skipInvalid: opts.skipInvalid,
      batchSize: opts.batchSize,
      progress,
    };
    if (deadLetters.all().length > 0) {
      log(`migrate: trying the ${deadLetters.all().length} documents in ${deadLetters.file} again`);
      await retryDeadLetters(ctx, deadLetters, log);
    }

    const copies = new Map<string, CopyCounts & { seconds: number }>();
    const copyStarted = performance.now();
    for (const collection of collections) {
      if (state.collection(collection).copiedAt) {
        log(`${collection}: copied by an earlier run; the catch-up pass brings it up to date`);
        continue;
      }
      progress.start(collection);
      // The total is for the progress line only, so the copy does not wait for it, and it may
      // cost the source little: one without a usable _id index counts by reading everything
      // (FerretDB v1: as long as a sorted read), which the copy's own read would then share
      // the source with. countDocuments, not estimatedDocumentCount: DocumentDB answers the
      // latter through its own connections back into PostgreSQL, which a misconfigured pg_hba
      // refuses.
      src.db
        .collection(collection)
        .countDocuments({}, { maxTimeMS: COUNT_BUDGET_MS })
        .then((total) => progress.total(collection, total))
        .catch(() => undefined);
      const t0 = performance.now();
      const counts = await copyCollection(ctx, collection);
      const seconds = (performance.now() - t0) / 1000;
      progress.finish(counts.duplicates > 0 ? `(${counts.duplicates} already there)` : "");
      copies.set(collection, { ...counts, seconds });
    }
    const copySeconds = (performance.now() - copyStarted) / 1000;

    const reports: CollectionReport[] = [];
    const verifyStarted = performance.now();
    for (const collection of collections) {
      const indexes = await ensureIndexes(src.db, dst.db, collection);
      if (indexes.missing.length > 0) {
        throw new MigrateError(
          MIGRATE_EXIT_CODES.internal,
          `${collection}: the target has no index ${indexes.missing.join(", ")} after creating it; Nightscout needs them`,
        );
      }
      log(`${collection}: verifying (and catching up with changes on the source)`);
      const { verdict, caughtUp, removed } = await catchUpAndVerify(ctx, collection);
      const copy = copies.get(collection) ?? {
        inserted: 0,
        duplicates: 0,
        seconds: 0,
        read: 0,
        deadLettered: 0,
      };
      reports.push(collectionReport(verdict, copy, caughtUp, removed, indexes));
    }
    const verifySeconds = (performance.now() - verifyStarted) / 1000;
    const allVerified = reports.every((r) => r.verified);
    const documentsRead = [...copies.values()].reduce((s, c) => s + c.read, 0);
    const report: RunReport = {
      source: source.display,
      target: target.endpoint.display,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      seconds: (performance.now() - started) / 1000,
      copySeconds,
      verifySeconds,
      documentsRead,
      documentsInserted: reports.reduce((s, r) => s + r.inserted + r.caughtUp, 0),
      docsPerSecond: copySeconds > 0 ? documentsRead / copySeconds : 0,
      verified: allVerified,
      // maxRSS is in KiB.
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      deadLetterFile: deadLetters.all().length > 0 ? deadLetters.file : undefined,
      collections: reports,
      skippedCollections: skipped,
    };
    const file = writeReport(opts.stateDir, report);
    io.stdout(`${hide(formatReport(report), secrets)}\n`);
    log(`migrate: report written to ${file}`);
    if (!allVerified) {
      for (const bad of reports.filter((r) => !r.verified)) {
        const where = bad.firstDifference
          ? `first differing _id ${bad.firstDifference.id} (${bad.firstDifference.what})`
          : `counts ${bad.sourceCount} and ${bad.targetCount}`;
        log(`migrate: ${bad.collection} does not match: ${where}`);
      }
      const gone = reports.reduce((sum, r) => sum + r.goneFromSource, 0);
      if (gone > 0 && !opts.carryDeletes) {
        log(
          `migrate: ${gone} documents the migration copied have been deleted on the source since. ` +
            "Once the uploaders are stopped (the final pass), rerun with --carry-deletes to remove them " +
            "from the target (each is saved first); --dry-run --carry-deletes lists them",
        );
      }
      return MIGRATE_EXIT_CODES.mismatch;
    }
    if (deadLetters.all().length > 0) return MIGRATE_EXIT_CODES.deadLettered;
    state.state.verifiedAt = new Date().toISOString();
    state.save();
    return MIGRATE_EXIT_CODES.ok;
  } finally {
    await Promise.all(clients.map((c) => c.client.close().catch(() => undefined)));
    await target?.forward?.stop();
  }
}
