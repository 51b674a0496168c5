/**
 * `npm run access -- --stack <stack> [--name <name>] [--qr]`: one person's Nightscout link from
 * the stack's secret `accessLinks` output (`pulumi stack output --show-secrets`), to hand over;
 * with `--qr`, also as a QR code in the terminal for a phone to scan. Without `--name` it lists
 * the names only. Nothing else it prints holds a token. The Pulumi CLI is `pulumi` on PATH, or
 * PULUMI_BIN.
 */
import { spawnSync } from "node:child_process";
import * as QRCode from "qrcode";
import { closest } from "../../config/key-names";

export interface AccessCommandIo {
  /** Runs the Pulumi CLI with `args`; returns its exit status and output. */
  pulumi(args: string[]): { status: number | null; stdout: string; stderr: string };
  out(text: string): void;
  err(text: string): void;
}

const USAGE = "usage: npm run access -- --stack <stack> [--name <name>] [--qr]";

type Links = Record<string, { token: string; url: string }>;

function parseArgs(argv: string[]): { stack?: string; name?: string; qr: boolean } | string {
  const parsed: { stack?: string; name?: string; qr: boolean } = { qr: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--qr") parsed.qr = true;
    else if (arg === "--stack" || arg === "--name") {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) return `${arg} needs a value`;
      parsed[arg === "--stack" ? "stack" : "name"] = value;
    } else return `unknown argument ${JSON.stringify(arg)}`;
  }
  if (!parsed.stack) return "--stack is required";
  return parsed;
}

export async function accessCommand(argv: string[], io: AccessCommandIo): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.err(`access: ${args}\n${USAGE}\n`);
    return 64;
  }
  const run = io.pulumi([
    "stack",
    "output",
    "accessLinks",
    "--show-secrets",
    "--json",
    "--stack",
    args.stack!,
  ]);
  if (run.status !== 0) {
    // The CLI's own error, never its output: that would be the links.
    io.err(`access: pulumi stack output failed for stack ${args.stack}: ${run.stderr.trim()}\n`);
    return 1;
  }
  let links: Links;
  try {
    links = (JSON.parse(run.stdout) ?? {}) as Links;
  } catch {
    io.err(`access: stack ${args.stack}'s accessLinks output is not JSON\n`);
    return 1;
  }
  const names = Object.keys(links).sort();
  if (names.length === 0) {
    io.err(
      `access: stack ${args.stack} manages no access: declare people in its access setting and pulumi up (README, "Caregivers, followers and uploaders")\n`,
    );
    return 1;
  }
  if (args.name === undefined) {
    io.out(`${names.join("\n")}\n`);
    io.err(`access: pass --name <name> to show one person's link\n`);
    return 0;
  }
  const link = links[args.name];
  if (!link) {
    const near = closest(args.name, names);
    io.err(
      `access: stack ${args.stack} has no access entry ${JSON.stringify(args.name)}${near ? `; did you mean ${JSON.stringify(near)}?` : ""} (names: ${names.join(", ")})\n`,
    );
    return 1;
  }
  io.out(`${link.url}\n`);
  if (args.qr) io.out(await QRCode.toString(link.url, { type: "terminal", small: true }));
  return 0;
}

if (require.main === module) {
  const pulumiBin = process.env.PULUMI_BIN ?? "pulumi";
  accessCommand(process.argv.slice(2), {
    pulumi: (args) => {
      const r = spawnSync(pulumiBin, args, { encoding: "utf8" });
      if (r.error) return { status: 127, stdout: "", stderr: `${pulumiBin}: ${r.error.message}` };
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then((code) => process.exit(code));
}
