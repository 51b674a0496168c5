import { DBSIZE_SHARE_OF_VOLUME } from "../nightscout";
import { fixWithAlternative, rule } from "./rule";

/**
 * Fact 29: Nightscout's dbsize pill warns as the database nears DBSIZE_MAX. Set at or above the
 * volume's size, it warns only once PostgreSQL has run out of disk: a valid number that is
 * wrong only next to this stack's storage size.
 */
export const dbSizeWithinVolume = rule({
  id: "dbsize-within-volume",
  fact: 29,
  onSettings: true,
  summary:
    "DBSIZE_MAX, when set, is below the PostgreSQL volume's size, so the dbsize pill warns before the disk is full.",
  check(model: { dbSizeMaxMiB: number; volumeMiB: number; volume: string }, words) {
    if (model.dbSizeMaxMiB === 0 || model.dbSizeMaxMiB < model.volumeMiB) return [];
    const derive = words.set("dbSizeMaxMiB", "0");
    return [
      {
        field: "dbSizeMaxMiB" as const,
        value: String(model.dbSizeMaxMiB),
        why: `is not below ${words.name("volume")} (${model.volume}, ${model.volumeMiB} MiB); the dbsize pill would warn only once the volume is full`,
        fix: fixWithAlternative(
          words.set("dbSizeMaxMiB", String(Math.floor(model.volumeMiB * DBSIZE_SHARE_OF_VOLUME))),
          derive && `${derive} to derive it`,
        ),
      },
    ];
  },
});
