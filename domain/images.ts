/**
 * Container images: how a reference is split, when it counts as pinned, and which FerretDB
 * release pairs with which DocumentDB extension (fact 1, fact 12, fact 18).
 */

/** The images a stack runs unless its config says otherwise; each pair below must hold. */
export const DEFAULT_IMAGES = {
  postgres: "ghcr.io/ferretdb/postgres-documentdb:17-0.107.0-ferretdb-2.7.0",
  ferretdb: "ghcr.io/ferretdb/ferretdb:2.7.0",
  nightscout: "nightscout/cgm-remote-monitor:15.0.7",
} as const;

/** The PostgreSQL major version the stack runs (the first field of the DocumentDB tag). */
export const POSTGRES_MAJOR = "17";

/** Fact 1: FerretDB releases and the DocumentDB extension release each one "works best with". */
export const FERRETDB_DOCUMENTDB_PAIRS: Readonly<Record<string, string>> = {
  "2.0.0": "0.102.0",
  "2.1.0": "0.102.0",
  "2.2.0": "0.103.0",
  "2.3.0": "0.104.0",
  "2.3.1": "0.104.0",
  "2.4.0": "0.105.0",
  "2.5.0": "0.106.0",
  "2.7.0": "0.107.0",
};

/** The DocumentDB extension version FerretDB `ferretdbVersion` expects, if known. */
export function documentDbFor(ferretdbVersion: string): string | undefined {
  const exact = FERRETDB_DOCUMENTDB_PAIRS[ferretdbVersion];
  if (exact) return exact;
  // 2.3.x patch releases all pair with 0.104.0.
  if (/^2\.3\.\d+$/.test(ferretdbVersion)) return "0.104.0";
  return undefined;
}

export interface ImageRef {
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits `registry/repo[:tag][@sha256:digest]`; a port in the registry host is not a tag. */
export function parseImage(image: string): ImageRef {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf("/");
  const lastColon = rest.lastIndexOf(":");
  let tag: string | undefined;
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  return { repository: rest, tag, digest };
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

// The reference grammar the kubelet parses with (distribution/reference, docker's normalisation).
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`,
);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const MAX_NAME_LENGTH = 255;

/**
 * Why `image` is not a reference the kubelet can pull, or undefined when it is. These all
 * deploy and then sit in ErrImagePull or InvalidImageName: a URL scheme, uppercase letters in
 * the repository, a tag with characters outside [A-Za-z0-9_.-].
 */
export function imageReferenceProblem(image: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(image)) {
    return `starts with a URL scheme; an image reference has none (${image.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")})`;
  }
  const { repository, tag } = parseImage(image);
  const components = repository.split("/");
  // As docker normalises: the first of several components is a registry if it looks like a host.
  const first = components[0];
  const hasDomain =
    components.length > 1 &&
    (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase());
  if (hasDomain && !DOMAIN.test(first)) return `has an invalid registry host "${first}"`;
  if (hasDomain && !/[.:]/.test(first) && first !== "localhost") {
    // Valid to the parser, but a registry named "Nightscout" is a typo for Docker Hub's user.
    return `has uppercase letters in "${first}", which makes the runtime take it for a registry host; repositories are lowercase (${image.toLowerCase().split(":")[0]})`;
  }
  const path = hasDomain ? components.slice(1) : components;
  for (const component of path) {
    if (PATH_COMPONENT.test(component)) continue;
    if (PATH_COMPONENT.test(component.toLowerCase())) {
      return `has uppercase letters in its repository "${path.join("/")}"; repositories are lowercase (${[...(hasDomain ? [first] : []), ...path.map((c) => c.toLowerCase())].join("/")})`;
    }
    return `has an invalid repository component "${component}" (lowercase letters, digits and single . _ __ or - between them)`;
  }
  if (repository.length > MAX_NAME_LENGTH) {
    return `has a name of ${repository.length} characters; at most ${MAX_NAME_LENGTH} are allowed`;
  }
  if (tag !== undefined && !TAG.test(tag)) {
    return `has an invalid tag "${tag}" (letters, digits, _ . and -, not starting with . or -, at most 128)`;
  }
  return undefined;
}

/** Why `image` is not pinned, or undefined when it is (a non-`latest` tag, or a digest). */
export function imagePinProblem(image: string, requireDigest = false): string | undefined {
  if (!image || /\s/.test(image)) return "is empty or contains whitespace";
  const grammar = imageReferenceProblem(image);
  if (grammar) return grammar;
  const ref = parseImage(image);
  if (ref.digest !== undefined && !DIGEST.test(ref.digest)) {
    return `has a malformed digest "${ref.digest}" (expected sha256:<64 hex characters>)`;
  }
  if (requireDigest && ref.digest === undefined) return "is not pinned by digest (@sha256:...)";
  if (ref.digest) return undefined;
  if (!ref.tag) return "has no tag, so it floats to latest";
  if (ref.tag === "latest") return 'uses the floating tag "latest"';
  return undefined;
}

/**
 * Fact 1: `ghcr.io/ferretdb/postgres-documentdb:<pg>-<documentdb>-ferretdb-<ferretdb>`.
 * Returns the versions the tag names, or undefined for another tag shape.
 */
export function parseDocumentDbImageTag(
  image: string,
): { postgres: string; documentdb: string; ferretdb: string } | undefined {
  const tag = parseImage(image).tag;
  const match = tag?.match(/^(\d+)-(\d+\.\d+\.\d+)-ferretdb-(\d+\.\d+\.\d+)$/);
  if (!match) return undefined;
  return { postgres: match[1], documentdb: match[2], ferretdb: match[3] };
}

/** Fact 12: the FerretDB version in `ghcr.io/ferretdb/ferretdb:<version>`. */
export function parseFerretDbImageVersion(image: string): string | undefined {
  const tag = parseImage(image).tag;
  const match = tag?.match(/^v?(\d+\.\d+\.\d+)$/);
  return match ? match[1] : undefined;
}

/** Why FerretDB `image` is not a v2 release, or undefined when it is (fact 12). */
export function ferretDbV2Problem(image: string): string | undefined {
  const version = parseFerretDbImageVersion(image);
  return version?.startsWith("2.") ? undefined : "is not a FerretDB v2 release tag";
}

/** What is wrong with a postgres-documentdb image and a FerretDB image as a pair (fact 1). */
export type PairingFinding =
  | { kind: "postgresTagUnreadable" }
  | { kind: "postgresMajor"; postgres: string }
  | { kind: "ferretdbTagUnreadable" }
  | { kind: "ferretdbUnknown"; ferretdb: string }
  | { kind: "documentdbMismatch"; ferretdb: string; expected: string; documentdb: string }
  | { kind: "builtForOtherFerretdb"; ferretdb: string; builtFor: string };

/**
 * Every finding about the pair, FerretDB's own first; a check that needs a readable tag is
 * skipped when the tag is not. Empty when the two are a released pair built for each other.
 */
export function pairingFindings(postgresImage: string, ferretdbImage: string): PairingFinding[] {
  const findings: PairingFinding[] = [];
  const ferretdb = parseFerretDbImageVersion(ferretdbImage);
  const expected = ferretdb && documentDbFor(ferretdb);
  if (!ferretdb) findings.push({ kind: "ferretdbTagUnreadable" });
  else if (!expected) findings.push({ kind: "ferretdbUnknown", ferretdb });
  const tag = parseDocumentDbImageTag(postgresImage);
  if (!tag) return [...findings, { kind: "postgresTagUnreadable" }];
  if (tag.postgres !== POSTGRES_MAJOR)
    findings.push({ kind: "postgresMajor", postgres: tag.postgres });
  if (!ferretdb || !expected) return findings;
  if (expected !== tag.documentdb) {
    findings.push({ kind: "documentdbMismatch", ferretdb, expected, documentdb: tag.documentdb });
  } else if (tag.ferretdb !== ferretdb) {
    findings.push({ kind: "builtForOtherFerretdb", ferretdb, builtFor: tag.ferretdb });
  }
  return findings;
}
