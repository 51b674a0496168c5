/**
 * NightscoutAccess under Pulumi mocks, its `local.runOutput` answered by the reconciler the CLI
 * runs (access/run.ts; tests/access/run.test.ts runs the CLI itself) with the environment the
 * component gave it, against the stand-in for Nightscout's authorization API: the links it
 * exports, what stays secret, the preview that only reads, and every argument validation error.
 */
import * as pulumi from "@pulumi/pulumi";
import { apiSecretHeader } from "../../access/nightscout-api";
import { runAccess } from "../../access/run";
import { accessToken } from "../../domain/access";
import {
  type NightscoutAccessArgs,
  NightscoutAccess,
  accessLinks,
  validateNightscoutAccessArgs,
} from "../../components/access";
import { capture } from "../../tools/lib/capture";
import {
  type AuthorizationDouble,
  startAuthorizationDouble,
} from "../helpers/nightscout-authorization-double";

const SECRET = "a-long-enough-api-secret";
const SITE = "https://ns.example.org";

let double: AuthorizationDouble;
beforeEach(async () => {
  double = await startAuthorizationDouble(SECRET);
});
afterEach(() => double.close());

const args = (overrides: Partial<NightscoutAccessArgs> = {}): NightscoutAccessArgs => ({
  declaration: {
    subjects: [
      { name: "Grandma", roles: ["readable"], rotate: 0 },
      { name: "School nurse", roles: ["readable", "careportal"], rotate: 0 },
    ],
    roles: [],
  },
  apiSecret: pulumi.secret(SECRET),
  publicUrl: SITE,
  mode: "direct",
  nightscoutUrl: double.url,
  deadlineSeconds: 0,
  ...overrides,
});

/** Runs what the component asked for, as the command provider's run function would. */
const calls: { command: string; environment: Record<string, string> }[] = [];
async function runCommand(a: pulumi.runtime.MockCallArgs): Promise<Record<string, unknown>> {
  const inputs = a.inputs as { command: string; environment: Record<string, string> };
  calls.push({ command: inputs.command, environment: inputs.environment });
  const outcome = await runAccess(inputs.environment);
  if (outcome.exitCode !== 0) throw new Error(outcome.stderr.join("\n"));
  return { ...inputs, stdout: outcome.stdout, stderr: outcome.stderr.join("\n") };
}

async function listed(): Promise<{ _id: string; name: string; accessToken: string }[]> {
  const response = await fetch(`${double.url}/api/v2/authorization/subjects`, {
    headers: { "api-secret": apiSecretHeader(SECRET) },
  });
  return (await response.json()) as never;
}

function resolved<T>(o: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
  return new Promise((resolve) => {
    o.apply(async (value) => resolve({ value, secret: await pulumi.isSecret(o) }));
  });
}

beforeEach(() => {
  calls.length = 0;
});

describe("NightscoutAccess", () => {
  it("makes the subjects, exports each token and follower link as a secret, and logs its report", async () => {
    const info = jest.spyOn(pulumi.log, "info");
    let outputs: NightscoutAccess;
    try {
      ({ outputs } = await capture({
        loadProgram: () => new NightscoutAccess("access", args()),
        respondCall: runCommand,
      }));
      const { value, secret } = await resolved(outputs.links);
      expect(secret).toBe(true);
      const subjects = await listed();
      const token = (name: string) => subjects.find((s) => s.name === name)!.accessToken;
      expect(value).toEqual({
        Grandma: { token: token("Grandma"), url: `${SITE}/?token=${token("Grandma")}` },
        "School nurse": {
          token: token("School nurse"),
          url: `${SITE}/?token=${token("School nurse")}`,
        },
      });
      const lines = info.mock.calls.map(([line]) => line);
      expect(lines).toEqual(
        expect.arrayContaining([
          "access: subject Grandma: created",
          "access: subject School nurse: created",
        ]),
      );
      expect(lines.join("\n")).not.toContain(SECRET);
    } finally {
      info.mockRestore();
    }
    // The secret goes in the environment only, never in the command Pulumi shows.
    expect(calls).toHaveLength(1);
    expect(calls[0].command).toBe("node -r ts-node/register/transpile-only access/cli.ts");
    expect(calls[0].environment).toMatchObject({
      ACCESS_API_SECRET: SECRET,
      ACCESS_DRY_RUN: "false",
      ACCESS_NIGHTSCOUT_URL: double.url,
    });
    expect(calls[0].environment.ACCESS_DECLARATION).not.toContain(SECRET);
  });

  it("in a preview only reads: nothing is created and the links stay unknown", async () => {
    const { outputs } = await capture({
      loadProgram: () => new NightscoutAccess("access", args()),
      respondCall: runCommand,
      preview: true,
    });
    expect(calls[0].environment.ACCESS_DRY_RUN).toBe("true");
    expect(await listed()).toEqual([]);
    expect(await outputs.links.isKnown).toBe(false);
  });
});

describe("NightscoutAccess with the glucose exporter's own subject", () => {
  const withExporter = (): NightscoutAccessArgs => {
    const base = args();
    return {
      ...base,
      declaration: {
        ...base.declaration,
        subjects: [
          { name: "glucose-exporter", roles: ["readable"], rotate: 0 },
          ...base.declaration.subjects,
        ],
      },
    };
  };

  it("exports the exporter's token apart, as a secret, and keeps it out of the people's links", async () => {
    const { outputs } = await capture({
      loadProgram: () => new NightscoutAccess("access", withExporter()),
      respondCall: runCommand,
    });
    const subjects = await listed();
    const exporter = subjects.find((s) => s.name === "glucose-exporter")!;
    const token = await resolved(outputs.exporterToken!);
    expect(token).toEqual({ value: exporter.accessToken, secret: true });
    expect(Object.keys((await resolved(outputs.links)).value).sort()).toEqual([
      "Grandma",
      "School nurse",
    ]);
  });

  it("has no exporter token when the declaration has no exporter subject", async () => {
    const { outputs } = await capture({
      loadProgram: () => new NightscoutAccess("access", args()),
      respondCall: runCommand,
    });
    expect(outputs.exporterToken).toBeUndefined();
  });
});

describe("NightscoutAccess in a preview after an update", () => {
  it("knows every link when nothing would be created or rotated: a preview shows no change", async () => {
    const applied = await capture({
      loadProgram: () => new NightscoutAccess("access", args()),
      respondCall: runCommand,
    });
    const before = (await resolved(applied.outputs.links)).value;
    const preview = await capture({
      loadProgram: () => new NightscoutAccess("access", args()),
      respondCall: runCommand,
      preview: true,
    });
    expect((await resolved(preview.outputs.links)).value).toEqual(before);
  });
});

describe("NightscoutAccess through a port-forward", () => {
  it("forwards to the Nightscout Service's port, 80 unless told, in the kubeconfig context given", async () => {
    const seen: Record<string, string>[] = [];
    await capture({
      loadProgram: () =>
        new NightscoutAccess(
          "access",
          args({
            mode: "portForward",
            namespace: "ns",
            serviceName: "nightscout",
            kubeContext: "home",
          }),
        ),
      respondCall: (a) => {
        seen.push((a.inputs as { environment: Record<string, string> }).environment);
        return { ...a.inputs, stdout: '{"subjects":[],"pending":[]}', stderr: "" };
      },
    });
    expect(seen[0]).toMatchObject({
      ACCESS_PF_NAMESPACE: "ns",
      ACCESS_PF_SERVICE: "nightscout",
      ACCESS_PF_PORT: "80",
      ACCESS_KUBE_CONTEXT: "home",
    });
    expect(seen[0].ACCESS_NIGHTSCOUT_URL).toBeUndefined();
  });
});

describe("accessLinks", () => {
  it("gives each subject the token its _id derives and a link on the site, trailing slash or not", () => {
    const subject = { name: "Zoë", _id: "0123456789abcdef01234567" };
    const token = accessToken(subject, SECRET);
    expect(token).toMatch(/^zo-[0-9a-f]{16}$/);
    expect(accessLinks([subject], SECRET, `${SITE}/`)).toEqual({
      Zoë: { token, url: `${SITE}/?token=${token}` },
    });
  });
});

describe("validateNightscoutAccessArgs", () => {
  it.each([
    [
      { mode: "kubectl" as never },
      'NightscoutAccess: args.mode = "kubectl" is invalid. Use "portForward" or "direct".',
    ],
    [
      { nightscoutUrl: undefined },
      "NightscoutAccess: args.nightscoutUrl = undefined is invalid. direct mode needs the URL Nightscout answers on.",
    ],
    [
      { mode: "portForward" as const, serviceName: "ns" },
      'NightscoutAccess: args.namespace = undefined is invalid. portForward needs the Nightscout Service\'s namespace and name; pass them, or use mode "direct".',
    ],
    [
      { mode: "portForward" as const, namespace: "nightscout" },
      'NightscoutAccess: args.serviceName = undefined is invalid. portForward needs the Nightscout Service\'s namespace and name; pass them, or use mode "direct".',
    ],
    [
      {
        declaration: {
          subjects: [
            { name: "Mum", roles: ["readable"], rotate: 0 },
            { name: "mum!", roles: ["readable"], rotate: 0 },
          ],
          roles: [],
        },
      },
      'NightscoutAccess: args.declaration.subjects = ["Mum","mum!"] is invalid. Their tokens would start alike; give each subject a name whose first 10 letters and digits differ.',
    ],
    [
      { deadlineSeconds: 1.5 },
      "NightscoutAccess: args.deadlineSeconds = 1.5 is invalid. Use whole seconds from 0 to 3600.",
    ],
  ])("refuses %j", (overrides, message) => {
    expect(() => validateNightscoutAccessArgs(args(overrides))).toThrow(new Error(message));
  });
});
