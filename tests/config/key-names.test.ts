/**
 * config/key-names.ts: how a mistyped key or namespace is recognised. The look-alike pairs are
 * written here by their code points, each checked apart, so a letter dropped from the table or
 * mapped to the wrong twin shows by name.
 */
/**
 * config/key-names.ts loaded by the calling test itself: the look-alike table and the known
 * namespaces are built when the module loads, and StrykerJS tries a mutant of load-time code
 * only on tests that load the module (tests/config/formats-as-loaded.ts says more).
 */
function keyNames(): typeof import("../../config/key-names") {
  let loaded: typeof import("../../config/key-names") | undefined;
  jest.isolateModules(() => {
    loaded = require("../../config/key-names"); // eslint-disable-line @typescript-eslint/no-require-imports
  });
  return loaded!;
}

// Cyrillic, Armenian, Latin-extension and Greek letters that render like Latin ones.
const LOOK_ALIKES: [number, string][] = [
  [0x0430, "a"],
  [0x0432, "b"],
  [0x0441, "c"],
  [0x0501, "d"],
  [0x0435, "e"],
  [0x0261, "g"],
  [0x04bb, "h"],
  [0x0456, "i"],
  [0x0458, "j"],
  [0x043a, "k"],
  [0x04cf, "l"],
  [0x043c, "m"],
  [0x0578, "n"],
  [0x043e, "o"],
  [0x0440, "p"],
  [0x051b, "q"],
  [0x0433, "r"],
  [0x0455, "s"],
  [0x0442, "t"],
  [0x057d, "u"],
  [0x0475, "v"],
  [0x051d, "w"],
  [0x0445, "x"],
  [0x0443, "y"],
  [0x03b1, "a"],
  [0x03b5, "e"],
  [0x03b9, "i"],
  [0x03ba, "k"],
  [0x03bd, "v"],
  [0x03bf, "o"],
  [0x03c1, "p"],
  [0x03c4, "t"],
  [0x03c5, "u"],
  [0x03c7, "x"],
];

test.each(LOOK_ALIKES)("U+%s folds to %s", (code, latin) => {
  const { asciiSkeleton } = keyNames();
  const letter = String.fromCodePoint(code);
  expect(asciiSkeleton(`k${letter}y`)).toBe(`k${latin}y`);
});

test("a key typed with a look-alike letter is taken for the declared one", () => {
  const { closest } = keyNames();
  expect(closest("h\u043estname", ["hostname", "namespace"])).toBe("hostname");
});

test("each namespace the engine or a provider reads is known; a near miss of one is not", () => {
  const { KNOWN_NAMESPACES, namespaceSlip } = keyNames();
  for (const namespace of KNOWN_NAMESPACES) {
    expect(namespaceSlip(namespace, "nightscout")).toBe("known");
  }
  expect([...KNOWN_NAMESPACES].sort()).toEqual(["command", "kubernetes", "pulumi", "random"]);
  expect(namespaceSlip("pulumix", "nightscout")).toBe("unknown");
});

test("how far a namespace may be from the project's name grows with the name, up to two", () => {
  const { namespaceSlip } = keyNames();
  // Four letters allow one edit; eight, two; longer names never more than two.
  expect(namespaceSlip("abce", "abcd")).toBe("looks like the project");
  expect(namespaceSlip("abef", "abcd")).toBe("unknown");
  expect(namespaceSlip("abcdefxx", "abcdefgh")).toBe("looks like the project");
  expect(namespaceSlip("abcdexxx", "abcdefgh")).toBe("unknown");
  expect(namespaceSlip("nightscxxx", "nightscout")).toBe("unknown");
  expect(namespaceSlip("abc", "abcd")).toBe("looks like the project");
  expect(namespaceSlip("ab", "abc")).toBe("unknown");
});

test("only characters past ASCII's last printable one are named, by code point", () => {
  const { nonAscii } = keyNames();
  expect(nonAscii("tilde~key")).toBe("");
  expect(nonAscii("h\u043estname")).toBe(
    " (it contains U+043E, which only looks like a Latin letter)",
  );
  expect(nonAscii("\u007f")).toBe(" (it contains U+007F, which only looks like a Latin letter)");
});
