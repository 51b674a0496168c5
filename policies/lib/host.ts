/**
 * Runs one policy the way the engine's analyzer host does (the arguments it builds, values
 * unknown during preview, not-applicable) but outside the engine. The offline evaluator and the
 * policy specs both go through here, so they cannot drift apart.
 */
import type {
  Policies,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy } from "./policy-proxy";
import type { CapturedOptions, CapturedResource } from "./resource";
import { isUnknownValueError } from "./unknowns";

export type Policy = Policies[number];

export interface PolicyReport {
  message: string;
  /** As the engine attributes it: the validated resource, or the URN a stack policy named. */
  urn?: string;
}

/** One validation: of one resource by a resource policy, or of the stack by a stack policy. */
export interface PolicyRun {
  /** The validated resource; undefined for a stack policy. */
  resource?: CapturedResource;
  reports: PolicyReport[];
  /** Why the policy declared itself not applicable (it then reports nothing more). */
  notApplicable?: string;
  /** The message of the UnknownValueError the policy stopped on, during preview. */
  unknown?: string;
}

export interface RunContext {
  /** What `getConfig` returns: the policy's resolved properties. */
  properties: Record<string, unknown>;
  stackTags?: ReadonlyMap<string, string>;
}

function isResourcePolicy(p: Policy): p is ResourceValidationPolicy {
  return (p as ResourceValidationPolicy).validateResource !== undefined;
}

function isStackPolicy(p: Policy): p is StackValidationPolicy {
  return typeof (p as StackValidationPolicy).validateStack === "function";
}

/**
 * A copy in this realm: the unknown-checking proxy wraps only `instanceof Object` values, which
 * objects from another realm (jest's vm, structuredClone) are not. Also keeps policies from
 * mutating what the host was given.
 */
function copy(value: unknown): unknown {
  // Array.from, not map: map builds the result with the source array's own realm's Array.
  if (Array.isArray(value)) return Array.from(value, copy);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
  }
  return value;
}

function checkedProps(props: Record<string, unknown>): Record<string, unknown> {
  return unknownCheckingProxy(copy(props) as Record<string, unknown>);
}

/** The engine's own default reason, for a policy that gives none. */
class NotApplicable extends Error {
  constructor(reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

function policyOptions(opts: CapturedOptions): PolicyResourceOptions {
  return {
    protect: opts.protect ?? false,
    ignoreChanges: opts.ignoreChanges ?? [],
    aliases: opts.aliases ?? [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: opts.additionalSecretOutputs ?? [],
    ...(opts.deleteBeforeReplace !== undefined
      ? { deleteBeforeReplace: opts.deleteBeforeReplace }
      : {}),
    ...(opts.parent !== undefined ? { parent: opts.parent } : {}),
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
    const parent = r.opts.parent !== undefined ? byUrn.get(r.opts.parent) : undefined;
    if (parent) result[i].parent = parent;
    result[i].dependencies = r.opts.dependsOn
      .map((urn) => byUrn.get(urn))
      .filter((d): d is PolicyResource => d !== undefined);
  });
  return result;
}

/**
 * Runs one validation and records what it did. Any error other than not-applicable or an
 * unknown value fails the run with the policy (and resource) named, as the engine fails the
 * preview.
 */
async function recordRun(
  policy: Policy,
  resource: CapturedResource | undefined,
  validate: (report: (message: string, urn?: string) => void) => Promise<void> | void,
): Promise<PolicyRun> {
  const run: PolicyRun = { resource, reports: [] };
  try {
    await validate((message, urn) => run.reports.push({ message, urn: resource?.urn ?? urn }));
  } catch (error) {
    if (error instanceof NotApplicable) run.notApplicable = error.message;
    else if (isUnknownValueError(error)) run.unknown = error.message;
    else {
      const where = resource ? ` on ${resource.urn}` : "";
      throw new Error(`Policy ${policy.name} failed${where}: ${String(error)}`, { cause: error });
    }
  }
  return run;
}

/**
 * Runs `policy` over `resources`: a resource policy once per resource and validation, a stack
 * policy once over all of them. Enforcement levels are the caller's business.
 */
export async function runPolicy(
  policy: Policy,
  resources: readonly CapturedResource[],
  context: RunContext,
): Promise<PolicyRun[]> {
  const stackTags = context.stackTags ?? new Map<string, string>();
  const getConfig = <T extends object>() => ({ ...context.properties }) as T;
  const runs: PolicyRun[] = [];
  if (isResourcePolicy(policy) && policy.validateResource) {
    const validations = [policy.validateResource].flat();
    for (const r of resources) {
      for (const validation of validations) {
        const args: ResourceValidationArgs = {
          type: r.type,
          name: r.name,
          urn: r.urn,
          props: checkedProps(r.props),
          opts: policyOptions(r.opts),
          stackTags,
          isType: noClassMatch,
          asType: () => undefined,
          getConfig,
          notApplicable,
        };
        runs.push(await recordRun(policy, r, (report) => validation(args, report)));
      }
    }
  } else if (isStackPolicy(policy)) {
    const args: StackValidationArgs = {
      resources: stackResources(resources),
      stackTags,
      getConfig,
      notApplicable,
    };
    runs.push(await recordRun(policy, undefined, (report) => policy.validateStack(args, report)));
  }
  return runs;
}
