/** What counts as a secret in a container's environment (fact 20), at the edges of each pattern. */
import { hasCredentialUri, isSecretLookingEnv } from "../../domain";

describe("isSecretLookingEnv", () => {
  test.each([
    "API_SECRET",
    "db_password",
    "PASSWD",
    "READ_TOKEN",
    "AWS_CREDENTIALS",
    "ACCESS_KEY",
    "KEY",
  ])("%s is a secret's name, in any case", (name) =>
    expect(isSecretLookingEnv(name, "x")).toBe(true),
  );
  test.each(["KEYBOARD", "MONKEY_TYPE", "HOSTNAME", "DISPLAY_UNITS", "ENABLE"])(
    "%s is not",
    (name) => expect(isSecretLookingEnv(name, "plain")).toBe(false),
  );
  test("a value that is a URI with a password is a secret whatever its name", () => {
    expect(isSecretLookingEnv("MONGO", "mongodb://u:p@h:27017/db")).toBe(true);
    expect(isSecretLookingEnv("MONGO", "mongodb://h:27017/db")).toBe(false);
  });
});

describe("hasCredentialUri", () => {
  test.each([
    ["mongodb://u:p@h", true],
    ["postgresql://nightscout:pw@db-rw:5432/postgres", true],
    ["x+y.z-w://u:p@h", true],
    ["see https://u:p@h in the docs", true],
    ["mongodb://u@h", false],
    ["mongodb://:p@h", false],
    ["mongodb://u:@h", false],
    ["mongodb:/u:p@h", false],
    ["u:p@h", false],
    ["mongodb://u p:x@h", false],
    // Each part's length and class, past one character, so a narrowed pattern shows.
    ["m://u:p@h", true],
    ["mongodb://user:password@h", true],
    ["mongodb://@:p@h", false],
    ["mongodb:// :p@h", false],
    ["mongodb://u: @h", false],
    ["mongodb://u:/@h", false],
    // A scheme may end in a digit (s3, h2): the whole scheme is read, not only its last letter.
    ["s3://AKIAEXAMPLE:secret@bucket", true],
  ])("%s: %s", (value, expected) => expect(hasCredentialUri(value)).toBe(expected));
});
