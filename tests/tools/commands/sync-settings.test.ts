/** The README's settings table (tools/commands/sync-settings.ts): what its default column says. */
import { configTable } from "../../../tools/commands/sync-settings";
import { SETTINGS } from "../../../config/settings";

const row = (key: string) =>
  configTable()
    .split("\n")
    .find((l) => l.startsWith(`| \`${key}\` |`));

describe("configTable", () => {
  it("calls a secret required only when the program cannot run without it", () => {
    expect(SETTINGS.find((s) => s.key === "apiSecret")?.optionalSecret).toBeFalsy();
    expect(row("apiSecret")).toMatch(/^\| `apiSecret` \| string, secret \| required \|/);
    // Optional secrets (read only when another setting asks for them) are unset by default.
    expect(row("glucoseExporterToken")).toMatch(/\| string, secret \| \(unset\) \|/);
    expect(row("postDeployCheckUri")).toMatch(/\| string, secret \| \(unset\) \|/);
  });

  it("shows a default value as code", () => {
    expect(row("postDeployCheck")).toMatch(/\| `portForward` \|/);
    expect(row("monitoring")).toMatch(/\| `false` \|/);
  });
});
