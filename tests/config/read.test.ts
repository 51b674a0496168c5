import { quote } from "../../config/problems";
import { Settings } from "../../config/read";
import { declareSettings } from "../../config/settings";
import { expectOneProblem, parse, problems, nightscoutEnv } from "./helpers";

describe("each setting is checked against its own declaration", () => {
  test("hostname is required", () =>
    expectOneProblem(
      { hostname: undefined },
      "hostname",
      /is required/,
      /pulumi config set hostname/,
    ));
  test("apiSecret is required", () =>
    expectOneProblem({ apiSecret: undefined }, "apiSecret", /is required/, /--secret apiSecret/));
  test("a secret with whitespace around it is refused, without showing it (issue 20)", () => {
    const pasted = "a-long-enough-secret\n";
    expectOneProblem(
      { apiSecret: pasted },
      "apiSecret",
      /apiSecret = \(secret\): has whitespace at its start or end, which would be kept as part of the secret/,
      /pulumi config set --secret apiSecret <the same value without the surrounding whitespace>/,
    );
    expect(problems({ apiSecret: pasted }).join("\n")).not.toContain("a-long-enough");
    expect(problems({ apiSecret: " a-long-enough-secret" })).toHaveLength(1);
    // Whitespace inside is the secret's own.
    expect(() => parse({ apiSecret: "a long enough secret" })).not.toThrow();
  });
  test("apiSecret needs 12 characters, and its value is never shown", () => {
    expectOneProblem(
      { apiSecret: "short-pw" },
      "apiSecret",
      /8 characters long; it needs at least 12/,
      /\(secret\)/,
    );
    expect(problems({ apiSecret: "short-pw" })[0].includes("short-pw")).toBe(false);
  });
  test("secrets in plaintext are refused", () => {
    const found = problems({}, ["nightscout:apiSecret"]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /nightscout:apiSecret = \(secret\): is stored in plaintext.*--secret apiSecret/,
    );
  });
  test("an optional secret in plaintext is refused too", () => {
    const found = problems(
      { postDeployCheck: "direct", postDeployCheckUri: "mongodb://u:p@h/db" },
      ["nightscout:postDeployCheckUri"],
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/postDeployCheckUri = \(secret\): is stored in plaintext/);
    expect(found[0].includes("u:p@h")).toBe(false);
  });
  test("a secret URI in the wrong form is named without its value", () => {
    const found = problems({ postDeployCheck: "direct", postDeployCheckUri: "http://u:hunter2@h" });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/postDeployCheckUri = \(secret\): is not in the expected form/);
    expect(found[0]).toMatch(
      /Fix: pulumi config set --secret postDeployCheckUri mongodb:\/\/<user>:<password>@<host>:27017\/nightscout$/,
    );
    expect(found[0].includes("hunter2")).toBe(false);
  });
  test("displayUnits is mmol/L or mg/dL", () =>
    expectOneProblem({ displayUnits: "mmol" }, "displayUnits", /"mmol"/, /mmol\/L or mg\/dL/));
  test("alarmTypes is simple and/or predict", () =>
    expectOneProblem({ alarmTypes: "loud" }, "alarmTypes", /"loud"/));
  test("alarmTypes accepts both", () =>
    expect(nightscoutEnv(parse({ alarmTypes: "simple  predict" })).ALARM_TYPES).toBe(
      "simple predict",
    ));
  test("authDefaultRoles names known roles", () =>
    expectOneProblem(
      { authDefaultRoles: '["status-only","readonly"]' },
      "authDefaultRoles",
      /unknown roles: readonly/,
      /status-only/,
    ));
  test("authDefaultRoles needs a role", () =>
    expectOneProblem({ authDefaultRoles: "[]" }, "authDefaultRoles", /at least 1/));
  test("authDefaultRoles must be a list", () =>
    expectOneProblem({ authDefaultRoles: "readable" }, "authDefaultRoles", /list of strings/));
  test("enabledPlugins names known plugins", () =>
    expectOneProblem(
      { enabledPlugins: '["careportal","iob","cobb"]', showPlugins: '["careportal"]' },
      "enabledPlugins",
      /unknown plugins: cobb/,
    ));
  test("showPlugins names known plugins", () =>
    expectOneProblem(
      { showPlugins: '["careportal","frobnicate"]' },
      "showPlugins",
      /unknown plugins: frobnicate/,
    ));
  test("images must not float to latest", () =>
    expectOneProblem(
      { nightscoutImage: "nightscout/cgm-remote-monitor:latest" },
      "nightscoutImage",
      /floating tag "latest"/,
    ));
  test("images need a tag or digest", () =>
    expectOneProblem(
      { nightscoutImage: "nightscout/cgm-remote-monitor" },
      "nightscoutImage",
      /no tag/,
    ));
  test("a malformed digest is refused", () =>
    expectOneProblem(
      { nightscoutImage: "nightscout/cgm-remote-monitor@sha256:abc" },
      "nightscoutImage",
      /malformed digest/,
    ));
  test("an image reference the kubelet cannot parse is refused (issue 20)", () => {
    expectOneProblem(
      { ferretdbImage: "https://ghcr.io/ferretdb/ferretdb:2.7.0" },
      "ferretdbImage",
      /URL scheme/,
    );
    expectOneProblem(
      { nightscoutImage: "nightscout/CGM-remote-monitor:15.0.7" },
      "nightscoutImage",
      /uppercase letters.*\(nightscout\/cgm-remote-monitor\)/,
    );
  });
  test("postgresInstances is a whole number in range", () =>
    expectOneProblem({ postgresInstances: "0" }, "postgresInstances", /from 1 to 9/));
  test("postgresInstances is not fractional", () =>
    expectOneProblem({ postgresInstances: "1.5" }, "postgresInstances", /"1.5"/));
  test("postgresStorageSize is a quantity", () =>
    expectOneProblem(
      { postgresStorageSize: "10GB" },
      "postgresStorageSize",
      /not a Kubernetes quantity/,
      /10Gi/,
    ));
  test("postgresStorageSize has a floor", () =>
    expectOneProblem({ postgresStorageSize: "512Mi" }, "postgresStorageSize", /below 1Gi/));
  test("resources are quantities", () =>
    expectOneProblem({ ferretdbMemoryLimit: "lots" }, "ferretdbMemoryLimit", /"lots"/));
  test("a negative quantity is refused", () =>
    expectOneProblem({ ferretdbCpuRequest: "-100m" }, "ferretdbCpuRequest", /not a CPU quantity/));
  test("a CPU request in memory units is refused, with the millicores meant", () =>
    expectOneProblem(
      { nightscoutCpuRequest: "256Mi" },
      "nightscoutCpuRequest",
      /has a memory unit/,
      /pulumi config set nightscoutCpuRequest 256m/,
    ));
  test("memory in milli-bytes is refused, with the mebibytes meant", () =>
    expectOneProblem(
      { postgresMemoryRequest: "256m" },
      "postgresMemoryRequest",
      /is in milli-bytes/,
      /pulumi config set postgresMemoryRequest 256Mi/,
    ));
  test("postgresMaxConnections has a floor", () =>
    expectOneProblem(
      { postgresMaxConnections: "5" },
      "postgresMaxConnections",
      /from 20 to 10000/,
    ));
  test("names are Kubernetes names", () =>
    expectOneProblem(
      { ingressClassName: "Traefik" },
      "ingressClassName",
      /not a valid Kubernetes object name/,
    ));
  test("redirectMiddleware is a CRD reference", () =>
    expectOneProblem(
      { redirectMiddleware: "redirect-https" },
      "redirectMiddleware",
      /<namespace>-<name>@kubernetescrd/,
    ));
  test("namespace is a DNS label", () =>
    expectOneProblem({ namespace: "Night_Scout" }, "namespace", /"Night_Scout"/));
  test("postgresClusterName is a short DNS label", () =>
    expectOneProblem({ postgresClusterName: "x".repeat(51) }, "postgresClusterName", /at most 50/));
  test("postDeployCheck mode is known", () =>
    expectOneProblem(
      { postDeployCheck: "always" },
      "postDeployCheck",
      /portForward, direct or off/,
    ));
  test("the check's deadline is in range", () =>
    expectOneProblem(
      { postDeployCheckDeadlineSeconds: "5" },
      "postDeployCheckDeadlineSeconds",
      /from 10 to 3600/,
    ));
  test("booleans are true or false", () =>
    expectOneProblem({ protectDatabase: "yes" }, "protectDatabase", /true or false/));
});

describe("values in messages", () => {
  test("invisible and line-breaking characters are escaped", () =>
    expect(quote("a\u2028b\u00a0c\u0007d\u200be")).toBe('"a\\u{2028}b\\u{a0}c\\u0007d\\u{200b}e"'));
  test("a long value is cut, with its length", () => {
    const shown = quote("x".repeat(100_000));
    expect(shown.length).toBeLessThan(200);
    expect(shown).toMatch(/\.\.\. \(100000 characters\)"$/);
  });
  test("a pasted file in a setting stays one short line", () => {
    const found = problems({ namespace: "line one\nline two\n".repeat(5000) });
    expect(found).toHaveLength(1);
    expect(found[0]).not.toMatch(/\n/);
    expect(found[0].length).toBeLessThan(400);
  });
});

describe("another project's declarations, read the same way", () => {
  const OTHER = declareSettings("other-project", [
    { key: "size", type: "integer", range: [1, 5], default: 2, description: "How many." },
    { key: "mode", type: "string", oneOf: ["a", "b"], default: "a", description: "Which." },
    { key: "token", type: "string", secret: true, description: "A secret." },
  ] as const);
  const read = (values: Record<string, string>, plaintext: string[] = []) => {
    const full = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [`other-project:${k}`, v]),
    );
    return new Settings(
      {
        read: (k) => full[k],
        isSecret: (k) => !plaintext.includes(k),
        keys: Object.keys(full),
      },
      OTHER,
    );
  };

  test("its keys, defaults and checks; its project names the keys in messages", () => {
    const s = read({ size: "4", token: "t0ken" });
    expect(s.problems.messages).toEqual([]);
    expect([s.integer("size"), s.text("mode")]).toEqual([4, "a"]);
    expect(read({ size: "9", mode: "c" }).problems.messages).toEqual([
      'other-project:size = "9": must be a whole number from 1 to 5. Fix: pulumi config set size <1..5>',
      'other-project:mode = "c": must be a or b. Fix: pulumi config set mode a',
      "other-project:token = (secret): is required: it has no default. Fix: pulumi config set --secret token <value>",
    ]);
  });

  test("its secrets are masked and must be encrypted, like the app's", () => {
    expect(read({ token: "t0ken" }, ["other-project:token"]).problems.messages).toEqual([
      "other-project:token = (secret): is stored in plaintext in the stack configuration. Fix: pulumi config set --secret token <value> (and rotate it: it was readable)",
    ]);
  });

  test("a key it does not declare is a typo, even one the app declares", () => {
    expect(read({ token: "t", sise: "3", hostname: "x" }).problems.messages).toEqual([
      "other-project:sise: is not a setting of this project, so it would be ignored. Fix: did you mean size? Rename the key to other-project:size in the stack file",
      "other-project:hostname: is not a setting of this project, so it would be ignored. Fix: pulumi config rm hostname",
    ]);
  });

  test("only its own keys type-check", () => {
    const s = read({ token: "t" });
    // @ts-expect-error hostname is the app's key, not this project's
    expect(() => s.text("hostname")).toThrow();
  });

  test("a key declared twice is refused when the declarations load", () => {
    expect(() =>
      declareSettings("p", [
        { key: "x", type: "string", default: "", description: "" },
        { key: "x", type: "integer", default: 0, description: "" },
      ]),
    ).toThrow("p:x is declared twice");
  });
});
