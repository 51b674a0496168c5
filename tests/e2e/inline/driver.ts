/**
 * Runs one Automation API operation on an inline program, in this process, for a test in the
 * jest process (client.ts). Reads an InlineRequest (protocol.ts) as JSON on stdin, so that no
 * test value shows in the process list, and prints the InlineResult as JSON on its last stdout
 * line, then exits at once: whatever the program left running has no later test to hit.
 */
import * as path from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  type EngineEvent,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";
import { OPERATIONS, type InlineRequest, type InlineResult, type InlineStep } from "./protocol";

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => (text += chunk));
    process.stdin.on("end", () => resolve(text));
    process.stdin.on("error", reject);
  });
}

function parseRequest(text: string): InlineRequest {
  const request = JSON.parse(text) as InlineRequest;
  if (!OPERATIONS.includes(request.operation)) {
    throw new Error(
      `inline driver: operation ${JSON.stringify(request.operation)} is not one of ${OPERATIONS.join(", ")}`,
    );
  }
  for (const key of ["stackName", "projectName", "pulumiRoot", "workDir"] as const) {
    if (typeof request[key] !== "string" || request[key] === "")
      throw new Error(`inline driver: the request has no ${key}`);
  }
  return request;
}

/** The program the request names: `program(spec)` of a module next to this one. */
function loadProgram(request: InlineRequest): PulumiFn {
  const wanted = request.program;
  if (!wanted) {
    return () =>
      Promise.reject(
        new Error(`inline driver: ${request.operation} was sent without a program to run`),
      );
  }
  if (!/^[a-z][a-z0-9-]*$/.test(wanted.module)) {
    throw new Error(
      `inline driver: program module ${JSON.stringify(wanted.module)} is not a base name of a file in ${__dirname}`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(__dirname, wanted.module)) as {
    program?: (spec: unknown) => PulumiFn;
  };
  if (typeof mod.program !== "function")
    throw new Error(`inline driver: ${wanted.module}.ts exports no program(spec)`);
  return mod.program(wanted.spec);
}

async function run(request: InlineRequest, result: InlineResult): Promise<void> {
  const pulumiCommand = await PulumiCommand.get({
    root: request.pulumiRoot,
    skipVersionCheck: true,
  });
  const stack: Stack = await LocalWorkspace.createOrSelectStack(
    {
      stackName: request.stackName,
      projectName: request.projectName,
      program: loadProgram(request),
    },
    {
      workDir: request.workDir,
      pulumiCommand,
      projectSettings: request.projectSettings,
      envVars: request.envVars,
    },
  );
  const onEvent = (event: EngineEvent) => {
    const m = event.resourcePreEvent?.metadata;
    if (m) result.steps.push({ op: m.op, type: m.type, urn: m.urn } satisfies InlineStep);
  };
  const common = { color: "never" as const, onEvent };
  switch (request.operation) {
    case "select":
      result.encryptionSalt = (await stack.workspace.stackSettings(stack.name)).encryptionSalt;
      return;
    case "import":
      if (!request.deployment) throw new Error("inline driver: import was sent no deployment");
      await stack.importStack(request.deployment);
      return;
    case "remove":
      await stack.workspace.removeStack(stack.name, { force: true });
      return;
    case "preview": {
      const r = await stack.preview(common);
      Object.assign(result, { stdout: r.stdout, stderr: r.stderr, changeSummary: r.changeSummary });
      return;
    }
    case "up": {
      const r = await stack.up(common);
      Object.assign(result, {
        stdout: r.stdout,
        stderr: r.stderr,
        summary: r.summary,
        outputs: r.outputs,
      });
      return;
    }
    case "destroy": {
      const r = await stack.destroy(common);
      Object.assign(result, { stdout: r.stdout, stderr: r.stderr, summary: r.summary });
      return;
    }
  }
}

async function main(): Promise<void> {
  const result: InlineResult = { failed: false, stdout: "", stderr: "", steps: [], unhandled: [] };
  // A rejection from the program's leftovers must not kill the process before the result is out.
  process.on("unhandledRejection", (reason) => {
    result.unhandled.push(reason instanceof Error ? reason.message : String(reason));
  });
  try {
    await run(parseRequest(await readStdin()), result);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    result.failed = true;
    result.error = { name: err.name, message: err.message };
  }
  process.stdout.write(`\n${JSON.stringify(result)}\n`, () => process.exit(0));
}

void main();
