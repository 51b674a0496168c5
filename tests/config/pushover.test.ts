/**
 * Pushover's settings (fact 41): secrets checked by their shape without ever quoting them, set
 * whole or not at all, and once set the pushover plugin on, with the egress it needs.
 */
import { findSecret } from "../helpers/leaks";
import { parse, problems } from "./helpers";

const TOKEN = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
const USER = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
const GROUP = "gznej3rKEVAvPUxu9vvNnqpmZpokzF";

async function value<T>(o: { apply: (f: (v: T) => void) => unknown }): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

describe("Pushover settings", () => {
  it("hands the component every key as a secret and turns the plugin and its egress on", async () => {
    const config = parse({
      pushoverApiToken: TOKEN,
      pushoverUserKey: `${USER} ${GROUP}`,
      pushoverAlarmKey: "off",
      enabledPlugins: '["careportal","iob"]',
      showPlugins: '["careportal"]',
    });
    const { pushover, preferences, allowInternetEgress } = config.nightscout;
    expect(await value(pushover!.apiToken as never)).toBe(TOKEN);
    expect(await value(pushover!.userKey as never)).toBe(`${USER} ${GROUP}`);
    expect(await value(pushover!.alarmKey as never)).toBe("off");
    expect(pushover!.announcementKey).toBeUndefined();
    expect(preferences.enabledPlugins).toEqual(["careportal", "iob", "pushover"]);
    expect(allowInternetEgress).toBe(true);
  });

  it("adds nothing while Pushover is unset, and lists pushover once when it is enabled already", () => {
    const unset = parse({
      enabledPlugins: '["careportal"]',
      showPlugins: '["careportal"]',
    }).nightscout;
    expect(unset.pushover).toBeUndefined();
    expect(unset.preferences.enabledPlugins).toEqual(["careportal"]);
    expect(unset.allowInternetEgress).toBe(false);
    const listed = parse({
      pushoverApiToken: TOKEN,
      pushoverUserKey: USER,
      enabledPlugins: '["pushover","careportal"]',
      showPlugins: '["careportal"]',
    }).nightscout.preferences.enabledPlugins;
    expect(listed).toEqual(["pushover", "careportal"]);
  });

  it("refuses either half alone, and the plugin enabled without them, each with a --secret fix", () => {
    expect(problems({ pushoverApiToken: TOKEN })).toEqual([
      "nightscout:pushoverUserKey = (secret): is unset while pushoverApiToken is set: Pushover would have no one to send the alarms to. Fix: pulumi config set --secret pushoverUserKey <your Pushover user or group key>",
    ]);
    expect(problems({ pushoverUserKey: USER, pushoverAnnouncementKey: GROUP })).toEqual([
      "nightscout:pushoverApiToken = (secret): is unset while pushoverUserKey and pushoverAnnouncementKey are set: without the application's token Nightscout pushes nothing. Fix: pulumi config set --secret pushoverApiToken <the application's API token>",
    ]);
    expect(problems({ enabledPlugins: '["careportal","pushover"]', showPlugins: "[]" })).toEqual([
      `nightscout:enabledPlugins = "[\\"careportal\\",\\"pushover\\"]": enables pushover without pushoverApiToken: it would push nothing. Fix: pulumi config set --secret pushoverApiToken <the application's API token> and pushoverUserKey, or remove pushover from enabledPlugins`,
    ]);
  });

  it("reads an empty key as unset: no refusal for a key left empty, and none handed on", () => {
    const config = parse({ pushoverAlarmKey: "", pushoverAnnouncementKey: "" });
    expect(config.nightscout.pushover).toBeUndefined();
    const whole = parse({ pushoverApiToken: TOKEN, pushoverUserKey: USER, pushoverAlarmKey: "" });
    expect(whole.nightscout.pushover?.alarmKey).toBeUndefined();
  });

  it("refuses malformed keys by their shape, never quoting them", () => {
    const short = TOKEN.slice(0, 29);
    const found = problems({
      pushoverApiToken: short,
      pushoverUserKey: `${USER}  ${GROUP}`,
      pushoverAnnouncementKey: `${GROUP}!`,
    });
    expect(found).toEqual([
      expect.stringMatching(
        /^nightscout:pushoverApiToken = \(secret\): must be a Pushover application token, 30 letters and digits; it has 29 characters\. Fix: pulumi config set --secret pushoverApiToken /,
      ),
      expect.stringMatching(
        /^nightscout:pushoverUserKey = \(secret\): must be Pushover user or group keys, 30 letters and digits each, separated by single spaces; key 2 of 3 has 0 characters\. Fix: /,
      ),
      expect.stringMatching(
        /^nightscout:pushoverAnnouncementKey = \(secret\): must be .*, or "off"; it has 31 characters, and holds characters other than letters and digits\. Fix: /,
      ),
    ]);
    expect(findSecret(found, [short, USER, GROUP])).toBeUndefined();
  });

  it("refuses a key stored in plaintext, as every secret", () => {
    expect(
      problems({ pushoverApiToken: TOKEN, pushoverUserKey: USER }, ["nightscout:pushoverUserKey"]),
    ).toEqual([
      "nightscout:pushoverUserKey = (secret): is stored in plaintext in the stack configuration. Fix: pulumi config set --secret pushoverUserKey <value> (and rotate it: it was readable)",
    ]);
  });
});
