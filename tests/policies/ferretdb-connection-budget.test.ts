import {
  ferretdbConnectionBudget as policy,
  peakPods,
} from "../../policies/rules/ferretdb-connection-budget";
import { documentdbCluster, ferretdbDeployment, nightscoutDeployment } from "./fixtures";
import { REMOVE, UNKNOWN_STRING, runStackPolicy, set, urnOf } from "./helpers";

const POOL = "metadata.annotations";
const withPool = (value: string | typeof REMOVE) =>
  set(ferretdbDeployment(), POOL, value === REMOVE ? {} : { "nightscout.dev/pool-size": value });

describe("ferretdb-connection-budget", () => {
  it("passes 3 peak pods × 20 + 10 + 3 within 100", async () => {
    const outcome = await runStackPolicy(policy, [
      ferretdbDeployment(),
      documentdbCluster(),
      nightscoutDeployment(),
    ]);
    expect(outcome.violations).toEqual([]);
  });

  it("is not applicable without FerretDB or a DocumentDB Cluster", async () => {
    expect((await runStackPolicy(policy, [documentdbCluster()])).notApplicable).toBe(
      "The stack has no FerretDB Deployment or no postgres-documentdb Cluster",
    );
    expect((await runStackPolicy(policy, [ferretdbDeployment()])).notApplicable).toBe(
      "The stack has no FerretDB Deployment or no postgres-documentdb Cluster",
    );
  });

  it("reports the default pool of 50 that overflows max_connections", async () => {
    const cluster = documentdbCluster();
    const outcome = await runStackPolicy(policy, [withPool(REMOVE), cluster]);
    expect(outcome.violations).toEqual([
      `FerretDB's nightscout.dev/pool-size = "50": 2 FerretDB replica(s) + 1 during a rollout, x 50 connections + 13 reserved exceeds Cluster "postgres" max_connections=100. Fix: lower FerretDB's nightscout.dev/pool-size to at most 29, or raise Cluster "postgres" max_connections.`,
    ]);
    expect(outcome.urns).toEqual([urnOf(cluster, 1)]);
  });

  it("follows max_connections, superuser_reserved_connections and config", async () => {
    const params = (documentdbCluster().props.spec as { postgresql: { parameters: object } })
      .postgresql.parameters;
    const raised = set(documentdbCluster(), "spec.postgresql.parameters", {
      ...params,
      max_connections: "200",
    });
    expect((await runStackPolicy(policy, [withPool(REMOVE), raised])).violations).toEqual([]);
    const reserved = set(documentdbCluster(), "spec.postgresql.parameters", {
      ...params,
      superuser_reserved_connections: "40",
    });
    expect((await runStackPolicy(policy, [ferretdbDeployment(), reserved])).violations).toEqual([
      `FerretDB's nightscout.dev/pool-size = "20": 2 FerretDB replica(s) + 1 during a rollout, x 20 connections + 50 reserved exceeds Cluster "postgres" max_connections=100. Fix: lower FerretDB's nightscout.dev/pool-size to at most 16, or raise Cluster "postgres" max_connections.`,
    ]);
    expect(
      (await runStackPolicy(policy, [ferretdbDeployment(), documentdbCluster()], { headroom: 40 }))
        .violations,
    ).toEqual([
      `FerretDB's nightscout.dev/pool-size = "20": 2 FerretDB replica(s) + 1 during a rollout, x 20 connections + 43 reserved exceeds Cluster "postgres" max_connections=100. Fix: lower FerretDB's nightscout.dev/pool-size to at most 19, or raise Cluster "postgres" max_connections.`,
    ]);
    expect(
      (
        await runStackPolicy(policy, [withPool(REMOVE), documentdbCluster()], {
          defaultPoolSize: 25,
        })
      ).violations,
    ).toEqual([]);
  });

  it("counts rolling-update surge unless configured off", () => {
    const d = ferretdbDeployment().props;
    expect(peakPods(d)).toBe(3);
    expect(peakPods(d, false)).toBe(2);
    expect(peakPods(set(ferretdbDeployment(), "spec.strategy", REMOVE).props)).toBe(3);
    expect(peakPods(set(ferretdbDeployment(), "spec.strategy", { type: "Recreate" }).props)).toBe(
      2,
    );
  });

  it("reports an invalid pool annotation", async () => {
    const r = withPool("many");
    const outcome = await runStackPolicy(policy, [r, documentdbCluster()]);
    expect(outcome.violations).toEqual([
      'Annotation nightscout.dev/pool-size="many" is not a positive integer.',
    ]);
    expect(outcome.urns).toEqual([urnOf(r, 0)]);
  });

  it("surfaces unknown replicas instead of passing", async () => {
    const r = set(ferretdbDeployment(), "spec.replicas", UNKNOWN_STRING);
    expect((await runStackPolicy(policy, [r, documentdbCluster()])).unknown).toContain("replicas");
  });
  describe("peak pods", () => {
    const withStrategy = (rollingUpdate: object, replicas?: number | typeof REMOVE) => {
      const d = set(ferretdbDeployment(), "spec.strategy", {
        type: "RollingUpdate",
        rollingUpdate,
      });
      return (replicas === undefined ? d : set(d, "spec.replicas", replicas)).props;
    };

    it("rounds a percentage surge up, as the Deployment controller does", () => {
      expect(peakPods(withStrategy({ maxSurge: "25%" }, 4))).toBe(5);
      expect(peakPods(withStrategy({ maxSurge: "50%" }, 3))).toBe(5);
      expect(peakPods(withStrategy({ maxSurge: "100%" }, 2))).toBe(4);
    });

    it("takes the default surge of 25% and one replica when unset", () => {
      expect(peakPods(withStrategy({}, REMOVE))).toBe(2);
      expect(peakPods(withStrategy({}, 8))).toBe(10);
    });

    it("adds nothing for a surge that is neither a number nor a whole percentage", () => {
      for (const maxSurge of ["25", "x25%", "25%x", "2.5%", true, {}]) {
        expect(peakPods(withStrategy({ maxSurge }, 4))).toBe(4);
      }
    });
  });

  it("reads only whole-number PostgreSQL parameters", async () => {
    for (const value of ["200x", "x200", "2e2"]) {
      const cluster = set(documentdbCluster(), "spec.postgresql.parameters.max_connections", value);
      const outcome = await runStackPolicy(policy, [ferretdbDeployment(), cluster]);
      expect(outcome.violations).toEqual([
        "max_connections / superuser_reserved_connections must be integers.",
      ]);
    }
    const reserved = set(
      documentdbCluster(),
      "spec.postgresql.parameters.superuser_reserved_connections",
      "three",
    );
    expect((await runStackPolicy(policy, [ferretdbDeployment(), reserved])).violations).toEqual([
      "max_connections / superuser_reserved_connections must be integers.",
    ]);
  });

  it("refuses a pool annotation of 0 or with other characters, accepts 1", async () => {
    for (const value of ["0", "20x", "x20"]) {
      expect(
        (await runStackPolicy(policy, [withPool(value), documentdbCluster()])).violations,
      ).toEqual([`Annotation nightscout.dev/pool-size="${value}" is not a positive integer.`]);
    }
    expect((await runStackPolicy(policy, [withPool("1"), documentdbCluster()])).violations).toEqual(
      [],
    );
  });

  describe("with a Cluster per namespace", () => {
    const inNamespace = <T extends ReturnType<typeof documentdbCluster>>(
      r: T,
      ns: string,
      name: string,
    ): T => set(set(r, "metadata.namespace", ns), "metadata.name", name) as T;

    it("counts each Cluster's clients only from its own namespace", async () => {
      // Two FerretDBs of pool 29 fit one Cluster each (3 pods x 29 + 13 = 100), not both in one.
      const a = inNamespace(withPool("29"), "a", "ferretdb-a");
      const b = inNamespace(withPool("29"), "b", "ferretdb-b");
      const clusters = [
        inNamespace(documentdbCluster(), "a", "pg-a"),
        inNamespace(documentdbCluster(), "b", "pg-b"),
      ];
      expect((await runStackPolicy(policy, [a, b, ...clusters])).violations).toEqual([]);
      const both = [a, inNamespace(withPool("29"), "a", "ferretdb-a2"), ...clusters];
      expect((await runStackPolicy(policy, both)).violations).toEqual([
        expect.stringMatching(
          /^each FerretDB's nightscout.dev\/pool-size = .*Cluster "pg-a" max_connections/,
        ),
      ]);
    });

    it("with a single Cluster, counts every FerretDB whatever its namespace", async () => {
      // One Cluster is the only place a FerretDB elsewhere can store in.
      const elsewhere = set(withPool(REMOVE), "metadata.namespace", "clients");
      expect((await runStackPolicy(policy, [elsewhere, documentdbCluster()])).violations).toEqual([
        expect.stringContaining('Cluster "postgres" max_connections=100'),
      ]);
    });

    it("skips a Cluster no FerretDB uses", async () => {
      const clusters = [
        documentdbCluster(),
        inNamespace(
          set(documentdbCluster(), "spec.postgresql.parameters.max_connections", "bad"),
          "idle",
          "pg-idle",
        ),
      ];
      expect(
        (await runStackPolicy(policy, [ferretdbDeployment(), ...clusters])).violations,
      ).toEqual([]);
    });
  });

  it("names a Cluster without metadata.name by its Pulumi name", async () => {
    const cluster = set(documentdbCluster(), "metadata.name", REMOVE);
    const outcome = await runStackPolicy(policy, [withPool(REMOVE), cluster]);
    expect(outcome.violations).toEqual([
      expect.stringContaining('Cluster "postgres" max_connections=100'),
    ]);
  });
});
