/**
 * The platform stack read through a StackReference, its outputs checked by config/platform.ts
 * before anything is deployed. Apart from those checks, which need no SDK runtime and are tested
 * without one.
 */
import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_OUTPUT_KEYS } from "../domain/platform";
import { PlatformStackError, platformProblems, type PlatformNeeds } from "./platform";

export interface PlatformStack {
  /** The operator's namespace, for the database's network policy. */
  operatorNamespace: pulumi.Output<string>;
  /** Resolves once the outputs passed the check; the stack's provider depends on it. */
  checked: pulumi.Output<pulumi.Resource>;
}

/**
 * The language host's exit code for "the program logged a user-actionable error": the engine
 * shows the logged message and fails the update, without a stack trace.
 */
const EXIT_AFTER_LOGGED_ERROR = 32;

/** Under Pulumi's mocks (the tests) there is no engine to stop. */
function underMocks(): boolean {
  return pulumi.runtime.getMonitor()?.constructor?.name === "MockMonitor";
}

/**
 * What happens when the platform cannot carry this stack. Throwing would not do: a rejected
 * dependsOn leaves the provider's URN unresolved in the SDK, and every object waiting on it
 * waits forever (seen on the real engine: the preview hung). So the message is logged as an
 * error (and on stderr) and the program exits the way the SDK's own run loop does after such a message;
 * nothing has reached the cluster, since every object waits on the provider. Under mocks the
 * message is logged and the program goes on, so tests of other settings can still run.
 */
async function refuse(error: PlatformStackError): Promise<void> {
  await pulumi.log.error(error.message);
  if (underMocks()) return;
  // Run inline through the Automation API (tools/parts/engine/run.ts), this process is the engine's
  // client, and exiting it ends the run before the engine prints the logged message: so it is
  // written to stderr too, where either entry point shows it.
  process.stderr.write(`${error.message}\n`);
  process.exit(EXIT_AFTER_LOGGED_ERROR);
}

/** Reads `stackName`'s outputs and checks them against `needs` before anything is deployed. */
export function readPlatformStack(stackName: string, needs: PlatformNeeds): PlatformStack {
  const reference = new pulumi.StackReference("platform", { name: stackName });
  const outputs = pulumi
    .all(PLATFORM_OUTPUT_KEYS.map((k) => reference.getOutput(k)))
    .apply((values) => Object.fromEntries(PLATFORM_OUTPUT_KEYS.map((k, i) => [k, values[i]])));
  const checked = outputs.apply(async (o) => {
    const problems = platformProblems(stackName, o, needs);
    if (problems.length > 0) await refuse(new PlatformStackError(problems));
    return reference as pulumi.Resource;
  });
  return {
    operatorNamespace: pulumi.all([checked, outputs]).apply(([, o]) => String(o.operatorNamespace)),
    checked,
  };
}
