/**
 * PostDeployCheck under Pulumi mocks: what the command resource receives (environment,
 * command string, triggers, secrecy options), and every argument validation error. Then the
 * check's own logic, no server: URI parsing and redaction, configuration, classification,
 * output, the retry policy (tests/integration runs it against real servers).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as PostDeployCheckModule from "../../components/post-deploy-check";
import { DEFAULT_CHECK_DEADLINE_SECONDS } from "../../domain";
import {
  capture,
  secretInput,
  type CaptureResult,
  type CapturedResource,
} from "../../tools/lib/capture";
import { expectNoSecret, leakForms } from "../helpers/leaks";

const PASSWORD = "s3cr3t-P@ss/w0rd";
const DEFAULT_DEADLINE_MS = String(DEFAULT_CHECK_DEADLINE_SECONDS * 1000);
const URI = `mongodb://nightscout:${encodeURIComponent(PASSWORD)}@ferretdb.nightscout.svc.cluster.local:27017/nightscout`;

/** Stands in for FerretDB and Nightscout, which the check must wait for. */
class Ready extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Ready", name, {});
  }
}

function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

type Checks = Record<string, PostDeployCheckModule.PostDeployCheck>;
let captured: CaptureResult<Checks>;

function resource(type: string, name: string): CapturedResource {
  const found = captured.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name} captured`);
  return found;
}

function commandFor(name: string): CapturedResource {
  return resource("command:local:Command", `${name}-run`);
}

/** What the mocks received for the check's command. */
function mockInputsFor(name: string): Record<string, unknown> {
  const found = captured.registrations.find(
    (r) => r.type === "command:local:Command" && r.name === `${name}-run`,
  );
  if (!found) throw new Error(`mocks saw no command for ${name}`);
  return found.inputs;
}

describe("PostDeployCheck", () => {
  let mod: typeof PostDeployCheckModule;
  let checks: Checks;

  beforeAll(async () => {
    mod = await import("../../components/post-deploy-check");
    captured = await capture({
      stack: "test",
      respond: (args) =>
        args.type === "command:local:Command"
          ? { state: { ...args.inputs, stdout: '{"ok":true}', stderr: "" } }
          : undefined,
      loadProgram: () => {
        const dependency = new Ready("ferretdb-ready");
        const pf = new mod.PostDeployCheck(
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
        const direct = new mod.PostDeployCheck("direct", {
          mode: "direct",
          mongoUri: URI,
          triggers: ["nightscout/cgm-remote-monitor:15.0.7"],
        });
        const defaults = new mod.PostDeployCheck("defaults", {
          mongoUri: pulumi.secret(URI),
          namespace: pulumi.output("nightscout"),
          serviceName: pulumi.output("ferretdb"),
          triggers: [],
        });
        return { pf, direct, defaults };
      },
    });
    checks = captured.outputs;
  });

  it("registers a component with the documented type token and no secret inputs", () => {
    expect(resource("nightscout:check:PostDeployCheck", "pf").props).toEqual({});
  });

  it("creates exactly one command per check, parented to the component", () => {
    for (const name of ["pf", "direct", "defaults"]) {
      const commands = captured.resources.filter(
        (c) => c.type === "command:local:Command" && c.name.startsWith(`${name}-`),
      );
      expect(commands.map((c) => c.name)).toEqual([`${name}-run`]);
      expect(commands[0].opts.parent).toBe(resource("nightscout:check:PostDeployCheck", name).urn);
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

  it("puts the URI only in the environment, as a secret", () => {
    for (const name of ["pf", "direct", "defaults"]) {
      const { props } = commandFor(name);
      expect((props.environment as Record<string, string>).MONGODB_URI).toBe(URI);
      // Nothing but the environment carries the URI or the password.
      for (const [key, value] of Object.entries(props)) {
        if (key === "environment") continue;
        expectNoSecret(JSON.stringify(value) ?? "", leakForms(PASSWORD), `props.${key}`);
      }
      const seen = mockInputsFor(name);
      expectNoSecret(String(seen.create), leakForms(PASSWORD), "create");
      const received = secretInput(seen.environment);
      expect(received.secret).toBe(true);
      expect((received.value as Record<string, string>).MONGODB_URI).toBe(URI);
    }
  });

  it("passes the port-forward target, deadline and Nightscout settings through the environment", () => {
    expect(secretInput(mockInputsFor("pf").environment)).toEqual({
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
    expect(secretInput(mockInputsFor("direct").environment)).toEqual({
      secret: true,
      value: {
        MONGODB_URI: URI,
        CHECK_DEADLINE_MS: DEFAULT_DEADLINE_MS,
      },
    });
    expect(secretInput(mockInputsFor("defaults").environment)).toEqual({
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
    expect(commandFor("pf").opts.dependsOn).toEqual([
      resource("test:index:Ready", "ferretdb-ready").urn,
    ]);
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
