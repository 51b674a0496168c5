import { spawnSync } from "child_process";
import * as path from "path";

// The gate runs in its own process, as CI runs it: the Pulumi runtime is process-global.
const ROOT = path.resolve(__dirname, "..");
function gate(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [require.resolve("ts-node/dist/bin"), "--transpile-only", "tools/policy-check.ts", ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test.each(["staging", "production"])("%s passes the policy pack", (stack) => {
  const { status, stdout } = gate("--stack", stack);
  expect(stdout).toContain("✅ nightscout@v");
  expect(stdout).toMatch(
    new RegExp(`checked for stack ${stack}: 0 mandatory, 0 advisory violation`),
  );
  expect(status).toBe(0);
});

test("a broken production configuration gets exactly the expected violations and fails", () => {
  // Declared production, the program itself refuses these settings; declared staging it accepts
  // them, and only the production stack's policy config stands in their way.
  const { status, stdout } = gate(
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
  expect(stdout).toContain("The Cluster runs 1 instance(s); at least 3 are required.");
  expect(stdout).toContain("AUTH_DEFAULT_ROLES grants readable to anonymous visitors");
  expect(stdout).toContain('Cluster "postgres-cluster" is not protected');
  expect(stdout).toContain('Cluster "nightscout-db" has no ScheduledBackup.');
  expect(stdout).toContain("4 mandatory, 1 advisory violation(s)");
  expect(status).toBe(1);
});

test("an invalid config value fails with the program's own message, before any policy runs", () => {
  const { status, stderr, stdout } = gate("--stack", "staging", "--set", "postgresInstances=0");
  expect(stderr).toContain(
    'nightscout:postgresInstances = "0": must be a whole number from 1 to 9',
  );
  expect(stdout).not.toContain("Policies:");
  expect(status).toBe(2);
});

test.each([
  [["--stack", "staging", "extra"], 'unknown argument "extra"; usage: policy:check'],
  [["--stack", "staging", "--verbose"], 'unknown argument "--verbose"; usage: policy:check'],
  [
    ["--stack", "staging", "--set", "postgresInstances"],
    '--set expects key=value, got "postgresInstances"',
  ],
  [["--set", "postgresInstances=3"], "missing --stack <name> (staging or production)"],
  [["--stack", "nowhere"], "no Pulumi.nowhere.yaml for --stack nowhere"],
])("refuses the command line %j before evaluating anything", (args, message) => {
  const { status, stderr, stdout } = gate(...args);
  expect(stderr).toContain(message);
  expect(stdout).toBe("");
  expect(status).toBe(2);
});
