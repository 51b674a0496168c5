/**
 * Runs one policy module directly (never the pack, whose constructor starts a server) through
 * the same host as the offline evaluator (policies/lib/host.ts), and records what it reported.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { resolvePolicyConfig, validatePolicyPackConfig } from "../../policies/evaluate";
import { runPolicy, type Policy } from "../../policies/lib/host";
import type { CapturedResource } from "../../policies/lib/resource";

/** The engine's sentinel for a string input not known during preview. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface TestResource {
  type: string;
  props: Record<string, unknown>;
  name?: string;
  protect?: boolean;
}

export interface Outcome {
  violations: string[];
  urns: (string | undefined)[];
  notApplicable?: string;
  /** Set when the policy stopped on a value unknown during preview (the engine's advisory). */
  unknown?: string;
}

export function urnOf(r: TestResource, index = 0): string {
  return `urn:pulumi:test::nightscout::${r.type}::${r.name ?? `res-${index}`}`;
}

/** Test resources as a host receives them: custom resources without parents or dependencies. */
export function captured(resources: readonly TestResource[]): CapturedResource[] {
  return resources.map((r, i) => ({
    type: r.type,
    name: r.name ?? `res-${i}`,
    urn: urnOf(r, i),
    props: r.props,
    opts: { protect: r.protect, dependsOn: [] },
    custom: true,
  }));
}

/** Runs `policy` with `config` as its properties, checked against its schema as the engine does. */
async function run(
  policy: Policy,
  resources: readonly TestResource[],
  config: Record<string, unknown>,
): Promise<Outcome> {
  const packConfig = { [policy.name]: config };
  const problems = validatePolicyPackConfig(packConfig, [policy]);
  if (problems.length > 0) throw new Error(`Invalid config for the spec: ${problems.join("; ")}`);
  const { properties } = resolvePolicyConfig(policy, packConfig);
  const runs = await runPolicy(policy, captured(resources), { properties });
  const reports = runs.flatMap((r) => r.reports);
  return {
    violations: reports.map((r) => r.message),
    urns: reports.map((r) => r.urn),
    notApplicable: runs.find((r) => r.notApplicable !== undefined)?.notApplicable,
    unknown: runs.find((r) => r.unknown !== undefined)?.unknown,
  };
}

export function runResourcePolicy(
  policy: ResourceValidationPolicy,
  resource: TestResource,
  config: Record<string, unknown> = {},
): Promise<Outcome> {
  return run(policy, [resource], config);
}

export function runStackPolicy(
  policy: StackValidationPolicy,
  resources: TestResource[],
  config: Record<string, unknown> = {},
): Promise<Outcome> {
  return run(policy, resources, config);
}

export const REMOVE = Symbol("remove");

/**
 * A copy of `resource` with the dotted `path` (numeric segments index arrays) set to `value`,
 * or deleted with REMOVE; missing objects on the way are created.
 */
export function set(resource: TestResource, path: string, value: unknown): TestResource {
  // Another realm's objects under jest, which the host copies into its own before checking.
  const copy = structuredClone(resource);
  const keys = path.split(".");
  let node = copy.props as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === undefined || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === REMOVE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
  return copy;
}

const CONTAINERS = "spec.template.spec.containers";

/** A copy of a workload whose first container's env `name` is replaced, added, or removed. */
export function withEnv(
  resource: TestResource,
  name: string,
  entry: string | object | typeof REMOVE,
): TestResource {
  const copy = structuredClone(resource);
  const spec = (copy.props.spec as { template: { spec: { containers: { env?: object[] }[] } } })
    .template.spec;
  const env = (spec.containers[0].env ?? []).filter((e) => (e as { name: string }).name !== name);
  if (entry !== REMOVE)
    env.push(typeof entry === "string" ? { name, value: entry } : { ...entry, name });
  spec.containers[0].env = env;
  return copy;
}

/** A copy of a workload with a field of its first container set (or REMOVEd). */
export function withContainer(resource: TestResource, path: string, value: unknown): TestResource {
  return set(resource, `${CONTAINERS}.0.${path}`, value);
}
