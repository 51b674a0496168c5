/**
 * A process that starts a data path and holds it until it is killed, for reaper.test.ts.
 * Prints one JSON line with the data path's directory once it is up; with `frozen` it then
 * freezes PostgreSQL (SIGSTOP), as the outage tests do.
 */
import { startLocalDataPath } from "../../tools/parts/data-path/servers";

async function main(): Promise<void> {
  const h = await startLocalDataPath();
  if (process.argv.includes("frozen")) h.signalPostgres("SIGSTOP");
  process.stdout.write(`${JSON.stringify({ dir: h.dir })}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
