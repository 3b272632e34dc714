/**
 * RFC 9457 problem details. An error meant for the client carries its status and `expose: true`;
 * anything else becomes a bare 500 whose body says nothing about the internals (middy's contract).
 */

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  [extension: string]: unknown;
}

export interface ProblemInit {
  /** Short kebab-case slug, also the last segment of the problem type URI. */
  code: string;
  title: string;
  detail: string;
  /** Extra members of the problem body (e.g. the running job on a 409). Never internals. */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** Base URI of problem types; each code has a section in the OpenAPI document. */
export const PROBLEM_TYPE_BASE = 'https://handover.dev/problems/';

export class ProblemError extends Error {
  readonly status: number;
  readonly expose = true;
  readonly code: string;
  readonly title: string;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, init: ProblemInit) {
    super(init.detail, { cause: init.cause });
    this.name = 'ProblemError';
    this.status = status;
    this.code = init.code;
    this.title = init.title;
    this.extensions = init.extensions ?? {};
    this.headers = init.headers ?? {};
  }

  toBody(instance: string): ProblemBody {
    return {
      ...this.extensions,
      type: `${PROBLEM_TYPE_BASE}${this.code}`,
      title: this.title,
      status: this.status,
      detail: this.message,
      instance,
    };
  }
}

/** The body of every unexpected failure: nothing from the error itself. */
export function internalErrorBody(instance: string): ProblemBody {
  return {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'The request failed on our side. Try again later; if it keeps failing, contact support.',
    instance,
  };
}

/** Narrows to an error that may be shown to the client. */
export function isProblemError(error: unknown): error is ProblemError {
  return error instanceof ProblemError;
}
