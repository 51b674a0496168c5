/** Nightscout: its argument validation, and the settings it renders for Nightscout. */
import { RESERVED_NIGHTSCOUT_ENV } from "../../domain";
import { NightscoutArgs, validateNightscoutArgs } from "../../components/nightscout";
import { nightscoutSettings } from "../../components/nightscout-settings";
import { nightscoutArgs } from "../helpers/component-args";

describe("Nightscout: validateNightscoutArgs", () => {
  const rejects = (over: Partial<NightscoutArgs>) => () =>
    validateNightscoutArgs(nightscoutArgs(over));

  test("accepts valid args", () => {
    expect(rejects({})).not.toThrow();
  });
  test("image must be pinned", () => {
    expect(rejects({ image: "nightscout/cgm-remote-monitor:latest" })).toThrow(
      'Nightscout: args.image = "nightscout/cgm-remote-monitor:latest" is invalid. The image uses the floating tag "latest"; pin a tag or digest.',
    );
  });
  test("hostname must be a DNS name (the domain's rule)", () => {
    expect(rejects({ hostname: "https://ns.example.org" })).toThrow(
      'Nightscout: args.hostname = "https://ns.example.org" is invalid. It is not a fully qualified DNS name (lowercase labels separated by dots, no scheme or path). Use a fully qualified DNS name such as ns.example.org.',
    );
    expect(rejects({ hostname: "10.0.0.1" })).toThrow(
      /args.hostname = "10.0.0.1" is invalid. It is an IP address/,
    );
  });
  test.each([9, 1441, 20.5])(
    "preferences.staleDataMinutes %p is refused, as Monitoring refuses it",
    (minutes) => {
      const args = nightscoutArgs();
      expect(rejects({ preferences: { ...args.preferences, staleDataMinutes: minutes } })).toThrow(
        `Nightscout: args.preferences.staleDataMinutes = ${minutes} is invalid. Use whole minutes from 10 (a CGM sends every 5) to 1440.`,
      );
    },
  );
  test("the stale-data alarm follows preferences, so settings cannot set it", () => {
    expect(rejects({ settings: { ALARM_TIMEAGO_URGENT_MINS: "45" } })).toThrow(
      "ALARM_TIMEAGO_URGENT_MINS follows from args.preferences; set it there instead.",
    );
  });
  // A name that looks secret is refused as a literal secret first, so its value is not echoed.
  const looksSecret = new Set(["API_SECRET"]);
  test.each(RESERVED_NIGHTSCOUT_ENV)("settings cannot override %s", (key) => {
    expect(rejects({ settings: { [key]: "x" } })).toThrow(
      looksSecret.has(key)
        ? `Nightscout: args.settings.${key} = "(hidden)" is invalid. Secrets must not be literal env values; pass them through a Secret.`
        : `Nightscout: args.settings.${key} = "x" is invalid. ${key} is set by the component itself; remove it from settings.`,
    );
  });
  test.each(["DISPLAY_UNITS", "ALARM_TYPES", "AUTH_DEFAULT_ROLES", "SHOW_PLUGINS"])(
    "settings cannot restate %s, which args.preferences writes",
    (key) => {
      expect(rejects({ settings: { [key]: "x" } })).toThrow(
        `Nightscout: args.settings.${key} = "x" is invalid. ${key} follows from args.preferences; set it there instead.`,
      );
    },
  );
  test("settings add env next to what the preferences write", () => {
    expect(() =>
      validateNightscoutArgs(nightscoutArgs({ settings: { THEME: "colors" } })),
    ).not.toThrow();
  });
  test("a reserved database URI variable holding credentials is refused without echoing them", () => {
    const build = rejects({ settings: { MONGODB_URI: "mongodb://u:pw@h/db" } });
    expect(build).toThrow(
      'Nightscout: args.settings.MONGODB_URI = "(hidden)" is invalid. Secrets must not be literal env values; pass them through a Secret.',
    );
    expect(build).toThrow(/^(?!.*u:pw)/s);
  });
  test("settings never carry secrets as literal env values, and the value is not echoed", () => {
    const secretLike = {
      PUSHOVER_API_TOKEN: "tok-123",
      MONGO: "mongodb://u:pw@h/db",
      // The names the policy pack's no-literal-secrets refuses by default, in any case.
      Bridge_Passwd: "x",
      SHARE_CREDENTIALS: "x",
      SIGNING_KEY: "x",
    };
    for (const [name, value] of Object.entries(secretLike)) {
      const build = rejects({ settings: { [name]: value } });
      expect(build).toThrow(
        `Nightscout: args.settings.${name} = "(hidden)" is invalid. Secrets must not be literal env values; pass them through a Secret.`,
      );
      expect(build).toThrow(new RegExp(`^(?!.*${value.replace(/[/:]/g, ".")})`, "s"));
    }
  });
  test("a TLS source is required", () => {
    expect(
      rejects({ ingress: { className: "traefik", controllerNamespace: "kube-system" } }),
    ).toThrow(
      "Nightscout: args.ingress.clusterIssuer = (unset): no TLS source: set a cert-manager ClusterIssuer or an existing TLS secret (rule tls-source, fact 34). Fix: set args.ingress.clusterIssuer to letsencrypt-prod (or args.ingress.tlsSecretName <secret>).",
    );
  });
});

describe("nightscoutSettings renders what Nightscout parses", () => {
  const base = {
    displayUnits: "mmol/L" as const,
    alarmTypes: "simple",
    authDefaultRoles: ["status-only"],
    enabledPlugins: ["careportal", "iob"],
    showPlugins: ["careportal"],
    dbSizeMaxMiB: 4096,
    staleDataMinutes: 20,
  };
  test("fact 21: mmol/L and mg/dL", () => {
    expect(nightscoutSettings(base).DISPLAY_UNITS).toBe("mmol");
    expect(nightscoutSettings({ ...base, displayUnits: "mg/dL" }).DISPLAY_UNITS).toBe("mg/dl");
  });
  test("fact 22: mmol/L thresholds stay below 50 with one decimal; mg/dL ones are whole", () => {
    const mmol = nightscoutSettings({
      ...base,
      thresholds: { low: 3.5, targetBottom: 4, targetTop: 10, high: 14 },
    });
    expect([mmol.BG_LOW, mmol.BG_TARGET_BOTTOM, mmol.BG_TARGET_TOP, mmol.BG_HIGH]).toEqual([
      "3.5",
      "4.0",
      "10.0",
      "14.0",
    ]);
    const mg = nightscoutSettings({
      ...base,
      displayUnits: "mg/dL",
      thresholds: { low: 55, targetBottom: 70, targetTop: 180, high: 260 },
    });
    expect([mg.BG_LOW, mg.BG_TARGET_BOTTOM, mg.BG_TARGET_TOP, mg.BG_HIGH]).toEqual([
      "55",
      "70",
      "180",
      "260",
    ]);
  });
  test("the page's stale-data alarm: urgent at staleDataMinutes, the warning at half, never sooner than 10", () => {
    const alarms = (staleDataMinutes: number) => {
      const s = nightscoutSettings({ ...base, staleDataMinutes });
      return [
        s.ALARM_TIMEAGO_WARN,
        s.ALARM_TIMEAGO_WARN_MINS,
        s.ALARM_TIMEAGO_URGENT,
        s.ALARM_TIMEAGO_URGENT_MINS,
      ];
    };
    expect(alarms(30)).toEqual(["true", "15", "true", "30"]);
    expect(alarms(20)).toEqual(["true", "10", "true", "20"]);
    expect(alarms(25)).toEqual(["true", "13", "true", "25"]);
    expect(alarms(16)).toEqual(["true", "10", "true", "16"]);
    expect(alarms(10)).toEqual(["true", "10", "true", "10"]);
    expect(alarms(1440)).toEqual(["true", "720", "true", "1440"]);
  });
  test("no thresholds: none rendered", () => {
    expect(Object.keys(nightscoutSettings(base)).filter((k) => k.startsWith("BG_"))).toEqual([]);
  });
  test("lists are space separated", () => {
    const s = nightscoutSettings({ ...base, authDefaultRoles: ["status-only", "careportal"] });
    expect(s.AUTH_DEFAULT_ROLES).toBe("status-only careportal");
    expect(s.ENABLE).toBe("careportal iob");
    expect(s.SHOW_PLUGINS).toBe("careportal");
    expect(s.DBSIZE_MAX).toBe("4096");
  });
});

describe("Nightscout rolls when its Secret changes", () => {
  it("records the Secret's resourceVersion on the pod template, not anything of its contents", async () => {
    const { Nightscout, SECRET_VERSION_ANNOTATION } = await import("../../components/nightscout");
    const { capture } = await import("../../tools/lib/capture");
    const { nightscoutArgs } = await import("../helpers/component-args");
    const { resources } = await capture({
      loadProgram: () => new Nightscout("nightscout", nightscoutArgs()),
      // The API server's answer: every write of the Secret gives it a new resourceVersion.
      respond: (args) =>
        args.type === "kubernetes:core/v1:Secret"
          ? {
              state: {
                ...args.inputs,
                metadata: { ...(args.inputs.metadata as object), resourceVersion: "4711" },
              },
            }
          : undefined,
    });
    const deployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
    const template = (deployment.props.spec as { template: { metadata: { annotations?: object } } })
      .template;
    expect(template.metadata.annotations).toEqual({ [SECRET_VERSION_ANNOTATION]: "4711" });
  });
});

describe("Nightscout with Pushover (fact 41)", () => {
  const pushover = {
    apiToken: "azGDORePK8gMaC0QOYAMyEEuzJnyUi",
    userKey: "uQiRzpo4DXghDmr9QzzfQu27cmVRsG",
    announcementKey: "off",
  };

  it("puts the keys in the Secret and reads each from there, never as a literal env value", async () => {
    const { Nightscout } = await import("../../components/nightscout");
    const { capture } = await import("../../tools/lib/capture");
    const { resources } = await capture({
      loadProgram: () =>
        new Nightscout("nightscout", nightscoutArgs({ pushover, allowInternetEgress: true })),
    });
    const secret = resources.find((r) => r.type === "kubernetes:core/v1:Secret")!;
    expect(Object.keys(secret.props.stringData as object).sort()).toEqual([
      "API_SECRET",
      "MONGODB_URI",
      "PUSHOVER_ANNOUNCEMENT_KEY",
      "PUSHOVER_API_TOKEN",
      "PUSHOVER_USER_KEY",
    ]);
    const deployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
    const env = (
      deployment.props.spec as {
        template: {
          spec: { containers: { env: { name: string; value?: string; valueFrom?: object }[] }[] };
        };
      }
    ).template.spec.containers[0].env;
    for (const name of ["PUSHOVER_API_TOKEN", "PUSHOVER_USER_KEY", "PUSHOVER_ANNOUNCEMENT_KEY"]) {
      expect(env.find((e) => e.name === name)).toEqual({
        name,
        valueFrom: { secretKeyRef: { name: "nightscout-secrets", key: name } },
      });
    }
    expect(env.some((e) => e.name === "PUSHOVER_ALARM_KEY")).toBe(false);
    expect(JSON.stringify(env)).not.toContain(pushover.apiToken);
  });

  it("refuses Pushover without internet egress: its pushes go to api.pushover.net", () => {
    expect(() =>
      validateNightscoutArgs(nightscoutArgs({ pushover, allowInternetEgress: false })),
    ).toThrow(
      "Nightscout: args.allowInternetEgress = false is invalid. Pushover is set, and its pushes go to api.pushover.net over HTTPS; set allowInternetEgress to true.",
    );
  });
});
