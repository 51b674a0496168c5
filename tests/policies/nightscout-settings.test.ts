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
      "BG_TARGET_BOTTOM = (unset): is unset while BG_LOW, BG_HIGH are set; Nightscout then mixes your values with its mg/dL defaults. Fix: set all four thresholds (BG_LOW, BG_TARGET_BOTTOM, BG_TARGET_TOP, BG_HIGH) in mmol/L, or none.",
    ]);
  });

  it("reports a non-numeric threshold", async () => {
    expect(await violations(withThresholds({ ...MGDL, BG_LOW: "low" }, "mg/dl"))).toEqual([
      'BG_LOW = "low": must be a plain number in mg/dL. Fix: set BG_LOW to <36..486>.',
    ]);
  });

  it("reports thresholds out of order", async () => {
    expect(await violations(withThresholds({ ...MGDL, BG_TARGET_TOP: "70" }, "mg/dl"))).toEqual([
      'BG_TARGET_BOTTOM = "80": must be below BG_TARGET_TOP (70): thresholds must rise low < target bottom < target top < high. Fix: choose BG_TARGET_BOTTOM < BG_TARGET_TOP.',
    ]);
  });

  it("reports mmol values mixed with a mg/dL BG_HIGH", async () => {
    expect(
      await violations(withThresholds({ ...MGDL, BG_LOW: "3.9", BG_TARGET_BOTTOM: "4.5" })),
    ).toEqual([
      'BG_LOW = "3.9": must be a number from 36 to 486 mg/dL (it looks like mmol/L; thresholds are given in DISPLAY_UNITS). Fix: set BG_LOW to 70.',
      'BG_TARGET_BOTTOM = "4.5": must be a number from 36 to 486 mg/dL (it looks like mmol/L; thresholds are given in DISPLAY_UNITS). Fix: set BG_TARGET_BOTTOM to 81.',
    ]);
  });

  it("reports mmol values while units are mg/dL, each with its mg/dL value", async () => {
    const r = withThresholds(
      { BG_HIGH: "14", BG_TARGET_TOP: "10", BG_TARGET_BOTTOM: "4", BG_LOW: "3.5" },
      "mg/dl",
    );
    expect(await violations(r)).toEqual([
      'BG_LOW = "3.5": must be a number from 36 to 486 mg/dL (it looks like mmol/L; thresholds are given in DISPLAY_UNITS). Fix: set BG_LOW to 63.',
      'BG_TARGET_BOTTOM = "4": must be a number from 36 to 486 mg/dL (it looks like mmol/L; thresholds are given in DISPLAY_UNITS). Fix: set BG_TARGET_BOTTOM to 72.',
      'BG_TARGET_TOP = "10": must be a number from 36 to 486 mg/dL (it looks like mmol/L; thresholds are given in DISPLAY_UNITS). Fix: set BG_TARGET_TOP to 180.',
      'BG_HIGH = "14": must be a number from 36 to 486 mg/dL (it looks like mmol/L; thresholds are given in DISPLAY_UNITS). Fix: set BG_HIGH to 252.',
    ]);
  });

  it("holds the mg/dL range's bounds inclusive", async () => {
    expect(await violations(withThresholds({ ...MGDL, BG_LOW: "36" }, "mg/dl"))).toEqual([]);
    expect(await violations(withThresholds({ ...MGDL, BG_LOW: "35.9" }, "mg/dl"))).toEqual([
      'BG_LOW = "35.9": must be a number from 36 to 486 mg/dL. Fix: set BG_LOW to <36..486>.',
    ]);
  });

  it("reads the set as mmol/L only while BG_HIGH is below 50 (fact 22)", async () => {
    const mmol = { BG_LOW: "3.5", BG_TARGET_BOTTOM: "4", BG_TARGET_TOP: "10", BG_HIGH: "26.9" };
    expect(await violations(withThresholds(mmol, "mmol"))).toEqual([]);
    // 49.9 is still converted, as mmol/L, and out of its range; 50 is read as mg/dL.
    expect(await violations(withThresholds({ ...mmol, BG_HIGH: "49.9" }, "mmol"))).toEqual([
      'BG_HIGH = "49.9": must be a number from 2 to 27 mmol/L (it looks like mg/dL; thresholds are given in DISPLAY_UNITS). Fix: set BG_HIGH to 2.8.',
    ]);
    expect(await violations(withThresholds({ ...mmol, BG_HIGH: "50" }, "mmol"))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^BG_LOW = "3.5": must be a number from 36 to 486 mg\/dL/),
      ]),
    );
  });

  it("reads rendered thresholds as they stand: only settings are held to the rendered decimals", async () => {
    const mmol = { BG_LOW: "3.5", BG_TARGET_BOTTOM: "4", BG_TARGET_TOP: "10.0", BG_HIGH: "10.04" };
    expect(await violations(withThresholds(mmol, "mmol"))).toEqual([]);
    expect(await violations(withThresholds({ ...MGDL, BG_TARGET_TOP: "180.4" }, "mg/dl"))).toEqual(
      [],
    );
  });

  it("refuses two equal thresholds: they must rise strictly", async () => {
    expect(await violations(withThresholds({ ...MGDL, BG_TARGET_TOP: "80" }, "mg/dl"))).toEqual([
      'BG_TARGET_BOTTOM = "80": must be below BG_TARGET_TOP (80): thresholds must rise low < target bottom < target top < high. Fix: choose BG_TARGET_BOTTOM < BG_TARGET_TOP.',
    ]);
  });

  it("refuses a DISPLAY_UNITS Nightscout reads other than it says (fact 21)", async () => {
    expect(await violations(withEnv(nightscoutDeployment(), "DISPLAY_UNITS", "mmol/L"))).toEqual([
      'DISPLAY_UNITS = "mmol/L": is read by Nightscout as mmol/L, but only mmol and mg/dl say so unambiguously. Fix: set DISPLAY_UNITS to mmol.',
    ]);
    expect(await violations(withEnv(nightscoutDeployment(), "DISPLAY_UNITS", REMOVE))).toEqual(
      expect.arrayContaining([
        "DISPLAY_UNITS = (unset): is unset, so Nightscout shows mg/dL. Fix: set DISPLAY_UNITS to mg/dl.",
      ]),
    );
  });

  it("refuses plugins shown but not enabled (fact 30)", async () => {
    expect(
      await violations(withEnv(nightscoutDeployment(), "SHOW_PLUGINS", "iob pushover")),
    ).toEqual([
      'SHOW_PLUGINS = "[\\"iob\\",\\"pushover\\"]": shows plugins that are not enabled: iob, pushover. Fix: add them to ENABLE or remove them from SHOW_PLUGINS.',
    ]);
  });

  describe("Pushover whole or not at all (fact 41)", () => {
    const pushover = (...names: string[]) =>
      names.reduce(
        (r, name) => withEnv(r, name, secretEnv(name, "nightscout", name.toLowerCase())),
        withEnv(nightscoutDeployment(), "ENABLE", "careportal pushover"),
      );

    it("passes the token with a user key, each from the Secret", async () => {
      expect(await violations(pushover("PUSHOVER_API_TOKEN", "PUSHOVER_USER_KEY"))).toEqual([]);
      expect(
        await violations(
          pushover(
            "PUSHOVER_API_TOKEN",
            "PUSHOVER_USER_KEY",
            "PUSHOVER_ALARM_KEY",
            "PUSHOVER_ANNOUNCEMENT_KEY",
          ),
        ),
      ).toEqual([]);
    });

    it("refuses the token without a user key", async () => {
      expect(await violations(pushover("PUSHOVER_API_TOKEN"))).toEqual([
        "PUSHOVER_USER_KEY = (unset): is unset while PUSHOVER_API_TOKEN is set: Pushover would have no one to send the alarms to. Fix: set PUSHOVER_USER_KEY to <your Pushover user or group key>.",
      ]);
    });

    it("refuses keys without the token, naming each key given", async () => {
      expect(await violations(pushover("PUSHOVER_USER_KEY", "PUSHOVER_ALARM_KEY"))).toEqual([
        "PUSHOVER_API_TOKEN = (unset): is unset while PUSHOVER_USER_KEY and PUSHOVER_ALARM_KEY are set: without the application's token Nightscout pushes nothing. Fix: set PUSHOVER_API_TOKEN to <the application's API token>.",
      ]);
    });

    it("refuses pushover in ENABLE without the token", async () => {
      expect(await violations(pushover())).toEqual([
        `ENABLE = "[\\"careportal\\",\\"pushover\\"]": enables pushover without PUSHOVER_API_TOKEN: it would push nothing. Fix: set PUSHOVER_API_TOKEN to <the application's API token> and PUSHOVER_USER_KEY, or remove pushover from ENABLE.`,
      ]);
    });
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
  describe("edges the pack reads the environment at", () => {
    const REDIRECTED = (probe: string) =>
      `${probe} gets a 307 redirect: without INSECURE_USE_HTTP=true it must send the header X-Forwarded-Proto: https.`;
    const withoutHeaders = () =>
      withContainer(nightscoutDeployment(), "startupProbe.httpGet.httpHeaders", REMOVE);

    it("takes INSECURE_USE_HTTP as on only for on and true", async () => {
      expect(await violations(withEnv(withoutHeaders(), "INSECURE_USE_HTTP", "on"))).toEqual([]);
      expect(await violations(withEnv(withoutHeaders(), "INSECURE_USE_HTTP", "off"))).toEqual([
        REDIRECTED("startupProbe"),
      ]);
      expect(await violations(withEnv(withoutHeaders(), "INSECURE_USE_HTTP", REMOVE))).toEqual([
        REDIRECTED("startupProbe"),
      ]);
    });

    it("matches the X-Forwarded-Proto header by name in any case, and only with https", async () => {
      const header = (name: string, value: string) =>
        withContainer(nightscoutDeployment(), "startupProbe.httpGet.httpHeaders", [
          { name, value },
        ]);
      expect(await violations(header("x-forwarded-PROTO", "https"))).toEqual([]);
      expect(await violations(header("X-Forwarded-Proto", "http"))).toEqual([
        REDIRECTED("startupProbe"),
      ]);
      expect(await violations(header("X-Forwarded-Host", "https"))).toEqual([
        REDIRECTED("startupProbe"),
      ]);
    });

    it("checks only HTTP probes that name a path", async () => {
      const exec = withContainer(nightscoutDeployment(), "startupProbe", {
        exec: { command: ["true"] },
      });
      expect(await violations(exec)).toEqual([]);
      const noPath = withContainer(nightscoutDeployment(), "startupProbe.httpGet", {
        port: "http",
      });
      expect(await violations(noPath)).toEqual([]);
    });

    it("finds denied among comma- or space-separated default roles", async () => {
      const status = (roles: string) =>
        withContainer(
          withEnv(nightscoutDeployment(), "AUTH_DEFAULT_ROLES", roles),
          "readinessProbe.httpGet.path",
          "/api/v1/status",
        );
      const DENIED =
        "readinessProbe on /api/v1/status gets 401 with AUTH_DEFAULT_ROLES=denied; probe /api/v1/verifyauth.";
      expect(await violations(status("status-only,denied"))).toEqual([DENIED]);
      expect(await violations(status("status-only denied"))).toEqual([DENIED]);
      expect(await violations(status("undenied"))).toEqual([]);
    });

    it("trims a threshold before reading it, and says when it is a reference", async () => {
      expect(await violations(withEnv(nightscoutDeployment(), "BG_HIGH", " 14 "))).toEqual([]);
      const ref = withEnv(nightscoutDeployment(), "BG_LOW", {
        valueFrom: { configMapKeyRef: { name: "ns", key: "high" } },
      });
      expect(await violations(ref)).toEqual([
        expect.stringContaining('BG_LOW = "(a reference, not a literal)": must be a plain number'),
      ]);
    });

    it("asks for ALARM_TYPES as soon as any one threshold is set", async () => {
      const one = withThresholds({ BG_HIGH: "260" }, "mg/dl");
      expect(await violations(withEnv(one, "ALARM_TYPES", REMOVE))).toEqual(
        expect.arrayContaining([
          "Setting BG_* switches ALARM_TYPES to simple; set ALARM_TYPES explicitly.",
        ]),
      );
      const none = withEnv(withThresholds({}, "mg/dl"), "ALARM_TYPES", REMOVE);
      expect(await violations(none)).toEqual([]);
    });

    it("splits ENABLE and SHOW_PLUGINS on any run of whitespace", async () => {
      const r = withEnv(
        withEnv(nightscoutDeployment(), "ENABLE", "  careportal\tiob   cob "),
        "SHOW_PLUGINS",
        " iob  cob\n",
      );
      expect(await violations(r)).toEqual([]);
      const noEnable = withEnv(
        withEnv(nightscoutDeployment(), "ENABLE", REMOVE),
        "SHOW_PLUGINS",
        "iob",
      );
      expect(await violations(noEnable)).toEqual([
        expect.stringMatching(
          /^SHOW_PLUGINS = .*shows plugins that are not enabled: iob\. Fix: add them to ENABLE/,
        ),
      ]);
    });

    it("does not judge SHOW_PLUGINS against an ENABLE it cannot read (a reference)", async () => {
      const referenced = withEnv(
        withEnv(nightscoutDeployment(), "ENABLE", {
          valueFrom: { configMapKeyRef: { name: "ns", key: "enable" } },
        }),
        "SHOW_PLUGINS",
        "careportal",
      );
      expect(await violations(referenced)).toEqual([]);
    });

    it("drops the empty words that surrounding whitespace leaves in SHOW_PLUGINS", async () => {
      const padded = withEnv(
        withEnv(nightscoutDeployment(), "ENABLE", "iob"),
        "SHOW_PLUGINS",
        " iob ",
      );
      expect(await violations(padded)).toEqual([]);
    });

    it("asks spec.strategy.type Recreate of a Deployment only", async () => {
      // A StatefulSet has no spec.strategy: it replaces its pod only after the old one stopped.
      const statefulSet = set(
        { ...nightscoutDeployment(), type: "kubernetes:apps/v1:StatefulSet" },
        "spec.strategy",
        REMOVE,
      );
      expect(await violations(statefulSet)).toEqual([]);
      expect(await violations(withEnv(statefulSet, "HOSTNAME", REMOVE))).toEqual([
        'HOSTNAME must be "0.0.0.0": Kubernetes sets it to the pod name, so Nightscout would listen on the pod IP only.',
      ]);
    });

    it("asks one replica of a StatefulSet too", async () => {
      const statefulSet = set(
        { ...nightscoutDeployment(), type: "kubernetes:apps/v1:StatefulSet" },
        "spec.strategy",
        REMOVE,
      );
      expect(await violations(set(statefulSet, "spec.replicas", 2))).toEqual([
        "spec.replicas is 2; Nightscout keeps state in memory and must run one replica.",
      ]);
    });

    it("asks one replica of a ReplicaSet too, and no strategy", async () => {
      // Fact 28, never two pods: a ReplicaSet runs spec.replicas of them like a Deployment.
      const replicaSet = set(
        { ...nightscoutDeployment(), type: "kubernetes:apps/v1:ReplicaSet" },
        "spec.strategy",
        REMOVE,
      );
      expect(await violations(replicaSet)).toEqual([]);
      expect(await violations(set(replicaSet, "spec.replicas", 2))).toEqual([
        "spec.replicas is 2; Nightscout keeps state in memory and must run one replica.",
      ]);
    });

    it("reads spec.replicas only of the workloads that have it", async () => {
      // A Pod is one pod: a stray spec.replicas in its props is not a count of anything.
      const deployment = nightscoutDeployment();
      const pod: TestResource = {
        type: "kubernetes:core/v1:Pod",
        name: deployment.name,
        props: {
          metadata: (deployment.props as { metadata: unknown }).metadata,
          spec: {
            ...(deployment.props as { spec: { template: { spec: object } } }).spec.template.spec,
            replicas: 2,
          },
        },
      };
      expect(await violations(pod)).toEqual([]);
    });

    it("takes AUTH_DEFAULT_ROLES unset as not denied", async () => {
      const status = withContainer(
        withEnv(nightscoutDeployment(), "AUTH_DEFAULT_ROLES", REMOVE),
        "readinessProbe.httpGet.path",
        "/api/v1/status",
      );
      expect(await violations(status)).toEqual([]);
    });

    it("skips a probe header without a name", async () => {
      const r = withContainer(nightscoutDeployment(), "startupProbe.httpGet.httpHeaders", [
        { value: "https" },
        { name: "X-Forwarded-Proto", value: "https" },
      ]);
      expect(await violations(r)).toEqual([]);
    });

    it("accepts spec.replicas 1 or unset", async () => {
      expect(await violations(set(nightscoutDeployment(), "spec.replicas", 1))).toEqual([]);
      expect(await violations(set(nightscoutDeployment(), "spec.replicas", REMOVE))).toEqual([]);
    });
  });
});
