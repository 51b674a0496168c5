import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";

/** One resource the program registered, with its resolved inputs and the options that matter. */
export interface CapturedResource {
  type: string;
  name: string;
  urn: string;
  /** Inputs as the engine would receive them, Outputs resolved. */
  props: Record<string, unknown>;
  opts: {
    protect?: boolean;
    retainOnDelete?: boolean;
    parent?: string;
    dependsOn: string[];
    aliases: number;
  };
  custom: boolean;
}

export interface CaptureResult {
  resources: CapturedResource[];
  /** The program's module exports (stack outputs), still as Outputs. */
  outputs: Record<string, unknown>;
}

export const PROJECT = "nightscout";
const ROOT = path.resolve(__dirname, "..");

/** Values that stand in for the secrets an operator sets with `pulumi config set --secret`. */
export const TEST_SECRETS: Readonly<Record<string, string>> = {
  apiSecret: "test-api-secret-0123456789",
  backupAccessKeyId: "TESTACCESSKEYID",
  backupSecretAccessKey: "test-secret-access-key-0123456789",
};

/**
 * The committed stack file's configuration, plus the secrets it cannot hold in plaintext,
 * plus overrides: the same values `pulumi up` would pass the program.
 */
export function stackConfig(
  stack: string,
  overrides: Record<string, string | undefined> = {},
): { config: Record<string, string>; secretKeys: string[] } {
  const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
  const parsed = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.config ?? {})) {
    if (typeof value === "object" && value !== null && "secure" in value) continue;
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  for (const [key, value] of Object.entries(overrides)) {
    const full = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (value === undefined) delete config[full];
    else config[full] = value;
  }
  // Backup credentials only where the stack uses an object store, as an operator would.
  const usesObjectStore =
    config[`${PROJECT}:backupDestinationPath`] || config[`${PROJECT}:restoreFromServerName`];
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(TEST_SECRETS)) {
    if (key.startsWith("backup") && !usesObjectStore) continue;
    const full = `${PROJECT}:${key}`;
    if (full in overrides || key in overrides) continue;
    config[full] = value;
    secretKeys.push(full);
  }
  return { config, secretKeys };
}

/** Resolves Outputs (and Promises) inside a value, the way the engine serializes inputs. */
async function resolveDeep(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return resolveDeep(
      await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve)),
    );
  }
  if (value instanceof Promise) return resolveDeep(await value);
  if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
  if (value && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const resolved = await resolveDeep(v);
      if (resolved !== undefined) out[k] = resolved;
    }
    return out;
  }
  return value;
}

/**
 * Evaluates the program for a stack under Pulumi mocks and captures every resource it
 * registers. Runs the program inside a Stack so stack transformations see each resource's
 * options, which mocks alone never receive.
 *
 * Must be called once per process (or per jest module registry): the runtime is global.
 */
export async function captureProgram(
  stack: string,
  configuration: { config: Record<string, string>; secretKeys: string[] },
  loadProgram: () => Promise<Record<string, unknown>>,
): Promise<CaptureResult> {
  const registered = new Map<string, Record<string, unknown>>();
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword") {
          state.result = "mock-password-" + args.name.replace(/[^a-z0-9]/gi, "").slice(-12);
        }
        registered.set(`${args.type}::${args.name}`, args.inputs);
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        return args.inputs;
      },
    },
    PROJECT,
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(configuration.config, configuration.secretKeys);

  const captured: {
    type: string;
    name: string;
    resource: pulumi.Resource;
    props: pulumi.Inputs;
    opts: pulumi.ResourceOptions;
  }[] = [];
  let outputs: Record<string, unknown> = {};
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      captured.push({
        type: args.type,
        name: args.name,
        resource: args.resource,
        props: args.props,
        opts: args.opts,
      });
      return undefined;
    });
    outputs = await loadProgram();
    return undefined;
  });

  // Registrations finish asynchronously; wait until every captured resource reached the mocks.
  for (let i = 0; i < 2000 && captured.some((c) => !registered.has(`${c.type}::${c.name}`)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }

  const urnOf = async (r: pulumi.Resource | undefined) =>
    r ? await new Promise<string>((resolve) => r.urn.apply(resolve)) : undefined;
  const resources: CapturedResource[] = [];
  for (const c of captured) {
    const dependsOn = c.opts.dependsOn ? await resolveDeep(c.opts.dependsOn) : [];
    const dependsOnList = (Array.isArray(dependsOn) ? dependsOn : [dependsOn]) as pulumi.Resource[];
    resources.push({
      type: c.type,
      name: c.name,
      urn: (await urnOf(c.resource)) ?? "",
      props: ((await resolveDeep(c.props)) ?? {}) as Record<string, unknown>,
      opts: {
        protect: c.opts.protect,
        retainOnDelete: c.opts.retainOnDelete,
        parent: await urnOf(c.opts.parent),
        dependsOn: (await Promise.all(dependsOnList.map((d) => urnOf(d)))).filter(
          (u): u is string => u !== undefined,
        ),
        aliases: c.opts.aliases?.length ?? 0,
      },
      custom: pulumi.CustomResource.isInstance(c.resource),
    });
  }
  return { resources, outputs };
}

/** Reads an Output's value (and whether it is secret) under mocks. */
export async function outputValue<T>(
  output: pulumi.Output<T>,
): Promise<{ value: T; secret: boolean }> {
  const value = await new Promise<T>((resolve) => output.apply(resolve));
  const secret = await (output as unknown as { isSecret: Promise<boolean> }).isSecret;
  return { value, secret };
}
