/**
 * config/read.ts at its edges, over a small project of its own: the bounds of each check, the
 * exact words of each refusal and its fix, and what is shown of a value (docs/mutation-testing.md).
 */
import { exampleOf, quote } from "../../config/problems";
import { Settings } from "../../config/read";
import { declareSettings } from "../../config/settings";

const PROJECT = "edge";
const EDGE = declareSettings(PROJECT, [
  { key: "count", type: "integer", range: [1, 5], default: 2, description: "How many." },
  { key: "flag", type: "boolean", default: false, description: "On or off." },
  { key: "name", type: "string", default: "x", description: "A name." },
  {
    key: "tags",
    type: "array",
    items: ["a", "b", "c"],
    minItems: 1,
    default: ["a"],
    itemsName: "tags",
    description: "Tags.",
  },
  { key: "free", type: "array", default: [], description: "Any strings." },
  { key: "token", type: "string", secret: true, minLength: 4, description: "A secret." },
  { key: "spare", type: "string", secret: true, optionalSecret: true, description: "Optional." },
] as const);

function read(values: Record<string, string>, plaintext: string[] = []) {
  const full = Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v]));
  return new Settings(
    {
      read: (k) => full[k],
      isSecret: (k) => !plaintext.includes(k),
      keys: Object.keys(full),
    },
    EDGE,
  );
}
const messages = (values: Record<string, string>, plaintext: string[] = []) =>
  read({ token: "t0ken", ...values }, plaintext).problems.messages;

describe("quote", () => {
  test("cuts a value past 120 characters, and not one of exactly 120", () => {
    expect(quote("x".repeat(120))).toBe(JSON.stringify("x".repeat(120)));
    expect(quote("x".repeat(121))).toBe(JSON.stringify(`${"x".repeat(120)}... (121 characters)`));
  });
});

describe("exampleOf", () => {
  test("an example first, else the default: a list joined by spaces, nothing as <value>", () => {
    expect(exampleOf({ key: "k", type: "array", default: ["a", "b"], description: "" })).toBe(
      "a b",
    );
    expect(exampleOf({ key: "k", type: "string", description: "" })).toBe("<value>");
    expect(
      exampleOf({ key: "k", type: "string", default: "d", example: "e", description: "" }),
    ).toBe("e");
  });
});

describe("integers", () => {
  test("both ends of the range are in, one past each is out", () => {
    expect(messages({ count: "1" })).toEqual([]);
    expect(messages({ count: "5" })).toEqual([]);
    for (const v of ["0", "6"]) {
      expect(messages({ count: v })).toEqual([
        `edge:count = "${v}": must be a whole number from 1 to 5. Fix: pulumi config set count <1..5>`,
      ]);
    }
  });
  test("a number with spaces around it is read as the number it writes", () => {
    expect(messages({ count: " 3" })).toEqual([]);
  });
  test("without a range, any whole number passes, and only a whole number", () => {
    const UNBOUNDED = declareSettings("free-range", [
      { key: "n", type: "integer", default: 0, description: "Any whole number." },
    ] as const);
    const problemsOf = (n: string) =>
      new Settings({ read: (k) => (k === "free-range:n" ? n : undefined) }, UNBOUNDED).problems
        .messages;
    for (const n of ["-5", "0", "123456789"]) expect(problemsOf(n)).toEqual([]);
    expect(problemsOf("1.5")).toEqual([
      'free-range:n = "1.5": must be a whole number from -Infinity to Infinity. Fix: pulumi config set n <-Infinity..Infinity>',
    ]);
  });
});

describe("booleans", () => {
  test("true and false only, with the fix", () => {
    expect(messages({ flag: "true" })).toEqual([]);
    expect(messages({ flag: "yes" })).toEqual([
      'edge:flag = "yes": must be true or false. Fix: pulumi config set flag true|false',
    ]);
  });
});

describe("whitespace around a string", () => {
  test("the trimmed value is the fix while it is short and has no inner space", () => {
    const at80 = "y".repeat(80);
    expect(messages({ name: ` ${at80}` })).toEqual([
      `edge:name = ${quote(` ${at80}`)}: has whitespace at its start or end, which would be kept as part of the value. Fix: pulumi config set name ${at80}`,
    ]);
    expect(messages({ name: ` ${"y".repeat(81)}` })[0]).toMatch(
      /Fix: pulumi config set name <the value without the whitespace around it>$/,
    );
    expect(messages({ name: " two words " })[0]).toMatch(
      /Fix: pulumi config set name <the value without the whitespace around it>$/,
    );
  });
});

describe("lists", () => {
  test("a list of strings only: another JSON value is refused with the --path fix", () => {
    for (const v of ['["a", 1]', '{"a": 1}', "a"]) {
      expect(messages({ free: v })).toEqual([
        `edge:free = ${quote(v)}: must be a list of strings. Fix: pulumi config set --path 'free[0]' <value> (one entry per index)`,
      ]);
    }
    expect(read({ free: '["x", "y"]' }).list("free")).toEqual(["x", "y"]);
  });
  test("at least minItems of the known entries, named with them", () => {
    expect(messages({ tags: '["a"]' })).toEqual([]);
    expect(messages({ tags: "[]" })).toEqual([
      `edge:tags = "[]": must name at least 1 of: a, b, c. Fix: pulumi config set --path 'tags[0]' a`,
    ]);
  });
  test("an unknown entry is named, with the known ones and a fix", () => {
    expect(messages({ tags: '["a", "z"]' })).toEqual([
      `edge:tags = ${quote('["a","z"]')}: names unknown tags: z (known: a, b, c). Fix: use only known tags, e.g. pulumi config set --path 'tags[0]' a`,
    ]);
  });
  test("several unknown entries are named apart, in the order given", () => {
    expect(messages({ tags: '["y", "a", "z"]' })[0]).toContain(
      "names unknown tags: y, z (known: a, b, c)",
    );
  });

  const LISTS = declareSettings("lists", [
    { key: "picks", type: "array", items: ["a", "b"], default: ["a"], description: "Picks." },
    { key: "some", type: "array", minItems: 1, default: ["x"], description: "Not empty." },
    { key: "needed", type: "array", description: "No default." },
  ] as const);
  const lists = (values: Record<string, string>) =>
    new Settings({ read: (k) => values[k.slice("lists:".length)] }, LISTS);
  test("without a name for its items, unknown ones are called entries", () => {
    expect(lists({ needed: "[]", picks: '["z"]' }).problems.messages).toEqual([
      `lists:picks = ${quote('["z"]')}: names unknown entries: z (known: a, b). Fix: use only known entries, e.g. pulumi config set --path 'picks[0]' a`,
    ]);
  });
  test("a minimum without known items refuses a short list rather than failing to read it", () => {
    const found = lists({ needed: "[]", some: "[]" }).problems.messages;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^lists:some = "\[\]": must name at least 1 /);
  });
  test("a minimum without known items or a default asks for more entries at the next index", () => {
    const BARE = declareSettings("bare", [
      { key: "hosts", type: "array", minItems: 2, description: "Two at least." },
    ] as const);
    const found = new Settings({ read: (k) => ({ "bare:hosts": '["a"]' })[k] }, BARE).problems
      .messages;
    expect(found).toEqual([
      `bare:hosts = ${quote('["a"]')}: must name at least 2 entries. Fix: pulumi config set --path 'hosts[1]' <value>`,
    ]);
  });
  test("an unset list without a default is required, and reads as empty meanwhile", () => {
    const s = lists({});
    expect(s.problems.messages).toEqual([
      "lists:needed = undefined: is required: it has no default. Fix: pulumi config set needed <value>",
    ]);
    expect(s.list("needed")).toEqual([]);
  });
});

describe("secrets", () => {
  test("the shortest allowed length passes, one shorter is refused without the value", () => {
    expect(messages({ token: "abcd" })).toEqual([]);
    expect(messages({ token: "abc" })).toEqual([
      "edge:token = (secret): is 3 characters long; it needs at least 4. Fix: pulumi config set --secret token <at least 4 characters>",
    ]);
  });
  test("an empty secret is unset: required unless optional, and read as undefined", () => {
    const s = read({ token: "", spare: "" });
    expect(s.problems.messages).toEqual([
      "edge:token = (secret): is required: it has no default. Fix: pulumi config set --secret token <value>",
    ]);
    expect(s.secret("spare")).toBeUndefined();
    expect(s.secret("token")).toBeUndefined();
  });
  test("an optional secret stored in plaintext is refused all the same", () => {
    expect(messages({ spare: "visible" }, ["edge:spare"])).toEqual([
      "edge:spare = (secret): is stored in plaintext in the stack configuration. Fix: pulumi config set --secret spare <value> (and rotate it: it was readable)",
    ]);
  });
});

describe("a source that lists no keys and says nothing of encryption", () => {
  test("draws no typo, no warning, and its secrets are taken as encrypted", () => {
    const s = new Settings({ read: (k) => (k === "edge:token" ? "t0ken" : undefined) }, EDGE);
    expect(s.problems.messages).toEqual([]);
    expect(s.warnings).toEqual([]);
  });
});

describe("keys of other namespaces", () => {
  test("are not this project's settings, so they are never called misspelled", () => {
    const s = new Settings(
      {
        read: () => undefined,
        isSecret: () => true,
        keys: ["edge:token", "other:count", "edgex:count"],
      },
      EDGE,
    );
    expect(s.problems.messages.join("\n")).not.toContain("is not a setting of this project");
  });
});

describe("misspelled keys", () => {
  const typo = (key: string) =>
    new Settings(
      { read: (k) => (k === "edge:token" ? "t0ken" : undefined), keys: [`edge:${key}`] },
      EDGE,
    ).problems.messages;
  test("three edits away is still a typo of the nearest key; four is not", () => {
    expect(typo("coxyz")[0]).toContain("did you mean count?");
    expect(typo("wxyzt")[0]).toBe(
      "edge:wxyzt: is not a setting of this project, so it would be ignored. Fix: pulumi config rm wxyzt",
    );
  });
  test("the nearest of two candidates wins, the first of two as near", () => {
    expect(typo("tagz")[0]).toContain("did you mean tags?");
    expect(typo("nam")[0]).toContain("did you mean name?");
    // Two edits from both name and tags: the one declared first.
    expect(typo("tale")[0]).toContain("did you mean name?");
  });
  test("the last letter counts: four edits away at the end is not a typo", () => {
    expect(typo("countxyzw")[0]).toBe(
      "edge:countxyzw: is not a setting of this project, so it would be ignored. Fix: pulumi config rm countxyzw",
    );
  });
});
