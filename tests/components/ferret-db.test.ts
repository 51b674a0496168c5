/** FerretDb: its argument validation, and the rollout its Deployment gets. */
import {
  FERRETDB_ROLLOUT_SURGE,
  POOL_SIZE_ANNOTATION,
  ferretDbConnectionBudget,
} from "../../domain";
import { FerretDbArgs, ferretDbRollout, validateFerretDbArgs } from "../../components/ferret-db";
import { ferretArgs } from "../helpers/component-args";

describe("FerretDb: validateFerretDbArgs", () => {
  const rejects = (over: Partial<FerretDbArgs>) => () => validateFerretDbArgs(ferretArgs(over));

  test("accepts valid args", () => {
    expect(rejects({ mongoDatabase: "night-scout_2" })).not.toThrow();
  });
  test("image must be pinned", () => {
    expect(rejects({ image: "ghcr.io/ferretdb/ferretdb" })).toThrow(
      'FerretDb: args.image = "ghcr.io/ferretdb/ferretdb" is invalid. The image has no tag, so it floats to latest; pin a tag or digest.',
    );
  });
  test("image must be FerretDB v2", () => {
    expect(rejects({ image: "ghcr.io/ferretdb/ferretdb:1.24.2" })).toThrow(
      'FerretDb: args.image = "ghcr.io/ferretdb/ferretdb:1.24.2" is invalid. Use a FerretDB v2 image, e.g. ghcr.io/ferretdb/ferretdb:2.7.0.',
    );
  });
  test("replicas", () => {
    expect(rejects({ replicas: 0 })).toThrow(
      "FerretDb: args.replicas = 0 is invalid. Use a whole number of at least 1.",
    );
  });
  test("poolSize", () => {
    expect(rejects({ poolSize: 2.5 })).toThrow(
      "FerretDb: args.poolSize = 2.5 is invalid. Use a whole number of at least 1.",
    );
  });
  test("mongoDatabase", () => {
    expect(rejects({ mongoDatabase: "night/scout" })).toThrow(
      'FerretDb: args.mongoDatabase = "night/scout" is invalid. Use letters, digits, _ or -.',
    );
    expect(rejects({ mongoDatabase: "n".repeat(64) })).toThrow(/args.mongoDatabase/);
  });
});

describe("spec builders (no Pulumi runtime involved)", () => {
  test("fact 17: FerretDB's rollout surge is the one the connection budget counts, with its pool size", () => {
    const rollout = ferretDbRollout(20);
    expect(rollout.strategy.rollingUpdate).toEqual({
      maxSurge: FERRETDB_ROLLOUT_SURGE,
      maxUnavailable: 0,
    });
    expect(rollout.annotations).toEqual({ [POOL_SIZE_ANNOTATION]: "20" });
    expect(ferretDbConnectionBudget(2, 20, 100).peakPods).toBe(
      2 + rollout.strategy.rollingUpdate.maxSurge,
    );
  });
});
