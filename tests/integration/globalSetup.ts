import { dataPathBuild } from "../../tools/data-path/servers";

/** Builds the data path once when it is not cached yet, so no test's timeout covers a build. */
export default function globalSetup(): void {
  const built = dataPathBuild(true);
  process.stderr.write(`\nintegration: ${JSON.stringify(built)}\n`);
}
