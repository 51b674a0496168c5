/**
 * The upstream files platform/ installs: the two release manifests and, on request, the
 * prometheus-operator CRDs. None is in the repository (docs/upstream-files.md). Each is taken
 * from the cache tools/parts/upstream-files.sh fills from the operators' Go modules when it is there
 * (the local, air-gapped runs), else downloaded from its pinned URL at `pulumi up` time; either
 * way its bytes must have the sha256 of tools/parts/upstream-files.txt before anything is parsed.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { kindDir, TABLE_FILE, sha256 as sha256Of, upstreamFile } from "../tools/lib/upstream-files";

/** One Kubernetes object as a manifest holds it. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** An upstream file by its name in tools/parts/upstream-files.txt, with where to get it elsewhere. */
export interface PinnedFile {
  file: string;
  /** The cache folder tools/parts/upstream-files.sh keeps it in. */
  cacheDir: string;
  /** The same bytes on the web, for a machine without the cache. */
  url: string;
  sha256: string;
}

export interface Release extends PinnedFile {
  version: string;
}

const pinned = (file: string, url: string): PinnedFile => {
  const row = upstreamFile(file);
  return {
    file,
    cacheDir: kindDir(row.kind),
    url,
    sha256: row.sha256,
  };
};

export const RELEASES = {
  cnpg: {
    version: "1.30.0",
    // The release asset; it is byte for byte the module's releases/cnpg-1.30.0.yaml.
    ...pinned(
      "cnpg-1.30.0.yaml",
      "https://github.com/cloudnative-pg/cloudnative-pg/releases/download/v1.30.0/cnpg-1.30.0.yaml",
    ),
  },
  barmanCloud: {
    version: "0.14.0",
    // The file at the tag, which the module holds. The release asset of the same name is
    // rebuilt by upstream's CI with other image tags, so its bytes differ; transforms.ts pins
    // the images either way (docs/upstream-files.md).
    ...pinned(
      "plugin-barman-cloud-v0.14.0.yaml",
      "https://raw.githubusercontent.com/cloudnative-pg/plugin-barman-cloud/v0.14.0/manifest.yaml",
    ),
  },
} satisfies Record<string, Release>;

const PROMETHEUS_OPERATOR_CRDS =
  "https://raw.githubusercontent.com/prometheus-operator/prometheus-operator/v0.93.0/example/prometheus-operator-crd";

/** The prometheus-operator v0.93.0 CRDs the `monitoringCrds: install` setting installs. */
export const MONITORING_CRDS: PinnedFile[] = [
  "monitoring.coreos.com_podmonitors.yaml",
  "monitoring.coreos.com_prometheusrules.yaml",
].map((f) => pinned(f, `${PROMETHEUS_OPERATOR_CRDS}/${f}`));

/** Every object of `text`, once its sha256 is the recorded one; `origin` names it in errors. */
export function parseVerified(text: Buffer, origin: string, sha256: string): KubernetesObject[] {
  const actual = sha256Of(text);
  if (actual !== sha256) {
    throw new Error(
      `${origin}: sha256 is ${actual}, ${path.relative(process.cwd(), TABLE_FILE)} records ${sha256}; refusing to install it. Fix: bash tools/parts/upstream-files.sh --all puts the pinned file in the cache (from its Go module), or when moving to a new release follow docs/upstream-files.md.`,
    );
  }
  return yaml
    .loadAll(text.toString("utf8"))
    .filter((o): o is KubernetesObject => typeof o === "object" && o !== null);
}

/** Every object of the file at `file`, which must be byte for byte what `sha256` says. */
export function loadManifest(file: string, sha256: string): KubernetesObject[] {
  return parseVerified(fs.readFileSync(file), path.relative(process.cwd(), file), sha256);
}

// The program registers its resources synchronously, so the download runs in a child Node
// process (fetch follows the release asset's redirects) and hands its bytes back on stdout.
const DOWNLOAD = `fetch(process.argv[1]).then(async (r) => {
  if (!r.ok) { process.stderr.write("HTTP " + r.status + " " + r.statusText); process.exit(2); }
  process.stdout.write(Buffer.from(await r.arrayBuffer()));
}, (e) => { process.stderr.write(String((e.cause && e.cause.message) || e.message)); process.exit(3); });`;

function download(url: string): { bytes?: Buffer; problem?: string } {
  const r = spawnSync(process.execPath, ["--no-warnings", "-e", DOWNLOAD, url], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.error) return { problem: r.error.message };
  if (r.status !== 0) return { problem: r.stderr.toString("utf8").trim() || `exit ${r.status}` };
  return { bytes: r.stdout };
}

/**
 * The objects of a pinned file: from its cache folder when the file is there, else from its
 * URL. `from` overrides both, for the tests (a scratch folder, a loopback server).
 */
export function loadPinned(
  file: PinnedFile,
  from: { cacheDir?: string; url?: string } = {},
): KubernetesObject[] {
  const cached = path.join(from.cacheDir ?? file.cacheDir, file.file);
  if (fs.existsSync(cached)) return loadManifest(cached, file.sha256);
  const url = from.url ?? file.url;
  const got = download(url);
  if (!got.bytes) {
    throw new Error(
      `${file.file} is not in the cache (${path.dirname(cached)}) and downloading ${url} failed: ${got.problem}. Fix: bash tools/parts/upstream-files.sh --all fills the cache from the Go module proxy, or let this machine reach ${new URL(url).host}.`,
    );
  }
  return parseVerified(got.bytes, url, file.sha256);
}

export function loadRelease(release: Release): KubernetesObject[] {
  return loadPinned(release);
}

export function loadMonitoringCrds(): KubernetesObject[] {
  return MONITORING_CRDS.flatMap((crd) => loadPinned(crd));
}
