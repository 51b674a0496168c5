import {
  DATABASE_URI_VARS,
  DEFAULT_CHECK_DEADLINE_SECONDS,
  RESERVED_NIGHTSCOUT_ENV,
  mongoUriProblemForNightscout,
  RESERVED_POSTGRES_CONNECTIONS,
  documentDbFor,
  ferretDbConnectionBudget,
  ferretDbV2Problem,
  hostnameProblem,
  imagePinProblem,
  parseDocumentDbImageTag,
  parseImage,
  parseQuantity,
  backupScheduleProblem,
} from "../../domain";

describe("connection budget (fact 17)", () => {
  test("13 connections are reserved: 3 for superusers, 10 for CNPG and DocumentDB", () =>
    expect(RESERVED_POSTGRES_CONNECTIONS).toBe(13));
  test("3 replicas + 1 surge of 50 connections need 213", () =>
    expect(ferretDbConnectionBudget(3, 50, 100)).toEqual({
      peakPods: 4,
      needed: 213,
      fits: false,
      largestPoolThatFits: 21,
    }));
  test("the largest pool that fits does fit, one more does not", () => {
    const { largestPoolThatFits } = ferretDbConnectionBudget(2, 1000, 100);
    expect(ferretDbConnectionBudget(2, largestPoolThatFits, 100).fits).toBe(true);
    expect(ferretDbConnectionBudget(2, largestPoolThatFits + 1, 100).fits).toBe(false);
  });
  test("a wider surge needs more", () =>
    expect(ferretDbConnectionBudget(1, 20, 100, 3).needed).toBe(93));
});

describe("images (facts 1, 12, 18)", () => {
  test("a registry port is not a tag", () =>
    expect(parseImage("registry.local:5000/ferretdb")).toEqual({
      repository: "registry.local:5000/ferretdb",
      tag: undefined,
      digest: undefined,
    }));
  test("tag and digest", () =>
    expect(parseImage(`a/b:1.0@sha256:${"0".repeat(64)}`)).toMatchObject({ tag: "1.0" }));
  test.each([
    ["a/b", /no tag/],
    ["a/b:latest", /latest/],
    ["a/b:1 ", /whitespace/],
    ["a/b@sha256:xyz", /malformed digest/],
  ])("%s is not pinned", (image, why) => expect(imagePinProblem(image)).toMatch(why));
  test("a digest can be required", () =>
    expect(imagePinProblem("a/b:1.0", true)).toMatch(/not pinned by digest/));
  test("the DocumentDB tag names three versions", () =>
    expect(parseDocumentDbImageTag("x/postgres-documentdb:17-0.107.0-ferretdb-2.7.0")).toEqual({
      postgres: "17",
      documentdb: "0.107.0",
      ferretdb: "2.7.0",
    }));
  test("pairs, 2.3.x patches included", () => {
    expect(documentDbFor("2.7.0")).toBe("0.107.0");
    expect(documentDbFor("2.3.7")).toBe("0.104.0");
    expect(documentDbFor("1.24.0")).toBeUndefined();
  });
  test("FerretDB v1 is not v2", () => {
    expect(ferretDbV2Problem("ghcr.io/ferretdb/ferretdb:1.24.2")).toMatch(/v2/);
    expect(ferretDbV2Problem("ghcr.io/ferretdb/ferretdb:2.7.0")).toBeUndefined();
  });
});

describe("names, cron, quantities", () => {
  test("hostnames", () => {
    expect(hostnameProblem("ns.example.org")).toBeUndefined();
    expect(hostnameProblem("10.0.0.1")).toMatch(/IP address/);
    expect(hostnameProblem("NS.example.org")).toMatch(/fully qualified/);
  });
  test("cron fields", () => {
    expect(backupScheduleProblem("0 45 2 * * *")).toBeUndefined();
    expect(backupScheduleProblem("0 60 2 * * *")).toMatch(
      /60 in the minute field "60" is above 59/,
    );
    expect(backupScheduleProblem("* * * * *")).toMatch(/5 fields/);
  });
  test("quantities in base units", () => {
    expect(parseQuantity("384Mi")).toBe(384 * 2 ** 20);
    expect(parseQuantity("100m")).toBeCloseTo(0.1);
    expect(parseQuantity("2e3")).toBe(2000);
    expect(parseQuantity("1GB")).toBeUndefined();
  });
  test("the check's deadline default is the documented three minutes", () =>
    expect(DEFAULT_CHECK_DEADLINE_SECONDS).toBe(180));
});

describe("Nightscout's database URI (facts 19 and 37)", () => {
  test("every variable Nightscout reads its URI from is reserved to the component", () => {
    for (const name of DATABASE_URI_VARS) expect(RESERVED_NIGHTSCOUT_ENV).toContain(name);
  });
  test("authMechanism is refused, the plain URI accepted", () => {
    expect(
      mongoUriProblemForNightscout("mongodb://u:p@h:27017/ns?authMechanism=SCRAM-SHA-256"),
    ).toMatch(/crashes Nightscout/);
    expect(mongoUriProblemForNightscout("mongodb://u:p@h:27017/ns")).toBeUndefined();
  });
});
