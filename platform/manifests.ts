/**
 * The release manifests platform/ installs (copies in manifests/, provenance in
 * manifests/README.md), verified against their recorded sha256 before anything is parsed.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

/** One Kubernetes object as a manifest holds it. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Release {
  version: string;
  file: string;
  url: string;
  sha256: string;
}

export const RELEASES = {
  cnpg: {
    version: "1.30.0",
    file: "cnpg-1.30.0.yaml",
    url: "https://github.com/cloudnative-pg/cloudnative-pg/releases/download/v1.30.0/cnpg-1.30.0.yaml",
    sha256: "f8bede43fe4ee0d478c2355b204a36876b2ae4faac60f2a9452280b293da3b88",
  },
  barmanCloud: {
    version: "0.14.0",
    file: "plugin-barman-cloud-v0.14.0.yaml",
    url: "https://github.com/cloudnative-pg/plugin-barman-cloud/releases/download/v0.14.0/manifest.yaml",
    sha256: "691e598b4591e83e23586d3394a8fedef429586a01d1a1b56ab8b80e9fa6ccb0",
  },
} as const satisfies Record<string, Release>;

/** The prometheus-operator CRDs, from the app's schemas/ (provenance in schemas/README.md). */
export const MONITORING_CRD_FILES = [
  "monitoring.coreos.com_podmonitors.yaml",
  "monitoring.coreos.com_prometheusrules.yaml",
];

export const MANIFESTS_DIR = path.join(__dirname, "manifests");
export const SCHEMAS_DIR = path.join(__dirname, "..", "schemas");

/** Every object of `file`, in order; the file must be byte for byte what `sha256` says. */
export function loadManifest(file: string, sha256: string): KubernetesObject[] {
  const text = fs.readFileSync(file);
  const actual = crypto.createHash("sha256").update(text).digest("hex");
  if (actual !== sha256) {
    throw new Error(
      `${path.relative(process.cwd(), file)}: sha256 is ${actual}, its provenance records ${sha256}. Fix: restore the upstream file, or when moving to a new release follow platform/manifests/README.md.`,
    );
  }
  return yaml
    .loadAll(text.toString("utf8"))
    .filter((o): o is KubernetesObject => typeof o === "object" && o !== null);
}

export function loadRelease(release: Release): KubernetesObject[] {
  return loadManifest(path.join(MANIFESTS_DIR, release.file), release.sha256);
}

/** The prometheus-operator CRDs; their checksums are the ones schemas/README.md records. */
export function loadMonitoringCrds(): KubernetesObject[] {
  return MONITORING_CRD_FILES.flatMap((f) => {
    const text = fs.readFileSync(path.join(SCHEMAS_DIR, f), "utf8");
    return yaml
      .loadAll(text)
      .filter((o): o is KubernetesObject => typeof o === "object" && o !== null);
  });
}
