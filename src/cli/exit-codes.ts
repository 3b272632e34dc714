/**
 * What `handover`'s exit status means. Scripts can tell "the archive is wrong" from "you typed it wrong"
 * from "the database is down". Documented in the README; stated here once.
 */
export const EXIT = {
  ok: 0,
  /** `verify` found a problem, or an export's own cross-check failed. */
  verifyFailed: 1,
  /** Bad command line, bad config file, unknown table or tenant format. */
  usage: 2,
  /** The source database could not be reached or refused a query. */
  source: 3,
  /** The export failed for another reason (disk full, archive error...). */
  exportFailed: 4,
  /** Interrupted (Ctrl-C); nothing partial was left behind. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
