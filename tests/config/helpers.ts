import * as pulumi from "@pulumi/pulumi/output";
import { ConfigError, StackConfig, parseStackConfig } from "../../config";
import { nightscoutSettings } from "../../components/nightscout-settings";

/** The least a stack needs: parseStackConfig is pure, so tests give raw values as the engine would. */
export const VALID: Readonly<Record<string, string>> = {
  "nightscout:environment": "staging",
  "nightscout:hostname": "ns.example.org",
  "nightscout:apiSecret": "a-long-enough-secret",
  "nightscout:tlsClusterIssuer": "letsencrypt-prod",
};

export const WITH_BACKUP = {
  backupDestinationPath: "s3://b/p",
  backupAccessKeyId: "AKID",
  backupSecretAccessKey: "SAK",
};

export function parse(
  overrides: Record<string, string | undefined> = {},
  plaintext: string[] = [],
): StackConfig {
  const values: Record<string, string | undefined> = { ...VALID };
  for (const [k, v] of Object.entries(overrides)) values[`nightscout:${k}`] = v;
  return parseStackConfig({
    read: (key) => values[key],
    project: "nightscout",
    isSecret: (key) => !plaintext.includes(key),
    keys: Object.keys(values).filter((key) => values[key] !== undefined),
  });
}

export function problems(
  overrides: Record<string, string | undefined>,
  plaintext: string[] = [],
): string[] {
  let thrown: unknown;
  try {
    parse(overrides, plaintext);
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof ConfigError)) {
    throw new Error(
      `expected a ConfigError, got ${thrown === undefined ? "none" : String(thrown)}`,
    );
  }
  return thrown.problems;
}

/** Asserts exactly one problem, naming the key, the value and a fix. */
export function expectOneProblem(
  overrides: Record<string, string | undefined>,
  key: string,
  ...fragments: (string | RegExp)[]
) {
  const found = problems(overrides);
  expect(found).toHaveLength(1);
  expect(found[0]).toContain(`nightscout:${key} = `);
  expect(found[0]).toContain("Fix: ");
  for (const f of fragments) expect(found[0]).toMatch(f);
}

export async function value<T>(o: pulumi.Input<T> | undefined): Promise<T> {
  const output = pulumi.output(o) as unknown as pulumi.Output<T>;
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

export async function isSecret(o: unknown): Promise<boolean> {
  return (o as { isSecret: Promise<boolean> }).isSecret;
}

/** The env the Nightscout component writes from a parsed configuration's preferences. */
export function nightscoutEnv(config: StackConfig): Record<string, string> {
  return nightscoutSettings(config.nightscout.preferences);
}
