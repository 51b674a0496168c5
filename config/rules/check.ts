// The Output module alone: see config/runtime.ts.
import * as pulumi from "@pulumi/pulumi/output";
import { PostDeployCheckMode } from "../../domain";
import { Settings } from "../read";

export interface PostDeployCheckSettings {
  mode: Exclude<PostDeployCheckMode, "off">;
  /** direct mode: the URI reachable from where pulumi runs (secret). */
  directUri?: pulumi.Output<string>;
  deadlineSeconds: number;
  checkPublicUrl: boolean;
}

/** How the post-deploy check reaches FerretDB, or undefined when it is off. */
export function postDeployCheckRule(s: Settings): PostDeployCheckSettings | undefined {
  const mode = s.text("postDeployCheck") as PostDeployCheckMode;
  const directUri = s.secret("postDeployCheckUri");
  if (mode === "direct" && directUri === undefined) {
    s.problems.add(
      "postDeployCheckUri",
      undefined,
      "is required when postDeployCheck is direct",
      "pulumi config set --secret postDeployCheckUri mongodb://user:pass@host:27017/nightscout",
    );
  }
  if (s.isSet("renderYamlToDirectory") && mode === "portForward") {
    s.problems.add(
      "postDeployCheck",
      mode,
      "cannot port-forward when renderYamlToDirectory is set (nothing is deployed to forward to)",
      "pulumi config set postDeployCheck off (or direct with postDeployCheckUri)",
    );
  }
  if (mode === "off" || !s.isValid("postDeployCheck")) return undefined;
  return {
    mode,
    directUri,
    deadlineSeconds: s.integer("postDeployCheckDeadlineSeconds"),
    checkPublicUrl: s.flag("postDeployCheckPublicUrl"),
  };
}
