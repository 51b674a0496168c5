/**
 * Property tests: random and adversarial values for every setting. The config either comes
 * back whole or fails as one ConfigError whose every line names a key and a fix; it never
 * throws anything else and never quotes a secret. The seed is printed on failure (fast-check
 * does so in its report); FC_SEED reproduces a run. Each property runs 100 cases in `npm test`;
 * FC_RUNS=2000 searches deeper.
 */
import fc from "fast-check";
import { ConfigError, parseStackConfig } from "../../config";
import { exampleOf } from "../../config/problems";
import { SETTINGS, Setting } from "../../config/settings";

const settings = SETTINGS;
const SECRET_MARK = "Zq7-secret-";
const RUNS = Number(process.env.FC_RUNS ?? 100);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

const yamlish = fc.constantFrom(
  "~",
  "null",
  "yes",
  "no",
  "- a\n- b",
  "{a: 1}",
  "'quoted'",
  "&anchor",
  "*alias",
  "!!binary aGk=",
  "# comment",
  "key: value",
  "[1, 2",
  '["readable"]',
  "[]",
  '["status-only"]',
  "0x1F",
  "1e400",
  "-0",
  " 3 ",
);

/** A value for one setting: often a sensible one, often hostile. */
function valueFor(setting: Setting): fc.Arbitrary<string | undefined> {
  const sensible = [exampleOf(setting), String(setting.default ?? "")];
  if (setting.oneOf) sensible.push(...setting.oneOf);
  if (setting.range) sensible.push(String(setting.range[0]), String(setting.range[1] + 1));
  if (setting.items) sensible.push(JSON.stringify(setting.items.slice(0, 2)));
  const hostile = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.stringMatching(/^[\x00-\x1f\x7f]{1,8}$/),
    fc.integer().map(String),
    fc.double().map(String),
    yamlish,
    fc.nat({ max: 100_000 }).map((n) => "x".repeat(n)),
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...sensible) },
    { weight: 2, arbitrary: hostile },
    { weight: 2, arbitrary: fc.constant(undefined) },
  );
  // Secrets carry a mark so a leak is recognisable whatever else they hold.
  return setting.secret ? value.map((v) => (v === undefined ? v : SECRET_MARK + v)) : value;
}

const configArbitrary = fc.record(
  Object.fromEntries(settings.map((s) => [s.key, valueFor(s)])) as Record<
    string,
    fc.Arbitrary<string | undefined>
  >,
);

/** Parses `values` and checks the outcome; true when the config was accepted. */
function acceptedCleanly(values: Record<string, string | undefined>, plaintext: boolean): boolean {
  const stored = Object.fromEntries(Object.entries(values).map(([k, v]) => [`nightscout:${k}`, v]));
  let thrown: unknown;
  try {
    parseStackConfig({
      read: (key) => stored[key],
      project: "nightscout",
      isSecret: () => !plaintext,
      keys: Object.keys(stored).filter((k) => stored[k] !== undefined),
    });
    return true;
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof ConfigError)) throw thrown;
  for (const problem of thrown.problems) {
    // A list of records names the place inside it: `access[1].roles`.
    if (
      !/^nightscout:[A-Za-z]+(\[\d+\](\.[A-Za-z]+(\[\d+\])?)?)?( = .*)?: [\s\S]*Fix: /.test(problem)
    ) {
      throw new Error(`malformed problem line: ${problem.slice(0, 200)}`);
    }
  }
  if (/\n\s+at /.test(thrown.message)) throw new Error("a stack trace in the message");
  const secrets = settings
    .filter((s) => s.secret)
    .map((s) => values[s.key])
    .filter((v): v is string => v !== undefined);
  // Reported by position, never by value, so a leak does not leak into the test log.
  const leaked = secrets.findIndex((s) => thrown.message.includes(s));
  if (leaked >= 0) throw new Error(`a secret value was found in problem text (secret #${leaked})`);
  if (thrown.message.includes(SECRET_MARK))
    throw new Error("a secret's mark was found in problem text");
  return false;
}

/** A staging stack that passes, to mutate one setting at a time. */
const BASE: Record<string, string | undefined> = {
  environment: "staging",
  hostname: "ns.example.org",
  apiSecret: `${SECRET_MARK}0123456789`,
  tlsClusterIssuer: "letsencrypt-staging",
};

test("every setting random at once: accepted or refused with one clean ConfigError", () => {
  fc.assert(
    fc.property(configArbitrary, fc.boolean(), (values, plaintext) => {
      acceptedCleanly(values, plaintext);
    }),
    { numRuns: RUNS, seed: SEED },
  );
});

test("a valid stack with one to three settings changed: the same, and some are accepted", () => {
  let accepted = 0;
  const keys = settings.map((s) => s.key);
  const mutation = fc
    .uniqueArray(fc.constantFrom(...keys), { minLength: 1, maxLength: 3 })
    .chain((chosen) =>
      fc.record(
        Object.fromEntries(chosen.map((k) => [k, valueFor(settings.find((s) => s.key === k)!)])),
      ),
    );
  fc.assert(
    fc.property(mutation, (changes) => {
      if (acceptedCleanly({ ...BASE, ...changes }, false)) accepted++;
    }),
    { numRuns: RUNS, seed: SEED },
  );
  expect(accepted).toBeGreaterThan(RUNS / 10);
});
