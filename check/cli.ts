/**
 * Post-deploy check CLI. Configuration comes only from the environment (CHECK_ENV in
 * domain/check.ts): arguments show up in `ps` and in Pulumi's command string.
 *
 *   MONGODB_URI=... node -r ts-node/register/transpile-only check/cli.ts
 *
 * Success: one JSON line on stdout, exit 0. Failure: one line on stderr, exit code from
 * CHECK_EXIT_CODES. Progress lines for failed attempts go to stderr.
 */
import { CHECK_ENV, CHECK_EXIT_CODES } from "../domain";
import { LOG_PREFIX, formatAttemptFailure, formatOutcome } from "./outcome";
import { scrub } from "./redact";
import { runCheck } from "./run";
import { uriSecrets } from "./uri";

async function main(): Promise<number> {
  const extra = process.argv.length - 2;
  if (extra > 0) {
    // Never echo the arguments: the likeliest one is the URI itself.
    process.stderr.write(
      `${LOG_PREFIX} usage: this check takes no arguments (got ${extra}); ` +
        `pass the URI in the ${CHECK_ENV.mongoUri} environment variable\n`,
    );
    return CHECK_EXIT_CODES.usage;
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
      `${LOG_PREFIX} internal error: ${scrub(text, uriSecrets(process.env[CHECK_ENV.mongoUri]))}\n`,
    );
    process.exit(CHECK_EXIT_CODES.internal);
  },
);
