/**
 * One measured run, in a fresh process: `sdk` only loads @pulumi/pulumi; `stack <name>`
 * evaluates the program for that stack under mocks (its config in BENCH_STACK_CONFIG). Prints {wallMs, maxRssKb, resources}.
 * Wall time counts from process start (performance.timeOrigin), so node's own boot is in
 * both numbers alike.
 */
import { performance } from "perf_hooks";

/**
 * What `pulumi up` asks of the program, under the leanest mocks: the configuration the
 * parent read from the stack file (the engine parses it, not the program), the program
 * imported, and every registration answered. The test harness's extra work (resolving every
 * input, recording options) is not part of a deployment, so it is not measured.
 */
async function evaluate(stack: string): Promise<number> {
  const { config, secretKeys } = JSON.parse(process.env.BENCH_STACK_CONFIG ?? "{}") as {
    config: Record<string, string>;
    secretKeys: string[];
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  let registered = 0;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered++;
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword") state.result = "bench";
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "nightscout",
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(config, secretKeys);
  await import("../index");
  // The host waits for every registration before it exits; so does this.
  await (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs();
  return registered;
}

/**
 * The SDK's own cost of registering `count` trivial resources (ConfigMaps) under the same
 * mocks: what any program of that size pays, whatever it does. Under the language host each
 * registration's stack traces go through source-map-support, which is most of the gap.
 */
async function floor(count: number): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: args.name, state: args.inputs }), call: (args) => args.inputs },
    "floor",
    "bench",
    false,
  );
  const { ConfigMap } = await import("@pulumi/kubernetes/core/v1");
  for (let i = 0; i < count; i++) new ConfigMap(`floor-${i}`, { data: { key: "value" } });
  await (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs();
  return count;
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
