/**
 * One measured run, in a fresh process: `sdk` only loads @pulumi/pulumi; `stack <name>`
 * evaluates the program for that stack under mocks (its config in BENCH_STACK_CONFIG);
 * `floor <count>` registers that many ConfigMaps. Prints {wallMs, maxRssKb, resources}.
 * Wall time counts from process start (performance.timeOrigin), so node's own boot is in
 * both numbers alike.
 */
import { performance } from "perf_hooks";
import { capture, type StackConfiguration } from "../tools/lib/capture";

/**
 * The program for one stack under the project's one mock harness, with the configuration the
 * parent read from the stack file (the engine parses it, not the program).
 */
async function evaluate(stack: string): Promise<number> {
  const configuration = JSON.parse(process.env.BENCH_STACK_CONFIG ?? "{}") as StackConfiguration;
  const { resources } = await capture({
    stack,
    configuration,
    loadProgram: () => {
      // Loaded here, not at the top: the measured evaluation includes loading the program.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const nightscoutStack = require("../index") as typeof import("../index");
      return nightscoutStack() as unknown as Record<string, unknown>;
    },
  });
  return resources.length;
}

/**
 * The SDK's own cost of registering `count` trivial resources (ConfigMaps) under the same
 * harness: what any program of that size pays, whatever it does. Under the language host each
 * registration's stack traces go through source-map-support, which is most of the gap.
 */
async function floor(count: number): Promise<number> {
  const { resources } = await capture({
    project: "floor",
    stack: "bench",
    loadProgram: async () => {
      const { ConfigMap } = await import("@pulumi/kubernetes/core/v1");
      for (let i = 0; i < count; i++) new ConfigMap(`floor-${i}`, { data: { key: "value" } });
    },
  });
  return resources.length;
}

async function main() {
  const [mode, stack] = process.argv.slice(2);
  let resources = 0;
  if (mode === "floor") {
    resources = await floor(Number(stack));
  } else if (mode === "sdk") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("@pulumi/pulumi");
  } else if (mode === "stack" && stack) {
    resources = await evaluate(stack);
  } else {
    throw new Error("usage: child sdk | child stack <name> | child floor <count>");
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
