import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import Ajv, { ValidateFunction, _ } from "ajv";
import standaloneCode from "ajv/dist/standalone";
import addFormats from "ajv-formats";
import * as yaml from "js-yaml";
import { FieldGraph, modelFieldGraph, unknownFields } from "./model-fields";
import { CRD_DIR, ensureUpstreamFiles } from "./upstream-files";

/**
 * Validates Kubernetes objects against their real schemas, strictly: besides types and
 * required fields, an unknown field is an error, as with kubeconform -strict. The API server
 * would silently prune it and the typo would become a missing setting at runtime.
 *
 * - Core kinds: kubernetes-models' validators, plus an unknown-field walk over the same
 *   package's type declarations.
 * - Traefik Middleware: @kubernetes-models/traefik, the same way.
 * - CloudNative-PG, Barman Cloud plugin and prometheus-operator kinds: the upstream CRDs from
 *   the operators' Go modules (tools/lib/upstream-files.ts fetches them into the cache and checks
 *   their sha256; docs/upstream-files.md), compiled with ajv after closing every object schema
 *   that lists its properties. NIGHTSCOUT_SCHEMAS_DIR points at another folder with the same
 *   file names, e.g. a newer operator release's CRDs to try before moving the table.
 */
const ROOT = path.resolve(__dirname, "../..");
export const SCHEMAS_DIR = process.env.NIGHTSCOUT_SCHEMAS_DIR ?? CRD_DIR;

export const CRD_FILES = [
  "postgresql.cnpg.io_clusters.yaml",
  "postgresql.cnpg.io_scheduledbackups.yaml",
  "postgresql.cnpg.io_backups.yaml",
  "barmancloud.cnpg.io_objectstores.yaml",
  "monitoring.coreos.com_podmonitors.yaml",
  "monitoring.coreos.com_prometheusrules.yaml",
];

/** apiVersion/kind -> module exporting the kubernetes-models class and its I<Kind> interface. */
function modelModule(apiVersion: string, kind: string): string | undefined {
  if (apiVersion === "traefik.io/v1alpha1")
    return `@kubernetes-models/traefik/traefik.io/v1alpha1/${kind}`;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const dir = group === "" ? version : `${group}/${version}`;
  const file = path.join(ROOT, "node_modules", "kubernetes-models", dir, `${kind}.js`);
  return fs.existsSync(file) ? `kubernetes-models/${dir}/${kind}` : undefined;
}

type JsonSchema = Record<string, unknown>;

/**
 * A CRD pattern (Go RE2) as a JavaScript one. Only RE2's leading case-insensitive flag needs it
 * (prometheus-operator writes `^(?i)(abort|warn)?$`): each ASCII letter becomes `[xX]`.
 */
export function jsPattern(pattern: string): string {
  const flag = /^(\^?)\(\?i\)/.exec(pattern);
  if (!flag) return pattern;
  const rest = pattern.slice(flag[0].length);
  const letters = rest.replace(/\\.|[A-Za-z]/g, (c) =>
    c.length === 1 ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c,
  );
  return flag[1] + letters;
}

/** Closes every object schema that declares properties, unless it opts into unknown fields. */
export function closeSchema(schema: JsonSchema): JsonSchema {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== "object") return node;
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(node)) {
      // "properties" maps names to schemas: visit the schemas, keep the names.
      out[k] =
        k === "properties" && v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([name, s]) => [name, visit(s)]))
          : k === "pattern" && typeof v === "string"
            ? jsPattern(v)
            : visit(v);
    }
    if (
      out.properties &&
      out.additionalProperties === undefined &&
      out["x-kubernetes-preserve-unknown-fields"] !== true
    ) {
      out.additionalProperties = false;
    }
    return out;
  };
  return visit(schema) as JsonSchema;
}

/**
 * Compiled validators, cached on disk by the hash of the schema they check: compiling the
 * CloudNative-PG Cluster schema costs more than half a second, and every test file that
 * validates manifests paid it again. A new schema, ajv or ajv-formats gets a new file.
 */
const COMPILED_DIR = path.join(ROOT, ".cache", "ajv-validators");
const AJV_VERSIONS = `ajv-${(require("ajv/package.json") as { version: string }).version}-formats-${(require("ajv-formats/package.json") as { version: string }).version}`; // eslint-disable-line @typescript-eslint/no-require-imports

function newAjv(): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
  });
  addFormats(ajv);
  for (const format of ["int32", "int64", "byte", "quantity"]) ajv.addFormat(format, true);
  return ajv;
}

function compiledValidator(schema: JsonSchema): ValidateFunction {
  const hash = createHash("sha256")
    .update(AJV_VERSIONS)
    .update(JSON.stringify(schema))
    .digest("hex");
  const file = path.join(COMPILED_DIR, `${hash.slice(0, 32)}.js`);
  if (!fs.existsSync(file)) {
    const ajv = newAjv();
    const code = standaloneCode(ajv, ajv.compile(schema));
    fs.mkdirSync(COMPILED_DIR, { recursive: true });
    // Written aside and renamed, so a test worker reading it at the same time never sees half.
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, file);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as ValidateFunction;
}

export class ManifestValidator {
  private readonly crds = new Map<string, ValidateFunction>();
  private readonly fields: FieldGraph;

  constructor(schemasDir = SCHEMAS_DIR) {
    // Only the cache's own folder is fetched into; another folder is the caller's to fill.
    if (path.resolve(schemasDir) === path.resolve(CRD_DIR)) ensureUpstreamFiles();
    for (const file of CRD_FILES) {
      const crd = yaml.load(fs.readFileSync(path.join(schemasDir, file), "utf8")) as {
        spec: {
          group: string;
          names: { kind: string };
          versions: { name: string; schema: { openAPIV3Schema: JsonSchema } }[];
        };
      };
      for (const version of crd.spec.versions) {
        const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
        this.crds.set(key, compiledValidator(closeSchema(version.schema.openAPIV3Schema)));
      }
    }

    const kinds: [string, string][] = [
      ["v1", "Namespace"],
      ["v1", "Secret"],
      ["v1", "Service"],
      ["v1", "ConfigMap"],
      ["apps/v1", "Deployment"],
      ["policy/v1", "PodDisruptionBudget"],
      ["networking.k8s.io/v1", "Ingress"],
      ["networking.k8s.io/v1", "NetworkPolicy"],
      ["traefik.io/v1alpha1", "Middleware"],
    ];
    this.fields = modelFieldGraph([
      {
        name: "ObjectMeta",
        module: "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta",
        interfaceName: "IObjectMeta",
      },
      ...kinds.map(([apiVersion, kind]) => ({
        name: `${apiVersion}/${kind}`,
        module: modelModule(apiVersion, kind)!,
        interfaceName: `I${kind}`,
      })),
    ]);
  }

  /** Every problem with one object; empty when it is valid. */
  validate(object: Record<string, unknown>): string[] {
    const apiVersion = String(object.apiVersion ?? "");
    const kind = String(object.kind ?? "");
    const where = `${kind} ${(object.metadata as { name?: string } | undefined)?.name ?? "(unnamed)"}`;
    const crd = this.crds.get(`${apiVersion}/${kind}`);
    if (crd) {
      const errors: string[] = [];
      if (!crd(object)) {
        for (const e of crd.errors ?? []) {
          const extra =
            e.keyword === "additionalProperties"
              ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"`
              : "";
          errors.push(`${where}: ${e.instancePath || "/"} ${e.message}${extra}`);
        }
      }
      // CRDs leave metadata open; hold it to ObjectMeta like any other object.
      errors.push(
        ...unknownFields(
          this.fields,
          object.metadata,
          this.fields.roots.ObjectMeta,
          `${where}: /metadata`,
        ),
      );
      return errors;
    }
    const type = this.fields.roots[`${apiVersion}/${kind}`];
    const module = modelModule(apiVersion, kind);
    if (type === undefined || !module)
      return [`${where}: no schema known for ${apiVersion} ${kind}`];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Model = (require(module) as Record<string, new (data: unknown) => { validate(): void }>)[
      kind
    ];
    const errors: string[] = [];
    try {
      new Model(object).validate();
    } catch (e) {
      errors.push(`${where}: ${(e as Error).message.replace(/\s+/g, " ")}`);
    }
    errors.push(...unknownFields(this.fields, object, type, `${where}:`));
    return errors;
  }
}
