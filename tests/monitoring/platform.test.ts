/**
 * `platformStack`: the app stack reads the platform stack's outputs through a StackReference,
 * takes the operator's namespace from it, and refuses an operator older than it needs, a
 * missing plugin or missing monitoring CRDs, with the setting, the value and the fix.
 */
import { PlatformStackError, checkPlatformOutputs, platformProblems } from "../../config/platform";
import { MIN_CNPG_OPERATOR_VERSION } from "../../domain/platform";
import nightscoutStack from "../../index";
import { capture, stackConfig } from "../../tools/lib/capture";
import { problems } from "../config/helpers";

const STACK = "organization/nightscout-platform/production";
const GOOD = {
  operatorNamespace: "db-operators",
  operatorVersion: "1.30.0",
  pluginName: "barman-cloud.cloudnative-pg.io",
  monitoringCrdsPresent: true,
};
const needs = { backups: true, monitoring: true };

describe("platformProblems", () => {
  test("refuses an operator that runs in the stack's own namespace (fact 35)", () => {
    const own = { ...needs, namespace: "db-operators" };
    expect(platformProblems(STACK, GOOD, own)).toEqual([
      `nightscout:platformStack = "${STACK}": its CloudNative-PG operator runs in "db-operators", this stack's namespace; the stack's default-deny NetworkPolicy would cut off the operator and every cluster it manages. Fix: pulumi config set namespace nightscout (another namespace than the operator's).`,
    ]);
    expect(platformProblems(STACK, GOOD, { ...needs, namespace: "nightscout" })).toEqual([]);
  });

  test("a platform with the operator, the plugin and the CRDs carries any stack", () => {
    expect(platformProblems(STACK, GOOD, needs)).toEqual([]);
    expect(platformProblems(STACK, { ...GOOD, operatorVersion: "v1.26.0" }, needs)).toEqual([]);
  });

  test("an operator older than the program needs is refused with the value and the fix", () => {
    expect(platformProblems(STACK, { ...GOOD, operatorVersion: "1.25.3" }, needs)).toEqual([
      `nightscout:platformStack = "${STACK}": its CloudNative-PG operator is "1.25.3", older than ${MIN_CNPG_OPERATOR_VERSION}, the oldest this program's Cluster (Barman Cloud plugin) works with. Fix: upgrade the operator in the platform stack (docs/upstream-files.md, "Moving to a newer release") and pulumi up it, then this stack.`,
    ]);
  });

  test("a version that is not one is refused", () => {
    const [message] = platformProblems(STACK, { ...GOOD, operatorVersion: "latest" }, needs);
    expect(message).toContain('its CloudNative-PG operator is "latest", not a version');
  });

  test("a stack that is not a platform stack is refused, naming what it lacks", () => {
    expect(platformProblems(STACK, { url: "https://x" }, needs)).toEqual([
      `nightscout:platformStack = "${STACK}": the stack exports no operatorNamespace, operatorVersion, pluginName, monitoringCrdsPresent; it is not a platform/ stack, or it was never deployed. Fix: pulumi up the platform/ stack first, or unset platformStack (pulumi config rm platformStack).`,
    ]);
  });

  test("backups need the plugin; without backups it may be absent", () => {
    const noPlugin = { ...GOOD, pluginName: "" };
    expect(platformProblems(STACK, noPlugin, needs)[0]).toContain(
      'backups are configured but the platform stack\'s pluginName is ""',
    );
    expect(platformProblems(STACK, noPlugin, { ...needs, backups: false })).toEqual([]);
  });

  test("monitoring needs the CRDs; without monitoring they may be absent", () => {
    const noCrds = { ...GOOD, monitoringCrdsPresent: false };
    expect(platformProblems(STACK, noCrds, needs)[0]).toContain(
      "monitoring is on but the platform stack reports no PodMonitor and PrometheusRule CRDs",
    );
    expect(platformProblems(STACK, noCrds, { ...needs, monitoring: false })).toEqual([]);
  });
});

test("platformStack must be fully qualified", () => {
  expect(problems({ platformStack: "production" })).toEqual([
    "nightscout:platformStack = \"production\": is not a fully qualified stack name, which a StackReference needs. Fix: pulumi config set platformStack organization/nightscout-platform/<stack> (on a self-managed backend the organization is literally 'organization')",
  ]);
});

const STACK_REFERENCE = "pulumi:pulumi:StackReference";
function captureWithPlatform(outputs: Record<string, unknown>) {
  return capture({
    stack: "staging",
    configuration: stackConfig("staging", { platformStack: STACK }),
    respond: (args) =>
      args.type === STACK_REFERENCE
        ? { id: STACK, state: { name: STACK, outputs, secretOutputNames: [] } }
        : undefined,
    loadProgram: () => nightscoutStack(),
  });
}

test("with platformStack, the operator's namespace comes from the platform stack", async () => {
  const result = await captureWithPlatform(GOOD);
  const reference = result.registrations.find((r) => r.type === STACK_REFERENCE);
  expect(reference?.inputs.name).toBe(STACK);
  const policy = result.resources.find((r) => r.name === "postgres-network")!.props as {
    spec: { ingress: { from: unknown[] }[] };
  };
  expect(policy.spec.ingress.flatMap((rule) => rule.from)).toContainEqual({
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "db-operators" } },
  });
  const provider = result.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
  expect(provider.opts.dependsOn).toBeDefined();
});

// index.ts gives the stack's provider `dependsOn: checked`, an Output that runs
// checkPlatformOutputs on what the StackReference read: under the engine a throw there is the
// program's error, and every Kubernetes object waits on that provider. (Under mocks, a
// provider that never registers stalls the capture, so the throw is tested directly.)
test("checkPlatformOutputs throws one error listing every problem, and nothing when all is well", () => {
  expect(() => checkPlatformOutputs(STACK, GOOD, needs)).not.toThrow();
  let thrown: unknown;
  try {
    checkPlatformOutputs(STACK, { ...GOOD, operatorVersion: "1.25.3", pluginName: "" }, needs);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(PlatformStackError);
  expect((thrown as PlatformStackError).problems).toHaveLength(2);
  expect(String(thrown)).toContain(
    "The platform stack cannot carry this stack (2 problems); nothing was deployed:",
  );
  expect(String(thrown)).toContain('its CloudNative-PG operator is "1.25.3", older than 1.26.0');
});

test("under mocks an unfit platform is logged and the program goes on (the real engine exits: npm run up:platform)", async () => {
  const errors: string[] = [];
  const spy = jest.spyOn(console, "error").mockImplementation((...args) => {
    errors.push(args.map(String).join(" "));
  });
  try {
    const result = await captureWithPlatform({ ...GOOD, operatorVersion: "1.25.3" });
    expect(result.resources.some((r) => r.type === "pulumi:providers:kubernetes")).toBe(true);
  } finally {
    spy.mockRestore();
  }
  expect(errors.join("\n")).toContain('its CloudNative-PG operator is "1.25.3", older than 1.26.0');
});
