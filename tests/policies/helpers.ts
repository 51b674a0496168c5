/**
 * Builds the arguments the engine passes to a policy and records what it reports, so each
 * spec runs one policy module directly (never the pack, whose constructor starts a server).
 */
import {
  unknownCheckingProxy,
  type PolicyResource,
  type PolicyResourceOptions,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { isUnknownValueError } from "../../policies/lib/unknowns";

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

class NotApplicableError extends Error {}

function options(protect = false): PolicyResourceOptions {
  return {
    protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
}

export function urnOf(r: TestResource, index = 0): string {
  return `urn:pulumi:test::nightscout::${r.type}::${r.name ?? `res-${index}`}`;
}

async function collect(
  run: (report: (message: string, urn?: string) => void) => unknown,
): Promise<Outcome> {
  const outcome: Outcome = { violations: [], urns: [] };
  try {
    await run((message, urn) => {
      outcome.violations.push(message);
      outcome.urns.push(urn);
    });
  } catch (error) {
    if (error instanceof NotApplicableError) outcome.notApplicable = error.message;
    else if (isUnknownValueError(error)) outcome.unknown = error.message;
    else throw error;
  }
  return outcome;
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason ?? "not applicable");
};

export function runResourcePolicy(
  policy: ResourceValidationPolicy,
  resource: TestResource,
  config: Record<string, unknown> = {},
): Promise<Outcome> {
  const args: ResourceValidationArgs = {
    type: resource.type,
    name: resource.name ?? "res-0",
    urn: urnOf(resource),
    props: unknownCheckingProxy(resource.props),
    opts: options(resource.protect),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
  const validations = [policy.validateResource ?? []].flat();
  return collect(async (report) => {
    for (const validate of validations) await validate(args, report);
  });
}

export function runStackPolicy(
  policy: StackValidationPolicy,
  resources: TestResource[],
  config: Record<string, unknown> = {},
): Promise<Outcome> {
  const policyResources: PolicyResource[] = resources.map((r, i) => ({
    type: r.type,
    name: r.name ?? `res-${i}`,
    urn: urnOf(r, i),
    props: unknownCheckingProxy(r.props),
    opts: options(r.protect),
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  const args: StackValidationArgs = {
    resources: policyResources,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
  return collect((report) => policy.validateStack(args, report));
}

/**
 * A deep copy to mutate one field of a fixture per case. Not structuredClone: under jest it
 * returns objects of another realm, which fail the proxy's `instanceof Object` and so would
 * never be checked for unknown values.
 */
export function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => clone(v)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)])) as T;
  }
  return value;
}

export const REMOVE = Symbol("remove");

/**
 * A copy of `resource` with the dotted `path` (numeric segments index arrays) set to `value`,
 * or deleted with REMOVE; missing objects on the way are created.
 */
export function set(resource: TestResource, path: string, value: unknown): TestResource {
  const copy = clone(resource);
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
  const copy = clone(resource);
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
