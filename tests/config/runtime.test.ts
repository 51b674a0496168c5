/**
 * config/runtime.ts: the engine's configuration handed to parseStackConfig. The SDK is replaced
 * by a stand-in holding only what loadStackConfig calls, so neither its runtime nor the program
 * is loaded; the stack is one without a stack file in the repository.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config";
import { loadStackConfig } from "../../config/runtime";
import { VALID } from "./helpers";

jest.mock("@pulumi/pulumi", () => ({
  __esModule: true,
  getProject: () => "nightscout",
  getStack: () => "no-such-stack-file",
  runtime: {},
}));

interface FakeRuntime {
  getConfig: (key: string) => string | undefined;
  allConfig: () => Record<string, string>;
  isConfigSecret?: (key: string) => boolean;
}
const runtime = pulumi.runtime as unknown as FakeRuntime;

/** The engine holds `values`; `isConfigSecret` as the SDK answers it, or absent. */
function engine(
  values: Record<string, string>,
  isConfigSecret: ((key: string) => boolean) | undefined,
): void {
  runtime.getConfig = (key) => values[key];
  runtime.allConfig = () => ({ ...values });
  if (isConfigSecret) runtime.isConfigSecret = isConfigSecret;
  else delete runtime.isConfigSecret;
}

function refusal(): string[] {
  try {
    loadStackConfig();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected a ConfigError, got none");
}

test("the engine's values, its keys and their encryption reach the checks", () => {
  engine({ ...VALID }, () => true);
  const config = loadStackConfig();
  expect(config.nightscout.hostname).toBe("ns.example.org");
  expect(config.namespace.name).toBe("nightscout");

  engine({ ...VALID, "nightscout:hostnam": "ns.example.org" }, () => true);
  expect(refusal()).toEqual([
    expect.stringMatching(
      /^nightscout:hostnam: is not a setting of this project.*did you mean hostname\?/,
    ),
  ]);
});

test("a secret the engine stores in plaintext is refused", () => {
  engine({ ...VALID }, (key) => key !== "nightscout:apiSecret");
  expect(refusal()).toEqual([
    expect.stringMatching(/^nightscout:apiSecret = \(secret\): is stored in plaintext/),
  ]);
});

test("an SDK without isConfigSecret skips the plaintext check rather than refusing every secret", () => {
  engine({ ...VALID }, undefined);
  expect(loadStackConfig().nightscout.hostname).toBe("ns.example.org");
});
