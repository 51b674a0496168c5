/**
 * Every format name leads to its own check: one value it accepts and one it refuses, with the
 * reason a user reads. Each test loads config/formats.ts itself (formats-as-loaded.ts says why).
 */
import type { StringFormat } from "../../config/formats";
import { formatsAsLoaded } from "./formats-as-loaded";

// A Record, so a format added to StringFormat without a case here fails to compile. `why` is the
// whole reason, or the part of it that comes from domain/ and is tested there.
const CASES: Record<StringFormat, { accepted: string; refused: string; why: string }> = {
  path: {
    accepted: "rendered/staging",
    refused: "rendered/\u0001staging",
    why: "contains control characters",
  },
  namespace: {
    accepted: "nightscout",
    refused: "Nightscout",
    why: "is not a valid namespace name (lowercase DNS label, at most 63 characters)",
  },
  hostname: {
    accepted: "ns.example.org",
    refused: "nightscout",
    why: expect.stringMatching(/fully qualified DNS name/),
  },
  decimal: { accepted: "3.5", refused: "three", why: "is not a number" },
  alarmTypes: {
    accepted: "simple predict",
    refused: "loud",
    why: 'must be simple, predict, or "simple predict"',
  },
  image: {
    accepted: "nightscout/cgm-remote-monitor:15.0.7",
    refused: "nightscout/cgm-remote-monitor:latest",
    why: expect.stringMatching(/^image .*"latest"/),
  },
  clusterName: {
    accepted: "nightscout-db",
    refused: "Nightscout-db",
    why: expect.stringMatching(/^must be a lowercase DNS label of at most \d+ characters/),
  },
  cpu: {
    accepted: "500m",
    refused: "1Gi",
    why: expect.stringMatching(/has a memory unit; a CPU request is in cores/),
  },
  memory: {
    accepted: "512Mi",
    refused: "1GB",
    why: expect.stringMatching(/is not a memory quantity/),
  },
  storage: { accepted: "5Gi", refused: "5 gigs", why: "is not a Kubernetes quantity" },
  objectName: {
    accepted: "nightscout-tls",
    refused: "nightscout_tls",
    why: "is not a valid Kubernetes object name",
  },
  middlewareRef: {
    accepted: "nightscout-redirect@kubernetescrd",
    refused: "nightscout-redirect@file",
    why: "is not a Traefik CRD middleware reference",
  },
  objectStoreUrl: {
    accepted: "s3://nightscout-backups/nightscout",
    refused: "/var/backups",
    why: "is not an object store URL",
  },
  endpointUrl: {
    accepted: "http://minio.example.org:9000",
    refused: "ftp://minio.example.org",
    why: "must be an http(s) URL with no path",
  },
  retention: {
    accepted: "30d",
    refused: "30",
    why: "must be a number followed by d, w or m",
  },
  cron: {
    accepted: "0 45 2 * * *",
    refused: "45 2 * * *",
    why: expect.stringMatching(/has 5 fields/),
  },
  timestamp: {
    accepted: "2026-11-20T03:00:00Z",
    refused: "yesterday 3am",
    why: "must be an RFC 3339 timestamp with a timezone",
  },
  mongoUri: {
    accepted: "mongodb://ferretdb:27017/nightscout",
    refused: "https://ferretdb:27017/nightscout",
    why: "does not start with mongodb:// or mongodb+srv://",
  },
  pushoverToken: {
    accepted: "azGDORePK8gMaC0QOYAMyEEuzJnyUi",
    refused: "azGDORePK8gMaC0QOYAMyEEuzJnyU",
    why: "must be a Pushover application token, 30 letters and digits; it has 29 characters",
  },
  pushoverKeys: {
    accepted: "uQiRzpo4DXghDmr9QzzfQu27cmVRsG gznej3rKEVAvPUxu9vvNnqpmZpokzF",
    refused: "uQiRzpo4DXghDmr9QzzfQu27cmVRsG gznej3rKEVAvPUxu9vvNnqpmZpokz-",
    why: "must be Pushover user or group keys, 30 letters and digits each, separated by single spaces; key 2 of 2 has 30 characters, and holds characters other than letters and digits",
  },
  pushoverKeysOrOff: {
    accepted: "off",
    refused: "none",
    why: 'must be Pushover user or group keys, 30 letters and digits each, separated by single spaces, or "off"; it has 4 characters',
  },
};

// One test for the table, each format named in what it compares: a load per case cost a second.
test("each format's check accepts its value and refuses its slip, saying why", () => {
  const { formatProblem } = formatsAsLoaded();
  for (const [format, { accepted, refused, why }] of Object.entries(CASES) as [
    StringFormat,
    (typeof CASES)[StringFormat],
  ][]) {
    expect({ format, accepted, problem: formatProblem(format, accepted) }).toEqual({
      format,
      accepted,
      problem: undefined,
    });
    expect({ format, refused, why: formatProblem(format, refused)?.why }).toEqual({
      format,
      refused,
      why,
    });
  }
});
