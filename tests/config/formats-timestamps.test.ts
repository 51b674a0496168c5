/**
 * The shape of an RFC 3339 timestamp (restoreTargetTime), part by part: each accepted form uses
 * one variant a part allows, and each refused one is a valid timestamp with one part wrong, so a
 * loosened or tightened part of the pattern fails here. The calendar and the clock are checked
 * after the pattern, in format-boundaries.test.ts. Each test loads config/formats.ts itself
 * (formats-as-loaded.ts says why).
 */
import { formatsAsLoaded } from "./formats-as-loaded";

const NOT_RFC3339 = "must be an RFC 3339 timestamp with a timezone";

describe("a timestamp's shape", () => {
  const ACCEPTED: [string, string][] = [
    ["UTC, with T between date and time", "2026-11-20T03:00:00Z"],
    ["a space between date and time", "2026-11-20 03:00:00Z"],
    ["a fraction of one digit", "2026-11-20T03:00:00.5Z"],
    ["a fraction of several digits", "2026-11-20T03:00:00.123456Z"],
    ["an offset ahead of UTC", "2026-11-20T03:00:00+01:00"],
    ["an offset behind UTC, without its colon", "2026-11-20T03:00:00-0530"],
  ];
  const REFUSED: [string, string][] = [
    ["a year of three digits", "026-11-20T03:00:00Z"],
    ["a year of five digits", "20260-11-20T03:00:00Z"],
    ["a month of one digit", "2026-1-20T03:00:00Z"],
    ["a month in letters", "2026-no-20T03:00:00Z"],
    ["a day of one digit", "2026-11-2T03:00:00Z"],
    ["a day in letters", "2026-11-xxT03:00:00Z"],
    ["another separator than T or a space", "2026-11-20_03:00:00Z"],
    ["an hour of one digit", "2026-11-20T3:00:00Z"],
    ["an hour in letters", "2026-11-20Thh:00:00Z"],
    ["minutes of one digit", "2026-11-20T03:0:00Z"],
    ["minutes in letters", "2026-11-20T03:mm:00Z"],
    ["seconds of one digit", "2026-11-20T03:00:0Z"],
    ["seconds in letters", "2026-11-20T03:00:ssZ"],
    ["a decimal point with no digits", "2026-11-20T03:00:00.Z"],
    ["a fraction in letters", "2026-11-20T03:00:00.fZ"],
    ["no timezone", "2026-11-20T03:00:00"],
    ["an offset with another sign than + or -", "2026-11-20T03:00:00~01:00"],
    ["an offset hour of one digit", "2026-11-20T03:00:00+1:00"],
    ["an offset hour in letters", "2026-11-20T03:00:00+hh:00"],
    ["offset minutes in letters", "2026-11-20T03:00:00+01:mm"],
    ["text before it", "at 2026-11-20T03:00:00Z"],
    ["text after it", "2026-11-20T03:00:00Z please"],
  ];

  // One test per list, each case named in what it compares: a load per case cost a second.
  test("is accepted in each form a part allows", () => {
    const { formatProblem } = formatsAsLoaded();
    for (const [form, time] of ACCEPTED) {
      expect({ form, time, problem: formatProblem("timestamp", time) }).toEqual({
        form,
        time,
        problem: undefined,
      });
    }
  });

  test("is refused with each part one step off", () => {
    const { formatProblem } = formatsAsLoaded();
    for (const [form, time] of REFUSED) {
      expect({ form, time, problem: formatProblem("timestamp", time) }).toEqual({
        form,
        time,
        problem: { why: NOT_RFC3339 },
      });
    }
  });
});
