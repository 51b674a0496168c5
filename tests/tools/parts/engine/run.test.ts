/**
 * The engine runner's command line: every flag the project's callers pass reaches the
 * Automation API, and anything else is refused rather than silently dropped.
 */
import { parseEngineArgs } from "../../../../tools/parts/engine/run";

test("up with the pack, its config and the CLI's confirmations", () => {
  expect(
    parseEngineArgs([
      "up",
      "--yes",
      "--skip-preview",
      "--policy-pack",
      "/p/run-policy-pack",
      "--policy-pack-config=/p/staging.json",
      "--expect-no-changes",
      "--stack",
      "staging",
    ]),
  ).toMatchObject({
    operation: "up",
    stack: "staging",
    policyPacks: ["/p/run-policy-pack"],
    policyPackConfigs: ["/p/staging.json"],
    expectNoChanges: true,
    json: false,
    skipPreview: true,
  });
});

test("without --skip-preview, up, refresh and destroy preview first, as the CLI does", () => {
  // A destroy the preview refuses (a protected database) must delete nothing.
  expect(parseEngineArgs(["destroy", "--yes", "--stack", "p"]).skipPreview).toBe(false);
  expect(parseEngineArgs(["up", "--yes", "--stack", "p"]).skipPreview).toBe(false);
  expect(parseEngineArgs(["refresh", "-f", "--stack", "p"]).skipPreview).toBe(true);
});

test("preview --json, refresh and destroy", () => {
  expect(parseEngineArgs(["preview", "--json", "-s", "p"])).toMatchObject({ json: true });
  expect(parseEngineArgs(["refresh", "--yes", "--stack", "p"]).operation).toBe("refresh");
  expect(parseEngineArgs(["destroy", "--target", "urn:a", "--stack", "p"]).target).toEqual([
    "urn:a",
  ]);
});

test("refusals name what is wrong", () => {
  expect(() => parseEngineArgs(["import", "--stack", "s"])).toThrow(
    'operation "import" is not one of up, preview, refresh, destroy',
  );
  expect(() => parseEngineArgs(["up", "--parallel", "4", "--stack", "s"])).toThrow(
    '"--parallel" is not a flag this engine path passes on',
  );
  expect(() => parseEngineArgs(["up", "--policy-pack"])).toThrow("--policy-pack needs a value");
  expect(() => parseEngineArgs(["up", "--json", "--stack", "s"])).toThrow(
    "--json is supported for preview only",
  );
  expect(() => parseEngineArgs(["up"])).toThrow("--stack <name> is required");
});
