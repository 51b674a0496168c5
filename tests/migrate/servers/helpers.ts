/**
 * What the migration's server tests share: a source and a target started from the project's
 * integration harness (FerretDB v1.24.2 on PostgreSQL 15 each), the migration run as a real
 * child process (`npm run migrate` runs the same file), and an independent comparison of both
 * sides that does not reuse the migration's own verification code.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BSON, MongoClient, type Document } from "mongodb";
import { PROJECT_DIR, startHarness, type Harness } from "../../integration/harness";

export const CLI = path.join(PROJECT_DIR, "migrate", "cli.ts");

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  readonly pid: number;
  readonly done: Promise<Run>;
  stderr(): string;
  kill(signal: NodeJS.Signals): void;
}

/** Only what the CLI needs: no stray URI from the developer's environment. */
function baseEnv(): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG"];
  return Object.fromEntries(keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
}

export function startMigrate(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CLI, ...args], {
    cwd: PROJECT_DIR,
    env: { ...baseEnv(), MIGRATE_CONNECT_TIMEOUT_MS: "5000", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    pid: child.pid as number,
    done,
    stderr: () => stderr,
    kill: (signal) => child.kill(signal),
  };
}

export const migrate = (args: string[], env: NodeJS.ProcessEnv): Promise<Run> =>
  startMigrate(args, env).done;

/**
 * The migration's command line as the tests and the benchmark give it: both URIs through
 * environment variables (uriEnv), as a user keeps them out of the shell history.
 */
export function migrateArgs(stateDir: string, extra: string[] = [], stack = "test"): string[] {
  return [
    "--stack",
    stack,
    "--from",
    "env:SOURCE_URI",
    "--to",
    "env:TARGET_URI",
    "--state-dir",
    stateDir,
    ...extra,
  ];
}

/** The variables migrateArgs names. */
export const uriEnv = (
  source: { uri(): string },
  target: { uri(): string },
): NodeJS.ProcessEnv => ({
  SOURCE_URI: source.uri(),
  TARGET_URI: target.uri(),
});

export interface Pair {
  source: Harness;
  target: Harness;
  /** A fresh state directory per call. */
  stateDir(): string;
  /** --from/--to through environment variables, and the variables. */
  args(stateDir: string, extra?: string[]): string[];
  env(): NodeJS.ProcessEnv;
  /** Every form the passwords could leak in. */
  secrets(): string[];
  stop(): Promise<void>;
}

export async function startPair(): Promise<Pair> {
  const [source, target] = await Promise.all([startHarness(), startHarness()]);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-test-"));
  let n = 0;
  return {
    source,
    target,
    stateDir: () => path.join(scratch, `state-${++n}`),
    args: (stateDir, extra = []) => migrateArgs(stateDir, extra),
    env: () => uriEnv(source, target),
    secrets: () => {
      const forms = new Set<string>();
      for (const h of [source, target]) {
        forms.add(h.password);
        forms.add(encodeURIComponent(h.password));
        forms.add(h.uri());
      }
      return [...forms];
    },
    stop: async () => {
      await Promise.all([source.stop(), target.stop()]);
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export async function withClient<T>(
  uri: string,
  use: (client: MongoClient) => Promise<T>,
): Promise<T> {
  const client = new MongoClient(uri);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

const FAITHFUL = { promoteValues: false, promoteBuffers: false, bsonRegExp: true };

/**
 * Every document of a collection as canonical Extended JSON, sorted by that text: a
 * comparison independent of the migration's own `_id` walk and digest.
 */
export async function snapshot(uri: string, collection: string): Promise<string[]> {
  return withClient(uri, async (client) => {
    const docs: Document[] = await client
      .db()
      .collection(collection)
      .find({}, { ...FAITHFUL, sort: { _id: 1 } })
      .toArray();
    return docs.map((d) => BSON.EJSON.stringify(d, { relaxed: false })).sort();
  });
}

/**
 * Every document of a collection as the server's raw BSON (base64), sorted: types and field
 * order. FerretDB v1 encodes them from its JSONB rows, which keep both.
 */
async function storedBytes(uri: string, collection: string): Promise<string[]> {
  return withClient(uri, async (client) => {
    const docs = (await client
      .db()
      .collection(collection)
      .find({}, { raw: true })
      .toArray()) as unknown as Buffer[];
    return docs.map((d) => Buffer.from(d).toString("base64")).sort();
  });
}

/**
 * Collections whose documents differ between the two URIs, byte for byte, with the first
 * differing document's position.
 */
export async function differingCollections(
  sourceUri: string,
  targetUri: string,
  collections: readonly string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const collection of collections) {
    const [a, b] = await Promise.all([
      storedBytes(sourceUri, collection),
      storedBytes(targetUri, collection),
    ]);
    if (a.length !== b.length) out.push(`${collection}: ${a.length} vs ${b.length} documents`);
    else {
      const at = a.findIndex((doc, i) => doc !== b[i]);
      if (at >= 0) out.push(`${collection}: document ${at} differs`);
    }
  }
  return out;
}

export function readReport(stateDir: string): {
  verified: boolean;
  documentsInserted: number;
  collections: {
    collection: string;
    inserted: number;
    caughtUp: number;
    deadLettered: number;
    duplicatesSkipped: number;
    verified: boolean;
  }[];
} {
  return JSON.parse(fs.readFileSync(path.join(stateDir, "report.json"), "utf8"));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
