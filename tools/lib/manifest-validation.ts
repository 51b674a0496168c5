import * as fs from "fs";
import * as path from "path";
import Ajv, { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import * as yaml from "js-yaml";
import * as ts from "typescript";
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

export class ManifestValidator {
  private readonly crds = new Map<string, ValidateFunction>();
  private readonly checker: ts.TypeChecker;
  private readonly types = new Map<string, ts.Type>();
  private readonly program: ts.Program;

  constructor(schemasDir = SCHEMAS_DIR) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const format of ["int32", "int64", "byte", "quantity"]) ajv.addFormat(format, true);
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
        this.crds.set(key, ajv.compile(closeSchema(version.schema.openAPIV3Schema)));
      }
    }

    // One small virtual file names the model interfaces; the checker resolves the rest.
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
    const lines: string[] = [
      `import type { IObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";`,
      `export type T_ObjectMeta = IObjectMeta;`,
    ];
    kinds.forEach(([apiVersion, kind], i) => {
      lines.push(`import type { I${kind} as M${i} } from "${modelModule(apiVersion, kind)}";`);
      lines.push(`export type T${i} = M${i};`);
    });
    const virtualFile = path.join(ROOT, "__manifest_types__.ts");
    const source = lines.join("\n");
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      // The project's lib, not the default one with the DOM: the model declarations need only
      // ECMAScript's globals, and parsing the DOM's cost each test file that validates ~0.3 s.
      lib: ["lib.es2022.d.ts"],
      moduleResolution: ts.ModuleResolutionKind.Node10,
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.readFile = (f) => (f === virtualFile ? source : readFile(f));
    host.fileExists = (f) => f === virtualFile || fileExists(f);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (f, v) =>
      f === virtualFile ? ts.createSourceFile(f, source, v) : getSourceFile(f, v);
    this.program = ts.createProgram([virtualFile], options, host);
    this.checker = this.program.getTypeChecker();
    const sf = this.program.getSourceFile(virtualFile)!;
    const aliases = new Map<string, ts.Type>();
    sf.forEachChild((node) => {
      if (ts.isTypeAliasDeclaration(node))
        aliases.set(node.name.text, this.checker.getTypeAtLocation(node.name));
    });
    kinds.forEach(([apiVersion, kind], i) =>
      this.types.set(`${apiVersion}/${kind}`, aliases.get(`T${i}`)!),
    );
    this.types.set("ObjectMeta", aliases.get("T_ObjectMeta")!);
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
        ...this.unknownFields(
          object.metadata,
          this.types.get("ObjectMeta")!,
          `${where}: /metadata`,
        ),
      );
      return errors;
    }
    const type = this.types.get(`${apiVersion}/${kind}`);
    const module = modelModule(apiVersion, kind);
    if (!type || !module) return [`${where}: no schema known for ${apiVersion} ${kind}`];
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
    errors.push(...this.unknownFields(object, type, `${where}:`));
    return errors;
  }

  private unknownFields(value: unknown, type: ts.Type, at: string): string[] {
    if (value === null || value === undefined || typeof value !== "object") return [];
    const checker = this.checker;
    const members = type.isUnion() ? type.types : [type];
    const objectMembers = members.filter(
      (t) => (t.flags & ts.TypeFlags.Object) !== 0 || t.isIntersection(),
    );
    if (objectMembers.length === 0) return [];
    if (Array.isArray(value)) {
      const errors: string[] = [];
      for (const member of objectMembers) {
        const element = checker.getIndexTypeOfType(member, ts.IndexKind.Number);
        if (element) {
          value.forEach((item, i) =>
            errors.push(...this.unknownFields(item, element, `${at}/${i}`)),
          );
          return errors;
        }
      }
      return [];
    }
    const errors: string[] = [];
    for (const [key, child] of Object.entries(value)) {
      let childType: ts.Type | undefined;
      let known = false;
      for (const member of objectMembers) {
        const property = checker.getPropertyOfType(member, key);
        if (property) {
          known = true;
          childType = checker.getNonNullableType(checker.getTypeOfSymbol(property));
          break;
        }
        const index = checker.getIndexTypeOfType(member, ts.IndexKind.String);
        if (index) {
          known = true;
          childType = index;
          break;
        }
      }
      if (!known) errors.push(`${at}/${key}: unknown field "${key}"`);
      else if (childType) errors.push(...this.unknownFields(child, childType, `${at}/${key}`));
    }
    return errors;
  }
}
