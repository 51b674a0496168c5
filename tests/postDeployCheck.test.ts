/**
 * PostDeployCheck under Pulumi mocks: what the command resource receives (environment,
 * command string, triggers, secrecy options), and every argument validation error.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MongoNetworkError, MongoParseError, MongoServerError } from "mongodb";
import type * as MongoCheckModule from "../check/mongoCheck";
import type * as PostDeployCheckModule from "../components/postDeployCheck";
import { DEFAULT_CHECK_DEADLINE_SECONDS } from "../domain";

const PASSWORD = "s3cr3t-P@ss/w0rd";
const DEFAULT_DEADLINE_MS = String(DEFAULT_CHECK_DEADLINE_SECONDS * 1000);
const URI = `mongodb://nightscout:${encodeURIComponent(PASSWORD)}@ferretdb.nightscout.svc.cluster.local:27017/nightscout`;

interface MockCall {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
interface Captured {
  type: string;
  name: string;
  props: Record<string, unknown>;
  opts: pulumi.CustomResourceOptions;
}

const mockCalls: MockCall[] = [];
const captured: Captured[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      mockCalls.push({ type: args.type, name: args.name, inputs: args.inputs });
      const state =
        args.type === "command:local:Command"
          ? { ...args.inputs, stdout: '{"ok":true}', stderr: "" }
          : args.inputs;
      return { id: `${args.name}-id`, state };
    },
    call: (args) => args.inputs,
  },
  "nightscout",
  "test",
  false,
);

/** Stands in for FerretDB and Nightscout, which the check must wait for. */
class Ready extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Ready", name, {});
  }
}

function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

function commandFor(name: string): { props: Record<string, unknown>; opts: Captured["opts"] } {
  const found = captured.find(
    (c) => c.type === "command:local:Command" && c.name === `${name}-run`,
  );
  if (!found) throw new Error(`no command captured for ${name}`);
  return found;
}

// How the engine's wire format marks a secret value (sdk/nodejs/runtime/rpc.ts).
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** What the mocks received for a possibly secret input: the value and whether it was secret. */
function unwrap(value: unknown): { secret: boolean; value: unknown } {
  const v = value as Record<string, unknown> | undefined;
  if (v && v[SECRET_SIG_KEY] === SECRET_SIG) return { secret: true, value: v.value };
  return { secret: false, value };
}

function mockInputsFor(name: string): Record<string, unknown> {
  const found = mockCalls.find(
    (c) => c.type === "command:local:Command" && c.name === `${name}-run`,
  );
  if (!found) throw new Error(`mocks saw no command for ${name}`);
  return found.inputs;
}

describe("PostDeployCheck", () => {
  let mod: typeof PostDeployCheckModule;
  let checks: Record<string, PostDeployCheckModule.PostDeployCheck>;
  let dependency: pulumi.CustomResource;

  beforeAll(async () => {
    mod = await import("../components/postDeployCheck");
    checks = {};
    await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        captured.push({
          type: args.type,
          name: args.name,
          props: args.props,
          opts: args.opts as pulumi.CustomResourceOptions,
        });
        return undefined;
      });
      dependency = new Ready("ferretdb-ready");
      checks.pf = new mod.PostDeployCheck(
        "pf",
        {
          mode: "portForward",
          mongoUri: pulumi.secret(URI),
          namespace: "nightscout",
          serviceName: "ferretdb",
          kubeContext: "homelab",
          deadlineSeconds: 90,
          triggers: ["ghcr.io/ferretdb/ferretdb:2.7.0", pulumi.output("nightscout-spec-v1")],
          nightscoutUrl: "https://ns.example.org",
          expectedUnits: "mmol/L",
        },
        { dependsOn: [dependency] },
      );
      // A plain-text URI from a careless caller must still end up secret.
      checks.direct = new mod.PostDeployCheck("direct", {
        mode: "direct",
        mongoUri: URI,
        triggers: ["nightscout/cgm-remote-monitor:15.0.7"],
      });
      checks.defaults = new mod.PostDeployCheck("defaults", {
        mongoUri: pulumi.secret(URI),
        namespace: pulumi.output("nightscout"),
        serviceName: pulumi.output("ferretdb"),
        triggers: [],
      });
      return {};
    });
    // Let the mocks receive the registrations.
    await promiseOf(checks.pf.result);
    await promiseOf(checks.direct.result);
    await promiseOf(checks.defaults.result);
  });

  it("registers a component with the documented type token and no secret inputs", () => {
    const component = captured.find((c) => c.name === "pf" && c.type.startsWith("nightscout:"));
    expect(component?.type).toBe("nightscout:check:PostDeployCheck");
    expect(component?.props).toEqual({});
  });

  it("creates exactly one command per check, parented to the component", () => {
    for (const name of ["pf", "direct", "defaults"]) {
      const commands = captured.filter(
        (c) => c.type === "command:local:Command" && c.name.startsWith(`${name}-`),
      );
      expect(commands.map((c) => c.name)).toEqual([`${name}-run`]);
      expect(commands[0].opts.parent).toBe(checks[name]);
    }
  });

  it("runs the port-forward wrapper in portForward mode and the CLI in direct mode", () => {
    expect(commandFor("pf").props.create).toBe("bash check/port-forward.sh");
    expect(commandFor("defaults").props.create).toBe("bash check/port-forward.sh");
    expect(commandFor("direct").props.create).toBe(
      "node -r ts-node/register/transpile-only check/cli.ts",
    );
    const dir = commandFor("pf").props.dir as string;
    expect(fs.existsSync(path.join(dir, "check", "cli.ts"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "check", "port-forward.sh"))).toBe(true);
  });

  it("puts the URI only in the environment, as a secret", async () => {
    for (const name of ["pf", "direct", "defaults"]) {
      const { props } = commandFor(name);
      const env = props.environment as Record<string, pulumi.Input<string>>;
      expect(pulumi.Output.isInstance(env.MONGODB_URI)).toBe(true);
      const uri = env.MONGODB_URI as pulumi.Output<string>;
      expect(await pulumi.isSecret(uri)).toBe(true);
      expect(await promiseOf(uri)).toBe(URI);
      // Nothing but the environment carries the URI or the password.
      for (const [key, value] of Object.entries(props)) {
        if (key === "environment") continue;
        const text = JSON.stringify(value) ?? "";
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain(encodeURIComponent(PASSWORD));
      }
      const seen = mockInputsFor(name);
      expect(String(seen.create)).not.toContain(encodeURIComponent(PASSWORD));
      const received = unwrap(seen.environment);
      expect(received.secret).toBe(true);
      expect((received.value as Record<string, string>).MONGODB_URI).toBe(URI);
    }
  });

  it("passes the port-forward target, deadline and Nightscout settings through the environment", () => {
    expect(unwrap(mockInputsFor("pf").environment)).toEqual({
      secret: true,
      value: {
        MONGODB_URI: URI,
        CHECK_DEADLINE_MS: "90000",
        CHECK_PF_NAMESPACE: "nightscout",
        CHECK_PF_SERVICE: "ferretdb",
        CHECK_PF_SERVICE_PORT: "27017",
        CHECK_KUBE_CONTEXT: "homelab",
        NIGHTSCOUT_URL: "https://ns.example.org",
        EXPECTED_UNITS: "mmol/L",
      },
    });
    expect(unwrap(mockInputsFor("direct").environment)).toEqual({
      secret: true,
      value: {
        MONGODB_URI: URI,
        CHECK_DEADLINE_MS: DEFAULT_DEADLINE_MS,
      },
    });
    expect(unwrap(mockInputsFor("defaults").environment)).toEqual({
      secret: true,
      value: {
        MONGODB_URI: URI,
        CHECK_DEADLINE_MS: DEFAULT_DEADLINE_MS,
        CHECK_PF_NAMESPACE: "nightscout",
        CHECK_PF_SERVICE: "ferretdb",
        CHECK_PF_SERVICE_PORT: "27017",
      },
    });
  });

  it("re-runs on the given triggers", () => {
    expect(mockInputsFor("pf").triggers).toEqual([
      "ghcr.io/ferretdb/ferretdb:2.7.0",
      "nightscout-spec-v1",
    ]);
    expect(mockInputsFor("direct").triggers).toEqual(["nightscout/cgm-remote-monitor:15.0.7"]);
  });

  it("keeps output secret and logs only stdout", () => {
    for (const name of ["pf", "direct", "defaults"]) {
      const { props, opts } = commandFor(name);
      expect(props.logging).toBe("stdout");
      expect(props.addPreviousOutputInEnv).toBe(false);
      expect(opts.additionalSecretOutputs).toEqual(["stdout", "stderr"]);
    }
  });

  it("makes the command wait for the component's dependencies", () => {
    expect(commandFor("pf").opts.dependsOn).toEqual([dependency]);
  });

  it("exposes the command's stdout as result", async () => {
    expect(await promiseOf(checks.direct.result)).toBe('{"ok":true}');
  });

  describe("argument validation", () => {
    const base: PostDeployCheckModule.PostDeployCheckArgs = {
      mode: "portForward",
      mongoUri: pulumi.secret(URI),
      namespace: "nightscout",
      serviceName: "ferretdb",
      triggers: [],
    };
    const cases: [string, Partial<PostDeployCheckModule.PostDeployCheckArgs>, RegExp][] = [
      [
        "an unknown mode",
        { mode: "tunnel" as never },
        /args\.mode = "tunnel" is invalid.*"portForward" or "direct"/,
      ],
      ["an empty mongoUri", { mongoUri: "" }, /args\.mongoUri = "" is invalid/],
      [
        "a URI without mongodb://",
        { mongoUri: "postgres://u:p@h/db" },
        /args\.mongoUri = "<redacted>" is invalid.*mongodb:\/\//,
      ],
      [
        "a mongodb+srv URI with portForward",
        { mongoUri: "mongodb+srv://u:p@cluster.example.org/db" },
        /args\.mongoUri = "<redacted mongodb\+srv URI>" is invalid.*mode "direct"/,
      ],
      [
        "portForward without namespace",
        { namespace: undefined },
        /args\.namespace = undefined is invalid.*namespace/,
      ],
      [
        "portForward with a blank namespace",
        { namespace: " " },
        /args\.namespace = " " is invalid/,
      ],
      [
        "portForward without serviceName",
        { serviceName: undefined },
        /args\.serviceName = undefined is invalid.*Service's name/,
      ],
      [
        "a fractional servicePort",
        { servicePort: 27017.5 },
        /args\.servicePort = 27017.5 is invalid.*1-65535/,
      ],
      ["servicePort 0", { servicePort: 0 }, /args\.servicePort = 0 is invalid/],
      ["an empty kubeContext", { kubeContext: "" }, /args\.kubeContext = "" is invalid/],
      [
        "deadlineSeconds 0",
        { deadlineSeconds: 0 },
        /args\.deadlineSeconds = 0 is invalid.*seconds from 10 to 3600 \(default 180\)/,
      ],
      ["deadlineSeconds below 10", { deadlineSeconds: 9 }, /args\.deadlineSeconds = 9 is invalid/],
      [
        "deadlineSeconds above an hour",
        { deadlineSeconds: 3601 },
        /args\.deadlineSeconds = 3601 is invalid/,
      ],
      [
        "a negative deadlineSeconds",
        { deadlineSeconds: -5 },
        /args\.deadlineSeconds = -5 is invalid/,
      ],
      ["deadlineSeconds NaN", { deadlineSeconds: NaN }, /args\.deadlineSeconds = null is invalid/],
      [
        "triggers that are not an array",
        { triggers: "image" as never },
        /args\.triggers = "image" is invalid.*array/,
      ],
      [
        "unknown units",
        { nightscoutUrl: "https://ns.example.org", expectedUnits: "mmol" as never },
        /args\.expectedUnits = "mmol" is invalid.*"mmol\/L" or "mg\/dL"/,
      ],
      [
        "units without a Nightscout URL",
        { expectedUnits: "mg/dL" },
        /args\.expectedUnits = "mg\/dL" is invalid.*nightscoutUrl/,
      ],
      [
        "a Nightscout URL without scheme",
        { nightscoutUrl: "ns.example.org" },
        /args\.nightscoutUrl = "ns.example.org" is invalid.*http/,
      ],
    ];

    it.each(cases)("rejects %s", (_label, change, message) => {
      const args = { ...base, ...change };
      expect(() => mod.validatePostDeployCheckArgs(args)).toThrow(message);
      expect(() => new mod.PostDeployCheck("invalid", args)).toThrow(message);
    });

    it("never puts the URI or password into an error", () => {
      const plain = `mongodb+srv://nightscout:${PASSWORD}@cluster.example.org/db`;
      expect(() => mod.validatePostDeployCheckArgs({ ...base, mongoUri: plain })).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining(PASSWORD) }),
      );
    });

    it("accepts direct mode without namespace or serviceName", () => {
      expect(() =>
        mod.validatePostDeployCheckArgs({ mode: "direct", mongoUri: URI, triggers: [] }),
      ).not.toThrow();
    });
  });
});

describe("check/mongoCheck (the CLI's logic, no server)", () => {
  let check: typeof MongoCheckModule;
  beforeAll(async () => {
    check = await import("../check/mongoCheck");
  });

  describe("redactUri", () => {
    it.each([
      [URI, "mongodb://***@ferretdb.nightscout.svc.cluster.local:27017/nightscout"],
      ["mongodb://h1:1,h2:2/db?tls=true&authSource=admin", "mongodb://h1:1,h2:2/db"],
      [
        "mongodb+srv://u:p@cluster.example.org/?retryWrites=true",
        "mongodb+srv://***@cluster.example.org",
      ],
      // An unencoded "@" in the password: everything up to the last "@" stays hidden.
      ["mongodb://u:p@ss@host:27017/db", "mongodb://***@host:27017/db"],
      ["postgres://u:p@host/db", "<unparseable MongoDB URI>"],
    ])("%s", (uri, shown) => {
      expect(check.redactUri(uri)).toBe(shown);
    });
  });

  it("scrub removes the password in every encoding and keeps messages on one line", () => {
    const secrets = check.uriSecrets(URI);
    const text = `failed for ${URI}\n  password ${PASSWORD} or ${encodeURIComponent(PASSWORD)}`;
    const out = check.scrub(text, secrets);
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(encodeURIComponent(PASSWORD));
    expect(out).not.toContain("\n");
    expect(out).toBe("failed for *** password *** or ***");
    // Without credentials nothing is secret, so messages keep the URI.
    expect(check.uriSecrets("mongodb://host:27017/db")).toEqual([]);
  });

  it("overrideHost points the URI at the forward and forces a direct connection", () => {
    expect(
      check.overrideHost(`${URI}?directConnection=false&authSource=nightscout`, "127.0.0.1:5555"),
    ).toBe(
      `mongodb://nightscout:${encodeURIComponent(PASSWORD)}@127.0.0.1:5555/nightscout?authSource=nightscout&directConnection=true`,
    );
    expect(check.overrideHost("mongodb://a:1,b:2", "127.0.0.1:1")).toBe(
      "mongodb://127.0.0.1:1/?directConnection=true",
    );
    expect(() => check.overrideHost("mongodb+srv://u:p@c.example.org/db", "127.0.0.1:1")).toThrow(
      /cannot rewrite a mongodb\+srv/,
    );
  });

  describe("parseConfig", () => {
    it("applies defaults and derives the per-attempt timeout from the deadline", () => {
      expect(check.parseConfig({ MONGODB_URI: URI })).toMatchObject({
        deadlineMs: 120_000,
        attemptTimeoutMs: 20_000,
        collection: "_postdeploy_check",
        hasCredentials: true,
      });
      expect(check.parseConfig({ MONGODB_URI: URI, CHECK_DEADLINE_MS: "4000" })).toMatchObject({
        deadlineMs: 4_000,
        attemptTimeoutMs: 1_000,
      });
      expect(
        check.parseConfig({
          MONGODB_URI: URI,
          CHECK_DEADLINE_MS: "500",
          CHECK_ATTEMPT_TIMEOUT_MS: "900",
        }),
      ).toMatchObject({ deadlineMs: 500, attemptTimeoutMs: 500 });
      expect(
        check.parseConfig({
          MONGODB_URI: URI,
          CHECK_HOST_OVERRIDE: "127.0.0.1:4242",
          NIGHTSCOUT_URL: "https://ns.example.org/",
          EXPECTED_UNITS: "mg/dL",
        }),
      ).toMatchObject({
        displayUri:
          "mongodb://***@ferretdb.nightscout.svc.cluster.local:27017/nightscout via 127.0.0.1:4242",
        nightscoutUrl: "https://ns.example.org",
        expectedUnits: "mg/dl",
      });
    });

    it.each([
      [{}, /^MONGODB_URI is not set/],
      [{ MONGODB_URI: "http://x" }, /does not start with mongodb:\/\//],
      [
        { MONGODB_URI: URI, CHECK_DEADLINE_MS: "0" },
        /CHECK_DEADLINE_MS="0" is not a positive integer/,
      ],
      [{ MONGODB_URI: URI, CHECK_ATTEMPT_TIMEOUT_MS: "1.5" }, /CHECK_ATTEMPT_TIMEOUT_MS="1.5"/],
      [{ MONGODB_URI: URI, CHECK_COLLECTION: "system.users" }, /not a usable collection name/],
      [{ MONGODB_URI: URI, CHECK_HOST_OVERRIDE: "localhost" }, /is not host:port/],
      [{ MONGODB_URI: URI, NIGHTSCOUT_URL: "ftp://ns" }, /is not an http\(s\) URL/],
      [{ MONGODB_URI: URI, EXPECTED_UNITS: "mmol/L" }, /NIGHTSCOUT_URL is not/],
      [
        { MONGODB_URI: URI, NIGHTSCOUT_URL: "https://ns", EXPECTED_UNITS: "molar" },
        /"mmol\/L" or "mg\/dL"/,
      ],
    ])("rejects %j", (env, message) => {
      const result = check.parseConfig(env);
      expect(typeof result).toBe("string");
      expect(result as string).toMatch(message);
    });
  });

  it("classifyError retries what may pass and stops on what will not", () => {
    const server = (code: number, codeName: string): MongoServerError =>
      new MongoServerError({ ok: 0, code, codeName, errmsg: codeName });
    expect(check.classifyError(server(18, "AuthenticationFailed"), "connect").kind).toBe("auth");
    expect(check.classifyError(server(13, "Unauthorized"), "roundTrip").kind).toBe("auth");
    expect(check.classifyError(server(1, "InternalError"), "ping").kind).toBe("server");
    expect(check.classifyError(new MongoParseError("bad"), "connect").kind).toBe("usage");
    expect(check.classifyError(new MongoNetworkError("reset"), "connect").kind).toBe("unreachable");
    expect(check.classifyError(new MongoNetworkError("reset"), "roundTrip").kind).toBe("server");
    expect(check.classifyError(new Error("boom"), "ping").kind).toBe("server");
  });

  it("formatOutcome prints one JSON line on success and maps each failure to its exit code", () => {
    const ok = check.formatOutcome({
      ok: true,
      connectMs: 3,
      pingMs: 1.5,
      roundTripMs: 4.25,
      attempts: 1,
      totalMs: 9,
    });
    expect(ok).toEqual({
      exitCode: 0,
      stdout: '{"ok":true,"pingMs":1.5,"roundTripMs":4.25,"attempts":1,"totalMs":9,"connectMs":3}',
    });
    const expected: Record<string, [number, string]> = {
      unreachable: [2, "unreachable"],
      auth: [3, "authentication failed"],
      deadline: [4, "deadline exceeded"],
      mismatch: [5, "round trip mismatch"],
      nightscout: [6, "nightscout check failed"],
      usage: [64, "usage"],
      internal: [1, "internal error"],
    };
    for (const [kind, [code, label]] of Object.entries(expected)) {
      const out = check.formatOutcome({
        ok: false,
        kind: kind as MongoCheckModule.FailureKind,
        message: "why",
        attempts: 1,
        totalMs: 1,
      });
      expect(out).toEqual({ exitCode: code, stderr: `post-deploy-check: ${label}: why` });
    }
  });

  it("markerMismatch compares every field, dates to the millisecond", () => {
    const marker = check.newMarker();
    expect(
      check.markerMismatch(marker, { ...marker, writtenAt: new Date(marker.writtenAt) }),
    ).toBeUndefined();
    expect(check.markerMismatch(marker, null)).toMatch(/was not found/);
    expect(check.markerMismatch(marker, { ...marker, nonce: "x" })).toMatch(
      /field nonce .* reads "x"/,
    );
    expect(
      check.markerMismatch(marker, {
        ...marker,
        writtenAt: new Date(marker.writtenAt.getTime() + 1),
      }),
    ).toMatch(/field writtenAt/);
  });

  it("backoff doubles up to a cap, with jitter in its upper half", () => {
    expect(check.backoffMs(1, () => 0)).toBe(125);
    expect(check.backoffMs(1, () => 0.999)).toBe(250);
    expect(check.backoffMs(3, () => 0.999)).toBe(1000);
    expect(check.backoffMs(20, () => 0.999)).toBe(4998);
  });

  it("normalizes units the way Nightscout reads DISPLAY_UNITS", () => {
    expect(check.normalizeUnits("mmol/L")).toBe("mmol");
    expect(check.normalizeUnits("mmol")).toBe("mmol");
    expect(check.normalizeUnits("mg/dL")).toBe("mg/dl");
    expect(check.normalizeUnits("anything")).toBe("mg/dl");
  });
});
