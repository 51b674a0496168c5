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
 * Not reproduced (docs/command-provider.md): `assetPaths`/`archivePaths` and the `assets` and
 * `archive` outputs (refused by check, so a program that needs them fails loudly), the
 * `local:run` invoke and everything under `command:remote:*`, the exact detailed diff upstream's
 * framework reports (this one reports which properties changed and which replace, nothing
 * finer), the schema (GetSchema answers `{}`), and graceful cancellation: on cancel each running
 * command's process group is killed (SIGKILL; upstream's context cancellation kills only the
 * direct child) and the operation fails, with no partial state kept.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import type * as provider from "@pulumi/pulumi/provider";

/** The one resource type this provider serves. */
export const COMMAND_TYPE = "command:local:Command";
/** What every report of this provider calls it. */
export const STAND_IN_NOTICE =
  "resource-command: the nightscout-stack project's stand-in for pulumi-command (tools/command-provider), not the real provider";

// The engine's wire markers (sdk/go/common/resource/properties.go), as the Node SDK's
// runtime/rpc.ts spells them. Spelled out here so the provider loads only the server.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const PREVIOUS_STDOUT = "PULUMI_COMMAND_STDOUT";
const PREVIOUS_STDERR = "PULUMI_COMMAND_STDERR";
const DEFAULT_INTERPRETER = ["/bin/sh", "-c"];
const LOGGING = ["stdout", "stderr", "stdoutAndStderr", "none"] as const;
type Logging = (typeof LOGGING)[number];

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

/** A property value as the provider server hands it over (Struct.toJavaScript). */
type Wire = unknown;
type WireMap = Record<string, Wire>;

/** The plain inputs of one run, secrets revealed. */
export interface CommandInputs {
  create?: string;
  update?: string;
  delete?: string;
  dir?: string;
  environment?: Record<string, string>;
  interpreter?: string[];
  stdin?: string;
  logging?: Logging;
  addPreviousOutputInEnv?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

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

function isObject(v: Wire): v is WireMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isSecretWrapper(v: Wire): v is WireMap {
  return isObject(v) && v[SIG_KEY] === SECRET_SIG;
}

function isOutputValue(v: Wire): v is WireMap {
  return isObject(v) && v[SIG_KEY] === OUTPUT_VALUE_SIG;
}

/** Whether `v` holds a secret anywhere. */
export function containsSecret(v: Wire): boolean {
  if (isSecretWrapper(v)) return true;
  if (isOutputValue(v)) return v.secret === true || containsSecret(v.value);
  if (Array.isArray(v)) return v.some(containsSecret);
  if (isObject(v)) return Object.values(v).some(containsSecret);
  return false;
}

/** Whether `v` holds a value the engine does not know yet (only in previews). */
export function containsUnknown(v: Wire): boolean {
  if (v === UNKNOWN) return true;
  if (isSecretWrapper(v)) return containsUnknown(v.value);
  if (isOutputValue(v)) return !("value" in v) || containsUnknown(v.value);
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (isObject(v)) return Object.values(v).some(containsUnknown);
  return false;
}

/** `v` with every secret marker removed: what a command gets to see. */
export function reveal(v: Wire): Wire {
  if (isSecretWrapper(v)) return reveal(v.value);
  if (isOutputValue(v)) return reveal(v.value);
  if (Array.isArray(v)) return v.map(reveal);
  if (isObject(v)) {
    const out: WireMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = reveal(x);
    return out;
  }
  return v;
}

/** `v` wrapped as a secret for the engine. */
export function secretWire(v: Wire): WireMap {
  return { [SIG_KEY]: SECRET_SIG, value: v };
}

/** A canonical text of a revealed value, so key order does not count as a change. */
function canonical(v: Wire): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  }
  return v === undefined ? "null" : JSON.stringify(v);
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
        `${key} is not supported by the project's stand-in for pulumi-command (tools/command-provider, docs/command-provider.md); collect the files in the command itself`,
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

/** Removes one trailing newline, as upstream does (strings.TrimSuffix(s, "\n")). */
function trimOneNewline(s: string): string {
  return s.endsWith("\n") ? s.slice(0, -1) : s;
}

/** Splits a stream into lines for the engine log, keeping a partial line for the next chunk. */
class LineSplitter {
  private pending = "";
  constructor(private readonly emit: (line: string) => void) {}
  push(chunk: string): void {
    const lines = (this.pending + chunk).split("\n");
    this.pending = lines.pop() ?? "";
    for (const line of lines) this.emit(line);
  }
  end(): void {
    if (this.pending !== "") this.emit(this.pending);
    this.pending = "";
  }
}

/**
 * Runs `command` with `inputs` the way upstream's `run` does. `previous` is the stdout and
 * stderr the last run left (update and delete); `children` tracks the process for cancel.
 */
export function runCommand(
  command: string,
  inputs: CommandInputs,
  options: {
    previous?: RunResult;
    baseEnv?: NodeJS.ProcessEnv;
    log?: (line: string) => void;
    children?: Set<ChildProcess>;
  } = {},
): Promise<RunResult> {
  const argv = [
    ...(inputs.interpreter && inputs.interpreter.length > 0
      ? inputs.interpreter
      : DEFAULT_INTERPRETER),
    command,
  ];
  const running = `running ${JSON.stringify(command)}`;
  const cwd = inputs.dir ?? process.cwd();
  if (inputs.dir !== undefined && !isDirectory(inputs.dir)) {
    return Promise.reject(
      new Error(
        `dir ${JSON.stringify(inputs.dir)} does not exist or is not a directory (command:local:Command input "dir"; fix the path or create it first): ${running}`,
      ),
    );
  }
  const env: NodeJS.ProcessEnv = { ...(options.baseEnv ?? process.env), ...inputs.environment };
  if (inputs.addPreviousOutputInEnv !== false && options.previous) {
    if (options.previous.stdout !== "") env[PREVIOUS_STDOUT] = options.previous.stdout;
    if (options.previous.stderr !== "") env[PREVIOUS_STDERR] = options.previous.stderr;
  }
  const hasStdin = inputs.stdin !== undefined && inputs.stdin !== "";
  const logging = inputs.logging ?? "stdoutAndStderr";
  const logStdout = logging === "stdout" || logging === "stdoutAndStderr";
  const logStderr = logging === "stderr" || logging === "stdoutAndStderr";

  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(argv[0], argv.slice(1), {
        cwd,
        env,
        stdio: [hasStdin ? "pipe" : "ignore", "pipe", "pipe"],
        // Its own process group, so that cancel can stop what the shell started too: a child
        // left behind would hold the output pipes open and the run would never end.
        detached: true,
      });
    } catch (e) {
      reject(new Error(`${(e as Error).message}: ${running}`));
      return;
    }
    options.children?.add(child);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const combined: Buffer[] = [];
    const outLines = new LineSplitter((l) => options.log?.(l));
    const errLines = new LineSplitter((l) => options.log?.(l));
    child.stdout?.on("data", (b: Buffer) => {
      stdout.push(b);
      combined.push(b);
      if (logStdout) outLines.push(b.toString("utf8"));
    });
    child.stderr?.on("data", (b: Buffer) => {
      stderr.push(b);
      combined.push(b);
      if (logStderr) errLines.push(b.toString("utf8"));
    });
    if (hasStdin && child.stdin) {
      // A command that exits without reading its input must not fail the run with EPIPE.
      child.stdin.on("error", () => undefined);
      child.stdin.end(inputs.stdin);
    }
    let spawnError: Error | undefined;
    child.on("error", (e: NodeJS.ErrnoException) => {
      spawnError =
        e.code === "ENOENT"
          ? new Error(
              `exec: ${JSON.stringify(argv[0])}: executable file not found (command:local:Command input "interpreter", or PATH)`,
            )
          : e;
    });
    child.on("close", (code, signal) => {
      options.children?.delete(child);
      outLines.end();
      errLines.end();
      const all = Buffer.concat(combined).toString("utf8");
      if (spawnError) {
        reject(new Error(`${spawnError.message}: ${running}:\n${all}`));
      } else if (code !== 0) {
        const status = signal ? `signal: ${signal}` : `exit status ${code}`;
        reject(new Error(`${status}: ${running}:\n${all}`));
      } else {
        resolve({
          stdout: trimOneNewline(Buffer.concat(stdout).toString("utf8")),
          stderr: trimOneNewline(Buffer.concat(stderr).toString("utf8")),
        });
      }
    });
  });
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
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
