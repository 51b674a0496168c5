/**
 * Runs the pack's policies outside the Pulumi engine, against resources captured from the
 * program under mocks. It mirrors what the engine's analyzer host does (enforcement levels,
 * config, not-applicable, unknown values), so the offline gate and `pulumi preview
 * --policy-pack` agree. Never import index.ts here: constructing the pack starts a server.
 */
import {
  unknownCheckingProxy,
  type EnforcementLevel,
  type Policies,
  type PolicyConfigSchema,
  type PolicyResource,
  type PolicyResourceOptions,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { schemaDefaults } from "./lib/config";
import { isUnknownValueError } from "./lib/unknowns";
import { allPolicies } from "./policies";

export interface CapturedResource {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  opts?: {
    protect?: boolean;
    parent?: string;
    dependsOn?: string[];
    ignoreChanges?: string[];
    aliases?: string[];
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
  };
}

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

function isResourcePolicy(p: Policies[number]): p is ResourceValidationPolicy {
  return (p as ResourceValidationPolicy).validateResource !== undefined;
}

function isStackPolicy(p: Policies[number]): p is StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

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
  policy: Policies[number],
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
 * A copy in this realm: the unknown-checking proxy wraps only `instanceof Object` values, which
 * objects from another realm (jest's vm, structuredClone) are not. Also keeps policies from
 * mutating what the gate captured.
 */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
  }
  return value;
}

function checkedProps(props: Record<string, unknown>): Record<string, unknown> {
  return unknownCheckingProxy(copy(props) as Record<string, unknown>);
}

class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

function policyOptions(opts: CapturedResource["opts"]): PolicyResourceOptions {
  return {
    protect: opts?.protect ?? false,
    ignoreChanges: opts?.ignoreChanges ?? [],
    aliases: opts?.aliases ?? [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: opts?.additionalSecretOutputs ?? [],
    ...(opts?.deleteBeforeReplace !== undefined
      ? { deleteBeforeReplace: opts.deleteBeforeReplace }
      : {}),
    ...(opts?.parent !== undefined ? { parent: opts.parent } : {}),
  };
}

/** Type checks by class never match here: the pack identifies resources by type token. */
const noClassMatch = () => false;

function stackResources(resources: readonly CapturedResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const result = resources.map((r) => {
    const resource: PolicyResource = {
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: checkedProps(r.props),
      opts: policyOptions(r.opts),
      dependencies: [],
      propertyDependencies: {},
      isType: noClassMatch,
      asType: () => undefined,
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  resources.forEach((r, i) => {
    const parent = r.opts?.parent !== undefined ? byUrn.get(r.opts.parent) : undefined;
    if (parent) result[i].parent = parent;
    result[i].dependencies = (r.opts?.dependsOn ?? [])
      .map((urn) => byUrn.get(urn))
      .filter((d): d is PolicyResource => d !== undefined);
  });
  return result;
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
  const stackTags = options.stackTags ?? new Map<string, string>();
  const unknownLevel = options.unknownValueLevel ?? "advisory";
  const violations: Violation[] = [];

  const run = async (
    policy: Policies[number],
    level: ReportedLevel,
    defaultUrn: string | undefined,
    validate: (report: (message: string, urn?: string) => void) => Promise<void> | void,
  ) => {
    const report = (message: string, urn?: string) => {
      violations.push({
        policy: policy.name,
        enforcementLevel: level,
        resourceUrn: defaultUrn ?? urn,
        message,
      });
    };
    try {
      await validate(report);
    } catch (error) {
      if (error instanceof NotApplicable) return;
      if (!isUnknownValueError(error)) {
        throw new Error(
          `Policy ${policy.name} failed${defaultUrn ? ` on ${defaultUrn}` : ""}: ${String(error)}`,
          {
            cause: error,
          },
        );
      }
      violations.push({
        policy: policy.name,
        enforcementLevel: unknownLevel,
        resourceUrn: defaultUrn,
        message: `can't run policy '${policy.name}' during preview: ${error.message}`,
      });
    }
  };

  for (const policy of policies) {
    const resolved = resolvePolicyConfig(policy, config);
    if (resolved.enforcementLevel === "disabled") continue;
    const level: ReportedLevel =
      resolved.enforcementLevel === "advisory" ? "advisory" : "mandatory";
    const getConfig = <T extends object>() => ({ ...resolved.properties }) as T;

    if (isResourcePolicy(policy) && policy.validateResource) {
      const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource];
      for (const r of resources) {
        for (const validation of validations) {
          const props = checkedProps(r.props);
          const args: ResourceValidationArgs = {
            type: r.type,
            name: r.name,
            urn: r.urn,
            props,
            opts: policyOptions(r.opts),
            stackTags,
            isType: noClassMatch,
            asType: () => undefined,
            getConfig,
            notApplicable,
          };
          await run(policy, level, r.urn, (report) => validation(args, report));
        }
      }
    } else if (isStackPolicy(policy)) {
      const args: StackValidationArgs = {
        resources: stackResources(resources),
        stackTags,
        getConfig,
        notApplicable,
      };
      await run(policy, level, undefined, (report) => policy.validateStack(args, report));
    }
  }
  return violations;
}

/** True when any violation would fail `pulumi preview` / `up`. */
export function hasMandatoryViolations(violations: readonly Violation[]): boolean {
  return violations.some((v) => v.enforcementLevel === "mandatory");
}
