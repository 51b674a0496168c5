/**
 * The access reconciler's CLI, as the program runs it after deploy (components/access.ts):
 *
 *   ACCESS_API_SECRET=... ACCESS_DECLARATION=... ACCESS_NIGHTSCOUT_URL=... \
 *     node -r ts-node/register/transpile-only access/cli.ts
 *
 * One JSON line on stdout; report lines on stderr; exit 0, 1 on failure, 64 on bad usage.
 */
import { runAccess } from "./run";

runAccess(process.env).then(
  (outcome) => {
    for (const line of outcome.stderr) process.stderr.write(`${line}\n`);
    process.stdout.write(`${outcome.stdout}\n`);
    process.exit(outcome.exitCode);
  },
  () => {
    // Never the error itself: it may hold what Nightscout answered.
    process.stderr.write("access: internal error\n");
    process.exit(70);
  },
);
