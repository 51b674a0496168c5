import { nightscoutSettings as policy } from "../../policies/rules/nightscout-settings";
import { ferretdbDeployment, ingress, nightscoutDeployment, secretEnv } from "./fixtures";
import {
  REMOVE,
  UNKNOWN_STRING,
  runResourcePolicy,
  set,
  withContainer,
  withEnv,
  type TestResource,
} from "./helpers";

async function violations(r: TestResource, config: Record<string, unknown> = {}) {
  return (await runResourcePolicy(policy, r, config)).violations;
}

function withThresholds(values: Record<string, string>, units = "mmol"): TestResource {
  let r = withEnv(nightscoutDeployment(), "DISPLAY_UNITS", units);
  for (const name of ["BG_HIGH", "BG_TARGET_TOP", "BG_TARGET_BOTTOM", "BG_LOW"]) {
    r = withEnv(r, name, values[name] ?? REMOVE);
  }
  return r;
}

const MGDL = { BG_HIGH: "260", BG_TARGET_TOP: "180", BG_TARGET_BOTTOM: "80", BG_LOW: "55" };

describe("nightscout-settings", () => {
  it("passes the documented Nightscout Deployment", async () => {
    expect(await violations(nightscoutDeployment())).toEqual([]);
  });

  it("is not applicable to other workloads or types", async () => {
    expect((await runResourcePolicy(policy, ferretdbDeployment())).notApplicable).toBe(
      "The workload does not run Nightscout",
    );
    expect((await runResourcePolicy(policy, ingress())).notApplicable).toBe(
      "Policy only applies to workloads",
    );
  });

  it("reports API_SECRET missing or literal", async () => {
    const message =
      "API_SECRET must be set from a Secret (valueFrom.secretKeyRef): Nightscout does not reliably fail without it.";
    expect(await violations(withEnv(nightscoutDeployment(), "API_SECRET", REMOVE))).toEqual([
      message,
    ]);
    expect(
      await violations(withEnv(nightscoutDeployment(), "API_SECRET", "0123456789abc")),
    ).toEqual([message]);
  });

  it("reports a missing database URI and the ignored MONGODB_COLLECTION", async () => {
    expect(await violations(withEnv(nightscoutDeployment(), "MONGODB_URI", REMOVE))).toEqual([
      "No database URI: set one of STORAGE_URI, MONGO_CONNECTION, MONGO, MONGOLAB_URI, MONGODB_URI.",
    ]);
    const other = withEnv(
      withEnv(nightscoutDeployment(), "MONGODB_URI", REMOVE),
      "MONGO_CONNECTION",
      secretEnv("x", "s", "k"),
    );
    expect(await violations(other)).toEqual([]);
    expect(
      await violations(withEnv(nightscoutDeployment(), "MONGODB_COLLECTION", "entries")),
    ).toEqual(["MONGODB_COLLECTION is ignored by Nightscout; use ENTRIES_COLLECTION."]);
  });

  it("reports HOSTNAME other than 0.0.0.0", async () => {
    expect(await violations(withEnv(nightscoutDeployment(), "HOSTNAME", REMOVE))).toEqual([
      'HOSTNAME must be "0.0.0.0": Kubernetes sets it to the pod name, so Nightscout would listen on the pod IP only.',
    ]);
  });

  it("reports more than one replica and a rolling strategy", async () => {
    expect(await violations(set(nightscoutDeployment(), "spec.replicas", 2))).toEqual([
      "spec.replicas is 2; Nightscout keeps state in memory and must run one replica.",
    ]);
    expect(await violations(set(nightscoutDeployment(), "spec.strategy", REMOVE))).toEqual([
      "spec.strategy.type must be Recreate: a rolling update briefly runs two Nightscout pods.",
    ]);
  });

  it("accepts all four thresholds in mg/dL, or none", async () => {
    expect(await violations(withThresholds(MGDL, "mg/dl"))).toEqual([]);
    expect(await violations(withThresholds(MGDL, "mmol"))).toEqual([]);
    expect(await violations(withEnv(withThresholds({}), "ALARM_TYPES", REMOVE))).toEqual([]);
  });

  it("reports some thresholds without the others", async () => {
    expect(await violations(withThresholds({ BG_HIGH: "14", BG_LOW: "3.5" }))).toEqual([
      "Nightscout sets BG_LOW, BG_HIGH but not BG_TARGET_BOTTOM, BG_TARGET_TOP: set all four BG_* thresholds or none, in one unit.",
    ]);
  });

  it("reports a non-numeric threshold", async () => {
    expect(await violations(withThresholds({ ...MGDL, BG_LOW: "low" }, "mg/dl"))).toEqual([
      'Nightscout BG_LOW must be a literal number, got "low".',
    ]);
  });

  it("reports thresholds out of order", async () => {
    expect(await violations(withThresholds({ ...MGDL, BG_TARGET_TOP: "70" }, "mg/dl"))).toEqual([
      "Nightscout thresholds must be ordered BG_LOW < BG_TARGET_BOTTOM < BG_TARGET_TOP < BG_HIGH, got 55 / 80 / 70 / 260.",
    ]);
  });

  it("reports mmol values mixed with a mg/dL BG_HIGH", async () => {
    expect(
      await violations(withThresholds({ ...MGDL, BG_LOW: "3.9", BG_TARGET_BOTTOM: "4.5" })),
    ).toEqual([
      "Nightscout BG_LOW, BG_TARGET_BOTTOM look like mmol/L values but BG_HIGH >= 50 makes Nightscout read all four as mg/dL: use one unit for all four.",
    ]);
  });

  it("reports mmol values while units are mg/dL, with a configurable bound", async () => {
    const r = withThresholds(
      { BG_HIGH: "14", BG_TARGET_TOP: "10", BG_TARGET_BOTTOM: "4", BG_LOW: "3.5" },
      "mg/dl",
    );
    expect(await violations(r)).toEqual([
      "Nightscout BG_LOW, BG_TARGET_BOTTOM, BG_TARGET_TOP, BG_HIGH look like mmol/L values but DISPLAY_UNITS is not mmol, so Nightscout reads them as mg/dL: use one unit for all four.",
    ]);
    const low = withThresholds({ ...MGDL, BG_LOW: "40" }, "mg/dl");
    expect(await violations(low)).toEqual([]);
    expect(await violations(low, { minMgdlThreshold: 50 })).toEqual([
      "Nightscout BG_LOW look like mmol/L values but DISPLAY_UNITS is not mmol, so Nightscout reads them as mg/dL: use one unit for all four.",
    ]);
  });

  it("reports thresholds without an explicit ALARM_TYPES", async () => {
    expect(await violations(withEnv(nightscoutDeployment(), "ALARM_TYPES", REMOVE))).toEqual([
      "Setting BG_* switches ALARM_TYPES to simple; set ALARM_TYPES explicitly.",
    ]);
  });

  it("reports yes/no settings Nightscout would ignore", async () => {
    expect(await violations(withEnv(nightscoutDeployment(), "INSECURE_USE_HTTP", "yes"))).toEqual(
      expect.arrayContaining([
        'INSECURE_USE_HTTP="yes" is silently ignored; use on, true, off or false.',
      ]),
    );
  });

  it("reports a probe on /robots.txt", async () => {
    const r = withContainer(nightscoutDeployment(), "livenessProbe.httpGet.path", "/robots.txt");
    expect(await violations(r)).toEqual([
      "livenessProbe on /robots.txt answers 200 even when boot failed; probe /api/v1/verifyauth.",
    ]);
  });

  it("reports a status probe with AUTH_DEFAULT_ROLES=denied", async () => {
    const r = withContainer(
      withEnv(nightscoutDeployment(), "AUTH_DEFAULT_ROLES", "denied"),
      "readinessProbe.httpGet.path",
      "/api/v1/status.json",
    );
    expect(await violations(r)).toEqual([
      "readinessProbe on /api/v1/status.json gets 401 with AUTH_DEFAULT_ROLES=denied; probe /api/v1/verifyauth.",
    ]);
  });

  it("reports probes that get redirected to HTTPS, unless INSECURE_USE_HTTP is on", async () => {
    const r = withContainer(nightscoutDeployment(), "startupProbe.httpGet.httpHeaders", REMOVE);
    expect(await violations(r)).toEqual([
      "startupProbe gets a 307 redirect: without INSECURE_USE_HTTP=true it must send the header X-Forwarded-Proto: https.",
    ]);
    expect(await violations(withEnv(r, "INSECURE_USE_HTTP", "true"))).toEqual([]);
  });

  it("surfaces an unknown env list instead of passing", async () => {
    const r = withContainer(nightscoutDeployment(), "env", UNKNOWN_STRING);
    const outcome = await runResourcePolicy(policy, r);
    expect(outcome.violations).toEqual([]);
    expect(outcome.unknown).toContain(".env can't be known");
  });
});
