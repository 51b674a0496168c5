/**
 * The platform stack's outputs (platform/, domain/platform.ts), read through a StackReference
 * when `platformStack` is set, and checked against what this stack needs. A problem stops the
 * deployment before any Kubernetes object is sent: the stack's provider depends on the check.
 */
import * as pulumi from "@pulumi/pulumi";
import { BARMAN_PLUGIN } from "../domain";
import {
  MIN_CNPG_OPERATOR_VERSION,
  PLATFORM_OUTPUT_KEYS,
  compareVersions,
  parseVersion,
} from "../domain/platform";

/** What this stack needs of the platform. */
export interface PlatformNeeds {
  backups: boolean;
  monitoring: boolean;
  /** The stack's namespace: its default-deny would cut off an operator running there (fact 35). */
  namespace?: string;
}

/**
 * Every reason the platform stack `stackName`, with these outputs, cannot carry this stack;
 * each message names the setting, the value and the fix, like the config's own.
 */
export function platformProblems(
  stackName: string,
  outputs: Record<string, unknown>,
  needs: PlatformNeeds,
): string[] {
  const prefix = `nightscout:platformStack = ${JSON.stringify(stackName)}`;
  const problems: string[] = [];
  const missing = PLATFORM_OUTPUT_KEYS.filter((k) => outputs[k] === undefined);
  if (missing.length > 0) {
    return [
      `${prefix}: the stack exports no ${missing.join(", ")}; it is not a platform/ stack, or it was never deployed. Fix: pulumi up the platform/ stack first, or unset platformStack (pulumi config rm platformStack).`,
    ];
  }
  const version = String(outputs.operatorVersion);
  const parsed = parseVersion(version);
  const needed = parseVersion(MIN_CNPG_OPERATOR_VERSION)!;
  if (!parsed || compareVersions(parsed, needed) < 0) {
    problems.push(
      `${prefix}: its CloudNative-PG operator is ${JSON.stringify(version)}, ${parsed ? "older than" : "not a version, and this program needs at least"} ${MIN_CNPG_OPERATOR_VERSION}${parsed ? ", the oldest this program's Cluster (Barman Cloud plugin) works with" : ""}. Fix: upgrade the operator in the platform stack (docs/upstream-files.md, "Moving to a newer release") and pulumi up it, then this stack.`,
    );
  }
  if (needs.namespace !== undefined && outputs.operatorNamespace === needs.namespace) {
    problems.push(
      `${prefix}: its CloudNative-PG operator runs in ${JSON.stringify(needs.namespace)}, this stack's namespace; the stack's default-deny NetworkPolicy would cut off the operator and every cluster it manages. Fix: pulumi config set namespace nightscout (another namespace than the operator's).`,
    );
  }
  if (needs.backups && outputs.pluginName !== BARMAN_PLUGIN) {
    problems.push(
      `${prefix}: backups are configured but the platform stack's pluginName is ${JSON.stringify(outputs.pluginName)}, not ${BARMAN_PLUGIN}. Fix: pulumi config set installBarmanPlugin true in the platform stack and pulumi up it (or pulumi config rm backupDestinationPath here).`,
    );
  }
  if (needs.monitoring && outputs.monitoringCrdsPresent !== true) {
    problems.push(
      `${prefix}: monitoring is on but the platform stack reports no PodMonitor and PrometheusRule CRDs (monitoringCrdsPresent = ${JSON.stringify(outputs.monitoringCrdsPresent)}). Fix: install prometheus-operator (and tell the platform stack: monitoringCrds managedElsewhere), or pulumi config set monitoring false.`,
    );
  }
  return problems;
}

/** Raised when the platform stack cannot carry this one; nothing has been deployed. */
export class PlatformStackError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `The platform stack cannot carry this stack (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was deployed:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "PlatformStackError";
  }
}

/** Throws PlatformStackError, listing every problem, unless the platform can carry this stack. */
export function checkPlatformOutputs(
  stackName: string,
  outputs: Record<string, unknown>,
  needs: PlatformNeeds,
): void {
  const problems = platformProblems(stackName, outputs, needs);
  if (problems.length > 0) throw new PlatformStackError(problems);
}

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
