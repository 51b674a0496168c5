import { dataPathBuild } from "../../tools/parts/data-path/servers";

/**
 * Builds the data path once when it is not cached yet (tools/parts/data-path/build.sh: PostgreSQL 15
 * from apt, FerretDB v1.24.2 and json_exporter from the Go module proxy), so no test's timeout
 * covers a build.
 */
export default function globalSetup(): void {
  const built = dataPathBuild(true);
  process.stderr.write(`\nintegration: ${JSON.stringify(built)}\n`);
}
