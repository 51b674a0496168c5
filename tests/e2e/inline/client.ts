/**
 * The jest side of the inline-program driver (driver.ts): each operation in a child Node
 * process of its own, so that no Pulumi SDK runtime runs in the jest process (see protocol.ts).
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { Deployment } from "@pulumi/pulumi/automation";
import { ROOT } from "../../../tools/lib/offline-engine";
import type { InlineRequest, InlineResult, InlineStackSpec, Operation } from "./protocol";

const DRIVER = path.join(__dirname, "driver.ts");
/** Longer than any one operation of these tests takes; a hung engine fails instead of waiting. */
const TIMEOUT_MS = 280_000;

/** Runs `request` in a driver process; resolves with its result, failed or not. */
export function runInline(request: InlineRequest): Promise<InlineResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", require.resolve("ts-node/register/transpile-only"), DRIVER],
      {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
        stdio: ["pipe", "pipe", "pipe"],
        timeout: TIMEOUT_MS,
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status, signal) => {
      const last = stdout.trimEnd().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(last) as InlineResult);
      } catch {
        // stdout is not shown: the program's outputs in it may hold test secrets.
        reject(
          new Error(
            `inline driver (${request.operation} of stack ${request.stackName}) ended with ` +
              `${signal ? `signal ${signal}` : `status ${status}`} and no JSON result on its last ` +
              `stdout line (${stdout.length} bytes of stdout); its stderr:\n${stderr.slice(-4000)}`,
          ),
        );
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}

/** A stack with an inline program whose spec is a `Spec`, run through the driver. */
export interface InlineStack<Spec> {
  /** Creates the stack or selects it; its passphrase salt. */
  select(): Promise<{ encryptionSalt?: string }>;
  preview(spec: Spec): Promise<InlineResult>;
  up(spec: Spec): Promise<InlineResult>;
  destroy(spec: Spec): Promise<InlineResult>;
  importStack(deployment: Deployment): Promise<InlineResult>;
  remove(): Promise<InlineResult>;
}

/**
 * The stack `stack` with the program `program(spec)` of module `module` (a base name in this
 * directory). Each operation rejects with the driver's error message when it failed, as the
 * Automation API's own methods do.
 */
export function inlineStack<Spec extends object>(
  stack: InlineStackSpec,
  module: string,
): InlineStack<Spec> {
  const call = async (operation: Operation, extra: Partial<InlineRequest> = {}) => {
    const result = await runInline({ ...stack, operation, ...extra });
    if (result.failed) {
      const err = new Error(result.error?.message ?? "(the driver gave no message)");
      err.name = result.error?.name ?? "Error";
      throw err;
    }
    return result;
  };
  const withProgram = (operation: Operation) => (spec: Spec) =>
    call(operation, { program: { module, spec } });
  return {
    select: () => call("select"),
    preview: withProgram("preview"),
    up: withProgram("up"),
    destroy: withProgram("destroy"),
    importStack: (deployment) => call("import", { deployment }),
    remove: () => call("remove"),
  };
}
