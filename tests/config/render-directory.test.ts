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

test("the ignored folder itself is accepted: git is asked about a file inside it", () =>
  expect(() =>
    parse({ renderYamlToDirectory: path.join(repo, "rendered"), postDeployCheck: "off" }),
  ).not.toThrow());

test("the work tree's top is refused, with ./ as the line to add", () => {
  const [problem] = problems({ renderYamlToDirectory: repo, postDeployCheck: "off" });
  expect(problem).toContain(`. Fix: add ./ to ${path.join(repo, ".gitignore")}, or render`);
});

test("when git cannot say (a .git that is no repository), the refusal says so", () => {
  const broken = fs.mkdtempSync(path.join(os.tmpdir(), "render-broken-"));
  try {
    fs.writeFileSync(path.join(broken, ".git"), "gitdir: /nonexistent-render-gitdir\n");
    const dir = path.join(broken, "out");
    expect(problems({ renderYamlToDirectory: dir, postDeployCheck: "off" })).toEqual([
      `nightscout:renderYamlToDirectory = ${JSON.stringify(dir)}: is inside the git work tree ${broken}, and git could not say whether it ignores it; the Secrets rendered into it in plaintext could be committed. Fix: add out/ to ${path.join(broken, ".gitignore")}, or render outside the repository (pulumi config set renderYamlToDirectory /tmp/nightscout-rendered)`,
    ]);
  } finally {
    fs.rmSync(broken, { recursive: true, force: true });
  }
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
