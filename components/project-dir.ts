import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The project root, where the commands the components run (check/, access/) and node_modules/
 * live: the nearest ancestor holding `marker`, so a compiled copy of a component (bin/components/)
 * finds it too.
 */
export function projectDirHolding(marker: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, marker))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, "..");
  }
}
