/**
 * The nightscout-stack project's STAND-IN for pulumi-command's `command:local:Command`; it is
 * not pulumi-command. No package registry serves pulumi-command's provider (the Go module
 * `github.com/pulumi/pulumi-command/provider` is refused with 403; npm and PyPI carry SDKs
 * only), so the project answers for that resource type itself, on the Node SDK's provider
 * server. The program uses `@pulumi/command` 1.2.1's `local.Command`; this follows that
 * release's behaviour wherever the program relies on it:
 *
 * - the command runs as `interpreter + [command]`, `["/bin/sh", "-c"]` by default, in `dir`
 *   (default: the provider's working directory), with `environment` laid over the provider's
 *   own environment and `stdin` (when not empty) as standard input;
 * - `create` runs on create (and so on a replacement), `update` on an update, or `create` when
 *   there is no `update`; `delete` runs on delete with the state the last create or update left;
 * - with `addPreviousOutputInEnv` (default true), update and delete see the previous run's
 *   non-empty stdout and stderr as PULUMI_COMMAND_STDOUT and PULUMI_COMMAND_STDERR;
 * - stdout and stderr become outputs, each with one trailing newline removed;
 * - a non-zero exit fails the operation with `exit status N: running "<command>":` followed by
 *   the command's combined output, as upstream words it;
 * - a change of `triggers` replaces the resource (create the new one, then delete the old one:
 *   upstream sets no delete-before-replace); any other input change is an update;
 * - `logging` picks which of stdout and stderr stream to the engine (default both), line by
 *   line as ephemeral info messages on the resource;
 * - nothing runs during preview (the server does not claim preview support, so the engine never
 *   calls create or update in a preview);
 * - when any input holds a secret, stdout and stderr are secret; inputs come back in the state
 *   with their secrets still marked. `additionalSecretOutputs` is the engine's business and
 *   works as with any provider.
 *
 * `command:local:run` (`local.runOutput`) runs its command on every call, previews included,
 * with the same inputs and the same output as a Command's create.
 *
 * Not reproduced (docs/command-provider.md): `assetPaths`/`archivePaths` and the `assets` and
 * `archive` outputs (refused by check, so a program that needs them fails loudly), everything
 * under `command:remote:*`, the exact detailed diff upstream's
 * framework reports (this one reports which properties changed and which replace, nothing
 * finer), the schema (GetSchema answers `{}`), and graceful cancellation: on cancel each running
 * command's process group is killed (SIGKILL; upstream's context cancellation kills only the
 * direct child) and the operation fails, with no partial state kept.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type * as provider from "@pulumi/pulumi/provider";
import {
  type Wire,
  type WireMap,
  canonical,
  containsSecret,
  containsUnknown,
  isObject,
  reveal,
  secretWire,
  UNKNOWN,
} from "./wire";

export { containsSecret, containsUnknown, reveal, secretWire } from "./wire";
import { type CommandInputs, LOGGING, type Logging, type RunResult, runCommand } from "./run";

export { type CommandInputs, type RunResult, runCommand } from "./run";

/** The one resource type this provider serves, and its one function. */
export const COMMAND_TYPE = "command:local:Command";
export const RUN_TOKEN = "command:local:run";
/** What every report of this provider calls it. */
export const STAND_IN_NOTICE =
  "resource-command: the nightscout-stack project's stand-in for pulumi-command (tools/parts/command-provider), not the real provider";

/** The inputs of `command:local:Command` that this provider understands, in diff order. */
const INPUT_KEYS = [
  "create",
  "update",
  "delete",
  "dir",
  "environment",
  "interpreter",
  "stdin",
  "logging",
  "addPreviousOutputInEnv",
  "triggers",
] as const;
/** Inputs upstream has and this stand-in refuses rather than silently ignore. */
const UNSUPPORTED_KEYS = ["assetPaths", "archivePaths"] as const;
/** Changes to these replace the resource; the SDK also sets replaceOnChanges: ["triggers[*]"]. */
const REPLACE_KEYS = ["triggers"];

export interface CommandProviderOptions {
  /** Reported by GetPluginInfo: the plugin directory's version (resource-command-v<version>). */
  version: string;
  /** Receives each logged line of a command's output, with the resource's URN. */
  log?: (urn: string, line: string) => void;
  /**
   * Called once, at the first check of a run (previews too), with that resource's URN: where the
   * provider tells the engine's user that it is the project's stand-in.
   */
  announce?: (urn: string) => void;
  /** The environment commands start from; default process.env at the time of each run. */
  baseEnv?: () => NodeJS.ProcessEnv;
}

/** The resource's name, the last part of its URN. */
function urnName(urn: string): string {
  const parts = urn.split("::");
  return parts[parts.length - 1] || "command";
}

/** The check failures of `news`, each naming the input and the fix. */
export function checkInputs(news: WireMap): provider.CheckFailure[] {
  const failures: provider.CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const known = (v: Wire) => v !== undefined && v !== null && !containsUnknown(v);
  for (const key of ["create", "update", "delete", "dir", "stdin"] as const) {
    const v = reveal(news[key]);
    if (known(v) && typeof v !== "string") {
      fail(key, `${key} must be a string (the text of a shell command or a path), not ${typeof v}`);
    }
  }
  const env = reveal(news.environment);
  if (known(env)) {
    if (!isObject(env)) {
      fail("environment", "environment must be a map of variable names to string values");
    } else {
      for (const [name, value] of Object.entries(env)) {
        if (value !== UNKNOWN && typeof value !== "string") {
          fail(
            `environment.${name}`,
            `environment.${name} must be a string, not ${typeof value}: pass String(value)`,
          );
        }
        if (name === "" || name.includes("=") || name.includes("\0")) {
          fail(`environment.${name}`, `${JSON.stringify(name)} is not a valid variable name`);
        }
      }
    }
  }
  const interpreter = reveal(news.interpreter);
  if (known(interpreter)) {
    if (!Array.isArray(interpreter) || interpreter.some((a) => typeof a !== "string")) {
      fail(
        "interpreter",
        'interpreter must be a list of strings, the program and its arguments, e.g. ["/bin/bash", "-c"]',
      );
    }
  }
  const logging = reveal(news.logging);
  if (known(logging) && !LOGGING.includes(logging as Logging)) {
    fail(
      "logging",
      `logging ${JSON.stringify(logging)} is not one of ${LOGGING.map((l) => JSON.stringify(l)).join(", ")}`,
    );
  }
  const addPrevious = reveal(news.addPreviousOutputInEnv);
  if (known(addPrevious) && typeof addPrevious !== "boolean") {
    fail("addPreviousOutputInEnv", "addPreviousOutputInEnv must be true or false");
  }
  const triggers = news.triggers;
  if (triggers !== undefined && triggers !== null && triggers !== UNKNOWN) {
    if (!Array.isArray(reveal(triggers))) fail("triggers", "triggers must be a list");
  }
  for (const key of UNSUPPORTED_KEYS) {
    if (news[key] !== undefined && news[key] !== null) {
      fail(
        key,
        `${key} is not supported by the project's stand-in for pulumi-command (tools/parts/command-provider, docs/command-provider.md); collect the files in the command itself`,
      );
    }
  }
  return failures;
}

/** The revealed inputs of `props`; only call after checkInputs passed and nothing is unknown. */
function inputsOf(props: WireMap): CommandInputs {
  const plain = reveal(props) as WireMap;
  const pick = <T>(key: string): T | undefined =>
    plain[key] === null || plain[key] === undefined ? undefined : (plain[key] as T);
  return {
    create: pick("create"),
    update: pick("update"),
    delete: pick("delete"),
    dir: pick("dir"),
    environment: pick("environment"),
    interpreter: pick("interpreter"),
    stdin: pick("stdin"),
    logging: pick("logging"),
    addPreviousOutputInEnv: pick("addPreviousOutputInEnv"),
  };
}

/** The part of `props` that are inputs, as received (secret markers kept). */
function echoInputs(props: WireMap): WireMap {
  const out: WireMap = {};
  for (const key of INPUT_KEYS) {
    if (props[key] !== undefined && props[key] !== null) out[key] = props[key];
  }
  return out;
}

function requireCommandType(urn: string): void {
  const type = urn.split("::")[2]?.split("$").pop();
  if (type !== COMMAND_TYPE) {
    throw new Error(
      `${STAND_IN_NOTICE}: it serves only ${COMMAND_TYPE}, not ${JSON.stringify(type)} (${urn})`,
    );
  }
}

function requireKnown(urn: string, props: WireMap, operation: string): void {
  if (containsUnknown(props)) {
    throw new Error(
      `${operation} of ${urn} got inputs that are not known yet; the engine only sends those in a preview`,
    );
  }
}

/** The state after a run: the inputs as received, stdout and stderr secret when any input is. */
function stateOf(props: WireMap, result: RunResult, secret: boolean): WireMap {
  const wrap = (s: string) => (secret ? secretWire(s) : s);
  return { ...echoInputs(props), stdout: wrap(result.stdout), stderr: wrap(result.stderr) };
}

function previousOf(props: WireMap): RunResult {
  const s = reveal(props.stdout);
  const e = reveal(props.stderr);
  return { stdout: typeof s === "string" ? s : "", stderr: typeof e === "string" ? e : "" };
}

/** The provider for `command:local:Command`, for `@pulumi/pulumi/provider`'s `main`. */
export function commandProvider(options: CommandProviderOptions): provider.Provider & {
  /** The commands running now (tests and cancel). */
  readonly children: Set<ChildProcess>;
} {
  const children = new Set<ChildProcess>();
  let announced = false;
  const run = (urn: string, command: string, props: WireMap, previous?: RunResult) =>
    runCommand(command, inputsOf(props), {
      previous,
      baseEnv: options.baseEnv?.(),
      log: options.log ? (line) => options.log?.(urn, line) : undefined,
      children,
    });

  return {
    version: options.version,
    children,

    async check(urn, _olds, news) {
      requireCommandType(urn);
      if (!announced) {
        announced = true;
        options.announce?.(urn);
      }
      const inputs = isObject(news) ? news : {};
      return { inputs, failures: checkInputs(inputs) };
    },

    async diff(_id, urn, olds, news) {
      requireCommandType(urn);
      const changed = INPUT_KEYS.filter((key) => {
        if (containsUnknown(news?.[key])) return true;
        return canonical(reveal(olds?.[key])) !== canonical(reveal(news?.[key]));
      });
      const replaces = changed.filter((k) => REPLACE_KEYS.includes(k));
      return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(urn, inputs: WireMap) {
      requireCommandType(urn);
      requireKnown(urn, inputs, "create");
      const id = `${urnName(urn)}${randomBytes(4).toString("hex")}`;
      const command = reveal(inputs.create);
      const result =
        typeof command === "string" ? await run(urn, command, inputs) : { stdout: "", stderr: "" };
      return { id, outs: stateOf(inputs, result, containsSecret(inputs)) };
    },

    async read(id, _urn, props: WireMap) {
      // Like upstream, the state is all there is to read: a command leaves nothing to look at.
      return { id, props, inputs: echoInputs(props ?? {}) };
    },

    async update(_id, urn, olds: WireMap, news: WireMap) {
      requireCommandType(urn);
      requireKnown(urn, news, "update");
      const update = reveal(news.update);
      const create = reveal(news.create);
      const command = typeof update === "string" ? update : create;
      const previous = previousOf(olds);
      if (typeof command !== "string") {
        // Nothing to run: the last run's output stays, as upstream keeps olds' outputs.
        const secret =
          containsSecret(news) || containsSecret(olds.stdout) || containsSecret(olds.stderr);
        return { outs: stateOf(news, previous, secret) };
      }
      const result = await run(urn, command, news, previous);
      return { outs: stateOf(news, result, containsSecret(news)) };
    },

    async delete(_id, urn, props: WireMap) {
      requireCommandType(urn);
      const command = reveal(props.delete);
      if (typeof command !== "string") return;
      await run(urn, command, props, previousOf(props));
    },

    /**
     * `command:local:run` (what `local.run` and `local.runOutput` call): the command runs on
     * every program run, previews included, as upstream's does; a non-zero exit fails the call.
     */
    async invoke(token: string, inputs: WireMap) {
      if (token !== RUN_TOKEN) {
        throw new Error(`${STAND_IN_NOTICE}: it serves no function but ${RUN_TOKEN}, not ${token}`);
      }
      const plain = (reveal(inputs) ?? {}) as WireMap;
      const failures = checkInputs({ ...plain, create: plain.command, command: undefined });
      if (typeof plain.command !== "string") {
        failures.push({
          property: "command",
          reason: "command must be the text of a shell command",
        });
      }
      if (failures.length > 0) return { failures };
      const result = await runCommand(plain.command as string, inputsOf(plain), {
        baseEnv: options.baseEnv?.(),
        log: options.log ? (line) => options.log?.(RUN_TOKEN, line) : undefined,
        children,
      });
      return { outputs: { ...plain, stdout: result.stdout, stderr: result.stderr } };
    },

    async cancel() {
      for (const child of children) {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
    },
  };
}
