/**
 * Each string format of config/formats.ts at its edges: anchors, the length of each part, the
 * bound itself and one past it, and the exact reason, so a loosened pattern or a moved bound
 * fails here (docs/mutation-testing.md).
 */
import { formatProblem, type StringFormat } from "../../config/formats";
import { MAX_CLUSTER_NAME_LENGTH } from "../../domain";

const ok = (format: StringFormat, value: string) =>
  expect(formatProblem(format, value)).toBeUndefined();
const why = (format: StringFormat, value: string) => formatProblem(format, value)?.why;

describe("decimal", () => {
  test.each(["3.5", "10.25", "13", " 7.5 "])("%j is a number", (v) => ok("decimal", v));
  test.each(["x10", "10x", "1.", ".5", "abc"])("%j is not", (v) =>
    expect(formatProblem("decimal", v)).toEqual({ why: "is not a number" }),
  );
  test.each([
    ["3,5", "3.5"],
    ["13,75", "13.75"],
    [" 3,5", "3.5"],
  ])("%j uses a decimal comma: %j", (v, suggestion) =>
    expect(formatProblem("decimal", v)).toEqual({ why: "uses a decimal comma", suggestion }),
  );
  test.each(["x3,5", "3,5x"])("%j is not a decimal comma but no number", (v) =>
    expect(why("decimal", v)).toBe("is not a number"),
  );
});

describe("alarmTypes", () => {
  test.each(["simple", "predict", "simple predict", " simple", "simple  predict"])(
    "%j is accepted",
    (v) => ok("alarmTypes", v),
  );
  test.each(["", "   ", "simple bogus", "loud"])("%j is refused, with the choices", (v) =>
    expect(formatProblem("alarmTypes", v)).toEqual({
      why: 'must be simple, predict, or "simple predict"',
    }),
  );
});

describe("clusterName", () => {
  test("a DNS label of the longest length CNPG allows is accepted, one longer is not", () => {
    ok("clusterName", "a".repeat(MAX_CLUSTER_NAME_LENGTH));
    expect(why("clusterName", "a".repeat(MAX_CLUSTER_NAME_LENGTH + 1))).toBe(
      `must be a lowercase DNS label of at most ${MAX_CLUSTER_NAME_LENGTH} characters (CNPG derives longer names from it)`,
    );
  });
});

describe("storage", () => {
  test("1Gi exactly is enough, 1023Mi is not", () => {
    ok("storage", "1Gi");
    expect(why("storage", "1023Mi")).toBe("is below 1Gi, too small for WAL and a year of CGM data");
  });
  test("zero, a sign and garbage are not quantities", () => {
    for (const v of ["0", "+5Gi", "-5Gi", "lots"]) {
      expect(why("storage", v)).toBe("is not a Kubernetes quantity");
    }
  });
  test("an exponent's sign is not a leading sign", () => ok("storage", "2e+9"));
});

describe("middlewareRef", () => {
  test.each(["nightscout-redirect@kubernetescrd", "ns-a-b@kubernetescrd", "a-b@kubernetescrd"])(
    "%j is a CRD middleware reference",
    (v) => ok("middlewareRef", v),
  );
  test.each([
    "x nightscout-redirect@kubernetescrd",
    "nightscout-redirect@kubernetescrd.x",
    "redirect@kubernetescrd",
    "nightscout-redirect@file",
    "Nightscout-redirect@kubernetescrd",
    "nightscout-Redirect@kubernetescrd",
  ])("%j is not", (v) =>
    expect(formatProblem("middlewareRef", v)).toEqual({
      why: "is not a Traefik CRD middleware reference",
    }),
  );
});

describe("retention", () => {
  test.each(["7d", "30d", "4w", "1m", "120d"])("%j is a retention", (v) => ok("retention", v));
  test.each(["x30d", "30dx", "30", "0d", "07d", "30y"])("%j is not", (v) =>
    expect(formatProblem("retention", v)).toEqual({
      why: "must be a number followed by d, w or m",
    }),
  );
});

describe("mongoUri", () => {
  test("another scheme is refused with the two the driver takes", () => {
    ok("mongoUri", "mongodb+srv://cluster.example.org/ns");
    expect(formatProblem("mongoUri", "https://example.org")).toEqual({
      why: "does not start with mongodb:// or mongodb+srv://",
    });
  });
});

describe("objectStoreUrl", () => {
  test("an S3 URL is accepted; one with a user only still carries credentials", () => {
    ok("objectStoreUrl", "s3://backups/nightscout");
    expect(formatProblem("objectStoreUrl", "s3://user@backups/nightscout")).toEqual({
      why: "carries credentials in the URL, where they would be stored in plaintext",
      shownValue: "s3://<credentials>@backups/nightscout",
    });
  });
  test("another scheme, or no host, is no object store", () => {
    for (const v of ["ftp://host/p", "s3:///nightscout"]) {
      expect(formatProblem("objectStoreUrl", v)).toEqual({ why: "is not an object store URL" });
    }
  });
  test("a Google Cloud Storage URL is named, with its S3 form", () => {
    expect(formatProblem("objectStoreUrl", "gs://backups/nightscout")).toEqual({
      why: "is a Google Cloud Storage URL, which needs Google credentials; the stack gives the plugin S3 credentials",
      suggestion:
        "s3://backups/nightscout (and pulumi config set backupEndpointUrl https://storage.googleapis.com with HMAC keys)",
    });
  });
  test("an https URL gets the bucket and the whole path in its s3:// form", () => {
    expect(formatProblem("objectStoreUrl", "https://s3.example.org/backups/a/b")).toEqual({
      why: "is an https URL; the plugin reads one with S3 credentials only as s3://<bucket>/<path>, with the server in backupEndpointUrl",
      suggestion:
        "s3://backups/a/b (and pulumi config set backupEndpointUrl https://s3.example.org)",
    });
    expect(formatProblem("objectStoreUrl", "http://minio:9000/backups")?.suggestion).toBe(
      "s3://backups (and pulumi config set backupEndpointUrl http://minio:9000)",
    );
  });
});

describe("timestamp", () => {
  const OUT = "must be an RFC 3339 timestamp with a timezone; the time of day is out of range";
  test.each([
    "2026-12-31T23:59:59Z",
    "2026-06-30T23:59:60Z",
    "2026-01-01T00:00:00+23:59",
    "2026-01-01T00:00:00-0530",
  ])("%j is a time", (v) => ok("timestamp", v));
  test.each([
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:60:00Z",
    "2026-01-01T00:00:61Z",
    "2026-01-01T00:00:00+24:00",
    "2026-01-01T00:00:00+23:60",
  ])("%j is out of range", (v) => expect(why("timestamp", v)).toBe(OUT));
  test("December is a month, the thirteenth is not", () => {
    ok("timestamp", "2026-12-01T00:00:00Z");
    expect(why("timestamp", "2026-13-01T00:00:00Z")).toBe(
      "must be an RFC 3339 timestamp with a timezone; 2026-13 has no day 01",
    );
  });
  // Month 00 would otherwise pass: Date.UTC(2026, 0, 0) is 31 December, a month with 31 days.
  test("January is a month, month 00 is not", () => {
    ok("timestamp", "2026-01-10T00:00:00Z");
    expect(why("timestamp", "2026-00-10T00:00:00Z")).toBe(
      "must be an RFC 3339 timestamp with a timezone; 2026-00 has no day 10",
    );
  });
  test("the 1st is a day, the 0th is not", () => {
    ok("timestamp", "2026-01-01T00:00:00Z");
    expect(why("timestamp", "2026-01-00T00:00:00Z")).toBe(
      "must be an RFC 3339 timestamp with a timezone; 2026-01 has no day 00",
    );
  });
});
