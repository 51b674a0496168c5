/**
 * The post-deploy check's contract, shared by the config, the PostDeployCheck component, the
 * check CLI (check/) and its port-forward wrapper: modes, the deadline, the environment the
 * command receives, and the exit codes it answers with.
 */

/** portForward: through `kubectl port-forward`; direct: a URI reachable from pulumi; off. */
export const POST_DEPLOY_CHECK_MODES = ["portForward", "direct", "off"] as const;
export type PostDeployCheckMode = (typeof POST_DEPLOY_CHECK_MODES)[number];

/**
 * A fresh FerretDB waits for PostgreSQL (its startup probe allows 5 minutes) and the first
 * SCRAM handshake after a deploy can take a few seconds: three minutes covers a normal
 * rollout on a small cluster without leaving `pulumi up` hanging on a broken one.
 */
export const DEFAULT_CHECK_DEADLINE_SECONDS = 180;
/** Below 10 s a port-forward and one SCRAM handshake do not reliably fit. */
export const MIN_CHECK_DEADLINE_SECONDS = 10;
/** An hour: past this, a deploy is not waiting on the check but stuck. */
export const MAX_CHECK_DEADLINE_SECONDS = 3600;

/** The schemes of a MongoDB connection string; FerretDB serves plain mongodb://. */
export const MONGODB_URI_SCHEME = /^mongodb(\+srv)?:\/\//;

/** Environment variables the check command reads; the only way anything reaches it. */
export const CHECK_ENV = {
  mongoUri: "MONGODB_URI",
  deadlineMs: "CHECK_DEADLINE_MS",
  attemptTimeoutMs: "CHECK_ATTEMPT_TIMEOUT_MS",
  collection: "CHECK_COLLECTION",
  hostOverride: "CHECK_HOST_OVERRIDE",
  nightscoutUrl: "NIGHTSCOUT_URL",
  expectedUnits: "EXPECTED_UNITS",
  portForwardNamespace: "CHECK_PF_NAMESPACE",
  portForwardService: "CHECK_PF_SERVICE",
  portForwardServicePort: "CHECK_PF_SERVICE_PORT",
  kubeContext: "CHECK_KUBE_CONTEXT",
} as const;

/** Exit codes of the check, one per way it can fail; 64 is sysexits' EX_USAGE. */
export const CHECK_EXIT_CODES = {
  ok: 0,
  internal: 1,
  unreachable: 2,
  auth: 3,
  deadline: 4,
  mismatch: 5,
  nightscout: 6,
  usage: 64,
} as const;
