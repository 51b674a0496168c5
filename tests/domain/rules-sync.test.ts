/**
 * The rule catalogue (domain/rules/) is the one home of each rule: each rule runs where it says
 * it does on both stacks' programs, and a value changed in its home reaches the program, the pack
 * and the docs. The declarations' checks that need no program are in rules-catalogue.test.ts.
 */
import * as fs from "node:fs";
import { rulesEnforcedOnSettings } from "../../config/rules/catalogue";
import { ENVIRONMENTS, RULES } from "../../domain";
import { evaluatePolicies } from "../../policies/evaluate";
import { rulesEnforcedOnObjects } from "../../policies/lib/catalogue";
import { captureStack } from "../../tools/lib/capture";
import { packConfigFile } from "../../tools/commands/sync-rules";

const read = (file: string) => fs.readFileSync(file, "utf8");

describe("the rule catalogue", () => {
  it("runs each rule on the settings and on the rendered objects as it declares", async () => {
    const onSettings = new Set<string>();
    const onObjects = new Set<string>();
    for (const stack of ENVIRONMENTS) {
      const { resources } = await captureStack(stack);
      expect(resources.length).toBeGreaterThan(20);
      const config = JSON.parse(read(packConfigFile(stack)));
      const violations = await evaluatePolicies(resources, config);
      expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
      for (const id of rulesEnforcedOnSettings()) onSettings.add(id);
      for (const id of rulesEnforcedOnObjects()) onObjects.add(id);
    }
    const declared = (pick: (r: (typeof RULES)[number]) => boolean) =>
      RULES.filter(pick)
        .map((r) => r.id)
        .sort();
    expect([...onSettings].sort()).toEqual(declared((r) => r.onSettings));
    expect([...onObjects].sort()).toEqual(declared((r) => r.policy !== undefined));
  });
});

describe("a value of the catalogue has one home", () => {
  afterEach(() => jest.resetModules());

  /** Loads `load` with domain/names.ts changed as `names` says, everything else as it is. */
  function withNames<T>(names: Record<string, unknown>, load: () => T): T {
    let result: T;
    jest.isolateModules(() => {
      jest.doMock("../../domain/names", () => ({
        ...jest.requireActual("../../domain/names"),
        ...names,
      }));
      result = load();
    });
    return result!;
  }

  it("the production minimum of instances: the program, the pack's config and the docs follow", async () => {
    const { program, packConfig, table, policyDefault } = withNames(
      { PRODUCTION_MIN_INSTANCES: 4 },
      () => {
        /* eslint-disable @typescript-eslint/no-require-imports */
        const { problems } = require("../config/helpers") as typeof import("../config/helpers");
        const sync =
          require("../../tools/commands/sync-rules") as typeof import("../../tools/commands/sync-rules");
        const policy =
          require("../../policies/rules/cnpg-min-instances") as typeof import("../../policies/rules/cnpg-min-instances");
        /* eslint-enable @typescript-eslint/no-require-imports */
        return {
          program: problems({
            environment: "production",
            postgresInstances: "3",
            backupDestinationPath: "s3://b/p",
            backupAccessKeyId: "AKID",
            backupSecretAccessKey: "SAK",
          }),
          packConfig: sync.packConfigFor("production", {}),
          table: sync.ruleTable(),
          policyDefault: policy.cnpgMinInstances.configSchema?.properties?.["minInstances"],
        };
      },
    );
    expect(program).toEqual([
      'nightscout:postgresInstances = "3": production needs at least 4 PostgreSQL instances so losing one node loses no data. Fix: pulumi config set postgresInstances 4 (or pulumi config set environment staging)',
    ]);
    expect(packConfig["cnpg-min-instances"]).toEqual({ minInstances: 4 });
    expect(table).toMatch(/\| `min-instances` \| 11 \|.*\| minInstances: 4 \| minInstances: 1 \|/);
    expect(policyDefault).toMatchObject({ default: 4 });
  });

  it("the system namespaces: the program and the pack refuse a namespace added there", async () => {
    const { program, table } = withNames(
      { SYSTEM_NAMESPACES: ["default", "kube-system", "kube-public", "kube-node-lease", "infra"] },
      () => {
        /* eslint-disable @typescript-eslint/no-require-imports */
        const { problems } = require("../config/helpers") as typeof import("../config/helpers");
        const sync =
          require("../../tools/commands/sync-rules") as typeof import("../../tools/commands/sync-rules");
        /* eslint-enable @typescript-eslint/no-require-imports */
        return { program: problems({ namespace: "infra" }), table: sync.ruleTable() };
      },
    );
    expect(program).toEqual([
      "nightscout:namespace = \"infra\": is a namespace the cluster's own workloads use; the stack's default-deny NetworkPolicy would cut them off. Fix: pulumi config set namespace nightscout (or, knowing the risk, pulumi config set allowSystemNamespace true)",
    ]);
    expect(table).toContain("kube-node-lease, infra) unless allowed.");
  });
});
