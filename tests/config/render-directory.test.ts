/**
 * renderYamlToDirectory writes Secrets in plaintext: inside a git work tree it must be a folder
 * git ignores (issue 20). Real git on temporary repositories, both sides of the line.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { enclosingWorkTree } from "../../config/rules/render";
import { parse, problems } from "./helpers";

let repo: string;
beforeAll(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), "render-dir-"));
  execFileSync("git", ["init", "-q", repo]);
  fs.writeFileSync(path.join(repo, ".gitignore"), "rendered/\n");
});
afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

test("a folder the work tree ignores is accepted", () =>
  expect(
    parse({ renderYamlToDirectory: path.join(repo, "rendered", "staging"), postDeployCheck: "off" })
      .provider,
  ).toEqual({ context: undefined, renderYamlToDirectory: path.join(repo, "rendered", "staging") }));

test("a folder git would track is refused, with the .gitignore line to add", () => {
  const dir = path.join(repo, "manifests");
  const [problem] = problems({ renderYamlToDirectory: dir, postDeployCheck: "off" });
  expect(problem).toBe(
    `nightscout:renderYamlToDirectory = ${JSON.stringify(dir)}: is inside the git work tree ${repo} and not ignored there; the Secrets rendered into it in plaintext could be committed. Fix: add manifests/ to ${path.join(repo, ".gitignore")}, or render outside the repository (pulumi config set renderYamlToDirectory /tmp/nightscout-rendered)`,
  );
});

test("a folder outside any work tree is accepted", () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), "render-outside-"));
  try {
    expect(enclosingWorkTree(outside)).toBeUndefined();
    expect(() =>
      parse({ renderYamlToDirectory: path.join(outside, "out"), postDeployCheck: "off" }),
    ).not.toThrow();
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

test("this repository's own rendered/ folder is ignored, as npm run render uses it", () =>
  expect(() =>
    parse({ renderYamlToDirectory: "rendered/staging", postDeployCheck: "off" }),
  ).not.toThrow());

test("a path with a control character is refused before git is asked (fast-check found NUL)", () =>
  expect(problems({ renderYamlToDirectory: "out\u0000dir", postDeployCheck: "off" })).toEqual([
    'nightscout:renderYamlToDirectory = "out\\u0000dir": contains control characters. Fix: pulumi config set renderYamlToDirectory rendered/<stack>',
  ]));
