/**
 * The offline policy gate:
 * `npm run check:policy -- --stack <name> [--set key=value ...] [--secret key=value ...]`.
 *
 * Evaluates the program for a stack under mocks (its committed config, test secrets and any
 * --set overrides), captures every resource with the options that matter, runs the policy
 * pack's own modules over them with the stack's policy config, prints violations the way
 * `pulumi preview --policy-pack` does, and exits 1 on any mandatory violation.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "node:util";
import {
  evaluatePolicies,
  hasMandatoryViolations,
  type PolicyPackConfig,
  type Violation,
} from "../../policies/evaluate";
import { captureStack, type CapturedResource } from "../lib/capture";

const ROOT = path.resolve(__dirname, "../..");

const USAGE =
  "usage: check:policy -- --stack <name> [--set key=value ...] [--secret key=value ...]";

/** Lenient parsing, so that unknown arguments get this gate's own message rather than node's. */
export function parseCommandLine(argv: string[]): {
  stack: string;
  overrides: Record<string, string>;
  secrets: Record<string, string>;
} {
  const { values, tokens } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string" },
      set: { type: "string", multiple: true },
      secret: { type: "string", multiple: true },
    },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === "positional") throw new Error(`unknown argument "${token.value}"; ${USAGE}`);
    if (token.kind === "option" && !["stack", "set", "secret"].includes(token.name))
      throw new Error(`unknown argument "${token.rawName}"; ${USAGE}`);
  }
  const overrides = assignments("--set", values.set, true);
  // Values given with --secret reach the program as the engine hands it encrypted config.
  const secrets = assignments("--secret", values.secret, false);
  const stack = typeof values.stack === "string" ? values.stack : undefined;
  if (!stack) throw new Error("missing --stack <name> (staging or production)");
  if (!fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)))
    throw new Error(`no Pulumi.${stack}.yaml for --stack ${stack}`);
  return { stack, overrides, secrets };
}

function assignments(
  flag: string,
  given: (string | boolean)[] | undefined,
  echo: boolean,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const assignment of given ?? []) {
    // A flag without a value comes back as true.
    const text = typeof assignment === "string" ? assignment : "";
    const [key, ...rest] = text.split("=");
    if (!key || rest.length === 0) {
      // A malformed --secret may still hold the secret: name the flag, not the text.
      throw new Error(`${flag} expects key=value, got ${echo ? `"${text}"` : "something else"}`);
    }
    result[key] = rest.join("=");
  }
  return result;
}

/** The resource part of a violation line: type and name, as the CLI prints them. */
function describe(urn: string | undefined, resources: CapturedResource[]): string {
  if (!urn) return "stack";
  const r = resources.find((x) => x.urn === urn);
  return r ? `${r.type}: ${r.name}` : urn;
}

function formatViolations(violations: Violation[], resources: CapturedResource[]): string {
  const lines: string[] = [];
  const pack = JSON.parse(fs.readFileSync(path.join(ROOT, "policies/package.json"), "utf8")) as {
    version: string;
  };
  const mark = hasMandatoryViolations(violations) ? "❌" : violations.length > 0 ? "⚠️" : "✅";
  lines.push("Policies:", `    ${mark} nightscout@v${pack.version} (local: policies)`);
  for (const v of violations) {
    lines.push(
      `        - [${v.enforcementLevel}]  ${v.policy}  (${describe(v.resourceUrn, resources)})`,
    );
    for (const l of v.message.split("\n")) lines.push(`          ${l}`);
  }
  return lines.join("\n");
}

/** What one gate run prints and its exit code: 0 passed, 1 mandatory violations, 2 refused. */
export interface GateRun {
  code: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

/** The gate for one command line; in-process callers may run it any number of times. */
export async function runGate(argv: string[]): Promise<GateRun> {
  try {
    const { stack, overrides, secrets } = parseCommandLine(argv);
    const captured = await captureStack(stack, overrides, secrets);
    const config = JSON.parse(
      fs.readFileSync(path.join(ROOT, `policies/config/${stack}.json`), "utf8"),
    ) as PolicyPackConfig;
    const violations = await evaluatePolicies(captured.resources, config);
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const stdout =
      `${formatViolations(violations, captured.resources)}\n` +
      `\n${captured.resources.length} resources checked for stack ${stack}: ${mandatory} mandatory, ${violations.length - mandatory} advisory violation(s).\n`;
    return { code: mandatory > 0 ? 1 : 0, stdout, stderr: "" };
  } catch (e) {
    // A config error from the program is the program's own message: print it as it is.
    return { code: 2, stdout: "", stderr: `${(e as Error).message}\n` };
  }
}

if (require.main === module) {
  runGate(process.argv.slice(2)).then(
    ({ code, stdout, stderr }) => {
      process.stdout.write(stdout);
      process.stderr.write(stderr);
      process.exit(code);
    },
    (e: Error) => {
      console.error(e.message);
      process.exit(2);
    },
  );
}
