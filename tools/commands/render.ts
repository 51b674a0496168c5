/**
 * `npm run render -- <stack> [extra pulumi up flags]`: `pulumi up --yes` of the stack with the
 * real engine (tools/parts/pulumi-toolchain.sh), on a scratch copy of the project and a local file
 * backend under .cache/render/ (tools/lib/offline-engine.ts, the same setup the e2e tests use), with
 * the Kubernetes provider writing manifests to rendered/<stack>/ instead of applying them,
 * postDeployCheck off and the policy pack enforced with the stack's policy config. The committed
 * stack files are never written. rendered/ holds Secrets in plaintext (test values): gitignored.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, ensurePolicyPackDeps, policyArgs, scratchStack } from "../lib/offline-engine";

function main(): number {
  const [stack, ...extra] = process.argv.slice(2);
  const stacks = fs
    .readdirSync(ROOT)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);
  if (!stack || !stacks.includes(stack)) {
    console.error(`usage: npm run render -- <stack> (one of: ${stacks.join(", ")})`);
    return 2;
  }
  ensurePolicyPackDeps();
  const rendered = path.join(ROOT, "rendered", stack);
  fs.rmSync(rendered, { recursive: true, force: true });
  const s = scratchStack(stack, {
    area: "render",
    config: { renderYamlToDirectory: rendered, postDeployCheck: "off" },
  });
  const up = s.pulumi(["up", "--yes", "--skip-preview", ...policyArgs(stack), ...extra]);
  process.stdout.write(up.stdout);
  process.stderr.write(up.stderr);
  if (up.status !== 0) return up.status ?? 1;
  const files = fs
    .readdirSync(rendered, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile());
  console.error(
    `render: ${stack} rendered into rendered/${stack} in ${(up.ms / 1000).toFixed(0)} s (${files.length} files)`,
  );
  return 0;
}

process.exitCode = main();
