/**
 * `npm run migrate -- --stack <name> --from env:VAR|file:PATH [options]`: moves an existing
 * Nightscout's MongoDB into the stack's FerretDB, verified and resumable (docs/migration.md).
 *
 * Exit codes: MIGRATE_EXIT_CODES (migrate/exit-codes.ts): the post-deploy check's for
 * unreachable (2), credentials (3), mismatch (5) and usage (64), plus 7 (a document refused)
 * and 8 (documents wait in the dead-letter file). A killed run is resumed by running again.
 */
import * as fs from "node:fs";
import { scrub } from "../check/redact";
import { uriSecrets } from "../check/uri";
import { MIGRATE_EXIT_CODES, MigrateError } from "./exit-codes";
import { USAGE, parseCommandLine } from "./options";
import { runMigration } from "./run";

const PREFIX = "migrate:";

/** Everything any message could leak: both URIs, wherever they were read from. */
function knownSecrets(argv: readonly string[]): string[] {
  const found: string[] = [];
  for (const value of Object.values(process.env)) {
    if (value && /^mongodb(\+srv)?:\/\//.test(value.trim()))
      found.push(...uriSecrets(value.trim()));
  }
  const opts = parseCommandLine(argv);
  if (typeof opts === "object") {
    for (const source of [opts.from, opts.to]) {
      if (source?.kind !== "file") continue;
      try {
        found.push(...uriSecrets(fs.readFileSync(source.name, "utf8").trim()));
      } catch {
        // Unreadable: nothing from it can be in a message either.
      }
    }
  }
  return [...new Set(found)].sort((a, b) => b.length - a.length);
}

async function main(argv: readonly string[]): Promise<number> {
  const opts = parseCommandLine(argv);
  if (opts === "help") {
    process.stdout.write(`${USAGE}\n`);
    return MIGRATE_EXIT_CODES.ok;
  }
  if (typeof opts === "string") {
    process.stderr.write(`${PREFIX} usage: ${opts}\n${USAGE}\n`);
    return MIGRATE_EXIT_CODES.usage;
  }
  const stopOn = (signal: NodeJS.Signals, code: number): void => {
    process.once(signal, () => {
      process.stderr.write(
        `\n${PREFIX} stopped by ${signal}; run the same command again to resume\n`,
      );
      process.exit(code);
    });
  };
  stopOn("SIGINT", 130);
  stopOn("SIGTERM", 143);
  return runMigration(opts, {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: {
      write: (text) => process.stderr.write(text),
      isTTY: Boolean(process.stderr.isTTY),
    },
  });
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  main(argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const secrets = knownSecrets(argv);
      if (err instanceof MigrateError) {
        process.stderr.write(`${PREFIX} ${scrub(err.message, secrets)}\n`);
        process.exit(err.exitCode);
      }
      const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stderr.write(`${PREFIX} internal error: ${scrub(text, secrets)}\n`);
      process.exit(MIGRATE_EXIT_CODES.internal);
    },
  );
}
