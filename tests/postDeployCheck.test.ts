/**
 * PostDeployCheck under Pulumi mocks: what the command resource receives (environment,
 * command string, triggers, secrecy options), and every argument validation error. Then the
 * check's own logic, no server: URI parsing and redaction, configuration, classification,
 * output, the retry policy (tests/integration runs it against real servers).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as PostDeployCheckModule from "../components/postDeployCheck";
import { DEFAULT_CHECK_DEADLINE_SECONDS } from "../domain";
import { expectNoSecret, leakForms } from "./helpers/leaks";

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
        expectNoSecret(JSON.stringify(value) ?? "", leakForms(PASSWORD), `props.${key}`);
      }
      const seen = mockInputsFor(name);
      expectNoSecret(String(seen.create), leakForms(PASSWORD), "create");
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
      let error: unknown;
      try {
        mod.validatePostDeployCheckArgs({ ...base, mongoUri: plain });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(Error);
      expectNoSecret(error, leakForms(PASSWORD), "error");
    });

    it("accepts direct mode without namespace or serviceName", () => {
      expect(() =>
        mod.validatePostDeployCheckArgs({ mode: "direct", mongoUri: URI, triggers: [] }),
      ).not.toThrow();
    });
  });
});
