/**
 * The fields each built-in kind may have, read from the kubernetes-models declarations with the
 * TypeScript checker, as a graph cached on disk: building the checker's program costs about half
 * a second per test file that validates manifests, and the declarations change only with
 * package-lock.json. ManifestValidator (manifest-validation.ts) refuses any field not in it.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type * as TS from "typescript";

const ROOT = path.resolve(__dirname, "../..");
const CACHE_DIR = path.join(ROOT, ".cache", "model-fields");
/** Bumped when the graph's shape or the way it is read changes. */
const GRAPH_FORMAT = 1;

/**
 * One type, as the union of object types the checker sees, in order: a key is looked up in
 * each member's properties, then its string index, and the first member that has either wins.
 */
interface FieldNode {
  members: { props: Record<string, number>; stringIndex?: number; numberIndex?: number }[];
}

export interface FieldGraph {
  nodes: FieldNode[];
  /** `apiVersion/kind` (and "ObjectMeta") -> its node. */
  roots: Record<string, number>;
}

/** What to read: each root's name, the module declaring it and the interface's name there. */
export interface ModelRoot {
  name: string;
  module: string;
  interfaceName: string;
}

export function modelFieldGraph(roots: readonly ModelRoot[]): FieldGraph {
  const lock = fs.readFileSync(path.join(ROOT, "package-lock.json"));
  const hash = createHash("sha256")
    .update(`${GRAPH_FORMAT}\n${JSON.stringify(roots)}\n`)
    .update(lock)
    .digest("hex");
  const file = path.join(CACHE_DIR, `${hash.slice(0, 32)}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as FieldGraph;
  const graph = buildGraph(roots);
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  // Written aside and renamed, so a test worker reading it at the same time never sees half.
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, JSON.stringify(graph));
  fs.renameSync(partial, file);
  return graph;
}

function buildGraph(roots: readonly ModelRoot[]): FieldGraph {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require("typescript") as typeof TS;
  // One small virtual file names the model interfaces; the checker resolves the rest.
  const lines: string[] = [];
  roots.forEach((root, i) => {
    lines.push(`import type { ${root.interfaceName} as M${i} } from "${root.module}";`);
    lines.push(`export type T${i} = M${i};`);
  });
  const virtualFile = path.join(ROOT, "__manifest_types__.ts");
  const source = lines.join("\n");
  const options: TS.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    // ECMAScript's globals only: the model declarations need no DOM, whose parse costs ~0.3 s.
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
  const program = ts.createProgram([virtualFile], options, host);
  const checker = program.getTypeChecker();
  const aliases = new Map<string, TS.Type>();
  program.getSourceFile(virtualFile)!.forEachChild((node) => {
    if (ts.isTypeAliasDeclaration(node)) {
      aliases.set(node.name.text, checker.getTypeAtLocation(node.name));
    }
  });

  const nodes: FieldNode[] = [];
  const ids = new Map<TS.Type, number>();
  const visit = (type: TS.Type): number => {
    const known = ids.get(type);
    if (known !== undefined) return known;
    const id = nodes.length;
    ids.set(type, id);
    const node: FieldNode = { members: [] };
    nodes.push(node);
    const members = type.isUnion() ? type.types : [type];
    for (const member of members) {
      if ((member.flags & ts.TypeFlags.Object) === 0 && !member.isIntersection()) continue;
      const props: Record<string, number> = {};
      for (const property of checker.getPropertiesOfType(member)) {
        props[property.name] = visit(checker.getNonNullableType(checker.getTypeOfSymbol(property)));
      }
      const stringIndex = checker.getIndexTypeOfType(member, ts.IndexKind.String);
      const numberIndex = checker.getIndexTypeOfType(member, ts.IndexKind.Number);
      node.members.push({
        props,
        ...(stringIndex ? { stringIndex: visit(stringIndex) } : {}),
        ...(numberIndex ? { numberIndex: visit(numberIndex) } : {}),
      });
    }
    return id;
  };
  const rootIds: Record<string, number> = {};
  roots.forEach((root, i) => {
    rootIds[root.name] = visit(aliases.get(`T${i}`)!);
  });
  return { nodes, roots: rootIds };
}

/** Every field of `value` (at `at`) that the type at `node` does not declare. */
export function unknownFields(
  graph: FieldGraph,
  value: unknown,
  node: number,
  at: string,
): string[] {
  if (value === null || value === undefined || typeof value !== "object") return [];
  const members = graph.nodes[node].members;
  if (members.length === 0) return [];
  if (Array.isArray(value)) {
    const element = members.find((m) => m.numberIndex !== undefined)?.numberIndex;
    if (element === undefined) return [];
    return value.flatMap((item, i) => unknownFields(graph, item, element, `${at}/${i}`));
  }
  const errors: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    let childNode: number | undefined;
    let known = false;
    for (const member of members) {
      if (Object.prototype.hasOwnProperty.call(member.props, key)) {
        known = true;
        childNode = member.props[key];
        break;
      }
      if (member.stringIndex !== undefined) {
        known = true;
        childNode = member.stringIndex;
        break;
      }
    }
    if (!known) errors.push(`${at}/${key}: unknown field "${key}"`);
    else if (childNode !== undefined) {
      errors.push(...unknownFields(graph, child, childNode, `${at}/${key}`));
    }
  }
  return errors;
}
