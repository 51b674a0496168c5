/**
 * Unit tests of the check's URI handling and configuration, no server.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CHECK_ENV, DEFAULT_CHECK_DEADLINE_SECONDS } from "../../domain";
import { readCheckConfig } from "../../check/env";
import { scrub } from "../../check/redact";
import { overrideHost, parseMongoUri, redactUri, uriSecrets } from "../../check/uri";
import { expectNoSecret, leakForms } from "../helpers/leaks";

const password = "s3cr3t-P@ss/w0rd";
const uri = `mongodb://nightscout:${encodeURIComponent(password)}@ferretdb.nightscout.svc.cluster.local:27017/nightscout`;

{
  describe("check/uri: the driver's parsers first, nothing of the URI in any message", () => {
    // Titles name the case, never the URI: jest prints them into CI logs.
    it.each([
      ["credentials", uri, "mongodb://***@ferretdb.nightscout.svc.cluster.local:27017/nightscout"],
      [
        "hosts and options",
        "mongodb://h1:1,h2:2/db?tls=true&authSource=admin",
        "mongodb://h1:1,h2:2/db",
      ],
      [
        "mongodb+srv",
        "mongodb+srv://u:p@cluster.example.org/?retryWrites=true",
        "mongodb+srv://***@cluster.example.org",
      ],
      // An unencoded "@" in the password: nothing of the URI is shown at all.
      ["an unescaped @", "mongodb://u:Pw-Part1@Part2@host:27017/db", "<unparseable MongoDB URI>"],
      ["another scheme", "postgres://u:p@host/db", "<unparseable MongoDB URI>"],
    ])("redactUri: %s", (_label, raw, shown) => {
      expect(redactUri(raw)).toBe(shown);
    });

    const rejects: [string, string, RegExp, string[]][] = [
      [
        "an unescaped @ in the password",
        "mongodb://nightscout:Abc-Pw1@Tail99@127.0.0.1:27017/nightscout",
        /^MONGODB_URI has more than one '@' before the host: percent-encode '@' in the password as %40$/,
        ["Abc-Pw1", "Tail99", "tail99"],
      ],
      [
        "an @ hidden behind a / in the password",
        "mongodb://u:Abc-Pw2@b/c@host/db",
        /more than one '@' before the host/,
        ["Abc-Pw2"],
      ],
      [
        "a bad % escape in the password",
        "mongodb://u:Pct-Pw3%zz@host/db",
        /^MONGODB_URI has a '%' not followed by two hex digits in its user name or password/,
        ["Pct-Pw3"],
      ],
      [
        "a bad % escape in the database name",
        "mongodb://u:Pct-Pw4@host/d%zzb",
        /'%' not followed by two hex digits in its database name/,
        ["Pct-Pw4"],
      ],
      [
        "mongodb+srv:// with a port",
        "mongodb+srv://u:Srv-Pw5@cluster.example.org:27017/db",
        /^MONGODB_URI is a mongodb\+srv:\/\/ URI with a port/,
        ["Srv-Pw5"],
      ],
      [
        "no scheme",
        "u:NoScheme-Pw6@host:27017/db",
        /^MONGODB_URI does not start with mongodb:\/\//,
        ["NoScheme-Pw6"],
      ],
      [
        "an unescaped / in the password",
        "mongodb://u:Slash/Pw7@host/db",
        /^the password in MONGODB_URI contains one of : \/ \? # \[ \] @ unescaped/,
        ["Slash", "Pw7"],
      ],
      [
        "an option the driver does not know",
        "mongodb://u:Opt-Pw8@host/db?notAnOption=1",
        /^MONGODB_URI is not usable: option notanoption is not supported/,
        ["Opt-Pw8"],
      ],
    ];
    it.each(rejects)("rejects %s, quoting none of it", (_label, raw, message, fragments) => {
      const problem = parseMongoUri(raw);
      expect(typeof problem).toBe("string");
      expect(problem).toMatch(message);
      expectNoSecret(problem, [raw, ...fragments], "problem");
    });

    it("parses a good URI into what may be shown and what must not", () => {
      const parsed = parseMongoUri(`${uri}?authSource=admin&tlsCertificateKeyFilePassword=Key-Pw9`);
      if (typeof parsed === "string") throw new Error(parsed);
      expect(parsed).toMatchObject({
        display: "mongodb://***@ferretdb.nightscout.svc.cluster.local:27017/nightscout",
        hosts: ["ferretdb.nightscout.svc.cluster.local:27017"],
        isSrv: false,
        hasCredentials: true,
      });
      expectNoSecret(parsed.display, [...leakForms(password), "Key-Pw9"], "display");
      for (const secret of [...leakForms(password), "Key-Pw9"]) {
        expect(parsed.secrets.includes(secret)).toBe(true);
      }
    });

    it("scrub removes the password in every encoding and keeps messages on one line", () => {
      const secrets = uriSecrets(uri);
      const text = `failed for ${uri}\n  password ${password} or ${encodeURIComponent(password)}`;
      const out = scrub(text, secrets);
      expectNoSecret(out, leakForms(password), "scrubbed");
      expect(out).toBe("failed for *** password *** or ***");
      // Without credentials nothing is secret, so messages keep the URI.
      expect(uriSecrets("mongodb://host:27017/db")).toEqual([]);
      // Unparseable: the whole URI and everything up to its last '@', piece by piece.
      const bad = "mongodb://u:Part-One@Part-Two@host/db";
      expectNoSecret(scrub(`x ${bad} Part-One Part-Two`, uriSecrets(bad)), [
        "Part-One",
        "Part-Two",
      ]);
    });

    it("overrideHost points the URI at the forward and forces a direct connection", () => {
      expect(
        overrideHost(`${uri}?directConnection=false&authSource=nightscout`, "127.0.0.1:5555"),
      ).toBe(
        `mongodb://nightscout:${encodeURIComponent(password)}@127.0.0.1:5555/nightscout?authSource=nightscout&directConnection=true`,
      );
      expect(overrideHost("mongodb://a:1,b:2", "127.0.0.1:1")).toBe(
        "mongodb://127.0.0.1:1/?directConnection=true",
      );
      expect(() => overrideHost("mongodb+srv://u:p@c.example.org/db", "127.0.0.1:1")).toThrow(
        /cannot rewrite a mongodb\+srv/,
      );
    });
  });

  describe("check/uri: TLS files the driver would read", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-tls-"));
    const ca = path.join(dir, "ca.pem");
    fs.writeFileSync(ca, "-----BEGIN CERTIFICATE-----\n");
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const withOption = (option: string, file: string) =>
      `${uri}?tls=true&${option}=${encodeURIComponent(file)}`;

    it("accepts a readable CA file", () => {
      expect(typeof parseMongoUri(withOption("tlsCAFile", ca))).toBe("object");
    });

    it.each(["tlsCAFile", "tlsCertificateKeyFile", "tlscafile"])(
      "refuses a missing %s before connecting, naming the option and not the path",
      (option) => {
        const missing = path.join(dir, "secret-name-missing.pem");
        const problem = parseMongoUri(withOption(option, missing));
        expect(typeof problem).toBe("string");
        expect(problem).toMatch(/names a tls\w+File that cannot be read \(ENOENT\)/i);
        expect(problem).not.toContain("secret-name-missing");
        expect(problem).not.toContain(password);
      },
    );

    it("refuses a directory in place of the file", () => {
      expect(parseMongoUri(withOption("tlsCAFile", dir))).toMatch(/tlsCAFile that is not a file/);
    });
  });

  describe("check/env: readCheckConfig", () => {
    it("applies defaults and derives the per-attempt timeout from the deadline", () => {
      expect(readCheckConfig({ MONGODB_URI: uri })).toMatchObject({
        deadlineMs: DEFAULT_CHECK_DEADLINE_SECONDS * 1000,
        attemptTimeoutMs: 20_000,
        collection: "_postdeploy_check",
        hasCredentials: true,
        hosts: ["ferretdb.nightscout.svc.cluster.local:27017"],
      });
      expect(readCheckConfig({ MONGODB_URI: uri, CHECK_DEADLINE_MS: "4000" })).toMatchObject({
        deadlineMs: 4_000,
        attemptTimeoutMs: 1_000,
      });
      expect(
        readCheckConfig({
          MONGODB_URI: uri,
          CHECK_DEADLINE_MS: "500",
          CHECK_ATTEMPT_TIMEOUT_MS: "900",
        }),
      ).toMatchObject({ deadlineMs: 500, attemptTimeoutMs: 500 });
      expect(
        readCheckConfig({
          MONGODB_URI: uri,
          CHECK_HOST_OVERRIDE: "127.0.0.1:4242",
          NIGHTSCOUT_URL: "https://ns.example.org/",
          EXPECTED_UNITS: "mg/dL",
        }),
      ).toMatchObject({
        displayUri:
          "mongodb://***@ferretdb.nightscout.svc.cluster.local:27017/nightscout via 127.0.0.1:4242",
        hosts: ["127.0.0.1:4242"],
        nightscoutUrl: "https://ns.example.org",
        expectedUnits: "mg/dl",
      });
    });

    const badEnv: [string, Record<string, string>, RegExp][] = [
      ["no MONGODB_URI", { MONGODB_URI: "" }, /^MONGODB_URI is not set/],
      ["another scheme", { MONGODB_URI: "http://x" }, /does not start with mongodb:\/\//],
      ["two '@'", { MONGODB_URI: "mongodb://u:a@b@h/db" }, /more than one '@'/],
      ["deadline 0", { CHECK_DEADLINE_MS: "0" }, /^CHECK_DEADLINE_MS is not a positive integer/],
      [
        "attempt 1.5",
        { CHECK_ATTEMPT_TIMEOUT_MS: "1.5" },
        /^CHECK_ATTEMPT_TIMEOUT_MS is not a positive integer/,
      ],
      ["system collection", { CHECK_COLLECTION: "system.users" }, /not a usable collection name/],
      ["override without port", { CHECK_HOST_OVERRIDE: "localhost" }, /is not host:port/],
      [
        "override of mongodb+srv",
        { MONGODB_URI: "mongodb+srv://u:p@c.example.org/db", CHECK_HOST_OVERRIDE: "127.0.0.1:1" },
        /cannot rewrite a mongodb\+srv/,
      ],
      ["ftp Nightscout", { NIGHTSCOUT_URL: "ftp://ns" }, /is not an http\(s\) URL/],
      ["units without URL", { EXPECTED_UNITS: "mmol/L" }, /NIGHTSCOUT_URL is not/],
      [
        "unknown units",
        { NIGHTSCOUT_URL: "https://ns", EXPECTED_UNITS: "molar" },
        /"mmol\/L" or "mg\/dL"/,
      ],
    ];
    it.each(badEnv)("rejects %s", (_label, env, message) => {
      const result = readCheckConfig({ MONGODB_URI: uri, ...env });
      expect(typeof result).toBe("string");
      expect(result as string).toMatch(message);
    });

    it("refuses a URI whose TLS file is missing at once, instead of retrying to the deadline", () => {
      const result = readCheckConfig({
        MONGODB_URI: `${uri}?tls=true&tlsCAFile=/nonexistent/ca.pem`,
      });
      expect(result).toBe(
        "MONGODB_URI names a tlsCAFile that cannot be read (ENOENT): put the file at that path, or correct the path in the URI",
      );
    });

    it("never prints any variable's value: each is fed a URI with its own marker password (issue 20)", () => {
      const marker = "Pw-marker-9c1e";
      const other = `mongodb://someone:${marker}@elsewhere:27017/db`;
      for (const name of Object.values(CHECK_ENV)) {
        const result = readCheckConfig({ MONGODB_URI: uri, [name]: other });
        // A refusal is printed; an accepted config prints only its displayUri.
        const printed = typeof result === "string" ? result : result.displayUri;
        expect(printed).not.toContain(marker);
      }
      expect(
        JSON.stringify(
          readCheckConfig({ MONGODB_URI: uri, NIGHTSCOUT_URL: `ht tp://x/?token=${marker}` }),
        ),
      ).not.toContain(marker);
    });

    it("never quotes the password, even when it was put into another variable", () => {
      const result = readCheckConfig({ MONGODB_URI: uri, [CHECK_ENV.deadlineMs]: password });
      expect(result as string).toMatch(/^CHECK_DEADLINE_MS is not a positive integer/);
      expectNoSecret(result, leakForms(password), "usage");
    });
  });
}
