/**
 * Image references checked against the grammar the kubelet parses them with
 * (distribution/reference, with docker's normalisation of the registry part). Each case is a
 * plausible slip that deploys today and then never pulls, next to the valid neighbour.
 */
import { imagePinProblem, imageReferenceProblem } from "../../domain";

describe("imageReferenceProblem", () => {
  test.each([
    "ghcr.io/ferretdb/ferretdb:2.7.0",
    "nightscout/cgm-remote-monitor:15.0.7",
    "registry.local:5000/team/app:v1",
    "localhost/app:1",
    "[::1]:5000/app:1",
    "a/b__c/d-e--f.g:1.0_rc-1",
    `a/b@sha256:${"0".repeat(64)}`,
    `a/b:${"x".repeat(128)}`,
    "Registry.Example.org/app:1",
    "k.io/app:1",
  ])("%s is a valid reference", (image) => expect(imageReferenceProblem(image)).toBeUndefined());

  test("a URL scheme is refused, naming the reference without it", () =>
    expect(imageReferenceProblem("https://ghcr.io/ferretdb/ferretdb:2.7.0")).toBe(
      "starts with a URL scheme; an image reference has none (ghcr.io/ferretdb/ferretdb:2.7.0)",
    ));

  test("uppercase in the repository is refused, with the lowercase reference", () => {
    expect(imageReferenceProblem("ghcr.io/FerretDB/ferretdb:2.7.0")).toBe(
      'has uppercase letters in its repository "FerretDB/ferretdb"; repositories are lowercase (ghcr.io/ferretdb/ferretdb)',
    );
    // Without a dot or a port, an uppercase first component is read as a registry host, as
    // docker does: a typo for the Docker Hub user, refused. A real host may have capitals.
    expect(imageReferenceProblem("Nightscout/cgm-remote-monitor:15.0.7")).toBe(
      'has uppercase letters in "Nightscout", which makes the runtime take it for a registry host; repositories are lowercase (nightscout/cgm-remote-monitor)',
    );
    expect(imageReferenceProblem("Registry.example.org/nightscout/cgm:1")).toBeUndefined();
    expect(imageReferenceProblem("localhost/nightscout/cgm:1")).toBeUndefined();
    expect(imageReferenceProblem("nightscout/CGM:1")).toMatch(/^has uppercase letters/);
  });

  test.each([
    ["a/b-:1", "b-"],
    ["a/.b:1", ".b"],
    ["a/b___c:1", "b___c"],
    ["a//b:1", ""],
  ])("%s has an invalid repository component", (image, component) =>
    expect(imageReferenceProblem(image)).toBe(
      `has an invalid repository component "${component}" (lowercase letters, digits and single . _ __ or - between them)`,
    ),
  );

  test.each([
    ["a/b:.1", ".1"],
    ["a/b:-rc", "-rc"],
    ["a/b:1+build", "1+build"],
    [`a/b:${"x".repeat(129)}`, "x".repeat(129)],
    ["a/b:", ""],
  ])("%s has an invalid tag", (image, tag) =>
    expect(imageReferenceProblem(image)).toBe(
      `has an invalid tag "${tag}" (letters, digits, _ . and -, not starting with . or -, at most 128)`,
    ),
  );

  test("a registry host with an invalid label is refused", () =>
    expect(imageReferenceProblem("-ghcr.io/a:1")).toBe('has an invalid registry host "-ghcr.io"'));

  test("a name of 255 characters passes, 256 do not", () => {
    const name = (n: number) => `a/${"b".repeat(n - 2)}`;
    expect(imageReferenceProblem(`${name(255)}:1`)).toBeUndefined();
    expect(imageReferenceProblem(`${name(256)}:1`)).toBe(
      "has a name of 256 characters; at most 255 are allowed",
    );
  });

  test("the pin check refuses an unpullable reference before judging its tag", () =>
    expect(imagePinProblem("ghcr.io/ferretdb/ferretdb:2.7.0!")).toMatch(/^has an invalid tag/));
});

describe("imagePinProblem and the digest", () => {
  const hex = (n: number) => "0123456789abcdef".repeat(8).slice(0, n);
  test("sha256 and exactly 64 lowercase hex characters pin an image, with or without a tag", () => {
    expect(imagePinProblem(`a/b@sha256:${hex(64)}`)).toBeUndefined();
    expect(imagePinProblem(`a/b:1@sha256:${hex(64)}`, true)).toBeUndefined();
  });
  test.each([
    `sha256:${hex(63)}`,
    `sha256:${hex(65)}`,
    `sha256:${hex(64).toUpperCase()}`,
    `xsha256:${hex(64)}`,
    `sha512:${hex(64)}`,
  ])("@%s is a malformed digest", (digest) =>
    expect(imagePinProblem(`a/b@${digest}`)).toBe(
      `has a malformed digest "${digest}" (expected sha256:<64 hex characters>)`,
    ),
  );
});
