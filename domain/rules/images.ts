import { DEFAULT_IMAGES, POSTGRES_MAJOR, type PairingFinding, pairingFindings } from "../images";
import { type Finding, type Vocabulary, rule } from "./rule";

type ImageField = "postgresImage" | "ferretdbImage";

/** The why and fix of one pairing finding, in the reader's names for the two images. */
function findingOf(
  f: PairingFinding,
  model: { postgresImage: string; ferretdbImage: string },
  words: Vocabulary<ImageField>,
): Finding<ImageField> {
  const postgres = (why: string, fix: string) => ({
    field: "postgresImage" as const,
    value: model.postgresImage,
    why,
    fix,
    kind: f.kind,
  });
  const ferretdb = (why: string, fix: string, duringUpgrade = false) => ({
    field: "ferretdbImage" as const,
    value: model.ferretdbImage,
    why,
    fix,
    kind: f.kind,
    duringUpgrade,
  });
  switch (f.kind) {
    case "postgresTagUnreadable":
      return postgres(
        "is not a postgres-documentdb image tag <pg>-<documentdb>-ferretdb-<ferretdb>",
        `use e.g. ${DEFAULT_IMAGES.postgres}`,
      );
    case "postgresMajor":
      return postgres(
        `is PostgreSQL ${f.postgres}; this stack runs PostgreSQL ${POSTGRES_MAJOR}`,
        `use a ${POSTGRES_MAJOR}-<documentdb>-ferretdb-<ferretdb> tag`,
      );
    case "ferretdbTagUnreadable":
      return ferretdb(
        "has no version tag, so its DocumentDB pairing cannot be checked",
        `use e.g. ${DEFAULT_IMAGES.ferretdb}`,
      );
    case "ferretdbUnknown":
      return ferretdb(
        `FerretDB ${f.ferretdb} is not a known v2 release with a DocumentDB pairing`,
        "use 2.7.0 with DocumentDB 0.107.0 (or another pair from the FerretDB changelog)",
      );
    case "documentdbMismatch":
      return ferretdb(
        `FerretDB ${f.ferretdb} works with DocumentDB ${f.expected}, but ${words.name("postgresImage")} carries DocumentDB ${f.documentdb}`,
        `upgrade both as a pair: ${words.name("postgresImage")} ...:${POSTGRES_MAJOR}-${f.expected}-ferretdb-${f.ferretdb}, or a FerretDB that pairs with ${f.documentdb}`,
        true,
      );
    case "builtForOtherFerretdb":
      return ferretdb(
        `${words.name("postgresImage")} was built for FerretDB ${f.builtFor}`,
        `use ghcr.io/ferretdb/ferretdb:${f.builtFor} or the matching postgres-documentdb tag`,
        true,
      );
  }
}

/**
 * Fact 1: FerretDB and the DocumentDB extension in the PostgreSQL image are released in pairs,
 * and the image's tag names the pair it was built for. A mismatch only logs a warning at run
 * time, then fails on the first query the extension does not know.
 */
export const imagePair = rule({
  id: "image-pair",
  fact: 1,
  onSettings: true,
  policy: "ferretdb-documentdb-pairing",
  summary: `The postgres-documentdb image (PostgreSQL ${POSTGRES_MAJOR}) and the FerretDB image are a released pair, the one built for the other.`,
  check(model: { postgresImage: string; ferretdbImage: string }, words) {
    return pairingFindings(model.postgresImage, model.ferretdbImage).map((f) =>
      findingOf(f, model, words),
    );
  },
});
