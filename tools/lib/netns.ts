/**
 * The project's network namespace (tools/parts/netns.sh) from TypeScript: the commands that start or
 * talk to the local cluster build and download what they need first, then run the rest of
 * themselves inside it, where only loopback exists.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const NETNS = path.join(__dirname, "..", "parts", "netns.sh");
const PREPARE = path.join(__dirname, "..", "parts", "local-cluster", "prepare.sh");

export function insideNetns(): boolean {
  return spawnSync("bash", [NETNS, "inside"], { stdio: "ignore" }).status === 0;
}

/**
 * Outside the namespace: builds and downloads what the local cluster's commands need
 * (tools/parts/local-cluster/prepare.sh), then runs this same script again inside the namespace
 * (with ts-node, the same arguments and environment) and returns its exit status. Inside:
 * returns undefined, and the caller goes on.
 */
export function enterNetns(): number | undefined {
  if (insideNetns()) return undefined;
  const prepared = spawnSync("bash", [PREPARE], { stdio: ["ignore", "inherit", "inherit"] });
  if (prepared.status !== 0) {
    throw new Error(`tools/parts/local-cluster/prepare.sh failed (exit ${prepared.status})`);
  }
  const r = spawnSync(
    "bash",
    [
      NETNS,
      "exec",
      process.execPath,
      "-r",
      require.resolve("ts-node/register/transpile-only"),
      ...process.argv.slice(1),
    ],
    { stdio: "inherit" },
  );
  if (r.error) throw r.error;
  return r.status ?? 1;
}
