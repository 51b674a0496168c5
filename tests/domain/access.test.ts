/**
 * Nightscout's token derivation (domain/access.ts), held to vectors computed apart from it
 * (Python's hashlib and re, the same steps as lib/authorization/storage.js) for the API secret
 * below, whose hex SHA-1 is f11c688a3d8135620abe1562ee996f4b1f720726.
 */
import {
  abbreviationClashes,
  accessToken,
  subjectDigest,
  tokenAbbreviation,
} from "../../domain/access";

const SECRET = "correct-horse-battery-staple-42";

test.each([
  ["Grandma", "6571d3f2a1b2c3d4e5f60718", "grandma-9fad38d2eeb36bb8"],
  // Non-ASCII letters and punctuation go: only [a-z0-9_] is kept.
  ["Zoë's iPhone", "6571d3f2a1b2c3d4e5f60719", "zosiphone-15afe1526d89773b"],
  // "İ" lowercases to "i" and a combining dot, which goes.
  ["İpek", "6571d3f2a1b2c3d4e5f6071a", "ipek-594db97953f68309"],
  // Cut to ten characters after the non-word characters are dropped.
  ["School nurse, Room 12", "6571d3f2a1b2c3d4e5f6071b", "schoolnurs-c4ec1932fc84000a"],
  // The Kelvin sign lowercases to an ASCII k.
  ["\u212Aate", "x", "kate-df2e0153146172ba"],
])("%s with _id %s gets %s", (name, id, token) => {
  expect(accessToken({ name, _id: id }, SECRET)).toBe(token);
});

test("the same name with another _id is another token; another secret changes every token", () => {
  const first = accessToken({ name: "Grandma", _id: "6571d3f2a1b2c3d4e5f60718" }, SECRET);
  const second = accessToken({ name: "Grandma", _id: "6571d3f2a1b2c3d4e5f6071c" }, SECRET);
  expect(second).toBe("grandma-2b6e0646569a7d9e");
  expect(second).not.toBe(first);
  const rotated = accessToken({ name: "Grandma", _id: "6571d3f2a1b2c3d4e5f60718" }, `${SECRET}!`);
  expect(rotated).toMatch(/^grandma-[0-9a-f]{16}$/);
  expect(rotated).not.toBe(first);
});

test("the subject digest is the whole hex SHA-1, of which a token keeps 16 characters", () => {
  const digest = subjectDigest(SECRET, "6571d3f2a1b2c3d4e5f60718");
  expect(digest).toMatch(/^[0-9a-f]{40}$/);
  expect(digest.startsWith("9fad38d2eeb36bb8")).toBe(true);
});

test("a name of no ASCII letters or digits has an empty abbreviation", () => {
  expect(tokenAbbreviation("👵 Оля")).toBe("");
  expect(tokenAbbreviation("Grandpa_Joe")).toBe("grandpa_jo");
});

test("names that abbreviate alike are grouped, in the order given; distinct ones are not", () => {
  expect(
    abbreviationClashes(["Grandma", "grandma!", "Grandpa", "School nurse A", "School nurse B"]),
  ).toEqual([
    ["Grandma", "grandma!"],
    ["School nurse A", "School nurse B"],
  ]);
  expect(abbreviationClashes(["Grandma", "Grandpa"])).toEqual([]);
});
