/**
 * Stack files as the engine reads them (config/stack-file.ts): the YAML forms whose meaning the
 * engine changes are refused by the program itself, here through the gate's reading (the whole
 * program under mocks, reading its own stack file: tests/config/slip-kinds.test.ts), and a
 * namespace that only looks like the project's is refused instead of dropped.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, parseStackConfig } from "../../config";
import { namespaceSlip } from "../../config/key-names";
import { readStackFile, resolvePlainScalar, StackFileError } from "../../config/stack-file";
import { configurationOf } from "../../tools/lib/capture";

const ROOT = path.resolve(__dirname, "../..");
const STAGING = fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8");

/** The committed staging file with `lines` added to its config block (a later key wins nothing:
 * each test adds only keys staging does not set, or replaces one with `replacing`). */
function stagingWith(lines: string[], replacing?: string): string {
  const base = replacing
    ? STAGING.split("\n")
        .filter((l) => !l.trim().startsWith(`nightscout:${replacing}:`))
        .join("\n")
    : STAGING;
  return `${base.trimEnd()}\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}

/** What the offline gate does with a stack file: the engine's reading, then the program's rules. */
function throughTheGate(text: string): () => unknown {
  const reading = readStackFile(text, "Pulumi.staging.yaml");
  const { config, secretKeys } = configurationOf(reading.config);
  return () =>
    parseStackConfig({
      read: (k) => config[k],
      isSecret: (k) => secretKeys.includes(k),
      keys: Object.keys(config),
      stackFile: { name: "Pulumi.staging.yaml", text },
    });
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return "";
}

describe("plain scalars resolved as the engine resolves them (pulumi 3.274.1)", () => {
  test.each([
    ["0123", "83"],
    ["08", "8"],
    ["0x1F", "31"],
    ["1_000", "1000"],
    ["1.50", "1.5"],
    ["True", "true"],
    ["yes", "yes"],
    ["~", ""],
    ["2026-12-01T03:00:00Z", "2026-12-01 03:00:00 +0000 UTC"],
    ["2026-12-01T03:00:00.5+01:00", "2026-12-01 03:00:00.5 +0100 +0100"],
    ["2026-12-01", "2026-12-01 00:00:00 +0000 UTC"],
    ["2026-12-01T03:00:00", "2026-12-01T03:00:00"],
    ["2026-02-30", "2026-02-30"],
    ["123456789012345678", "123456789012345678"],
  ])("%s arrives as %j", (written, engine) => {
    expect(resolvePlainScalar(written).engineText).toBe(engine);
  });

  test("a quoted value is taken as written, a plain one is resolved", () => {
    const { config } = readStackFile(
      'config:\n  nightscout:a: "0123"\n  nightscout:b: 0123\n  nightscout:c: [0123, "07"]\n',
      "Pulumi.x.yaml",
    );
    expect(config).toEqual({
      "nightscout:a": "0123",
      "nightscout:b": "83",
      "nightscout:c": '[83,"07"]',
    });
  });

  test("an encrypted value is passed through untouched", () => {
    const { config, surprises } = readStackFile(
      "config:\n  nightscout:apiSecret:\n    secure: v1:abc\n",
      "Pulumi.x.yaml",
    );
    expect(config["nightscout:apiSecret"]).toEqual({ secure: "v1:abc" });
    expect(surprises).toEqual([]);
  });
});

describe("YAML null", () => {
  test("an empty quoted string is an ordinary empty value: the default applies", () => {
    const text = stagingWith(['nightscout:postgresStorageClass: ""']);
    expect(readStackFile(text, "f").surprises).toEqual([]);
    expect(throughTheGate(text)).not.toThrow();
  });

  test.each(["null", "~", "", "Null"])("%j is refused with the key and the fix", (form) => {
    const message = refusal(
      throughTheGate(stagingWith([`nightscout:postgresStorageClass: ${form}`])),
    );
    expect(message).toContain(
      `nightscout:postgresStorageClass = ${JSON.stringify(form)} in Pulumi.staging.yaml: is YAML null`,
    );
    expect(message).toContain("Fix: remove the key to use the default");
  });

  test("an empty hostname reads as missing, never as the text null", () => {
    const message = refusal(throughTheGate(stagingWith(["nightscout:hostname:"], "hostname")));
    expect(message).toContain("nightscout:hostname = undefined: is required");
    expect(message).not.toContain('"null"');
  });
});

describe("zero-padded numbers", () => {
  test("a number without leading zeros passes; 0 itself too", () => {
    const text = stagingWith([
      "nightscout:postgresMaxConnections: 100",
      "nightscout:dbSizeMaxMiB: 0",
    ]);
    expect(readStackFile(text, "f").surprises).toEqual([]);
    expect(throughTheGate(text)).not.toThrow();
  });

  test("0100 is refused, with the octal value the engine would hand over and the fix", () => {
    const message = refusal(
      throughTheGate(stagingWith(["nightscout:postgresMaxConnections: 0100"])),
    );
    expect(message).toContain(
      'nightscout:postgresMaxConnections = "0100" in Pulumi.staging.yaml: is a zero-padded number, which Pulumi reads as octal where it can: 64. Fix: write it without the leading zeros (100)',
    );
  });

  test("08 is not octal, and is refused all the same: the gate and the engine must not guess", () => {
    expect(
      refusal(throughTheGate(stagingWith(["nightscout:ferretdbReplicas: 02"], "ferretdbReplicas"))),
    ).toContain(
      'nightscout:ferretdbReplicas = "02" in Pulumi.staging.yaml: is a zero-padded number',
    );
  });

  test("a namespace refused for its form is not judged against the stack's as well", () => {
    // The engine hands over 83, the stack's own namespace: refused once, not also as a clash.
    const message = refusal(
      throughTheGate(
        stagingWith(
          [
            'nightscout:namespace: "83"',
            "nightscout:monitoring: true",
            "nightscout:monitoringNamespace: 0123",
          ],
          "namespace",
        ),
      ),
    );
    expect(message).toContain(
      'nightscout:monitoringNamespace = "0123" in Pulumi.staging.yaml: is a zero-padded number',
    );
    expect(message).not.toContain("is also");
  });

  test('quoted, "0100" is text: the setting\'s own check decides (a whole number, so it passes)', () => {
    expect(
      throughTheGate(stagingWith(['nightscout:postgresMaxConnections: "0100"'])),
    ).not.toThrow();
  });
});

describe("unquoted timestamps", () => {
  const restore = [
    "nightscout:restoreFromServerName: nightscout-old",
    "nightscout:backupDestinationPath: s3://backups/nightscout",
    "nightscout:backupEndpointUrl: https://s3.example.org",
  ];

  test("quoted, a restore target time passes", () => {
    expect(
      throughTheGate(
        stagingWith([...restore, 'nightscout:restoreTargetTime: "2026-12-01T03:00:00Z"']),
      ),
    ).not.toThrow();
  });

  test("unquoted, it is refused with what the engine makes of it and the quoted form", () => {
    const message = refusal(
      throughTheGate(
        stagingWith([...restore, "nightscout:restoreTargetTime: 2026-12-01T03:00:00Z"]),
      ),
    );
    expect(message).toContain(
      'nightscout:restoreTargetTime = "2026-12-01T03:00:00Z" in Pulumi.staging.yaml: is an unquoted timestamp, which Pulumi rewrites as "2026-12-01 03:00:00 +0000 UTC". Fix: quote it: "2026-12-01T03:00:00Z"',
    );
  });
});

describe("secrets in the file", () => {
  test("a plaintext secret with a surprising form is refused without its text", () => {
    const message = refusal(
      throughTheGate(stagingWith(["nightscout:apiSecret: 0123456701234567"])),
    );
    expect(message).toContain("nightscout:apiSecret = (not shown) in Pulumi.staging.yaml");
    expect(message).not.toContain("0123456701234567");
    expect(message).not.toContain(String(0o123456701234567));
  });
});

describe("duplicated keys", () => {
  test("name the key and both lines", () => {
    const text =
      "config:\n  nightscout:hostname: a.example.org\n  nightscout:namespace: x\n  nightscout:hostname: b.example.org\n";
    expect(() => readStackFile(text, "Pulumi.staging.yaml")).toThrow(StackFileError);
    expect(() => readStackFile(text, "Pulumi.staging.yaml")).toThrow(
      "Pulumi.staging.yaml line 4: nightscout:hostname is set twice (first set on line 2), and Pulumi refuses the file. Fix: keep one of the two lines",
    );
  });

  test("distinct keys are not confused with each other", () => {
    expect(() =>
      readStackFile("config:\n  nightscout:hostname: a\n  nightscout:hostnames: b\n", "f"),
    ).not.toThrow();
  });
});

describe("namespaces that only look like the project's", () => {
  test.each([
    ["nightscuot", "looks like the project"],
    ["Nightscout", "looks like the project"],
    ["nightscоut", "looks like the project"], // Cyrillic о
    ["nightscout-platform", "unknown"],
    ["acme", "unknown"],
    ["kubernetes", "known"],
    ["pulumi", "known"],
  ])("%s: %s", (namespace, slip) => {
    expect(namespaceSlip(namespace, "nightscout")).toBe(slip);
  });

  test("a misspelled namespace is refused with the key it was meant to be", () => {
    const message = refusal(throughTheGate(stagingWith(["nightscuot:alarmTypes: simple"])));
    expect(message).toContain(
      'nightscuot:alarmTypes: "nightscuot" is not this project\'s namespace "nightscout", so the program would never read this key. Fix: rename the key to nightscout:alarmTypes in the stack file',
    );
  });

  test("a look-alike letter is named by its code point", () => {
    expect(refusal(throughTheGate(stagingWith(["nightscоut:alarmTypes: simple"])))).toContain(
      "(it contains U+043E, which only looks like a Latin letter)",
    );
  });

  test("a provider's namespace passes, another project's draws only a warning", () => {
    const config = throughTheGate(
      stagingWith(["kubernetes:enableServerSideApply: true", "acme:thing: x"]),
    )() as { warnings: string[] };
    expect(config.warnings).toContain(
      'acme:thing: nothing in this program reads the namespace "acme"; if the key is meant for this project, rename it to nightscout:thing',
    );
    expect(config.warnings.join("\n")).not.toContain("kubernetes:");
  });
});

describe("what the program's own reading of the file reports, and how", () => {
  /** parseStackConfig over the committed staging values, shown `text` as the stack file. */
  function readingWithFile(text: string, values: string = STAGING): string {
    const { config, secretKeys } = configurationOf(readStackFile(values, "f").config);
    return refusal(() =>
      parseStackConfig({
        read: (k) => config[k],
        isSecret: (k) => secretKeys.includes(k),
        keys: Object.keys(config),
        stackFile: { name: "Pulumi.staging.yaml", text },
      }),
    );
  }

  test("a file the engine refuses is one problem, the file's own, beside the others", () => {
    const text = `${STAGING.trimEnd()}\n  nightscout:hostname: twice.example.org\n`;
    const message = readingWithFile(text);
    expect(message).toMatch(
      /Pulumi\.staging\.yaml line \d+: nightscout:hostname is set twice \(first set on line \d+\), and Pulumi refuses the file\. Fix: keep one of the two lines/,
    );
    expect(message.match(/is set twice/g)).toHaveLength(1);
  });

  test("an entry of a list is named with its index and shown, as its setting is not secret", () => {
    const text = stagingWith(["nightscout:enabledPlugins: [careportal, 0123]"]);
    const message = readingWithFile(text, text);
    expect(message).toContain(
      'nightscout:enabledPlugins[1] = "0123" in Pulumi.staging.yaml: is a zero-padded number',
    );
  });

  test("a key of another namespace is never taken for one of the project's, nor shown", () => {
    // "kubernetes" is as long as "nightscout": cut at the same place, the key would read as
    // nightscout's own hostname.
    const text = stagingWith(["kubernetes:hostname: 0123"]);
    const message = readingWithFile(text, text);
    expect(message.split("\n").filter((l) => l.includes("hostname"))).toEqual([
      expect.stringContaining(
        "kubernetes:hostname = (not shown) in Pulumi.staging.yaml: is written unquoted in a form that Pulumi rewrites (a number, a timestamp). Fix: store it with pulumi config set --secret <key> <value>, which encrypts and quotes it",
      ),
    ]);
  });
});
