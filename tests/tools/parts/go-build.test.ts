/**
 * tools/parts/go-build.sh's `timed`: a build step that fails half-way must fail the build, not
 * be logged as built (and stamped, and its stale binary used).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const LIB = path.resolve(__dirname, "..", "..", "..", "tools", "parts", "go-build.sh");

function runSteps(body: string): { status: number | null; stdout: string; stderr: string } {
  const script = ["set -euo pipefail", "log_tag=test", `source '${LIB}'`, body].join("\n");
  const r = spawnSync("bash", ["-c", script], { encoding: "utf8", timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

it("stops at a step's first failing command and ends the build with its name", () => {
  const r = runSteps(
    [
      'step() { echo "go: k8s.io/x@v1: 403 Forbidden" >&2; false; echo "after the failure"; }',
      "timed fetch step",
      'echo "after the step"',
    ].join("\n"),
  );
  expect(r.status).toBe(1);
  expect(r.stdout).not.toContain("after the failure");
  expect(r.stdout).not.toContain("after the step");
  expect(r.stderr).toContain("[test] fetch: FAILED");
  expect(r.stderr).not.toContain("fetch: built");
  // The refusal is repeated as Go printed it.
  expect(r.stderr).toContain("the lines above are the refusal(s)");
});

it("reports a step that succeeds as built and carries on", () => {
  const r = runSteps(['step() { echo "compiled"; }', "timed ok step", 'echo "next"'].join("\n"));
  expect(r.status).toBe(0);
  expect(r.stdout).toContain("next");
  expect(r.stderr).toMatch(/\[test\] ok: built in \d+ s/);
});
