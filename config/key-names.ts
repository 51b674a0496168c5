/**
 * Key names as an operator mistypes them: a letter off, a case off, or a letter from another
 * script that looks Latin (a Cyrillic "о" in "nightscоut"). Used to catch settings, and whole
 * namespaces, that the program would otherwise never read.
 */

/** Namespaces the engine or this program's providers read, besides the project's own. */
export const KNOWN_NAMESPACES: readonly string[] = ["pulumi", "kubernetes", "random", "command"];

/** Letters of other scripts that render like Latin ones in common fonts. */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  "\u0430": "a",
  "\u0432": "b",
  "\u0441": "c",
  "\u0501": "d",
  "\u0435": "e",
  "\u0261": "g",
  "\u04bb": "h",
  "\u0456": "i",
  "\u0458": "j",
  "\u043a": "k",
  "\u04cf": "l",
  "\u043c": "m",
  "\u0578": "n",
  "\u043e": "o",
  "\u0440": "p",
  "\u051b": "q",
  "\u0433": "r",
  "\u0455": "s",
  "\u0442": "t",
  "\u057d": "u",
  "\u0475": "v",
  "\u051d": "w",
  "\u0445": "x",
  "\u0443": "y",
  "\u03b1": "a",
  "\u03b5": "e",
  "\u03b9": "i",
  "\u03ba": "k",
  "\u03bd": "v",
  "\u03bf": "o",
  "\u03c1": "p",
  "\u03c4": "t",
  "\u03c5": "u",
  "\u03c7": "x",
};

/** `name` lowercased, width-folded, with every look-alike letter replaced by its Latin twin. */
export function asciiSkeleton(name: string): string {
  return [...name.normalize("NFKC").toLowerCase()].map((c) => LOOK_ALIKES[c] ?? c).join("");
}

/**
 * How a namespace other than the project's stands: one the engine or a provider reads, one that
 * is the project's name mistyped (its keys would be dropped in silence), or one nothing reads.
 */
export function namespaceSlip(
  namespace: string,
  project: string,
): "known" | "looks like the project" | "unknown" {
  if (KNOWN_NAMESPACES.includes(namespace)) return "known";
  const distance = editDistance(asciiSkeleton(namespace), project.toLowerCase());
  return distance <= Math.min(2, Math.floor(project.length / 4))
    ? "looks like the project"
    : "unknown";
}

/** The declared key nearest to `key` (edit distance at most 3, or differing only in case). */
export function closest(key: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(asciiSkeleton(key), name.toLowerCase());
    if (distance <= 3 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance, with a swap of two neighbours counted as two edits. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/** Names the characters of `name` that are not ASCII: a look-alike letter is invisible. */
export function nonAscii(name: string): string {
  const odd = [...name].filter((c) => c.codePointAt(0)! > 0x7e);
  if (odd.length === 0) return "";
  const codes = odd.map(
    (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`,
  );
  return ` (it contains ${codes.join(", ")}, which only looks like a Latin letter)`;
}
