/**
 * `run.ts <up|preview|refresh|destroy> --stack <name> [flags]`, run in a Pulumi project
 * directory: the operation through the Automation API with the project's program inline
 * (tools/parts/engine/program.ts), so no `pulumi-language-nodejs` is needed. The CLI's human output
 * streams to stdout as it comes; the exit code is the CLI's.
 *
 * Flags, with the CLI's meaning: --yes, --non-interactive (implied), --skip-preview (without
 * it, up, refresh and destroy preview first and stop if the preview fails, as the CLI does: a
 * destroy that the preview refuses, e.g. over a protected database, deletes nothing),
 * --policy-pack <path>, --policy-pack-config <file>, --expect-no-changes, --diff, --refresh,
 * --target <urn>, --replace <urn>; and for preview --json, which prints only a JSON document
 * of the steps and the change summary (the fields `pulumi preview --json` has for them).
 * Anything else is refused with exit 2, so a caller never believes a flag was applied.
 */
import * as path from "node:path";
import {
  CommandError,
  LocalWorkspace,
  Stack,
  type EngineEvent,
  type OpType,
} from "@pulumi/pulumi/automation";
import { inlineProgram } from "./program";

const OPERATIONS = ["up", "preview", "refresh", "destroy"] as const;
type Operation = (typeof OPERATIONS)[number];

export interface EngineRequest {
  operation: Operation;
  stack: string;
  policyPacks: string[];
  policyPackConfigs: string[];
  expectNoChanges: boolean;
  diff: boolean;
  refresh: boolean;
  target: string[];
  replace: string[];
  json: boolean;
  skipPreview: boolean;
}

const IGNORED = new Set(["--yes", "-y", "--non-interactive"]);

/** The request `args` make, or an Error naming the argument that is not understood. */
export function parseEngineArgs(args: string[]): EngineRequest {
  const [operation, ...rest] = args;
  if (!OPERATIONS.includes(operation as Operation)) {
    throw new Error(
      `tools/parts/engine/run.ts: operation ${JSON.stringify(operation)} is not one of ${OPERATIONS.join(", ")}.`,
    );
  }
  const request: EngineRequest = {
    operation: operation as Operation,
    stack: "",
    policyPacks: [],
    policyPackConfigs: [],
    expectNoChanges: false,
    diff: false,
    refresh: false,
    target: [],
    replace: [],
    json: false,
    skipPreview: false,
  };
  const valued: Record<string, (v: string) => void> = {
    "--stack": (v) => (request.stack = v),
    "-s": (v) => (request.stack = v),
    "--policy-pack": (v) => request.policyPacks.push(v),
    "--policy-pack-config": (v) => request.policyPackConfigs.push(v),
    "--target": (v) => request.target.push(v),
    "--replace": (v) => request.replace.push(v),
  };
  const flags: Record<string, () => void> = {
    "--expect-no-changes": () => (request.expectNoChanges = true),
    "--diff": () => (request.diff = true),
    "--refresh": () => (request.refresh = true),
    "--json": () => (request.json = true),
    "--skip-preview": () => (request.skipPreview = true),
    "-f": () => (request.skipPreview = true),
  };
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i].split(/=(.*)/s, 2);
    if (IGNORED.has(rest[i])) continue;
    if (flags[rest[i]]) {
      flags[rest[i]]();
    } else if (valued[flag]) {
      const value = inline ?? rest[++i];
      if (value === undefined) throw new Error(`tools/parts/engine/run.ts: ${flag} needs a value.`);
      valued[flag](value);
    } else {
      throw new Error(
        `tools/parts/engine/run.ts: ${JSON.stringify(rest[i])} is not a flag this engine path passes on (${[...Object.keys(valued), ...Object.keys(flags)].join(", ")}). Fix: drop it, or add it to tools/parts/engine/run.ts.`,
      );
    }
  }
  if (request.json && request.operation !== "preview") {
    throw new Error("tools/parts/engine/run.ts: --json is supported for preview only.");
  }
  if (!request.stack) throw new Error("tools/parts/engine/run.ts: --stack <name> is required.");
  return request;
}

/** The steps a `--json` preview reports: one per resource, replacements as one `replace`. */
const HIDDEN_STEPS = new Set<OpType>(["create-replacement", "delete-replaced", "discard-replaced"]);

export async function runEngine(projectDir: string, request: EngineRequest): Promise<number> {
  const workspace = await LocalWorkspace.create({
    workDir: projectDir,
    program: inlineProgram(projectDir),
  });
  const stack = await Stack.select(request.stack, workspace);
  const steps: { op: OpType; urn: string }[] = [];
  const onOutput = request.json ? undefined : (out: string) => process.stdout.write(out);
  const onEvent = (event: EngineEvent) => {
    const step = event.resourcePreEvent?.metadata;
    if (step && !HIDDEN_STEPS.has(step.op)) steps.push({ op: step.op, urn: step.urn });
  };
  const common = { onOutput, color: "never" as const };
  // What up and preview share: the pack, and the flags that shape the update.
  const update = {
    ...common,
    policyPacks: request.policyPacks,
    policyPackConfigs: request.policyPackConfigs,
    expectNoChanges: request.expectNoChanges,
    diff: request.diff,
    refresh: request.refresh,
    target: request.target,
    replace: request.replace,
  };
  try {
    switch (request.operation) {
      case "up":
        if (!request.skipPreview) await stack.preview(update);
        await stack.up(update);
        break;
      case "preview": {
        const result = await stack.preview({
          ...update,
          onEvent: request.json ? onEvent : undefined,
        });
        if (request.json) {
          process.stdout.write(
            `${JSON.stringify({ steps, changeSummary: result.changeSummary }, null, 2)}\n`,
          );
        }
        break;
      }
      case "refresh": {
        const options = {
          ...common,
          expectNoChanges: request.expectNoChanges,
          target: request.target,
        };
        if (!request.skipPreview) await stack.previewRefresh(options);
        await stack.refresh(options);
        break;
      }
      case "destroy": {
        const options = { ...common, target: request.target };
        if (!request.skipPreview) await stack.previewDestroy(options);
        await stack.destroy(options);
        break;
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof CommandError) {
      // The CLI's own output streamed already; its stderr and exit code say why it failed.
      const result = (err as unknown as { commandResult?: { stderr?: string; code?: number } })
        .commandResult;
      process.stderr.write(result?.stderr ?? err.message);
      return result?.code || 1;
    }
    throw err;
  }
}

if (require.main === module) {
  let request: EngineRequest;
  try {
    request = parseEngineArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  runEngine(path.resolve(process.cwd()), request).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`tools/parts/engine/run.ts: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}
