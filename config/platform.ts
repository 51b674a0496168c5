/**
 * The platform stack's outputs (platform/, domain/platform.ts), read through a StackReference
 * when `platformStack` is set, and checked against what this stack needs. A problem stops the
 * deployment before any Kubernetes object is sent: the stack's provider depends on the check.
 */
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
