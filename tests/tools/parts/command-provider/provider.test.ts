/**
 * The project's stand-in for pulumi-command (tools/parts/command-provider/provider.ts), driven through
 * its provider methods as the Node SDK's provider server calls them: values arrive and leave in
 * the wire form (secrets as signature objects), so these tests see what the engine would.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  COMMAND_TYPE,
  checkInputs,
  commandProvider,
  containsSecret,
  reveal,
  secretWire,
} from "../../../../tools/parts/command-provider/provider";

const URN = `urn:pulumi:test::proj::${COMMAND_TYPE}::check-run`;
const BASE_ENV = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  BASE_ONLY: "base",
  OVERRIDDEN: "base",
};
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Props = Record<string, unknown>;

function make(log?: (urn: string, line: string) => void) {
  return commandProvider({ version: "1.2.1", baseEnv: () => ({ ...BASE_ENV }), log });
}

async function create(inputs: Props, p = make()) {
  const r = await p.create!(URN, inputs);
  return { id: r.id, outs: r.outs as Props };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "command-provider-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("create", () => {
  test("runs create with /bin/sh -c and returns stdout and stderr, one trailing newline trimmed", async () => {
    const { id, outs } = await create({
      create: "printf 'a\\n\\n'; printf 'e\\n' >&2; echo \"$0\"  >/dev/null",
    });
    expect(id).toMatch(/^check-run[0-9a-f]{8}$/);
    expect(outs.stdout).toBe("a\n");
    expect(outs.stderr).toBe("e");
    expect(outs.create).toContain("printf");
  });

  test("the default interpreter is /bin/sh -c", async () => {
    const { outs } = await create({ create: 'echo "$0"' });
    expect(outs.stdout).toBe("/bin/sh");
  });

  test("without a create command nothing runs and the outputs are empty", async () => {
    const { outs } = await create({ delete: "true" });
    expect(outs).toMatchObject({ stdout: "", stderr: "", delete: "true" });
  });

  test("environment is laid over the provider's environment", async () => {
    const { outs } = await create({
      create: 'echo "$BASE_ONLY $OVERRIDDEN $MINE"',
      environment: { OVERRIDDEN: "mine", MINE: "yes" },
    });
    expect(outs.stdout).toBe("base mine yes");
  });

  test("create sees no previous output", async () => {
    const { outs } = await create({ create: 'echo "[${PULUMI_COMMAND_STDOUT-unset}]"' });
    expect(outs.stdout).toBe("[unset]");
  });

  test("dir sets the working directory; a missing dir fails naming it", async () => {
    const { outs } = await create({ create: "pwd", dir: tmp });
    expect(outs.stdout).toBe(fs.realpathSync(tmp));
    const missing = path.join(tmp, "no-such-dir");
    await expect(create({ create: "pwd", dir: missing })).rejects.toThrow(
      `dir ${JSON.stringify(missing)} does not exist`,
    );
  });

  test("stdin is the command's standard input; without it the input is empty", async () => {
    expect((await create({ create: "cat", stdin: "from stdin" })).outs.stdout).toBe("from stdin");
    expect((await create({ create: "cat; echo end" })).outs.stdout).toBe("end");
  });

  test("interpreter replaces /bin/sh -c; a missing one fails naming it", async () => {
    const { outs } = await create({
      create: "process.stdout.write(`js ${process.argv.length}`)",
      interpreter: [process.execPath, "-e"],
    });
    expect(outs.stdout).toBe("js 1");
    await expect(create({ create: "x", interpreter: ["/nonexistent/sh", "-c"] })).rejects.toThrow(
      'exec: "/nonexistent/sh": executable file not found',
    );
  });

  test("a non-zero exit fails with the exit status, the command and its output", async () => {
    const command = "echo to-stdout; echo to-stderr >&2; exit 3";
    const err: Error = await create({ create: command }).then(
      () => new Error("create succeeded"),
      (e: Error) => e,
    );
    expect(err.message.startsWith(`exit status 3: running ${JSON.stringify(command)}:\n`)).toBe(
      true,
    );
    expect(err.message).toContain("to-stdout\n");
    expect(err.message).toContain("to-stderr\n");
  });

  test("a command killed by a signal fails naming the signal", async () => {
    await expect(create({ create: "kill -TERM $$" })).rejects.toThrow(/^signal: SIGTERM: running/);
  });

  test("refuses inputs that are still unknown", async () => {
    await expect(create({ create: UNKNOWN })).rejects.toThrow("not known yet");
  });
});

describe("secrets", () => {
  test("a secret input reaches the command in plain text and makes stdout and stderr secret", async () => {
    const { outs } = await create({
      create: 'echo "len=${#TOKEN}"; echo warn >&2',
      environment: { TOKEN: secretWire("s3cr3t-value"), PLAIN: "p" },
    });
    expect(outs.stdout).toEqual(secretWire("len=12"));
    expect(outs.stderr).toEqual(secretWire("warn"));
    // The state keeps the input's own secret marker, so the engine encrypts it in the checkpoint.
    expect(outs.environment).toEqual({ TOKEN: secretWire("s3cr3t-value"), PLAIN: "p" });
  });

  test("without secrets the outputs are plain", async () => {
    const { outs } = await create({ create: "echo hi", environment: { A: "b" } });
    expect(containsSecret(outs)).toBe(false);
    expect(outs.stdout).toBe("hi");
  });

  test("a secret command string is run and kept secret", async () => {
    const { outs } = await create({ create: secretWire("echo hidden") });
    expect(outs.create).toEqual(secretWire("echo hidden"));
    expect(outs.stdout).toEqual(secretWire("hidden"));
  });
});

describe("update", () => {
  const olds: Props = { create: "echo one", stdout: "previous out", stderr: "previous err" };

  test("runs update with the previous stdout and stderr in the environment", async () => {
    const news = {
      create: "echo one",
      update: 'echo "u:$PULUMI_COMMAND_STDOUT/$PULUMI_COMMAND_STDERR"',
    };
    const r = await make().update!("id", URN, olds, news);
    expect(r.outs.stdout).toBe("u:previous out/previous err");
    expect(r.outs.update).toBe(news.update);
  });

  test("runs create when there is no update command", async () => {
    const r = await make().update!("id", URN, olds, { create: 'echo "c:$PULUMI_COMMAND_STDOUT"' });
    expect(r.outs.stdout).toBe("c:previous out");
  });

  test("addPreviousOutputInEnv: false keeps the previous output out", async () => {
    const r = await make().update!("id", URN, olds, {
      create: 'echo "[${PULUMI_COMMAND_STDOUT-unset}]"',
      addPreviousOutputInEnv: false,
    });
    expect(r.outs.stdout).toBe("[unset]");
  });

  test("with neither command the previous output stays", async () => {
    const r = await make().update!("id", URN, olds, { delete: "true" });
    expect(r.outs).toMatchObject({ stdout: "previous out", stderr: "previous err" });
  });

  test("a failing update fails with its output", async () => {
    await expect(make().update!("id", URN, olds, { create: "echo broke; exit 7" })).rejects.toThrow(
      /^exit status 7: running "echo broke; exit 7":\nbroke\n/,
    );
  });
});

describe("delete", () => {
  test("runs delete with the state's environment and last stdout", async () => {
    const marker = path.join(tmp, "deleted.txt");
    const p = make();
    const { outs } = await create(
      {
        create: "echo created-output",
        delete: `echo "$PULUMI_COMMAND_STDOUT $WHO" > '${marker}'`,
        environment: { WHO: secretWire("me") },
      },
      p,
    );
    await p.delete!("id", URN, outs);
    expect(fs.readFileSync(marker, "utf8")).toBe("created-output me\n");
  });

  test("without a delete command nothing runs", async () => {
    await expect(make().delete!("id", URN, { create: "exit 1", stdout: "" })).resolves.toBe(
      undefined,
    );
  });

  test("a failing delete fails", async () => {
    await expect(make().delete!("id", URN, { delete: "exit 4" })).rejects.toThrow(/^exit status 4/);
  });
});

describe("diff", () => {
  const state: Props = {
    create: "echo x",
    environment: { A: "1", B: secretWire("2") },
    triggers: ["image:1", { spec: 1 }],
    stdout: "x",
    stderr: "",
  };
  const diff = (news: Props) => make().diff!("id", URN, state, news);

  test("same inputs: no changes, whatever the outputs and the key order", async () => {
    const r = await diff({
      triggers: ["image:1", { spec: 1 }],
      environment: { B: secretWire("2"), A: "1" },
      create: "echo x",
    });
    expect(r).toMatchObject({ changes: false, replaces: [] });
  });

  test("changed triggers replace, create first (no delete-before-replace)", async () => {
    const r = await diff({ ...state, triggers: ["image:2", { spec: 1 }] });
    expect(r).toEqual({ changes: true, replaces: ["triggers"], deleteBeforeReplace: false });
  });

  test("another changed input is an update", async () => {
    expect(await diff({ ...state, create: "echo y" })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await diff({ ...state, environment: { A: "1", B: secretWire("3") } })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await diff({ ...state, dir: "/tmp" })).toMatchObject({ changes: true });
  });

  test("an unknown trigger (preview) means a replacement", async () => {
    const r = await diff({ ...state, triggers: [UNKNOWN, { spec: 1 }] });
    expect(r).toMatchObject({ changes: true, replaces: ["triggers"] });
  });
});

describe("check", () => {
  test("accepts the inputs the program passes", async () => {
    const inputs = {
      create: "bash check/port-forward.sh",
      dir: "/work",
      environment: { A: secretWire("b"), C: "d", LATER: UNKNOWN },
      triggers: ["x", 1, { y: [true] }],
      logging: "stdout",
      addPreviousOutputInEnv: false,
    };
    const r = await make().check!(URN, {}, inputs);
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual(inputs);
  });

  test("names each input that is wrong", () => {
    const failures = checkInputs({
      create: 5,
      environment: { N: 1 },
      interpreter: "/bin/sh",
      logging: "everything",
      addPreviousOutputInEnv: "yes",
      triggers: "x",
    });
    expect(failures.map((f) => f.property).sort()).toEqual([
      "addPreviousOutputInEnv",
      "create",
      "environment.N",
      "interpreter",
      "logging",
      "triggers",
    ]);
    expect(failures.find((f) => f.property === "logging")?.reason).toContain('"stdoutAndStderr"');
  });

  test("refuses assetPaths and archivePaths, naming the stand-in", () => {
    const failures = checkInputs({ create: "true", assetPaths: ["*.txt"] });
    expect(failures).toHaveLength(1);
    expect(failures[0].property).toBe("assetPaths");
    expect(failures[0].reason).toContain("stand-in");
  });

  test("refuses other resource types", async () => {
    await expect(
      make().check!("urn:pulumi:test::proj::command:remote:Command::r", {}, {}),
    ).rejects.toThrow("serves only command:local:Command");
  });
});

describe("logging", () => {
  async function logged(logging?: string): Promise<string[]> {
    const lines: string[] = [];
    await create(
      { create: "echo out1; echo err1 >&2; printf out2", ...(logging ? { logging } : {}) },
      make((urn, line) => {
        expect(urn).toBe(URN);
        lines.push(line);
      }),
    );
    return lines.sort();
  }

  test("both streams by default, line by line, a last partial line included", async () => {
    expect(await logged()).toEqual(["err1", "out1", "out2"]);
  });

  test("stdout only, stderr only, none", async () => {
    expect(await logged("stdout")).toEqual(["out1", "out2"]);
    expect(await logged("stderr")).toEqual(["err1"]);
    expect(await logged("none")).toEqual([]);
  });
});

test("cancel kills the running commands", async () => {
  const p = make();
  const started = Date.now();
  const running = create({ create: "sleep 30" }, p);
  await new Promise((r) => setTimeout(r, 100));
  expect(p.children.size).toBe(1);
  await p.cancel!();
  await expect(running).rejects.toThrow(/^signal: SIGKILL/);
  expect(Date.now() - started).toBeLessThan(5000);
});

test("announces itself once, at the first check", async () => {
  const announced: string[] = [];
  const p = commandProvider({ version: "1.2.1", announce: (urn) => announced.push(urn) });
  await p.check!(URN, {}, { create: "true" });
  await p.check!(`${URN}-2`, {}, { create: "true" });
  expect(announced).toEqual([URN]);
});

test("reveal removes every secret marker", () => {
  expect(reveal({ a: [secretWire("x")], b: secretWire({ c: "d" }) })).toEqual({
    a: ["x"],
    b: { c: "d" },
  });
});

describe("the run function (local.runOutput)", () => {
  test("runs the command with its environment, a secret revealed to it, and returns stdout and stderr", async () => {
    const r = await make().invoke!("command:local:run", {
      command: 'printf "%s" "$TOKEN_IN"; echo warn >&2',
      environment: { TOKEN_IN: secretWire("s3cret") },
    });
    expect(r.failures).toBeUndefined();
    expect(r.outputs).toMatchObject({ stdout: "s3cret", stderr: "warn" });
  });

  test("fails on a non-zero exit as a Command's create does", async () => {
    await expect(make().invoke!("command:local:run", { command: "exit 3" })).rejects.toThrow(
      /^exit status 3/,
    );
  });

  test("refuses a missing command and any other function, naming the stand-in", async () => {
    expect((await make().invoke!("command:local:run", {})).failures).toEqual([
      { property: "command", reason: "command must be the text of a shell command" },
    ]);
    await expect(make().invoke!("command:remote:copyToRemote", {})).rejects.toThrow(
      /stand-in for pulumi-command .* serves no function but command:local:run, not command:remote:copyToRemote/,
    );
  });
});
