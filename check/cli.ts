/**
 * Post-deploy check CLI. Configuration comes only from the environment (MONGODB_URI,
 * CHECK_DEADLINE_MS, CHECK_ATTEMPT_TIMEOUT_MS, CHECK_COLLECTION, CHECK_HOST_OVERRIDE,
 * NIGHTSCOUT_URL, EXPECTED_UNITS): arguments show up in `ps` and in Pulumi's command string.
 *
 *   MONGODB_URI=... node -r ts-node/register/transpile-only check/cli.ts
 *
 * Success: one JSON line on stdout, exit 0. Failure: one line on stderr, exit code from
 * EXIT_CODES. Progress lines for failed attempts go to stderr.
 */
import {
  EXIT_CODES,
  LOG_PREFIX,
  formatAttemptFailure,
  formatOutcome,
  runCheck,
  scrub,
  uriSecrets,
} from "./mongoCheck";

async function main(): Promise<number> {
  const extra = process.argv.length - 2;
  if (extra > 0) {
    // Never echo the arguments: the likeliest one is the URI itself.
    process.stderr.write(
      `${LOG_PREFIX} usage: this check takes no arguments (got ${extra}); ` +
        "pass the URI in the MONGODB_URI environment variable\n",
    );
    return EXIT_CODES.usage;
  }
  const result = await runCheck(process.env, {
    // performance.now() counts from process start: the deadline covers startup as well.
    startedAt: 0,
    onAttemptFailed: (failure) => process.stderr.write(`${formatAttemptFailure(failure)}\n`),
  });
  const outcome = formatOutcome(result);
  if (outcome.stdout !== undefined) process.stdout.write(`${outcome.stdout}\n`);
  if (outcome.stderr !== undefined) process.stderr.write(`${outcome.stderr}\n`);
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(
      `${LOG_PREFIX} internal error: ${scrub(text, uriSecrets(process.env.MONGODB_URI))}\n`,
    );
    process.exit(EXIT_CODES.internal);
  },
);
