/**
 * renderYamlToDirectory writes every manifest, Secrets included, in plaintext. Inside a git work
 * tree and not ignored there, one `git add -A` commits the API secret and the database
 * passwords; so such a directory is refused before anything is written.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Settings } from "../read";

/** The work tree holding `dir` (a folder with `.git`), or undefined outside any. */
export function enclosingWorkTree(dir: string): string | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, ".git"))) return at;
    if (path.dirname(at) === at) return undefined;
  }
}

/** Whether git ignores `dir` in `workTree`; undefined when git cannot say (not installed). */
function ignoredByGit(workTree: string, dir: string): boolean | undefined {
  const probe = path.join(path.resolve(dir), "secret.yaml");
  let result;
  try {
    result = spawnSync("git", ["check-ignore", "-q", probe], { cwd: workTree });
  } catch {
    return undefined;
  }
  if (result.error || (result.status !== 0 && result.status !== 1)) return undefined;
  return result.status === 0;
}

/** For the app's settings and the platform's alike: both have renderYamlToDirectory. */
export function renderDirectoryRule<K extends string>(s: Settings<K>): void {
  const key = "renderYamlToDirectory" as K;
  const dir = s.text(key);
  if (dir === undefined || !s.isValid(key)) return;
  const workTree = enclosingWorkTree(dir);
  if (workTree === undefined) return;
  const ignored = ignoredByGit(workTree, dir);
  if (ignored === true) return;
  s.problems.add(
    key,
    dir,
    `is inside the git work tree ${workTree}${ignored === false ? " and not ignored there" : ", and git could not say whether it ignores it"}; the Secrets rendered into it in plaintext could be committed`,
    `add ${path.relative(workTree, path.resolve(dir)) || "."}/ to ${path.join(workTree, ".gitignore")}, or render outside the repository (pulumi config set renderYamlToDirectory /tmp/nightscout-rendered)`,
  );
}
