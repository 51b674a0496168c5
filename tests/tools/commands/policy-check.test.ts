import { spawnSync } from "child_process";
import * as path from "path";
import { parseStackConfig } from "../../../config";
import { configurationOf } from "../../../tools/lib/capture";
import { gateReading } from "../../helpers/gate";
import { parseCommandLine, runGate } from "../../../tools/commands/policy-check";

const configFor = gateReading;

/**
 * The gate in-process. One test below runs it as CI does, in its own process, for the exit code
 * and streams.
 */
async function gate(
  ...args: string[]
): Promise<{ status: number; stdout: string; stderr: string }> {
  const run = await runGate(args);
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}

const ROOT = path.resolve(__dirname, "../../..");
function gateProcess(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [
      require.resolve("ts-node/dist/bin"),
      "--transpile-only",
      "tools/commands/policy-check.ts",
      ...args,
    ],
    {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("staging passes the policy pack", async () => {
  const { status, stdout } = await gate("--stack", "staging");
  expect(stdout).toContain("✅ nightscout@v");
  expect(stdout).toMatch(/checked for stack staging: 0 mandatory, 0 advisory violation/);
  expect(status).toBe(0);
});

// Production takes backups with monitoring off (the default): the pack advises the backup-age
// alert, and passes.
test("production passes the policy pack, advised to alert on backup age", async () => {
  const { status, stdout } = await gate("--stack", "production");
  expect(stdout.split("\n").filter((l) => l.trim().startsWith("- ["))).toEqual([
    "        - [advisory]  backup-age-alert  (kubernetes:postgresql.cnpg.io/v1:ScheduledBackup: postgres-scheduled-backup)",
  ]);
  expect(stdout).toMatch(/checked for stack production: 0 mandatory, 1 advisory violation/);
  expect(status).toBe(0);
});

test("a broken production configuration gets exactly the expected violations and fails", async () => {
  // Declared production, the program itself refuses these settings; declared staging it accepts
  // them, and only the production stack's policy config stands in their way.
  const { status, stdout } = await gate(
    "--stack",
    "production",
    "--set",
    "environment=staging",
    "--set",
    "protectDatabase=false",
    "--set",
    "postgresInstances=1",
    "--set",
    'authDefaultRoles=["readable"]',
    "--set",
    "backupDestinationPath=",
    "--set",
    "backupEndpointUrl=",
  );
  const violations = stdout.split("\n").filter((l) => l.trim().startsWith("- ["));
  expect(violations).toEqual([
    "        - [mandatory]  cnpg-min-instances  (kubernetes:postgresql.cnpg.io/v1:Cluster: postgres-cluster)",
    "        - [advisory]  nightscout-default-roles-private  (kubernetes:apps/v1:Deployment: nightscout-deployment)",
    "        - [mandatory]  production-database-protected  (kubernetes:postgresql.cnpg.io/v1:Cluster: postgres-cluster)",
    "        - [mandatory]  backups-configured  (kubernetes:postgresql.cnpg.io/v1:Cluster: postgres-cluster)",
    "        - [mandatory]  backups-configured  (kubernetes:postgresql.cnpg.io/v1:Cluster: postgres-cluster)",
  ]);
  expect(stdout).toContain(
    'spec.instances = "1": production needs at least 3 PostgreSQL instances so losing one node loses no data. Fix: set spec.instances to 3.',
  );
  expect(stdout).toContain("AUTH_DEFAULT_ROLES grants readable to anonymous visitors");
  expect(stdout).toContain('Cluster "postgres-cluster" opts.protect = "false"');
  expect(stdout).toContain('Cluster "nightscout-db" has no ScheduledBackup.');
  expect(stdout).toContain("4 mandatory, 1 advisory violation(s)");
  expect(status).toBe(1);
});

test("an invalid config value fails with the program's own message, before any policy runs", async () => {
  const {
    code: status,
    stderr,
    stdout,
  } = await runGate(["--stack", "staging", "--set", "postgresInstances=0"]);
  expect(stderr).toContain(
    'nightscout:postgresInstances = "0": must be a whole number from 1 to 9',
  );
  expect(stdout).not.toContain("Policies:");
  expect(status).toBe(2);
});

test.each([
  [["--stack", "staging", "extra"], 'unknown argument "extra"; usage: check:policy'],
  [["--stack", "staging", "--verbose"], 'unknown argument "--verbose"; usage: check:policy'],
  [
    ["--stack", "staging", "--set", "postgresInstances"],
    '--set expects key=value, got "postgresInstances"',
  ],
  [["--set", "postgresInstances=3"], "missing --stack <name> (staging or production)"],
  [["--stack", "nowhere"], "no Pulumi.nowhere.yaml for --stack nowhere"],
  [["--stack", "staging", "--secret", "no-equals-sign-secret"], "--secret expects key=value"],
])("refuses the command line %j before evaluating anything", (args, message) => {
  expect(() => parseCommandLine(args)).toThrow(message);
});

test("a refused command line exits 2 with the message and prints nothing else, as a process", () => {
  const { status, stderr, stdout } = gateProcess(
    "--stack",
    "staging",
    "--secret",
    "no-equals-sign-secret",
  );
  expect(stderr).toMatch(/--secret expects key=value, got something else/);
  expect(stderr.includes("no-equals-sign-secret")).toBe(false);
  expect(stdout).toBe("");
  expect(status).toBe(2);
});

describe("the gate sees secrets and stack files as the engine does", () => {
  test("a secret given with --secret is evaluated, not called plaintext", () => {
    // The gate's captureStack reads the command line through the same stackConfig as this.
    expect(
      configFor(["--stack", "staging", "--secret", "apiSecret=an-operator-secret-1234"]),
    ).not.toThrow();
    // The value given is the one evaluated: a short one is refused for its length.
    const short = configFor(["--stack", "staging", "--secret", "apiSecret=short-pw"]);
    expect(short).toThrow(/apiSecret = \(secret\): is 8 characters long/);
  });
  test("a secret given with --set is plaintext, refused without echoing it", () => {
    const read = configFor(["--stack", "staging", "--set", "apiSecret=typed-in-clear-1234"]);
    expect(read).toThrow(/nightscout:apiSecret = \(secret\): is stored in plaintext/);
    expect(read).not.toThrow(/typed-in-clear-1234/);
  });
  test("a misspelled key is refused with the setting it probably meant", () => {
    expect(configFor(["--stack", "staging", "--set", "hostnme=ns.example.org"])).toThrow(
      /nightscout:hostnme: is not a setting of this project.*did you mean hostname\?/,
    );
  });
  test("a plaintext secret in a stack file stays plaintext, so the program refuses it", () => {
    const { config, secretKeys } = configurationOf({
      "nightscout:hostname": "ns.example.org",
      "nightscout:apiSecret": "committed-in-clear-1234",
      "nightscout:backupAccessKeyId": { secure: "v1:abc" },
    });
    expect(config["nightscout:apiSecret"]).toBe("committed-in-clear-1234");
    expect(secretKeys).not.toContain("nightscout:apiSecret");
    const read = parseStackConfig.bind(null, {
      read: (k) => config[k],
      isSecret: (k) => secretKeys.includes(k),
    });
    expect(read).toThrow(/nightscout:apiSecret = \(secret\): is stored in plaintext/);
  });
});
