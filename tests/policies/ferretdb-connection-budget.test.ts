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
});
