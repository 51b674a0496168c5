/** Operator versions as the platform stack reports them (domain/platform.ts), at their edges. */
import { compareVersions, parseVersion } from "../../domain/platform";

describe("parseVersion", () => {
  test.each([
    ["1.30.0", [1, 30, 0]],
    ["v1.26.0", [1, 26, 0]],
    ["10.20.30", [10, 20, 30]],
    ["1.30.0-rc1", [1, 30, 0]],
    ["1.30.0+build.7", [1, 30, 0]],
    [" 1.27.1 ", [1, 27, 1]],
  ])("%j is %j", (text, parts) => expect(parseVersion(text)).toEqual(parts));

  test.each([
    "1.30",
    "1.30.0junk",
    "release-1.30.0",
    "1.30.0_rc1",
    "1.30.0-",
    "1.30.0-r c",
    "x.y.z",
  ])("%j is not a version", (text) => expect(parseVersion(text)).toBeUndefined());
});

describe("compareVersions", () => {
  test("orders by major, then minor, then patch", () => {
    expect(compareVersions([1, 30, 0], [1, 26, 0])).toBeGreaterThan(0);
    expect(compareVersions([1, 26, 0], [2, 0, 0])).toBeLessThan(0);
    expect(compareVersions([1, 26, 1], [1, 26, 0])).toBeGreaterThan(0);
    expect(compareVersions([1, 26, 0], [1, 26, 0])).toBe(0);
  });
});
