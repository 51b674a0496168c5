/**
 * tools/parts/upstream-files.sh, the one fetcher of the upstream files (CRDs, release manifests, kwok
 * Stages): a warm
 * cache needs neither go nor the network, a copy that is not the table's is fetched again, and
 * a module file whose sha256 is not the table's is refused. The scratch runs use a one-row table
 * (the Barman Cloud CRD, whose module is small) and a scratch cache; the module itself comes
 * from Go's module cache, which jest's global setup has filled.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  CRD_DIR,
  MANIFEST_DIR,
  STAGE_DIR,
  TABLE_FILE,
  UPSTREAM_FILES,
  parseTable,
  sha256,
  upstreamFile,
} from "../../../tools/lib/upstream-files";

const SCRIPT = path.join(__dirname, "..", "..", "..", "tools", "parts", "upstream-files.sh");

function fetcher(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync("bash", [SCRIPT, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

test("a warm cache answers without go on PATH: no download, only hashing", () => {
  const noGo = fs.mkdtempSync(path.join(os.tmpdir(), "no-go-"));
  try {
    for (const tool of ["bash", "sha256sum", "cut", "dirname"]) {
      const which = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" });
      fs.symlinkSync(which.stdout.trim(), path.join(noGo, tool));
    }
    const started = Date.now();
    const r = fetcher(["--all"], { PATH: noGo });
    expect(r).toMatchObject({
      status: 0,
      stdout: `${CRD_DIR}\n${MANIFEST_DIR}\n${STAGE_DIR}`,
      stderr: "",
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fetcher(["--manifest", "cnpg-1.30.0.yaml"], { PATH: noGo }).stdout).toBe(
      path.join(MANIFEST_DIR, "cnpg-1.30.0.yaml"),
    );
    expect(fetcher(["--stage-dir"], { PATH: noGo })).toMatchObject({
      status: 0,
      stdout: STAGE_DIR,
      stderr: "",
    });
  } finally {
    fs.rmSync(noGo, { recursive: true, force: true });
  }
});

test("bad arguments are refused with the usage", () => {
  expect(fetcher(["--manifest", "cnpg-9.9.9.yaml"])).toMatchObject({
    status: 1,
    stderr: `upstream-files: no release manifest 'cnpg-9.9.9.yaml' in ${TABLE_FILE}`,
  });
  expect(fetcher(["--crds"]).stderr).toMatch(/^upstream-files: unknown argument '--crds'\. usage:/);
});

describe("a scratch cache with a one-row table", () => {
  const row = upstreamFile("barmancloud.cnpg.io_objectstores.yaml");
  const line = (sum: string) => `crd ${row.name} ${row.module}@${row.version} ${row.path} ${sum}\n`;
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "upstream-files-"));
    fs.writeFileSync(path.join(scratch, "table.txt"), line(row.sha256));
    env = {
      NIGHTSCOUT_UPSTREAM_CACHE: path.join(scratch, "cache"),
      UPSTREAM_FILES_TABLE: path.join(scratch, "table.txt"),
    };
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test("fetches the file from its module, then replaces a copy that no longer matches", () => {
    const first = fetcher(["--crd-dir"], env);
    expect(first).toMatchObject({ status: 0, stdout: path.join(scratch, "cache", "crds") });
    expect(first.stderr).toBe(`[upstream-files] go mod download ${row.module}@${row.version}`);
    const linked = path.join(scratch, "cache", "crds", row.name);
    // The copy is kept by version, under its path in the module.
    expect(fs.realpathSync(linked)).toBe(
      path.join(scratch, "cache", `${row.module}@${row.version}`, row.path),
    );
    expect(sha256(fs.readFileSync(linked))).toBe(row.sha256);

    fs.appendFileSync(linked, "# edited\n");
    const again = fetcher(["--crd-dir"], env);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain("go mod download");
    expect(sha256(fs.readFileSync(linked))).toBe(row.sha256);
  });

  test("a module file whose sha256 is not the table's is refused, naming both", () => {
    const wrong = "0".repeat(64);
    fs.writeFileSync(path.join(scratch, "table.txt"), line(wrong));
    const r = fetcher(["--crd-dir"], env);
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n").pop()).toBe(
      `upstream-files: ${row.module}@${row.version} ${row.path} has sha256 ${row.sha256}, ${env.UPSTREAM_FILES_TABLE} records ${wrong} for '${row.name}'. Fix: if you are moving to this version on purpose, compare the file with the old one and update the row (docs/upstream-files.md)`,
    );
    expect(fs.existsSync(path.join(scratch, "cache", "crds", row.name))).toBe(false);
  });

  test("a malformed row is refused before anything is fetched", () => {
    fs.writeFileSync(
      path.join(scratch, "table.txt"),
      `crd ${row.name} ${row.module} ${row.path}\n`,
    );
    expect(fetcher(["--crd-dir"], env)).toMatchObject({
      status: 1,
      stderr: `upstream-files: ${env.UPSTREAM_FILES_TABLE}: malformed row for '${row.name}' (want: kind name module@version path sha256)`,
    });
  });

  test("a stage row lands in --stage-dir, apart from the CRDs", () => {
    const stage = upstreamFile("pod-ready.yaml");
    fs.writeFileSync(
      path.join(scratch, "table.txt"),
      `stage ${stage.name} ${stage.module}@${stage.version} ${stage.path} ${stage.sha256}\n`,
    );
    const r = fetcher(["--stage-dir"], env);
    expect(r).toMatchObject({ status: 0, stdout: path.join(scratch, "cache", "stages") });
    expect(r.stderr).toBe(`[upstream-files] go mod download ${stage.module}@${stage.version}`);
    expect(fs.readdirSync(path.join(scratch, "cache", "stages"))).toEqual(["pod-ready.yaml"]);
    expect(fs.readdirSync(path.join(scratch, "cache", "crds"))).toEqual([]);
    expect(sha256(fs.readFileSync(path.join(scratch, "cache", "stages", stage.name)))).toBe(
      stage.sha256,
    );
  });
});

test("the table holds the Stages kwok needs, from the kwok version build.sh builds", () => {
  const build = fs.readFileSync(
    path.join(__dirname, "..", "..", "..", "tools", "parts", "local-cluster", "build.sh"),
    "utf8",
  );
  const kwokVersion = /^KWOK_VERSION=(\S+)$/m.exec(build)?.[1];
  expect(kwokVersion).toMatch(/^\d+\.\d+\.\d+$/);
  const stages = UPSTREAM_FILES.filter((f) => f.kind === "stage");
  // Without the node ones the node never becomes Ready; without the pod ones no pod does.
  expect(stages.map((f) => f.name).sort()).toEqual([
    "node-heartbeat-with-lease.yaml",
    "node-initialize.yaml",
    "pod-complete.yaml",
    "pod-delete.yaml",
    "pod-ready.yaml",
  ]);
  for (const f of stages) {
    expect(f).toMatchObject({ module: "sigs.k8s.io/kwok", version: `v${kwokVersion}` });
    expect(f.path).toMatch(new RegExp(`^kustomize/stage/.*/${f.name.replace(".", "\\.")}$`));
  }
});

test("the TypeScript side reads the table as the script does", () => {
  // The script made these folders from the same table (jest's global setup ran it).
  const names = (kind: string) =>
    UPSTREAM_FILES.filter((f) => f.kind === kind)
      .map((f) => f.name)
      .sort();
  expect(fs.readdirSync(CRD_DIR).sort()).toEqual(names("crd"));
  expect(fs.readdirSync(MANIFEST_DIR).sort()).toEqual(names("manifest"));
  expect(fs.readdirSync(STAGE_DIR).sort()).toEqual(names("stage"));
  expect(UPSTREAM_FILES.filter((f) => f.kind === "crd")).toHaveLength(7);
  expect(UPSTREAM_FILES.filter((f) => f.kind === "manifest").map((f) => f.name)).toEqual([
    "cnpg-1.30.0.yaml",
    "plugin-barman-cloud-v0.14.0.yaml",
  ]);
  expect(() => parseTable("crd x.yaml github.com/a/b@v1 p.yaml nothex\n", "t.txt")).toThrow(
    't.txt: malformed row "crd x.yaml github.com/a/b@v1 p.yaml nothex" (want: kind name module@version path sha256)',
  );
  const sum = "a".repeat(64);
  expect(parseTable(`stage s.yaml sigs.k8s.io/kwok@v0.8.0 p.yaml ${sum}\n`, "t.txt")).toEqual([
    {
      kind: "stage",
      name: "s.yaml",
      module: "sigs.k8s.io/kwok",
      version: "v0.8.0",
      path: "p.yaml",
      sha256: sum,
    },
  ]);
  expect(() =>
    parseTable(`stages s.yaml sigs.k8s.io/kwok@v0.8.0 p.yaml ${sum}\n`, "t.txt"),
  ).toThrow(
    `t.txt: malformed row "stages s.yaml sigs.k8s.io/kwok@v0.8.0 p.yaml ${sum}" (want: kind name module@version path sha256)`,
  );
});
