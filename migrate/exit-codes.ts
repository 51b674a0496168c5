/**
 * The migration's exit codes: the post-deploy check's (domain/check.ts) for what the two
 * share (unreachable, authentication, usage), and three of its own for documents.
 */
import { CHECK_EXIT_CODES } from "../domain";

export const MIGRATE_EXIT_CODES = {
  ok: CHECK_EXIT_CODES.ok,
  internal: CHECK_EXIT_CODES.internal,
  unreachable: CHECK_EXIT_CODES.unreachable,
  auth: CHECK_EXIT_CODES.auth,
  /** Verification found a collection whose count or digest differs. */
  mismatch: CHECK_EXIT_CODES.mismatch,
  /** The target refused a document and --skip-invalid was not given. */
  refused: 7,
  /** Everything else verified, but documents wait in the dead-letter file. */
  deadLettered: 8,
  /** --carry-deletes would remove more of a collection than a run removes unconfirmed. */
  deletesOverCap: 9,
  usage: CHECK_EXIT_CODES.usage,
} as const;

export type MigrateExitCode = (typeof MIGRATE_EXIT_CODES)[keyof typeof MIGRATE_EXIT_CODES];

/** A failure that ends the run with a specific exit code and a message free of secrets. */
export class MigrateError extends Error {
  constructor(
    readonly exitCode: MigrateExitCode,
    message: string,
  ) {
    super(message);
  }
}
