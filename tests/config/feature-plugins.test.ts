/**
 * Fact 30: the plugins the site's features rely on are enabled and shown by default, and a
 * hand-written list that drops one says which, as a warning.
 */
import { FEATURE_PLUGINS, NIGHTSCOUT_PLUGINS, SHOWN_FEATURE_PLUGINS } from "../../domain";
import { parse } from "./helpers";

describe("the plugins the features rely on", () => {
  it("are all enabled by default, the page's own shown, and nothing warns", () => {
    const config = parse({});
    const { enabledPlugins, showPlugins } = config.nightscout.preferences;
    expect(Object.keys(FEATURE_PLUGINS).filter((p) => !enabledPlugins.includes(p))).toEqual([]);
    expect(SHOWN_FEATURE_PLUGINS.filter((p) => !showPlugins.includes(p))).toEqual([]);
    expect(config.warnings).toEqual([]);
  });

  it("are plugins Nightscout 15.0.7 knows; reports is a page, not a plugin", () => {
    const known: readonly string[] = NIGHTSCOUT_PLUGINS;
    expect(Object.keys(FEATURE_PLUGINS).filter((p) => !known.includes(p))).toEqual([]);
    expect(known).not.toContain("reports");
  });

  it("warns, naming each one left out and what it gives, when a list drops some", () => {
    const config = parse({
      enabledPlugins: JSON.stringify([
        "careportal",
        "basal",
        "cob",
        "cage",
        "sage",
        "iage",
        "bage",
        "pump",
        "loop",
        "openaps",
      ]),
      showPlugins: '["careportal"]',
    });
    expect(config.warnings).toEqual([
      `nightscout:enabledPlugins: leaves out iob (insulin on board, on the page and for follower apps) (accepted: a site may do without them)`,
    ]);
    const bare = parse({ enabledPlugins: '["careportal"]', showPlugins: '["careportal"]' });
    expect(bare.warnings).toHaveLength(1);
    expect(bare.warnings[0]).toMatch(
      /^nightscout:enabledPlugins: leaves out iob \(.*\), cob \(.*\), basal \(.*\), cage .* openaps \(AAPS's and OpenAPS's status\) \(accepted/,
    );
  });
});
