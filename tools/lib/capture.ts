/**
 * The repository's one Pulumi mock harness. It evaluates a program (or builds a single
 * component) under mocks, inside a Stack so stack transformations see each resource's options,
 * which mocks alone never receive, and captures every resource as the policy pack's
 * CapturedResource. The offline policy gate, the stack tests, the component tests, the
 * consumer test and the benchmark all capture through here.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { readStackFile } from "../../config/stack-file";
import type { CapturedResource } from "../../policies/lib/resource";
import { ACCESS_ENV } from "../../access/run";

export type { CapturedResource };

export const PROJECT = "nightscout";
const ROOT = path.resolve(__dirname, "../..");
const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
const STACK = "pulumi:pulumi:Stack";

/** Values that stand in for the secrets an operator sets with `pulumi config set --secret`. */
export const TEST_SECRETS: Readonly<Record<string, string>> = {
  apiSecret: "test-api-secret-0123456789",
  backupAccessKeyId: "TESTACCESSKEYID",
  backupSecretAccessKey: "test-secret-access-key-0123456789",
};

/** Configuration as `pulumi up` hands it to the program: full keys, and which are secret. */
export interface StackConfiguration {
  config: Record<string, string>;
  secretKeys: string[];
}

/**
 * The committed stack file's configuration, plus the secrets it cannot hold in plaintext,
 * plus overrides: the same values `pulumi up` would pass the program.
 */
export function stackConfig(
  stack: string,
  overrides: Record<string, string | undefined> = {},
  secrets: Record<string, string> = {},
): StackConfiguration {
  const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
  // Read as the engine reads it, so the gate sees the values `pulumi up` would (0123 is 83).
  const { config } = readStackFile(fs.readFileSync(file, "utf8"), path.basename(file));
  return configurationOf(config, overrides, secrets);
}

/** The configuration `pulumi up` would hand the program for a stack file's `config:` block. */
export function configurationOf(
  stackFileConfig: Record<string, unknown>,
  overrides: Record<string, string | undefined> = {},
  secrets: Record<string, string> = {},
): StackConfiguration {
  const fullKey = (key: string) => (key.includes(":") ? key : `${PROJECT}:${key}`);
  const config: Record<string, string> = {};
  // Keys whose value the stack file or the caller decides; test secrets never replace them.
  const given = new Set<string>();
  for (const [key, value] of Object.entries(stackFileConfig)) {
    // Encrypted values cannot be read here: a test secret stands in for them below.
    if (typeof value === "object" && value !== null && "secure" in value) continue;
    // A plaintext value stays plaintext, so the program refuses a plaintext secret as it would.
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
    given.add(key);
  }
  for (const [key, value] of Object.entries(overrides)) {
    given.add(fullKey(key));
    if (value === undefined) delete config[fullKey(key)];
    else config[fullKey(key)] = value;
  }
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(secrets)) {
    given.add(fullKey(key));
    config[fullKey(key)] = value;
    secretKeys.push(fullKey(key));
  }
  // Backup credentials only where the stack uses an object store, as an operator would.
  const usesObjectStore =
    config[`${PROJECT}:backupDestinationPath`] || config[`${PROJECT}:restoreFromServerName`];
  for (const [key, value] of Object.entries(TEST_SECRETS)) {
    if (key.startsWith("backup") && !usesObjectStore) continue;
    if (given.has(fullKey(key))) continue;
    config[fullKey(key)] = value;
    secretKeys.push(fullKey(key));
  }
  return { config, secretKeys };
}

/** What the mocks answer for one registration: its id and its state (the outputs). */
export interface MockResponse {
  id?: string;
  state: Record<string, unknown>;
}

/**
 * Answers a registration the default (state = inputs) can't, e.g. a StackReference's outputs
 * or a command's stdout; undefined keeps the default.
 */
export type MockResponder = (args: pulumi.runtime.MockResourceArgs) => MockResponse | undefined;

/** One registration as the engine would receive it. */
export interface MockRegistration {
  type: string;
  name: string;
  custom: boolean;
  /** The provider reference it went through (`<urn>::<id>`), if any. */
  provider?: string;
  /** Serialized inputs: a secret is still wrapped (read it with `secretInput`). */
  inputs: Record<string, unknown>;
}

export interface CaptureOptions<T> {
  /** Registers the resources: imports a program, or constructs one component. */
  loadProgram: () => T | Promise<T>;
  project?: string;
  stack?: string;
  configuration?: StackConfiguration;
  respond?: MockResponder;
  /** Answers a function call (an invoke: `local.runOutput`); default: `defaultCallAnswer`. */
  respondCall?: (
    args: pulumi.runtime.MockCallArgs,
  ) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Evaluate as a preview (`pulumi.runtime.isDryRun()` true); default an update. */
  preview?: boolean;
}

export interface CaptureResult<T> {
  /** Every resource the program constructed, in construction order. */
  resources: CapturedResource[];
  /** What loadProgram returned: a program's module exports (the stack outputs), as Outputs. */
  outputs: T;
  /** What the mocks received for the program's resources during the capture, in arrival order. */
  registrations: MockRegistration[];
  /** The result the mocks generated for each RandomPassword, by resource name. */
  generatedPasswords: ReadonlyMap<string, string>;
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

/** The stand-in a RandomPassword generates: stable per name, so runs compare equal. */
function mockPassword(name: string): string {
  return "mock-password-" + name.replace(/[^a-z0-9]/gi, "").slice(-12);
}

/** A resource as the stack transformation saw it: its inputs and options unresolved. */
interface Constructed {
  type: string;
  name: string;
  resource: pulumi.Resource;
  props: pulumi.Inputs;
  opts: pulumi.CustomResourceOptions;
}

const urnOf = (r: pulumi.Resource): Promise<string> =>
  new Promise<string>((resolve) => r.urn.apply(resolve));

/** How long registrations may take to reach the mocks once the program returned. */
const SETTLE_DEADLINE_MS = 30_000;

/**
 * Resolves once every RPC the runtime started has been answered: registrations, and the
 * outputs components and the Stack register afterwards. The SDK's own drain (what `disconnect`
 * waits on); it is internal, so its absence fails loudly rather than racing the next capture's
 * mocks with this one's late RPCs.
 */
function rpcsDrained(): Promise<void> {
  const { waitForRPCs } = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (typeof waitForRPCs !== "function") {
    throw new Error("@pulumi/pulumi no longer exports runtime.waitForRPCs: find its successor");
  }
  return waitForRPCs();
}

/**
 * Every resource the program constructed has its URN (the mocks answered its registration) and
 * no RPC is left, so nothing more can arrive. Names what is missing after the deadline.
 */
async function settled(resources: readonly Constructed[]) {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const names = resources.map((r) => `${r.type}::${r.name}`).join(", ");
      reject(new Error(`registrations unanswered after ${SETTLE_DEADLINE_MS} ms among: ${names}`));
    }, SETTLE_DEADLINE_MS);
    timer.unref();
  });
  const answered = Promise.all(resources.map((r) => urnOf(r.resource))).then(rpcsDrained);
  try {
    await Promise.race([answered, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

let capturing = false;

/**
 * Evaluates `loadProgram` under mocks and captures every resource it registers. Rethrows what
 * loadProgram throws, once whatever it registered before has settled. One capture at a time:
 * the Pulumi runtime is process-global. `loadProgram` runs on every capture, so it should call
 * the program (index.ts exports it as a function) rather than import a module, which runs once
 * per module registry.
 */
/**
 * What a function call answers unless the capture says otherwise: its inputs, echoed. The one
 * exception is the access reconciler's run (components/access.ts), which under mocks has no
 * Nightscout to reach: it answers as a run that found every declared subject in place, each
 * with a made-up `_id` derived from its name (this harness's, no Nightscout's), so the links and
 * the exporter's token have values a test can recompute with accessToken.
 */
export function defaultCallAnswer(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
  const environment = (args.inputs as { environment?: Record<string, string> }).environment;
  const declaration = environment?.[ACCESS_ENV.declaration];
  if (declaration === undefined) return args.inputs;
  const { subjects } = JSON.parse(declaration) as { subjects: { name: string }[] };
  return {
    ...args.inputs,
    stdout: JSON.stringify({
      subjects: subjects.map(({ name }) => ({ name, _id: capturedSubjectId(name) })),
      pending: [],
    }),
    stderr: "",
  };
}

/** The `_id` defaultCallAnswer gives a declared subject. */
export function capturedSubjectId(name: string): string {
  return createHash("sha1").update(`capture:${name}`).digest("hex").slice(0, 24);
}

export async function capture<T>(options: CaptureOptions<T>): Promise<CaptureResult<T>> {
  if (capturing) throw new Error("capture: another capture is running; the runtime is global");
  capturing = true;
  try {
    return await captureAlone(options);
  } finally {
    capturing = false;
  }
}

async function captureAlone<T>(options: CaptureOptions<T>): Promise<CaptureResult<T>> {
  const registrations: MockRegistration[] = [];
  const generatedPasswords = new Map<string, string>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        // The Stack is the harness's, not the program's.
        if (args.type !== STACK) {
          registrations.push({
            type: args.type,
            name: args.name,
            custom: args.custom ?? false,
            provider: args.provider,
            inputs: args.inputs,
          });
        }
        const answer = options.respond?.(args);
        if (answer) return { id: answer.id ?? `${args.name}-id`, state: answer.state };
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === RANDOM_PASSWORD) {
          const password = mockPassword(args.name);
          // The engine keeps a RandomPassword's result secret (additionalSecretOutputs), which
          // mocks never see: answer it as a secret, so secrecy tests see what the engine does.
          state.result = pulumi.secret(password);
          generatedPasswords.set(args.name, password);
        }
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        return options.respondCall ? options.respondCall(args) : defaultCallAnswer(args);
      },
    },
    options.project ?? PROJECT,
    options.stack ?? "test",
    options.preview ?? false,
  );
  const configuration = options.configuration ?? { config: {}, secretKeys: [] };
  pulumi.runtime.setAllConfig(configuration.config, configuration.secretKeys);

  const constructed: Constructed[] = [];
  let outputs: T | undefined;
  let failure: { error: unknown } | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      constructed.push({ ...args, opts: args.opts as pulumi.CustomResourceOptions });
      return undefined;
    });
    // Caught here, not around the Stack: a Stack whose init rejects leaves rejections nobody
    // handles, which ends a jest worker or the process.
    try {
      outputs = await options.loadProgram();
    } catch (error) {
      failure = { error };
    }
    return undefined;
  });
  await settled(constructed);
  if (failure) throw failure.error;

  const resources: CapturedResource[] = [];
  for (const c of constructed) resources.push(await captured(c));
  return {
    resources,
    outputs: outputs as T,
    registrations: [...registrations],
    generatedPasswords: new Map(generatedPasswords),
  };
}

async function captured(c: Constructed): Promise<CapturedResource> {
  const dependsOn = c.opts.dependsOn ? await resolveDeep(c.opts.dependsOn) : [];
  const dependsOnList = (Array.isArray(dependsOn) ? dependsOn : [dependsOn]).filter(
    (d): d is pulumi.Resource => pulumi.Resource.isInstance(d),
  );
  // The SDK keeps a resource's aliases as URNs; the engine hands policies the same.
  const aliases = (c.resource as unknown as { __aliases?: pulumi.Input<string>[] }).__aliases;
  return {
    type: c.type,
    name: c.name,
    urn: await urnOf(c.resource),
    props: ((await resolveDeep(c.props)) ?? {}) as Record<string, unknown>,
    opts: {
      protect: c.opts.protect,
      retainOnDelete: c.opts.retainOnDelete,
      parent: c.opts.parent ? await urnOf(c.opts.parent) : undefined,
      dependsOn: await Promise.all(dependsOnList.map(urnOf)),
      aliases: (await resolveDeep(aliases ?? [])) as string[],
      ignoreChanges: c.opts.ignoreChanges,
      deleteBeforeReplace: c.opts.deleteBeforeReplace,
      additionalSecretOutputs: c.opts.additionalSecretOutputs,
    },
    custom: pulumi.CustomResource.isInstance(c.resource),
  };
}

/** index.ts, loaded on first use: most captures are of components, not of the whole program. */
function stackProgram(): typeof import("../../index") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../../index") as typeof import("../../index");
}

/**
 * Evaluates the program (index.ts) for a stack: its committed config, test secrets, overrides.
 * index.ts exports the stack as a function, so this may run any number of times in one module
 * registry (one capture at a time).
 */
export async function captureStack(
  stack: string,
  overrides: Record<string, string | undefined> = {},
  secrets: Record<string, string> = {},
): Promise<CaptureResult<Record<string, unknown>>> {
  return capture({
    stack,
    configuration: stackConfig(stack, overrides, secrets),
    loadProgram: () => stackProgram()() as unknown as Record<string, unknown>,
  });
}

/** Reads an Output's value (and whether it is secret) under mocks. */
export async function outputValue<T>(
  output: pulumi.Output<T>,
): Promise<{ value: T; secret: boolean }> {
  const value = await new Promise<T>((resolve) => output.apply(resolve));
  const secret = await (output as unknown as { isSecret: Promise<boolean> }).isSecret;
  return { value, secret };
}

/** A registration's input as the engine receives it: the value, and whether it was secret. */
export function secretInput(input: unknown): { secret: boolean; value: unknown } {
  const wrapped = input as Record<string, unknown> | undefined;
  if (wrapped?.[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
    return { secret: true, value: wrapped.value };
  }
  return { secret: false, value: input };
}
