import { StringFormat } from "../../config/formats";
import { exampleOf } from "../../config/problems";
import { SETTINGS, Setting } from "../../config/settings";
import { formatProblem } from "../../config/formats";
import { expectOneProblem, problems, WITH_BACKUP } from "./helpers";

describe("hostnames (RFC 1123, never an IP)", () => {
  test.each([
    ["https://ns.example.org/", /fully qualified DNS name/],
    ["nightscout", /fully qualified/],
    ["192.168.1.10", /IP address/],
    ["::1", /IP address/],
    ["ns.example.123", /numeric label/],
    ["-ns.example.org", /fully qualified/],
    [`${"a".repeat(64)}.example.org`, /fully qualified/],
  ])("%s is refused", (hostname, why) => expectOneProblem({ hostname }, "hostname", why));
  test.each(["ns.example.org", "a.b", "x1.example.io"])("%s is accepted", (hostname) =>
    expect(formatProblem("hostname", hostname)).toBeUndefined(),
  );
});

describe("URLs are parsed, and credentials in them refused without echoing them", () => {
  test("backupEndpointUrl with a key and secret", () => {
    const found = problems({
      ...WITH_BACKUP,
      backupEndpointUrl: "https://KEY:TOPSECRET@s3.example.org",
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /backupEndpointUrl = "https:\/\/<credentials>@s3.example.org\/": carries credentials/,
    );
    expect(found[0].includes("TOPSECRET")).toBe(false);
    expect(found[0].includes("KEY:")).toBe(false);
  });
  test("backupDestinationPath with a key and secret", () => {
    const found = problems({
      ...WITH_BACKUP,
      backupDestinationPath: "s3://KEY:TOPSECRET@bucket/x",
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/backupDestinationPath = "s3:\/\/<credentials>@bucket\/x"/);
    expect(found[0].includes("TOPSECRET")).toBe(false);
  });
  test("an endpoint with a path", () =>
    expectOneProblem(
      { ...WITH_BACKUP, backupEndpointUrl: "https://s3.example.org/bucket" },
      "backupEndpointUrl",
      /no path/,
    ));
  test("an endpoint without a scheme", () =>
    expectOneProblem(
      { ...WITH_BACKUP, backupEndpointUrl: "s3.example.org" },
      "backupEndpointUrl",
      /http\(s\) URL/,
    ));
  test("a local path is not an object store", () =>
    expectOneProblem(
      { ...WITH_BACKUP, backupDestinationPath: "/var/backups" },
      "backupDestinationPath",
      /not an object store URL/,
    ));
  test.each(["s3://bucket/path", "s3://bucket", "s3://my.bucket/a/b/"])(
    "%s is an object store the plugin reaches with S3 credentials",
    (url) => expect(formatProblem("objectStoreUrl", url)).toBeUndefined(),
  );
  test("gs:// needs Google credentials: refused, with the S3-interoperable form", () =>
    expect(formatProblem("objectStoreUrl", "gs://bucket/p")).toEqual({
      why: "is a Google Cloud Storage URL, which needs Google credentials; the stack gives the plugin S3 credentials",
      suggestion:
        "s3://bucket/p (and pulumi config set backupEndpointUrl https://storage.googleapis.com with HMAC keys)",
    }));
  test("an http(s) URL to a bucket is refused, with the s3:// path and the endpoint meant", () => {
    expectOneProblem(
      { ...WITH_BACKUP, backupDestinationPath: "https://minio.example.org/backups/nightscout" },
      "backupDestinationPath",
      /is an https URL; the plugin reads one with S3 credentials only as s3:\/\/<bucket>\/<path>/,
      /pulumi config set backupDestinationPath s3:\/\/backups\/nightscout \(and pulumi config set backupEndpointUrl https:\/\/minio.example.org\)/,
    );
    expect(
      formatProblem("objectStoreUrl", "https://account.blob.core.windows.net/c/p")?.why,
    ).toMatch(/^is an https URL/);
    expect(formatProblem("objectStoreUrl", "http://minio:9000")?.suggestion).toBeUndefined();
  });
  test("surrounding whitespace is refused, not kept in the ObjectStore", () =>
    expectOneProblem(
      { ...WITH_BACKUP, backupDestinationPath: " s3://bucket/path\n" },
      "backupDestinationPath",
      /has whitespace at its start or end/,
      /pulumi config set backupDestinationPath s3:\/\/bucket\/path$/,
    ));
});

describe("cron: six fields, each in range (fact 8)", () => {
  test("five fields", () =>
    expectOneProblem(
      { ...WITH_BACKUP, backupSchedule: "45 2 * * *" },
      "backupSchedule",
      /has 5 fields; ScheduledBackup needs six/,
    ));
  test("minute 99 and hour 25", () =>
    expectOneProblem(
      { ...WITH_BACKUP, backupSchedule: "0 99 25 * * *" },
      "backupSchedule",
      /not a valid cron schedule.*59/,
    ));
  test("the 31st of February", () =>
    expect(formatProblem("cron", "0 0 0 31 2 *")).toMatchObject({ why: /never runs/ }));
  test("every 15 minutes and once a month are refused: hourly to weekly (issue 20)", () => {
    expectOneProblem(
      { ...WITH_BACKUP, backupSchedule: "0 */15 * * * *" },
      "backupSchedule",
      /every 15 min; at most hourly/,
    );
    expect(formatProblem("cron", "0 0 0 1 * ?")?.why).toMatch(
      /days between base backups; at least weekly/,
    );
  });
  test.each(["0 45 2 * * *", "0 0 */6 * * *", "0 0 3 * * 1-5", "0 0 3 * * 0", "@daily"])(
    "%s is valid",
    (cron) => expect(formatProblem("cron", cron)).toBeUndefined(),
  );
});

describe("timestamps: RFC 3339 with an offset, on a real calendar day", () => {
  test.each([
    ["yesterday 3am", /RFC 3339/],
    ["2025-02-30T03:00:00Z", /2025-02 has no day 30/],
    ["2025-13-01T03:00:00Z", /RFC 3339/],
    ["2025-01-01T24:00:00Z", /time of day/],
    ["2025-01-01T03:00:00", /RFC 3339/],
  ])("%s is refused", (time, why) => expect(formatProblem("timestamp", time)?.why).toMatch(why));
  test.each(["2024-02-29T03:00:00Z", "2026-11-20T03:00:00+01:00", "2026-11-20 03:00:00.5-05:30"])(
    "%s is accepted",
    (time) => expect(formatProblem("timestamp", time)).toBeUndefined(),
  );
});

describe("fix hints are themselves valid", () => {
  test("1GB suggests 1Gi, which passes", () => {
    const found = problems({ postgresMemoryLimit: "1GB" });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/Fix: pulumi config set postgresMemoryLimit 1Gi$/);
    expect(() => problems({ postgresMemoryLimit: "1Gi" })).toThrow(/expected a ConfigError/);
  });
  test("a decimal comma suggests the decimal point", () => {
    const found = problems({
      bgLow: "3,5",
      bgTargetBottom: "3.9",
      bgTargetTop: "10",
      bgHigh: "13.9",
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /bgLow = "3,5": uses a decimal comma. Fix: pulumi config set bgLow 3.5$/,
    );
    expect(found[0]).not.toMatch(/mg\/dL/);
  });
});

test("every setting's example passes its own format check, so a fix built from it is valid", () => {
  const checked = SETTINGS.filter(
    (s): s is Setting & { format: StringFormat } => !!s.format && !s.secret,
  );
  expect(checked.length).toBeGreaterThan(20);
  for (const setting of checked) {
    const example = exampleOf(setting);
    if (example.includes("<")) continue; // a placeholder, not a value
    expect({ key: setting.key, problem: formatProblem(setting.format, example) }).toEqual({
      key: setting.key,
      problem: undefined,
    });
  }
});
