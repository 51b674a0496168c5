/**
 * Quantities with a sense of their unit (issue 20): a CPU request in memory units, or memory in
 * milli-bytes, parses as a Kubernetes quantity and means something absurd. Each case sits just
 * inside or just outside a boundary.
 */
import { cpuProblem, memoryProblem, parseQuantity } from "../../domain";

describe("cpuProblem", () => {
  test.each(["1m", "250m", "0.001", "0.5", "2", "1.5", ".25"])("%s is a CPU request", (v) =>
    expect(cpuProblem(v)).toBeUndefined(),
  );
  test.each([
    ["256Mi", "256m"],
    ["1Gi", "1m"],
    ["500M", "500m"],
    ["2k", "2m"],
  ])("%s has a memory unit: suggested %s", (v, suggestion) =>
    expect(cpuProblem(v)).toEqual({
      why: "has a memory unit; a CPU request is in cores (0.5) or millicores (500m)",
      suggestion,
    }),
  );
  test.each(["0", "0m", "0.0"])("%s is no CPU at all", (v) =>
    expect(cpuProblem(v)).toEqual({ why: "must be above 0", suggestion: "100m" }),
  );
  test("finer than a millicore is refused, as the API does", () => {
    expect(cpuProblem("0.0005")).toEqual({
      why: "is finer than 1m, which Kubernetes refuses",
      suggestion: "1m",
    });
    expect(cpuProblem("1.5m")?.suggestion).toBe("2m");
    expect(cpuProblem("0.0015")?.suggestion).toBe("2m");
  });
  test.each(["-100m", "+1", "1e3", "100 m", "lots", "", "100mm", "1u"])(
    "%j is not a CPU quantity",
    (v) =>
      expect(cpuProblem(v)?.why).toBe("is not a CPU quantity: cores (0.5, 2) or millicores (500m)"),
  );
});

describe("memoryProblem", () => {
  test.each(["1Mi", "256Mi", "1Gi", "1.5Gi", "512M", "1048576", "1e9"])(
    "%s is a memory size",
    (v) => expect(memoryProblem(v)).toBeUndefined(),
  );
  test("milli-bytes are refused, with the Mi that was meant", () =>
    expect(memoryProblem("256m")).toEqual({
      why: "is in milli-bytes (256m is 0.256 bytes); memory is in Mi or Gi",
      suggestion: "256Mi",
    }));
  test("one byte under a mebibyte is refused; a bare number gets Mi suggested", () => {
    expect(memoryProblem("1048575")).toEqual({
      why: "is 1048575 bytes, under 1Mi: no container starts in that",
      suggestion: "1048575Mi",
    });
    expect(memoryProblem("256")?.suggestion).toBe("256Mi");
    expect(memoryProblem("1023Ki")).toEqual({
      why: "is 1047552 bytes, under 1Mi: no container starts in that",
      suggestion: undefined,
    });
  });
  test("common byte slips get the binary unit suggested", () => {
    expect(memoryProblem("512MB")).toEqual({
      why: "is not a memory quantity such as 256Mi or 1Gi",
      suggestion: "512Mi",
    });
    expect(memoryProblem("-1Gi")?.why).toBe("is not a memory quantity such as 256Mi or 1Gi");
  });
});

describe("parseQuantity of what YAML gives", () => {
  test("a number is taken as it is, in base units, as long as it is finite", () => {
    expect(parseQuantity(2)).toBe(2);
    expect(parseQuantity(0.25)).toBe(0.25);
    expect(parseQuantity(Infinity)).toBeUndefined();
    expect(parseQuantity(NaN)).toBeUndefined();
  });
  test("anything else that is not a string is no quantity", () => {
    expect(parseQuantity(true)).toBeUndefined();
    expect(parseQuantity(null)).toBeUndefined();
    expect(parseQuantity(["1"])).toBeUndefined();
  });
});
