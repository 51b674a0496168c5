/** Settings: Post-deploy check. */
import {
  DEFAULT_CHECK_DEADLINE_SECONDS,
  MAX_CHECK_DEADLINE_SECONDS,
  MIN_CHECK_DEADLINE_SECONDS,
  POST_DEPLOY_CHECK_MODES,
} from "../../domain";
import type { Setting } from "./setting";

export const CHECK_SETTINGS = [
  {
    key: "postDeployCheck",
    oneOf: POST_DEPLOY_CHECK_MODES,
    type: "string",
    default: "portForward",
    description: "How to check MongoDB after deploy: portForward, direct or off.",
  },
  {
    key: "postDeployCheckUri",
    example: "mongodb://<user>:<password>@<host>:27017/nightscout",
    format: "mongoUri",
    type: "string",
    secret: true,
    optionalSecret: true,
    description: "MongoDB URI reachable from where pulumi runs (direct mode only).",
  },
  {
    key: "postDeployCheckPublicUrl",
    type: "boolean",
    default: false,
    description:
      "Also check that https://<hostname>/api/v1/status.json answers with the configured units (needs DNS and TLS in place).",
  },
  {
    key: "postDeployCheckDeadlineSeconds",
    range: [MIN_CHECK_DEADLINE_SECONDS, MAX_CHECK_DEADLINE_SECONDS],
    type: "integer",
    default: DEFAULT_CHECK_DEADLINE_SECONDS,
    description: "Deadline of the post-deploy check.",
  },
] as const satisfies readonly Setting[];
