/**
 * The command line of `npm run migrate`. Connection strings never come from here: arguments
 * show in `ps`, in shell history and in CI logs. `--from` and `--to` only say where to read
 * one (`env:NAME` or `file:PATH`), and no message ever quotes an argument that could be a
 * URI.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { MONGODB_URI_SCHEME } from "../domain";

export const NIGHTSCOUT_COLLECTIONS = [
  "entries",
  "treatments",
  "devicestatus",
  "profile",
  "food",
  "activity",
  "auth_roles",
  "auth_subjects",
] as const;

export const DEFAULT_BATCH_SIZE = 1000;
/** The share of a collection on the target that --carry-deletes removes without --confirm-deletes. */
export const DELETE_CAP_PERCENT = 10;
const DELETE_CAP_PERCENT_TEXT = `${DELETE_CAP_PERCENT} %`;
const MAX_BATCH_SIZE = 10_000;
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const COLLECTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export const USAGE = `usage: npm run migrate -- --stack <name> --from env:<VAR>|file:<path> [options]
  --stack <name>          the stack whose FerretDB receives the data (through kubectl port-forward)
  --from env:VAR|file:P   where to read the source MongoDB URI (never the URI itself)
  --to env:VAR|file:P     a direct target URI instead of the port-forward
  --kube-context <ctx>    kubeconfig context for the port-forward
  --collections a,b       more collections to copy besides Nightscout's own
  --skip-collections a,b  source collections to leave behind (never Nightscout's own); every
                          source collection must be copied or skipped, else exit 64
  --skip-invalid          put documents the target refuses in the dead-letter file and go on
  --carry-deletes         remove from the target what the migration copied and the source has
                          deleted since (saved first to <state-dir>/removed/); documents it
                          never copied are never removed. For the final pass
  --confirm-deletes <n>   with --carry-deletes: let a collection lose up to n documents even
                          beyond ${DELETE_CAP_PERCENT_TEXT} of it (the run refuses otherwise)
  --dry-run               count and size the source, estimate the time, write nothing
  --state-dir <dir>       resume state, dead letters and report (default .migrate/<stack>)
  --batch-size <n>        documents per batch (default ${DEFAULT_BATCH_SIZE})`;

export interface UriSource {
  kind: "env" | "file";
  /** The variable's name or the file's path: safe to show. */
  name: string;
}

export interface MigrateOptions {
  stack: string;
  from: UriSource;
  to?: UriSource;
  kubeContext?: string;
  collections: string[];
  /** Source collections the operator chose to leave behind (--skip-collections). */
  skipCollections: string[];
  skipInvalid: boolean;
  /** Remove from the target the copied documents the source no longer has (--carry-deletes). */
  carryDeletes: boolean;
  /** Documents a collection may lose beyond the cap (--confirm-deletes); 0 when not given. */
  confirmDeletes: number;
  dryRun: boolean;
  stateDir: string;
  batchSize: number;
}

/** `env:NAME` or `file:PATH`; a string is the usage error. */
export function parseUriSource(flag: string, value: string): UriSource | string {
  if (MONGODB_URI_SCHEME.test(value) || value.includes("@")) {
    return (
      `${flag} takes where to read the URI, not the URI: put it in an environment variable ` +
      `(${flag} env:NAME) or a file readable only by you (${flag} file:PATH)`
    );
  }
  const match = /^(env|file):(.+)$/.exec(value);
  // The value is not quoted: a mistyped password is as likely here as a mistyped name.
  if (!match) return `${flag} must be env:NAME or file:PATH`;
  const kind = match[1] as "env" | "file";
  if (kind === "env" && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(match[2])) {
    // Not quoted: what follows env: may be a pasted password.
    return `${flag} env:NAME needs a variable name (letters, digits and _, not starting with a digit)`;
  }
  return { kind, name: match[2] };
}

/** Reads the URI a UriSource points at; a string `error` is the usage error. */
export function readUri(
  flag: string,
  source: UriSource,
  env: Readonly<Record<string, string | undefined>>,
): { uri: string } | { error: string } {
  if (source.kind === "env") {
    const value = env[source.name];
    if (!value) return { error: `${flag} env:${source.name}: the variable is not set or empty` };
    return { uri: value.trim() };
  }
  let text: string;
  try {
    text = fs.readFileSync(source.name, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    // The path is not shown: a file argument is as likely as any to be a pasted secret.
    return { error: `${flag} file:PATH: the file given cannot be read (${code})` };
  }
  const uri = text.trim();
  if (!uri) return { error: `${flag} file:${source.name} is empty` };
  if (uri.includes("\n")) {
    return {
      error: `${flag} file:${source.name} holds more than one line: put only the URI in it`,
    };
  }
  return { uri };
}

const OPTIONS = {
  stack: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  "kube-context": { type: "string" },
  collections: { type: "string" },
  "skip-collections": { type: "string" },
  "skip-invalid": { type: "boolean" },
  "carry-deletes": { type: "boolean" },
  "confirm-deletes": { type: "string" },
  "dry-run": { type: "boolean" },
  "state-dir": { type: "string" },
  "batch-size": { type: "string" },
  help: { type: "boolean" },
} as const;

/** A comma-separated list of collection names; a string is the usage error, naming entries by place. */
function collectionList(flag: string, value: unknown): string[] | string {
  const names = (typeof value === "string" ? value : "")
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c);
  const bad = names.findIndex((name) => !COLLECTION_NAME.test(name) || name.startsWith("system."));
  if (bad >= 0) {
    return `${flag}: entry ${bad + 1} is not a collection the migration copies (no '$', no system.*)`;
  }
  return names;
}

/** Parses argv (without node and the script); a string is the usage error, quoting no URI. */
export function parseCommandLine(
  argv: readonly string[],
  cwd = process.cwd(),
): MigrateOptions | string | "help" {
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: false }>
  >;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: false,
    });
  } catch {
    return "the command line could not be parsed";
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const unknown = Object.keys(values).filter((k) => !(k in OPTIONS));
  if (unknown.length > 0) {
    // An option's name is shown only if it looks like one: anything else may be a secret.
    return `unknown option${unknown.length > 1 ? "s" : ""}: ${unknown
      .map((k) => (/^[a-z][a-z-]{0,29}$/.test(k) ? `--${k}` : "<hidden>"))
      .join(", ")}`;
  }
  if (positionals.length > 0) {
    // Never echo them: the likeliest positional argument is a pasted URI.
    return (
      `migrate takes no positional arguments (got ${positionals.length}); ` +
      "the source URI is read from --from env:NAME or --from file:PATH"
    );
  }
  for (const flag of [
    "stack",
    "from",
    "to",
    "kube-context",
    "collections",
    "skip-collections",
    "state-dir",
    "batch-size",
    "confirm-deletes",
  ] as const) {
    if (values[flag] === true) return `--${flag} needs a value`;
  }
  const stack = values.stack as string | undefined;
  if (!stack) return "--stack is required: the stack whose FerretDB receives the data";
  if (!STACK_NAME.test(stack)) {
    return "--stack is not a stack name: <stack> or <org>/<project>/<stack> (letters, digits, - _ .)";
  }
  const fromRaw = values.from as string | undefined;
  if (!fromRaw)
    return "--from is required: --from env:NAME or --from file:PATH, where the source URI is";
  const from = parseUriSource("--from", fromRaw);
  if (typeof from === "string") return from;
  let to: UriSource | undefined;
  if (values.to !== undefined) {
    const parsedTo = parseUriSource("--to", values.to as string);
    if (typeof parsedTo === "string") return parsedTo;
    to = parsedTo;
  }
  const kubeContext = values["kube-context"] as string | undefined;
  if (to && kubeContext)
    return "--kube-context applies to the port-forward; --to connects directly: give one";
  const extra = collectionList("--collections", values.collections);
  if (typeof extra === "string") return extra;
  const skipped = collectionList("--skip-collections", values["skip-collections"]);
  if (typeof skipped === "string") return skipped;
  const own = skipped.filter((c) => (NIGHTSCOUT_COLLECTIONS as readonly string[]).includes(c));
  if (own.length > 0) {
    return `--skip-collections names ${own.join(", ")}, Nightscout's own: those are always copied`;
  }
  const both = skipped.filter((c) => extra.includes(c));
  if (both.length > 0) {
    return `${both.join(", ")} ${both.length === 1 ? "is" : "are"} in both --collections and --skip-collections: give each collection one of them`;
  }
  const batchRaw = (values["batch-size"] as string | undefined) ?? String(DEFAULT_BATCH_SIZE);
  const batchSize = Number(batchRaw);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    return `--batch-size must be a whole number from 1 to ${MAX_BATCH_SIZE}`;
  }
  const carryDeletes = values["carry-deletes"] === true;
  let confirmDeletes = 0;
  if (values["confirm-deletes"] !== undefined) {
    confirmDeletes = Number(values["confirm-deletes"]);
    if (!Number.isInteger(confirmDeletes) || confirmDeletes < 1) {
      return "--confirm-deletes must be a whole number of documents, 1 or more (the dry run with --carry-deletes shows how many)";
    }
    if (!carryDeletes) {
      return "--confirm-deletes confirms the deletes that --carry-deletes makes: give both, or neither";
    }
  }
  const stateDir = path.resolve(
    cwd,
    (values["state-dir"] as string | undefined) ?? path.join(".migrate", stack.replace(/\//g, "_")),
  );
  return {
    stack,
    from,
    to,
    kubeContext,
    collections: [...new Set([...NIGHTSCOUT_COLLECTIONS, ...extra])],
    skipCollections: [...new Set(skipped)],
    skipInvalid: values["skip-invalid"] === true,
    carryDeletes,
    confirmDeletes,
    dryRun: values["dry-run"] === true,
    stateDir,
    batchSize,
  };
}
