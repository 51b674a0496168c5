import { imagePair } from "../../domain";
import { Settings } from "../read";
import { enforceOnSettings } from "./catalogue";

/**
 * Fact 1 (domain/rules/images.ts) over the settings. During an upgrade (image first, extension,
 * then FerretDB) the two differ by design, so with upgradeInProgress a mismatch is a warning;
 * a malformed tag never is.
 */
export function imagePairingRule(s: Settings): void {
  if (!s.isValid("postgresImage") || !s.isValid("ferretdbImage")) return;
  enforceOnSettings(
    s,
    imagePair,
    { postgresImage: "postgresImage", ferretdbImage: "ferretdbImage" },
    { postgresImage: s.text("postgresImage")!, ferretdbImage: s.text("ferretdbImage")! },
    (f) =>
      f.duringUpgrade && s.flag("upgradeInProgress")
        ? "accepted because upgradeInProgress is true; set it to false when the upgrade is done"
        : undefined,
  );
}
