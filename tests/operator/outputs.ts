/**
 * What the program counts on the CloudNative-PG controller to create for its Cluster, checked
 * against what the real controller created on the suite's cluster: the -rw/-ro/-r Services,
 * the initdb Job with the program's bootstrap SQL, the Cluster spec the instance manager reads
 * pg_ident and pg_hba from, and the PodDisruptionBudgets.
 */
import { waitFor } from "../../tools/parts/cnpg-operator/operator";
import type { StackOnOperator } from "./stack";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Splits a POSIX shell word list as the operator's shellquote.Join writes it (single quotes,
 * backslash escapes outside them), so the Job's argument is compared as the statements it
 * carries rather than as one quoted string.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === "\\") {
      word = (word ?? "") + line[++i];
    } else if (c === " ") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The value after `flag` in an argument list. */
function flagValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

const WAIT_MS = 90_000;

export function describeControllerOutputs(stack: StackOnOperator, instances: number): void {
  const ns = () => stack.namespace();
  const cluster = () => stack.rendered("Cluster") as Obj;
  const name = () => cluster().metadata.name as string;
  const kubectl = stack.kubectl;
  const get = (kind: string, objectName: string) =>
    waitFor(`${kind} ${ns()}/${objectName}`, WAIT_MS, () => kubectl.get(kind, objectName, ns()));

  test("the program's Cluster asks for this many instances", () => {
    expect(cluster().spec.instances).toBe(instances);
  });

  test("the controller creates the -rw, -ro and -r Services, and FerretDB's URL names -rw", async () => {
    const selectors: Record<string, Obj> = {};
    for (const suffix of ["rw", "ro", "r"]) {
      const service = await get("service", `${name()}-${suffix}`);
      expect(service.metadata.labels["app.kubernetes.io/managed-by"]).toBe("cloudnative-pg");
      expect(service.spec.ports).toEqual([
        expect.objectContaining({ name: "postgres", port: 5432, protocol: "TCP" }),
      ]);
      selectors[suffix] = service.spec.selector;
    }
    expect(selectors.rw).toEqual({ "cnpg.io/cluster": name(), "cnpg.io/instanceRole": "primary" });
    expect(selectors.ro).toEqual({ "cnpg.io/cluster": name(), "cnpg.io/instanceRole": "replica" });
    expect(selectors.r).toEqual({ "cnpg.io/cluster": name(), "cnpg.io/podRole": "instance" });

    const ferret = stack
      .renderedAll("Secret")
      .find((s) => s.stringData?.FERRETDB_POSTGRESQL_URL !== undefined);
    if (!ferret) throw new Error("the program renders no Secret with FERRETDB_POSTGRESQL_URL");
    // Only the host is compared (and printed on failure): the URL holds the password.
    const host = new URL(ferret.stringData.FERRETDB_POSTGRESQL_URL as string).hostname;
    expect(host).toBe(`${name()}-rw.${ns()}.svc.cluster.local`);
  });

  test("the initdb Job runs the program's bootstrap: database, owner and postInitSQL", async () => {
    const job = await get("job", `${name()}-1-initdb`);
    const containers = job.spec.template.spec.containers as Obj[];
    const args: string[] = [...(containers[0].command ?? []), ...(containers[0].args ?? [])];
    expect(args.slice(0, 3)).toEqual(["/controller/manager", "instance", "init"]);
    const initdb = cluster().spec.bootstrap.initdb;
    expect(flagValue(args, "--app-db-name")).toBe(initdb.database);
    expect(flagValue(args, "--app-user")).toBe(initdb.owner);
    const sql = flagValue(args, "--post-init-sql");
    expect(sql).toBeDefined();
    expect(shellWords(sql as string)).toEqual(initdb.postInitSQL);
    // The program's SQL is all postInitSQL (run in the postgres database, where FerretDB's
    // DocumentDB lives); nothing is passed for the application database.
    expect(initdb.postInitApplicationSQL).toBeUndefined();
    expect(args).not.toContain("--post-init-application-sql");
    expect(job.spec.template.spec.containers[0].image).toBe(cluster().spec.imageName);
  });

  test("pg_ident and pg_hba reach the instance manager through the stored Cluster spec", async () => {
    // The instance manager writes pg_ident.conf and pg_hba.conf from the Cluster it reads
    // from the API server (RefreshPGIdent/RefreshPGHBA in CNPG's instance controller); the
    // operator creates no ConfigMap or Secret for them. So the stored spec is what counts.
    const stored = await get("cluster", name());
    expect(stored.spec.postgresql.pg_ident).toEqual(cluster().spec.postgresql.pg_ident);
    expect(stored.spec.postgresql.pg_ident).toContain("local postgres nightscout");
    expect(stored.spec.postgresql.pg_hba).toEqual(cluster().spec.postgresql.pg_hba);
  });

  test("the status is the operator's, and not Ready: no instance manager answers under kwok", async () => {
    const status = await waitFor("the Cluster's status phase", WAIT_MS, () => {
      const c = kubectl.get("cluster", name(), ns());
      return c?.status?.phase ? (c.status as Obj) : undefined;
    });
    const conditions = (status.conditions ?? []) as Obj[];
    // The local cluster's kwok stand-in (left out here) would have written this reason.
    expect(conditions.map((c) => c.reason)).not.toContain("KwokStandIn");
    expect(conditions.find((c) => c.type === "Ready")?.status).not.toBe("True");
    expect(status.readyInstances ?? 0).toBe(0);
  });

  test("PodDisruptionBudgets: the primary's always, the replicas' from three instances", async () => {
    const primary = await get("pdb", `${name()}-primary`);
    expect(primary.spec.minAvailable).toBe(1);
    expect(primary.spec.selector.matchLabels).toEqual({
      "cnpg.io/cluster": name(),
      "cnpg.io/instanceRole": "primary",
    });
    if (instances >= 3) {
      const replicas = await get("pdb", name());
      expect(replicas.spec.minAvailable).toBe(instances - 2);
      expect(replicas.spec.selector.matchLabels).toEqual({
        "cnpg.io/cluster": name(),
        "cnpg.io/instanceRole": "replica",
      });
    } else {
      expect(kubectl.get("pdb", name(), ns())).toBeUndefined();
    }
  });
}
