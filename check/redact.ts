/** What the check may print: every message goes through `scrub` on its way out. */

/**
 * Pulumi puts the check's output into the error of a failed update: one line, long enough
 * for a driver error with a host list and a hint, short enough to read in a terminal.
 */
const MAX_MESSAGE_CHARS = 600;

/** One line, at most MAX_MESSAGE_CHARS, with every secret replaced by `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("***");
  out = out.replace(/\s*[\r\n]+\s*/g, " ").trim();
  return out.length > MAX_MESSAGE_CHARS ? `${out.slice(0, MAX_MESSAGE_CHARS - 1)}…` : out;
}

/** An http(s) URL without credentials, query or fragment, for messages. */
export function displayHttpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = "***";
      u.password = "";
    }
    u.search = "";
    u.hash = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "<unparseable URL>";
  }
}
