/**
 * The upstream files (tools/parts/upstream-files.txt: CRDs, release manifests, kwok Stages) for the
 * TypeScript side: the schema check, the platform program and the tests. Fetching is tools/parts/upstream-files.sh's
 * alone; this module reads the same table and checks the cached files in-process, so a warm
 * call spawns nothing, and runs the script only when a file is missing or not the table's.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const KINDS = ["crd", "manifest", "stage"] as const;
export type UpstreamKind = (typeof KINDS)[number];
const isKind = (s: string | undefined): s is UpstreamKind =>
  (KINDS as readonly (string | undefined)[]).includes(s);

export interface UpstreamFile {
  /** crd: in CRD_DIR; manifest: in MANIFEST_DIR; stage (a kwok Stage): in STAGE_DIR. */
  kind: UpstreamKind;
  /** The file's name in its folder. */
  name: string;
  module: string;
  version: string;
  /** Its path inside the module. */
  path: string;
  sha256: string;
}

export const TABLE_FILE = path.join(__dirname, "..", "parts", "upstream-files.txt");
const SCRIPT = path.join(__dirname, "..", "parts", "upstream-files.sh");

/** The same cache the script fills (NIGHTSCOUT_UPSTREAM_CACHE moves both). */
export const UPSTREAM_CACHE =
  process.env.NIGHTSCOUT_UPSTREAM_CACHE ??
  path.join(os.homedir(), ".cache", "nightscout-stack", "upstream");
export const CRD_DIR = path.join(UPSTREAM_CACHE, "crds");
export const MANIFEST_DIR = path.join(UPSTREAM_CACHE, "manifests");
export const STAGE_DIR = path.join(UPSTREAM_CACHE, "stages");

/** The folder of a kind's files, the one tools/parts/upstream-files.sh links them into. */
export const kindDir = (kind: UpstreamKind): string =>
  ({ crd: CRD_DIR, manifest: MANIFEST_DIR, stage: STAGE_DIR })[kind];

export function parseTable(text: string, source = TABLE_FILE): UpstreamFile[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [kind, name, moduleAt, filePath, sha256, ...rest] = line.split(/\s+/);
      const at = moduleAt?.lastIndexOf("@") ?? -1;
      if (
        !isKind(kind) ||
        at <= 0 ||
        !filePath ||
        !/^[0-9a-f]{64}$/.test(sha256 ?? "") ||
        rest.length > 0
      ) {
        throw new Error(
          `${source}: malformed row ${JSON.stringify(line)} (want: kind name module@version path sha256)`,
        );
      }
      return {
        kind,
        name,
        module: moduleAt.slice(0, at),
        version: moduleAt.slice(at + 1),
        path: filePath,
        sha256,
      };
    });
}

export const UPSTREAM_FILES: readonly UpstreamFile[] = parseTable(
  fs.readFileSync(TABLE_FILE, "utf8"),
);

export function upstreamFile(name: string): UpstreamFile {
  const row = UPSTREAM_FILES.find((f) => f.name === name);
  if (!row) throw new Error(`${name} is not in ${TABLE_FILE}`);
  return row;
}

export const sha256 = (bytes: Buffer | string): string =>
  createHash("sha256").update(bytes).digest("hex");

export const cachedPath = (file: UpstreamFile): string => path.join(kindDir(file.kind), file.name);

/** The rows whose cached file is missing or differs from the table. */
export function staleFiles(files: readonly UpstreamFile[] = UPSTREAM_FILES): UpstreamFile[] {
  return files.filter((f) => {
    try {
      return sha256(fs.readFileSync(cachedPath(f))) !== f.sha256;
    } catch {
      return true;
    }
  });
}

let fresh = false;

/**
 * Every file of the table in the cache, checked. Runs the fetcher (Go module downloads) only
 * when something is missing; its failure becomes one error line, the script's own.
 */
export function ensureUpstreamFiles(): void {
  if (fresh || staleFiles().length === 0) {
    fresh = true;
    return;
  }
  const r = spawnSync("bash", [SCRIPT, "--all"], { encoding: "utf8", timeout: 600_000 });
  const lines = (r.stderr ?? "").trim().split("\n");
  if (r.status !== 0) {
    const reason = r.error
      ? `${r.error.message} (running bash ${SCRIPT} --all)`
      : (lines.filter((l) => l.startsWith("upstream-files: ")).pop() ??
        `bash ${SCRIPT} --all failed (exit ${r.status}): ${lines.pop() ?? ""}`);
    throw new Error(reason);
  }
  // What was downloaded goes to stderr, as the script would have shown it.
  if (lines.join("") !== "") process.stderr.write(`${lines.join("\n")}\n`);
  fresh = true;
}

/** The folder with every `crd` row under its name, fetched if needed. */
export function crdDir(): string {
  ensureUpstreamFiles();
  return CRD_DIR;
}

/** The folder with every `stage` row (kwok's own Stages) under its name, fetched if needed. */
export function stageDir(): string {
  ensureUpstreamFiles();
  return STAGE_DIR;
}

/** The path of a release manifest (a `manifest` row), fetched if needed. */
export function manifestPath(name: string): string {
  const row = upstreamFile(name);
  if (row.kind !== "manifest") throw new Error(`${name} is a ${row.kind}, not a release manifest`);
  ensureUpstreamFiles();
  return cachedPath(row);
}
