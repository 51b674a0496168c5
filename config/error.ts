/**
 * The error every project's configuration raises (the app's, config/index.ts, and the
 * platform's, platform/config.ts), so a failed run reads the same whichever stack it was.
 */

/** Raised with every problem found in the configuration, so one run shows them all. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was deployed:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}
