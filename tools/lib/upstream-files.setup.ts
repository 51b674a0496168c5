/**
 * jest's globalSetup (jest.config.js): the upstream CRDs and release manifests in the cache
 * once, before any worker starts, so that workers never fetch side by side and a missing
 * prerequisite (go, the module proxy) ends the run with one line instead of a failure per suite.
 */
import { ensureUpstreamFiles } from "./upstream-files";

export default function globalSetup(): void {
  try {
    ensureUpstreamFiles();
  } catch (e) {
    process.stderr.write(`npm test: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
