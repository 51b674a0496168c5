/**
 * `npm run access` (tools/commands/access.ts) over a stand-in for the Pulumi CLI's
 * `stack output --show-secrets --json` (the io's `pulumi`), and once as the process `npm run`
 * starts, with a stand-in `pulumi` script of this test's own on PULUMI_BIN.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as QRCode from "qrcode";
import { accessCommand } from "../../../tools/commands/access";

const LINKS = {
  Grandma: {
    token: "grandma-0123456789abcdef",
    url: "https://ns.example.org/?token=grandma-0123456789abcdef",
  },
  "School nurse": {
    token: "schoolnurs-fedcba9876543210",
    url: "https://ns.example.org/?token=schoolnurs-fedcba9876543210",
  },
};

function run(argv: string[], answer = { status: 0, stdout: JSON.stringify(LINKS), stderr: "" }) {
  const seen: string[][] = [];
  const out: string[] = [];
  const err: string[] = [];
  const code = accessCommand(argv, {
    pulumi: (args) => {
      seen.push(args);
      return answer;
    },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return code.then((c) => ({ code: c, seen, out: out.join(""), err: err.join("") }));
}

const tokens = Object.values(LINKS).map((l) => l.token);

test("prints one person's link, read from the stack's secret output", async () => {
  const r = await run(["--stack", "production", "--name", "Grandma"]);
  expect(r).toEqual({
    code: 0,
    seen: [["stack", "output", "accessLinks", "--show-secrets", "--json", "--stack", "production"]],
    out: `${LINKS.Grandma.url}\n`,
    err: "",
  });
});

/** The dark modules a `small` terminal QR code draws: two rows per line, margins included. */
function drawnModules(terminal: string): boolean[][] {
  const rows: boolean[][] = [];
  for (const line of terminal
    .replace(/\u001b\[\d+m/g, "")
    .split("\n")
    .filter(Boolean)) {
    const chars = [...line];
    rows.push(chars.map((c) => c === "█" || c === "▀"));
    rows.push(chars.map((c) => c === "█" || c === "▄"));
  }
  return rows;
}

test("with --qr, also the link as a QR code of exactly that text", async () => {
  const r = await run(["--stack", "production", "--name", "Grandma", "--qr"]);
  expect(r.out.startsWith(`${LINKS.Grandma.url}\n`)).toBe(true);
  const drawn = drawnModules(r.out.slice(`${LINKS.Grandma.url}\n`.length));
  const code = QRCode.create(LINKS.Grandma.url, {});
  const text = code.segments
    .map((seg) => (seg.mode.id === "Byte" ? Buffer.from(seg.data).toString() : String(seg.data)))
    .join("");
  expect(text).toBe(LINKS.Grandma.url);
  const { size, data } = code.modules;
  // One light module of margin around the symbol, as the renderer draws it.
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      expect([row, col, drawn[row + 1][col + 1]]).toEqual([row, col, data[row * size + col] === 1]);
    }
  }
});

test("without --name lists the names only, no token", async () => {
  const r = await run(["--stack", "production"]);
  expect(r.code).toBe(0);
  expect(r.out).toBe("Grandma\nSchool nurse\n");
  for (const t of tokens) expect(r.out + r.err).not.toContain(t);
});

test("an unknown name: the nearest one and every name, no token", async () => {
  const r = await run(["--stack", "production", "--name", "grandma"]);
  expect(r.code).toBe(1);
  expect(r.err).toBe(
    'access: stack production has no access entry "grandma"; did you mean "Grandma"? (names: Grandma, School nurse)\n',
  );
  for (const t of tokens) expect(r.err).not.toContain(t);
});

test("a stack that manages no access says how to start", async () => {
  const r = await run(["--stack", "staging", "--name", "Grandma"], {
    status: 0,
    stdout: "{}",
    stderr: "",
  });
  expect(r.code).toBe(1);
  expect(r.err).toContain("stack staging manages no access: declare people in its access setting");
});

test("a failing CLI: its error, never its output", async () => {
  const r = await run(["--stack", "prod", "--name", "Grandma"], {
    status: 255,
    stdout: JSON.stringify(LINKS),
    stderr: "error: no stack named 'prod' found\n",
  });
  expect(r).toMatchObject({
    code: 1,
    out: "",
    err: "access: pulumi stack output failed for stack prod: error: no stack named 'prod' found\n",
  });
});

test.each([
  [[], "--stack is required"],
  [["--stack"], "--stack needs a value"],
  [["--stack", "production", "--name", "--qr"], "--name needs a value"],
  [["--stack", "production", "Grandma"], 'unknown argument "Grandma"'],
])("bad usage %j: %s", async (argv, why) => {
  const r = await run(argv);
  expect(r).toMatchObject({
    code: 64,
    err: `access: ${why}\nusage: npm run access -- --stack <stack> [--name <name>] [--qr]\n`,
  });
  expect(r.seen).toEqual([]);
});

test("with --qr in a pseudo-terminal (util-linux script), the same scannable code", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "access-command-"));
  try {
    const pulumi = path.join(dir, "pulumi");
    fs.writeFileSync(pulumi, `#!/bin/sh\necho '${JSON.stringify(LINKS)}'\n`, { mode: 0o755 });
    // Exit 99 unless standard output really is a terminal inside script's pseudo-terminal.
    const inner = [
      "test -t 1 || exit 99;",
      `exec ${JSON.stringify(process.execPath)} -r ts-node/register/transpile-only`,
      "tools/commands/access.ts --stack production --name Grandma --qr",
    ].join(" ");
    const { stdout } = await promisify(execFile)("script", ["-qec", inner, "/dev/null"], {
      cwd: path.resolve(__dirname, "../../.."),
      env: { ...process.env, PULUMI_BIN: pulumi },
    });
    // The terminal ends lines with CR LF.
    const screen = stdout.replace(/\r\n/g, "\n");
    expect(screen.startsWith(`${LINKS.Grandma.url}\n`)).toBe(true);
    const drawn = drawnModules(screen.slice(`${LINKS.Grandma.url}\n`.length));
    const { size, data } = QRCode.create(LINKS.Grandma.url, {}).modules;
    const expected = [...Array(size).keys()].map((row) =>
      [...Array(size).keys()].map((col) => data[row * size + col] === 1),
    );
    expect(drawn.slice(1, size + 1).map((r) => r.slice(1, size + 1))).toEqual(expected);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("as npm run starts it, with PULUMI_BIN", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "access-command-"));
  try {
    const pulumi = path.join(dir, "pulumi");
    // A stand-in for the Pulumi CLI: it answers `stack output` with these links.
    fs.writeFileSync(pulumi, `#!/bin/sh\necho '${JSON.stringify(LINKS)}'\n`, { mode: 0o755 });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "tools/commands/access.ts",
        "--stack",
        "production",
        "--name",
        "School nurse",
      ],
      { cwd: path.resolve(__dirname, "../../.."), env: { ...process.env, PULUMI_BIN: pulumi } },
    );
    expect(stdout).toBe(`${LINKS["School nurse"].url}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
