/**
 * The local cluster never starts outside the project's network namespace: its parts dial pod
 * and Service addresses (10.244.0.0/16, 10.96.0.0/16) that must lead nowhere. The e2e tests
 * (tests/e2e/netns.test.ts) prove what the namespace holds; this proves the door is shut.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../../..");

test("start.sh outside the namespace refuses at once, names the fix, and starts nothing", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netns-guard-"));
  const r = spawnSync("bash", [path.join(ROOT, "tools/parts/local-cluster/start.sh")], {
    encoding: "utf8",
    // A namespace name that does not exist: this process is outside it, whoever runs the test.
    env: {
      ...process.env,
      NIGHTSCOUT_NETNS: `nightscout-absent-${process.pid}`,
      LOCAL_CLUSTER_DIR: dir,
    },
    timeout: 20_000,
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("refusing to start outside the network namespace");
  expect(r.stderr).toContain(
    "Fix: bash tools/parts/netns.sh exec bash tools/parts/local-cluster/start.sh",
  );
  expect(fs.readdirSync(dir)).toEqual([]);
});

test("netns.sh refuses a command line it does not know, and exec without a command", () => {
  const netns = path.join(ROOT, "tools/parts/netns.sh");
  const unknown = spawnSync("bash", [netns, "enter"], { encoding: "utf8" });
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain("usage:");
  const empty = spawnSync("bash", [netns, "exec"], { encoding: "utf8" });
  expect(empty.status).toBe(2);
  expect(empty.stderr).toContain("usage:");
});
