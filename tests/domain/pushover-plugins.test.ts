/**
 * pushover-complete (fact 41) and feature-plugins-enabled (fact 30) called directly: the exact
 * why and fix of each finding, for a reader that can set a field and for one that cannot.
 */
import {
  featurePluginsEnabled,
  FEATURE_PLUGINS,
  pushoverComplete,
  type PushoverModel,
  type Vocabulary,
} from "../../domain";

function reader<F extends string>(): Vocabulary<F> {
  return { name: (f) => `<${f}>`, set: (f, v) => `set <${f}> to ${v}` };
}
function readOnly<F extends string>(): Vocabulary<F> {
  return { name: (f) => `<${f}>`, set: () => undefined };
}

describe("pushover-complete (fact 41)", () => {
  const none: PushoverModel = {
    apiToken: false,
    userKey: false,
    alarmKey: false,
    announcementKey: false,
    enabled: [],
  };
  const check = (given: Partial<PushoverModel>, words = reader<keyof PushoverModel>()) =>
    pushoverComplete.check({ ...none, ...given }, words, {});

  test("a token without a user key: the fix names the user key, settable or not", () => {
    const why =
      "is unset while <apiToken> is set: Pushover would have no one to send the alarms to";
    expect(check({ apiToken: true })).toEqual([
      {
        field: "userKey",
        value: undefined,
        why,
        fix: "set <userKey> to <your Pushover user or group key>",
      },
    ]);
    expect(check({ apiToken: true }, readOnly())).toEqual([
      { field: "userKey", value: undefined, why, fix: "set <userKey>" },
    ]);
  });

  test("one key without the token is, two are; the fix names the token, settable or not", () => {
    const pushesNothing = "set: without the application's token Nightscout pushes nothing";
    expect(check({ userKey: true })).toEqual([
      {
        field: "apiToken",
        value: undefined,
        why: `is unset while <userKey> is ${pushesNothing}`,
        fix: "set <apiToken> to <the application's API token>",
      },
    ]);
    expect(check({ alarmKey: true }, readOnly())).toEqual([
      {
        field: "apiToken",
        value: undefined,
        why: `is unset while <alarmKey> is ${pushesNothing}`,
        fix: "set <apiToken>",
      },
    ]);
    expect(check({ alarmKey: true, announcementKey: true }, readOnly())).toEqual([
      {
        field: "apiToken",
        value: undefined,
        why: `is unset while <alarmKey> and <announcementKey> are ${pushesNothing}`,
        fix: "set <apiToken>",
      },
    ]);
  });

  test("the plugin enabled with neither, for a reader that cannot set the token", () => {
    expect(check({ enabled: ["iob", "pushover"] }, readOnly())).toEqual([
      {
        field: "enabled",
        value: '["iob","pushover"]',
        why: "enables pushover without <apiToken>: it would push nothing",
        fix: "set <apiToken> and <userKey>, or remove pushover from <enabled>",
      },
    ]);
    expect(check({ enabled: ["iob"] })).toEqual([]);
    expect(check({ apiToken: true, userKey: true, enabled: ["pushover"] })).toEqual([]);
  });
});

describe("feature-plugins-enabled (fact 30)", () => {
  const all = Object.keys(FEATURE_PLUGINS);
  const check = (enabled: readonly string[]) =>
    featurePluginsEnabled.check({ enabled }, reader(), {});

  test("the fix lists every plugin left out, joined by commas, and names ENABLE", () => {
    const enabled = all.filter((p) => !["cob", "sage", "loop"].includes(p));
    expect(check(enabled)).toEqual([
      {
        field: "enabled",
        value: JSON.stringify(enabled),
        why: `leaves out cob (${FEATURE_PLUGINS.cob}), sage (${FEATURE_PLUGINS.sage}), loop (${FEATURE_PLUGINS.loop})`,
        fix: "add cob, sage, loop to <enabled> unless the site does without them",
      },
    ]);
  });

  test("one plugin left out is named alone; none left out, nothing found", () => {
    expect(check(all.filter((p) => p !== "iob")).map((f) => f.fix)).toEqual([
      "add iob to <enabled> unless the site does without them",
    ]);
    expect(check(all)).toEqual([]);
  });
});
