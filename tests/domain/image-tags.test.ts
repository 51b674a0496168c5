/**
 * Reading versions out of image tags (facts 1 and 12), and the hostname check, at the edges the
 * mutation run found unguarded: anchored patterns, multi-digit versions, lengths.
 */
import {
  documentDbFor,
  ferretDbV2Problem,
  hostnameProblem,
  parseDocumentDbImageTag,
  parseFerretDbImageVersion,
  parseImage,
} from "../../domain";

describe("parseDocumentDbImageTag", () => {
  const image = (tag: string) => `ghcr.io/ferretdb/postgres-documentdb:${tag}`;
  test("multi-digit versions in every place", () =>
    expect(parseDocumentDbImageTag(image("17-10.107.12-ferretdb-12.70.10"))).toEqual({
      postgres: "17",
      documentdb: "10.107.12",
      ferretdb: "12.70.10",
    }));
  test.each([
    "x17-0.107.0-ferretdb-2.7.0",
    "17-0.107.0-ferretdb-2.7.0-rc",
    "17-0.107-ferretdb-2.7.0",
  ])("%s is not the tag shape", (tag) =>
    expect(parseDocumentDbImageTag(image(tag))).toBeUndefined(),
  );
});

describe("parseFerretDbImageVersion", () => {
  const image = (tag: string) => `ghcr.io/ferretdb/ferretdb:${tag}`;
  test("with or without v, multi-digit", () => {
    expect(parseFerretDbImageVersion(image("v2.7.0"))).toBe("2.7.0");
    expect(parseFerretDbImageVersion(image("2.10.12"))).toBe("2.10.12");
  });
  test.each(["x2.7.0", "2.7.0-dev", "2.7"])("%s is no version", (tag) =>
    expect(parseFerretDbImageVersion(image(tag))).toBeUndefined(),
  );
  test("no tag at all is no version, and no v2 release", () => {
    expect(parseFerretDbImageVersion("ghcr.io/ferretdb/ferretdb")).toBeUndefined();
    expect(ferretDbV2Problem("ghcr.io/ferretdb/ferretdb")).toBe("is not a FerretDB v2 release tag");
    expect(ferretDbV2Problem(image("1.24.2"))).toBe("is not a FerretDB v2 release tag");
    expect(ferretDbV2Problem(image("2.7.0"))).toBeUndefined();
  });
});

describe("documentDbFor", () => {
  test("2.3.x patch releases, with any number of digits, pair with 0.104.0", () => {
    expect(documentDbFor("2.3.12")).toBe("0.104.0");
    expect(documentDbFor("12.3.1")).toBeUndefined();
    expect(documentDbFor("2.3.1-rc")).toBeUndefined();
  });
});

describe("parseImage", () => {
  test("an @ at the very start is a digest of an empty name", () =>
    expect(parseImage("@sha256:abc")).toEqual({
      repository: "",
      tag: undefined,
      digest: "sha256:abc",
    }));
});

describe("hostnameProblem at its edges", () => {
  const name = (length: number) => {
    // Labels of 63 characters joined by dots, ending in "org", cut to `length`.
    const labels: string[] = [];
    let total = -1;
    while (total + 64 < length - 4) {
      labels.push("a".repeat(63));
      total += 64;
    }
    const last = length - 4 - (total + 1);
    if (last > 0) labels.push("b".repeat(last));
    return `${labels.join(".")}.org`;
  };
  test("253 characters pass, 254 do not", () => {
    expect(name(253)).toHaveLength(253);
    expect(hostnameProblem(name(253))).toBeUndefined();
    expect(hostnameProblem(name(254))).toMatch(/not a fully qualified DNS name/);
  });
  test("a last label of digits only is refused; digits with letters are not", () => {
    expect(hostnameProblem("ns.example.123")).toMatch(/numeric label/);
    expect(hostnameProblem("ns.example.1a")).toBeUndefined();
    expect(hostnameProblem("ns.example.a1")).toBeUndefined();
    expect(hostnameProblem("ns.123.org")).toBeUndefined();
  });
});
