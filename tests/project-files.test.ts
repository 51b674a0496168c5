import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { SETTINGS as DECLARED, type Setting, inProjectFile } from "../config/settings";
import { MONITORING_CRDS, RELEASES } from "../platform/manifests";
import { CRD_FILES } from "../tools/lib/manifest-validation";
import {
  CRD_DIR,
  STAGE_DIR,
  UPSTREAM_FILES,
  kindDir,
  staleFiles,
  upstreamFile,
} from "../tools/lib/upstream-files";
import { withProjectConfig, withTable } from "../tools/commands/sync-settings";

/** Every declaration through the common interface (SETTINGS itself is a tuple of literals). */
const SETTINGS: readonly Setting[] = DECLARED;
const ROOT = path.resolve(__dirname, "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
type ProjectConfig = Record<
  string,
  { type: string; default?: unknown; secret?: boolean; items?: { type: string } }
>;
const project = yaml.load(read("Pulumi.yaml")) as { name: string; config: ProjectConfig };

describe("Pulumi.yaml declares every setting, as config/settings/ does", () => {
  test("the same keys, except optional secrets and lists of records", () => {
    const declared = SETTINGS.filter(inProjectFile).map((s) => s.key);
    expect(Object.keys(project.config).sort()).toEqual(declared.sort());
  });

  test.each(SETTINGS.filter(inProjectFile).map((s) => [s.key, s] as const))(
    "%s: type, default and secrecy match",
    (key, s) => {
      const entry = project.config[key];
      expect(entry.type).toBe(s.type);
      expect(entry.default).toEqual(s.default);
      expect(entry.secret ?? false).toBe(s.secret ?? false);
      if (s.type === "array") expect(entry.items).toEqual({ type: "string" });
    },
  );

  test("is exactly what npm run sync:settings writes", () => {
    expect(withProjectConfig(read("Pulumi.yaml"))).toBe(read("Pulumi.yaml"));
  });

  test("only hostname and apiSecret are required: the engine rejects a declared key without a default", () => {
    const required = Object.entries(project.config).filter(
      ([, entry]) => entry.default === undefined,
    );
    expect(required.map(([key]) => key).sort()).toEqual(["apiSecret", "hostname"]);
  });

  test("a required secret has no default, so the engine demands it, encrypted", () => {
    expect(project.config.apiSecret).toMatchObject({ type: "string", secret: true });
    expect(project.config.apiSecret.default).toBeUndefined();
  });
});

describe.each(["staging", "production"])("Pulumi.%s.yaml", (stack) => {
  const file = yaml.load(read(`Pulumi.${stack}.yaml`)) as { config: Record<string, unknown> };
  const secretKeys = SETTINGS.filter((s) => s.secret).map((s) => `nightscout:${s.key}`);

  test("sets only declared settings", () => {
    const known = SETTINGS.map((s) => `nightscout:${s.key}`);
    for (const key of Object.keys(file.config)) expect(known).toContain(key);
  });

  test("holds no secret in plaintext", () => {
    for (const key of secretKeys) {
      const value = file.config[key];
      if (value !== undefined) expect(value).toEqual({ secure: expect.any(String) });
    }
  });
});

test("the README's configuration table is the one config/settings/ describes", () => {
  const readme = read("README.md");
  for (const s of SETTINGS) expect(readme).toContain(`| \`${s.key}\` |`);
  expect(withTable(readme)).toBe(readme);
});

describe("upstream files: fetched from the operators' Go modules, never tracked", () => {
  test("the strict manifest check reads the fetcher's CRD folder unless NIGHTSCOUT_SCHEMAS_DIR says otherwise", () => {
    const dirOf = (env: string | undefined) => {
      const saved = process.env.NIGHTSCOUT_SCHEMAS_DIR;
      if (env === undefined) delete process.env.NIGHTSCOUT_SCHEMAS_DIR;
      else process.env.NIGHTSCOUT_SCHEMAS_DIR = env;
      let loaded = "";
      try {
        jest.isolateModules(() => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          loaded = (require("../tools/lib/manifest-validation") as { SCHEMAS_DIR: string })
            .SCHEMAS_DIR;
        });
      } finally {
        if (saved === undefined) delete process.env.NIGHTSCOUT_SCHEMAS_DIR;
        else process.env.NIGHTSCOUT_SCHEMAS_DIR = saved;
      }
      return loaded;
    };
    expect(dirOf(undefined)).toBe(CRD_DIR);
    expect(dirOf("/elsewhere")).toBe("/elsewhere");
  });

  test("every CRD the check compiles and every file the platform installs is a row of the table, with its sha256", () => {
    for (const file of CRD_FILES) expect(upstreamFile(file).kind).toBe("crd");
    for (const pinned of [...Object.values(RELEASES), ...MONITORING_CRDS]) {
      const row = upstreamFile(pinned.file);
      expect(pinned.sha256).toBe(row.sha256);
      expect(pinned.cacheDir).toBe(kindDir(row.kind));
    }
    expect(upstreamFile("cnpg-1.30.0.yaml")).toMatchObject({
      module: "github.com/cloudnative-pg/cloudnative-pg",
      version: "v1.30.0",
      path: "releases/cnpg-1.30.0.yaml",
    });
  });

  test("the cache holds every row of the table, byte for byte (jest's global setup fetched them)", () => {
    expect(UPSTREAM_FILES).toHaveLength(14);
    expect(staleFiles()).toEqual([]);
  });

  test("docs/upstream-files.md lists every row with its module, version and sha256", () => {
    const doc = read("docs/upstream-files.md");
    for (const f of UPSTREAM_FILES) {
      const row = doc.split("\n").find((line) => line.startsWith(`| \`${f.name}\``));
      expect(row).toBeDefined();
      expect(row).toContain(`\`${f.module}@${f.version}\``);
      expect(row).toContain(`\`${f.sha256}\``);
    }
  });

  test("git tracks no upstream file: none under schemas/, platform/manifests/ or the old kwok Stage copies, none with a row's sha256", () => {
    const git = spawnSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
    expect(git.status).toBe(0);
    const tracked = git.stdout.split("\0").filter((f) => f !== "");
    expect(tracked.length).toBeGreaterThan(100);
    expect(
      tracked.filter((f) =>
        /^(schemas|platform\/manifests|tools\/parts\/local-cluster\/stages\/kwok-v[^/]*)\//.test(f),
      ),
    ).toEqual([]);
    // The Stages committed beside them are the project's own stand-ins, and say so.
    expect(
      tracked.filter(
        (f) =>
          /^tools\/parts\/local-cluster\/stages\/.*\.yaml$/.test(f) && !/\/stand-in-[^/]*$/.test(f),
      ),
    ).toEqual([]);
    const pinned = new Set(UPSTREAM_FILES.map((f) => f.sha256));
    const copies = tracked.filter((f) => {
      const file = path.join(ROOT, f);
      // A file deleted in the working tree is not a copy; its removal is still to be committed.
      return (
        fs.existsSync(file) &&
        pinned.has(createHash("sha256").update(fs.readFileSync(file)).digest("hex"))
      );
    });
    expect(copies).toEqual([]);
  });

  test("the local cluster gives kwok its Stages from the fetcher's folder, then the project's stand-ins", () => {
    const start = read("tools/parts/local-cluster/start.sh");
    expect(start).toContain(
      `stage_dir="$(bash "$repo/tools/parts/upstream-files.sh" --stage-dir)"`,
    );
    expect(start).toContain(`for f in "$stage_dir"/*.yaml "$here"/stages/*.yaml; do`);
    // Each cached file is one kwok Stage named as its row, so kwok's names and the stand-ins'
    // cannot collide unnoticed.
    const stages = UPSTREAM_FILES.filter((f) => f.kind === "stage");
    expect(fs.readdirSync(STAGE_DIR).sort()).toEqual(stages.map((f) => f.name).sort());
    const standIns = fs
      .readdirSync(path.join(ROOT, "tools/parts/local-cluster/stages"))
      .filter((f) => f.endsWith(".yaml"));
    for (const f of stages) {
      const docs = yaml.loadAll(fs.readFileSync(path.join(STAGE_DIR, f.name), "utf8")) as {
        apiVersion: string;
        kind: string;
        metadata: { name: string };
      }[];
      expect(docs.map((d) => [d.apiVersion, d.kind, d.metadata.name])).toEqual([
        ["kwok.x-k8s.io/v1alpha1", "Stage", f.name.replace(/\.yaml$/, "")],
      ]);
      expect(standIns).not.toContain(f.name);
    }
  });

  test("no code or test reaches for ../shared, which a clone of the repository does not have", () => {
    // A string literal that starts a path into the sibling folder, or builds it from segments.
    const reach = /["'`]\.\.\/shared\/|["'`]\.\.["'`]\s*,\s*["'`]shared["'`]/;
    const offenders: string[] = [];
    const walk = (rel: string) => {
      for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
        const child = path.join(rel, entry.name);
        if (entry.isDirectory()) {
          if (
            !["node_modules", ".git", "rendered", ".cache", "coverage", "bin"].includes(entry.name)
          )
            walk(child);
        } else if (/\.(ts|js|mjs|cjs|json)$/.test(entry.name)) {
          if (reach.test(fs.readFileSync(path.join(ROOT, child), "utf8"))) offenders.push(child);
        }
      }
    };
    walk(".");
    expect(offenders).toEqual([]);
  });
});
