import * as fs from "fs";
import * as path from "path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  evaluatePolicies,
  hasMandatoryViolations,
  resolvePolicyConfig,
  validatePolicyPackConfig,
  type PolicyPackConfig,
} from "../../policies/evaluate";
import type { CapturedResource } from "../../policies/lib/resource";
import { allPolicies } from "../../policies/policies";
import {
  documentdbCluster,
  ferretdbDeployment,
  ingress,
  networkPolicySet,
  nightscoutDeployment,
  objectStore,
  redirectMiddleware,
  scheduledBackup,
} from "./fixtures";
import { backupAgeAlertRule } from "./monitoring-fixtures";
import { UNKNOWN_STRING, captured, set, urnOf } from "./helpers";

const compliantStack = () => [
  nightscoutDeployment(),
  ferretdbDeployment(),
  documentdbCluster(),
  objectStore(),
  scheduledBackup(),
  ingress(),
  redirectMiddleware(),
  ...networkPolicySet(),
  backupAgeAlertRule(),
];

function loadConfig(stack: string): PolicyPackConfig {
  const file = path.join(__dirname, "../../policies/config", `${stack}.json`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as PolicyPackConfig;
}

/** A resource policy that reports its config, to observe what the evaluator passes. */
const echo: ResourceValidationPolicy = {
  name: "echo",
  description: "Reports its config for every Deployment.",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      size: { type: "integer", default: 1 },
      label: { type: "string", default: "x" },
    },
  },
  validateResource: (args, report) => {
    if (args.type !== "kubernetes:apps/v1:Deployment") args.notApplicable();
    report(JSON.stringify(args.getConfig()));
  },
};

const stackEcho: StackValidationPolicy = {
  name: "stack-echo",
  description: "Reports protect and parent of every resource.",
  enforcementLevel: "mandatory",
  validateStack: async (args, report) => {
    for (const r of args.resources) {
      report(
        `${r.name} protect=${r.opts.protect} parent=${r.parent?.name ?? "-"} deps=${r.dependencies.length}`,
        r.urn,
      );
    }
  },
};

describe("evaluatePolicies", () => {
  it("finds no violation in a compliant stack with either stack config", async () => {
    const resources = captured(compliantStack());
    expect(await evaluatePolicies(resources, loadConfig("production"))).toEqual([]);
    expect(await evaluatePolicies(resources, loadConfig("staging"))).toEqual([]);
  });

  it("reports resource and stack policy violations with their levels and URNs", async () => {
    const resources = captured([
      { ...documentdbCluster(), protect: false },
      set(nightscoutDeployment(), "spec.replicas", 2),
    ]);
    const violations = await evaluatePolicies(resources, loadConfig("production"));
    const clusterUrn = resources[0].urn;
    expect(violations).toEqual(
      expect.arrayContaining([
        {
          policy: "nightscout-settings",
          enforcementLevel: "mandatory",
          resourceUrn: resources[1].urn,
          message: "spec.replicas is 2; Nightscout keeps state in memory and must run one replica.",
        },
        {
          policy: "production-database-protected",
          enforcementLevel: "mandatory",
          resourceUrn: clusterUrn,
          message:
            'Cluster "postgres" opts.protect = "false": production\'s database must be protected from deletion and replacement. Fix: set Cluster "postgres" opts.protect to true.',
        },
        expect.objectContaining({ policy: "backups-configured", resourceUrn: clusterUrn }),
        expect.objectContaining({ policy: "network-policies", resourceUrn: undefined }),
      ]),
    );
    expect(hasMandatoryViolations(violations)).toBe(true);
    // Staging turns protect and backups off.
    const staging = await evaluatePolicies(resources, loadConfig("staging"));
    expect(staging.map((v) => v.policy)).not.toContain("production-database-protected");
    expect(staging.map((v) => v.policy)).not.toContain("backups-configured");
  });

  it("applies stack config: minInstances 3 in production, 1 in staging", async () => {
    const resources = captured([set(documentdbCluster(), "spec.instances", 1)]);
    const policies = allPolicies.filter((p) => p.name === "cnpg-min-instances");
    expect(await evaluatePolicies(resources, loadConfig("production"), { policies })).toEqual([
      expect.objectContaining({
        message: `spec.instances = "1": production needs at least 3 PostgreSQL instances so losing one node loses no data. Fix: set spec.instances to 3.`,
      }),
    ]);
    expect(await evaluatePolicies(resources, loadConfig("staging"), { policies })).toEqual([]);
  });

  it("merges config over schema defaults, leaving enforcementLevel out", async () => {
    const resources = captured([ferretdbDeployment()]);
    const [v] = await evaluatePolicies(
      resources,
      { echo: { enforcementLevel: "mandatory", size: 5 } },
      { policies: [echo] },
    );
    expect(v).toEqual({
      policy: "echo",
      enforcementLevel: "mandatory",
      resourceUrn: resources[0].urn,
      message: JSON.stringify({ size: 5, label: "x" }),
    });
    expect(resolvePolicyConfig(echo, {})).toEqual({
      enforcementLevel: "advisory",
      properties: { size: 1, label: "x" },
    });
  });

  it("resolves enforcement levels: policy config over all over the policy's own", async () => {
    const resources = captured([ferretdbDeployment()]);
    const levels = async (config: PolicyPackConfig) =>
      (await evaluatePolicies(resources, config, { policies: [echo] })).map(
        (v) => v.enforcementLevel,
      );
    expect(await levels({})).toEqual(["advisory"]);
    expect(await levels({ all: "mandatory" })).toEqual(["mandatory"]);
    expect(await levels({ all: "mandatory", echo: "advisory" })).toEqual(["advisory"]);
    expect(await levels({ echo: "remediate" })).toEqual(["mandatory"]);
    expect(await levels({ echo: "disabled" })).toEqual([]);
    expect(await levels({ all: "disabled" })).toEqual([]);
  });

  it("skips not-applicable resources without reporting", async () => {
    const resources = captured([ingress(), documentdbCluster()]);
    expect(await evaluatePolicies(resources, {}, { policies: [echo] })).toEqual([]);
  });

  it("passes options, parents and dependencies to stack policies", async () => {
    const resources: CapturedResource[] = [
      {
        type: "nightscout:index:Stack",
        name: "parent",
        urn: "urn:p",
        props: {},
        opts: { dependsOn: [] },
        custom: false,
      },
      {
        type: "kubernetes:core/v1:Secret",
        name: "child",
        urn: "urn:c",
        props: {},
        opts: { protect: true, parent: "urn:p", dependsOn: ["urn:p", "urn:missing"] },
        custom: true,
      },
    ];
    expect(await evaluatePolicies(resources, {}, { policies: [stackEcho] })).toEqual([
      {
        policy: "stack-echo",
        enforcementLevel: "mandatory",
        resourceUrn: "urn:p",
        message: "parent protect=false parent=- deps=0",
      },
      {
        policy: "stack-echo",
        enforcementLevel: "mandatory",
        resourceUrn: "urn:c",
        message: "child protect=true parent=parent deps=1",
      },
    ]);
  });

  it("reports an unknown value as the engine does, or as mandatory when asked", async () => {
    const resources = captured([set(documentdbCluster(), "spec.instances", UNKNOWN_STRING)]);
    const policies = allPolicies.filter((p) => p.name === "cnpg-min-instances");
    const [advisory] = await evaluatePolicies(resources, {}, { policies });
    expect(advisory).toEqual({
      policy: "cnpg-min-instances",
      enforcementLevel: "advisory",
      resourceUrn: resources[0].urn,
      message:
        "can't run policy 'cnpg-min-instances' during preview: string value at .spec.instances can't be known during preview",
    });
    const [blocking] = await evaluatePolicies(
      resources,
      {},
      { policies, unknownValueLevel: "mandatory" },
    );
    expect(blocking.enforcementLevel).toBe("mandatory");
  });

  it("rethrows a policy's own error with the policy and resource named", async () => {
    const broken: ResourceValidationPolicy = {
      name: "broken",
      description: "Throws.",
      enforcementLevel: "mandatory",
      validateResource: () => {
        throw new Error("boom");
      },
    };
    await expect(
      evaluatePolicies(captured([ingress()]), {}, { policies: [broken] }),
    ).rejects.toThrow(`Policy broken failed on ${urnOf(ingress())}: Error: boom`);
  });

  it("does not let policies mutate the captured props", async () => {
    const mutating: ResourceValidationPolicy = {
      name: "mutating",
      description: "Mutates.",
      enforcementLevel: "advisory",
      validateResource: (args) => {
        (args.props.metadata as Record<string, unknown>).name = "changed";
      },
    };
    const resources = captured([ingress()]);
    await evaluatePolicies(resources, {}, { policies: [mutating] });
    expect((resources[0].props.metadata as { name: string }).name).toBe("nightscout");
  });
});

describe("policy pack config", () => {
  it.each(["staging", "production"])("%s.json is valid for the pack", (stack) => {
    expect(validatePolicyPackConfig(loadConfig(stack))).toEqual([]);
  });

  it("rejects unknown policies and properties, bad levels and wrong types", async () => {
    const config = {
      "no-such-policy": "mandatory",
      "cnpg-min-instances": { minInstance: 3, enforcementLevel: "strict" },
      "images-pinned": { requireDigest: "yes", requireDigestFor: [1] },
      all: { enforcementLevel: "advisory", minInstances: 3 },
    } as unknown as PolicyPackConfig;
    expect(validatePolicyPackConfig(config)).toEqual([
      "no-such-policy: no such policy",
      'cnpg-min-instances: enforcementLevel "strict" is not one of advisory, mandatory, remediate, disabled',
      "cnpg-min-instances.minInstance: no such property",
      'images-pinned.requireDigest: expected boolean, got "yes"',
      "images-pinned.requireDigestFor: item: expected string, got 1",
      "all: only enforcementLevel may be set",
    ]);
    await expect(evaluatePolicies([], config)).rejects.toThrow("Invalid policy pack config");
  });

  it("rejects values below a schema minimum", () => {
    expect(validatePolicyPackConfig({ "cnpg-min-instances": { minInstances: 0 } })).toEqual([
      "cnpg-min-instances.minInstances: must be >= 1, got 0",
    ]);
  });
});
