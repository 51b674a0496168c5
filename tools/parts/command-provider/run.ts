/**
 * How the command stand-in (provider.ts) runs one command: the interpreter, directory,
 * environment and stdin upstream's `run` gives it, output streamed line by line to the engine
 * and returned with one trailing newline removed, a failure worded as upstream words it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";

const PREVIOUS_STDOUT = "PULUMI_COMMAND_STDOUT";
const PREVIOUS_STDERR = "PULUMI_COMMAND_STDERR";
const DEFAULT_INTERPRETER = ["/bin/sh", "-c"];
export const LOGGING = ["stdout", "stderr", "stdoutAndStderr", "none"] as const;
export type Logging = (typeof LOGGING)[number];

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
