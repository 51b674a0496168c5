import { ensureFerretDb } from "./harness";

/** Builds or finds FerretDB before any suite starts, so no test's timeout covers a build. */
export default function globalSetup(): void {
  const bin = ensureFerretDb();
  process.stderr.write(`\nintegration: FerretDB at ${bin}\n`);
}
