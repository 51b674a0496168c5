/**
 * Runs the pack's policies outside the Pulumi engine, against resources captured from the
 * program under mocks. It mirrors what the engine's analyzer host does, so the offline gate and
 * `pulumi preview --policy-pack` agree: enforcement levels and config are resolved here, each
 * policy runs through lib/host.ts (as in the specs). Never import index.ts here: constructing
 * the pack starts a server.
 */
import type { EnforcementLevel, Policies, PolicyConfigSchema } from "@pulumi/policy";
import { schemaDefaults } from "./lib/config";
import { runPolicy, type Policy } from "./lib/host";
import type { CapturedResource } from "./lib/resource";
import { allPolicies } from "./policies";

/** What the engine reports: remediate counts as mandatory, disabled policies never report. */
export type ReportedLevel = "advisory" | "mandatory";

export interface Violation {
  policy: string;
  enforcementLevel: ReportedLevel;
  resourceUrn?: string;
  message: string;
}

/** The `--policy-pack-config` file format: a level, or a level and the policy's properties. */
export type PolicyPackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

export interface EvaluateOptions {
  /** Defaults to the whole pack. */
  policies?: Policies;
  /** The engine reports an unknown value as advisory; a gate may want it to block. */
  unknownValueLevel?: ReportedLevel;
  stackTags?: ReadonlyMap<string, string>;
}

export interface ResolvedPolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
const PACK_DEFAULT_LEVEL: EnforcementLevel = "advisory";

function typeProblem(schema: unknown, value: unknown): string | undefined {
  const type = (schema as { type?: string }).type;
  const ok =
    type === undefined ||
    (type === "boolean" && typeof value === "boolean") ||
    (type === "string" && typeof value === "string") ||
    (type === "number" && typeof value === "number") ||
    (type === "integer" && Number.isInteger(value)) ||
    (type === "array" && Array.isArray(value)) ||
    (type === "object" && value !== null && typeof value === "object" && !Array.isArray(value));
  if (!ok) return `expected ${type}, got ${JSON.stringify(value)}`;
  const items = (schema as { items?: { type?: string } }).items;
  if (type === "array" && items) {
    for (const item of value as unknown[]) {
      const problem = typeProblem(items, item);
      if (problem) return `item: ${problem}`;
    }
  }
  const minimum = (schema as { minimum?: number }).minimum;
  if (minimum !== undefined && typeof value === "number" && value < minimum) {
    return `must be >= ${minimum}, got ${value}`;
  }
  return undefined;
}

/**
 * Problems in a `--policy-pack-config` document: unknown policies or properties, bad levels,
 * values of the wrong type. The engine rejects most of these too, but only once it runs.
 */
export function validatePolicyPackConfig(
  config: PolicyPackConfig,
  policies: Policies = allPolicies,
): string[] {
  const problems: string[] = [];
  const byName = new Map(policies.map((p) => [p.name, p]));
  for (const [name, entry] of Object.entries(config)) {
    const policy = byName.get(name);
    if (name !== "all" && !policy) {
      problems.push(`${name}: no such policy`);
      continue;
    }
    const { enforcementLevel, ...properties } =
      typeof entry === "string" ? { enforcementLevel: entry } : entry;
    if (enforcementLevel !== undefined && !LEVELS.includes(enforcementLevel)) {
      problems.push(
        `${name}: enforcementLevel "${String(enforcementLevel)}" is not one of ${LEVELS.join(", ")}`,
      );
    }
    if (name === "all") {
      if (Object.keys(properties).length > 0)
        problems.push(`all: only enforcementLevel may be set`);
      continue;
    }
    const schema: PolicyConfigSchema = policy?.configSchema ?? { properties: {} };
    for (const [key, value] of Object.entries(properties)) {
      const property = schema.properties[key];
      if (!property) {
        problems.push(`${name}.${key}: no such property`);
        continue;
      }
      const problem = typeProblem(property, value);
      if (problem) problems.push(`${name}.${key}: ${problem}`);
    }
  }
  return problems;
}

/** The level and properties a policy runs with: config over `all` over the policy over the pack. */
export function resolvePolicyConfig(
  policy: Policy,
  config: PolicyPackConfig,
): ResolvedPolicyConfig {
  const levelOf = (entry: PolicyPackConfig[string] | undefined) =>
    typeof entry === "string" ? entry : entry?.enforcementLevel;
  const entry = config[policy.name];
  const properties =
    entry === undefined || typeof entry === "string"
      ? {}
      : Object.fromEntries(Object.entries(entry).filter(([k]) => k !== "enforcementLevel"));
  return {
    enforcementLevel:
      levelOf(entry) ?? levelOf(config["all"]) ?? policy.enforcementLevel ?? PACK_DEFAULT_LEVEL,
    properties: { ...schemaDefaults(policy.configSchema), ...properties },
  };
}

/**
 * Runs every enabled policy (resource policies per resource, then stack policies) and returns
 * the violations. Throws on an invalid config, and on any error a policy throws other than
 * "not applicable" or an unknown value (the engine fails the preview then too).
 */
export async function evaluatePolicies(
  resources: readonly CapturedResource[],
  config: PolicyPackConfig = {},
  options: EvaluateOptions = {},
): Promise<Violation[]> {
  const policies = options.policies ?? allPolicies;
  // A subset run still reads the stack's whole config file, so validate against the pack too.
  const known = [
    ...policies,
    ...allPolicies.filter((p) => !policies.some((q) => q.name === p.name)),
  ];
  const problems = validatePolicyPackConfig(config, known);
  if (problems.length > 0)
    throw new Error(`Invalid policy pack config:\n  ${problems.join("\n  ")}`);
  const unknownLevel = options.unknownValueLevel ?? "advisory";
  const violations: Violation[] = [];
  for (const policy of policies) {
    const { enforcementLevel, properties } = resolvePolicyConfig(policy, config);
    if (enforcementLevel === "disabled") continue;
    const level: ReportedLevel = enforcementLevel === "advisory" ? "advisory" : "mandatory";
    const runs = await runPolicy(policy, resources, { properties, stackTags: options.stackTags });
    for (const run of runs) {
      for (const { message, urn } of run.reports) {
        violations.push({
          policy: policy.name,
          enforcementLevel: level,
          resourceUrn: urn,
          message,
        });
      }
      // The engine reports a value unknown during preview as an advisory of its own.
      if (run.unknown !== undefined) {
        violations.push({
          policy: policy.name,
          enforcementLevel: unknownLevel,
          resourceUrn: run.resource?.urn,
          message: `can't run policy '${policy.name}' during preview: ${run.unknown}`,
        });
      }
    }
  }
  return violations;
}

/** True when any violation would fail `pulumi preview` / `up`. */
export function hasMandatoryViolations(violations: readonly Violation[]): boolean {
  return violations.some((v) => v.enforcementLevel === "mandatory");
}
