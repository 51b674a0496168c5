/**
 * One measured run, in a fresh process: `sdk` only loads @pulumi/pulumi; `stack <name>`
 * evaluates the program for that stack under mocks. Prints {wallMs, maxRssKb, resources}.
 * Wall time counts from process start (performance.timeOrigin), so node's own boot is in
 * both numbers alike.
 */
import { performance } from "perf_hooks";

async function main() {
  const [mode, stack] = process.argv.slice(2);
  let resources = 0;
  if (mode === "sdk") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("@pulumi/pulumi");
  } else if (mode === "stack" && stack) {
    const { captureStack } = await import("../tools/capture");
    const result = await captureStack(stack);
    resources = result.resources.length;
  } else {
    throw new Error("usage: child sdk | child stack <name>");
  }
  const wallMs = performance.now();
  const maxRssKb = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ wallMs, maxRssKb, resources }) + "\n");
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
