/** Errors of the job use cases. Each carries its HTTP status; the HTTP layer never inspects names. */

import { ProblemError } from '../http/problem.ts';
import type { JobStatus } from './types.ts';

export class JobNotFoundError extends ProblemError {
  constructor(id: string) {
    super(404, {
      code: 'job-not-found',
      title: 'Export not found',
      detail: `No export with id ${id} exists for your company. Check the id from GET /v1/exports.`,
    });
    this.name = 'JobNotFoundError';
  }
}

export class ActiveExportError extends ProblemError {
  constructor(runningJob: unknown) {
    super(409, {
      code: 'export-in-progress',
      title: 'An export is already in progress',
      detail:
        'Your company already has an export queued or running. Wait for it to finish (GET /v1/exports/{id}) or cancel it (DELETE /v1/exports/{id}) before requesting another.',
      extensions: { job: runningJob },
    });
    this.name = 'ActiveExportError';
  }
}

export class RateLimitedError extends ProblemError {
  constructor(retryAfterSeconds: number, limit: number, windowSeconds: number) {
    super(429, {
      code: 'rate-limited',
      title: 'Too many export requests',
      detail: `Your company may request ${limit} exports every ${windowSeconds} seconds. Try again in ${retryAfterSeconds} seconds.`,
      headers: { 'retry-after': String(retryAfterSeconds) },
      extensions: { retryAfter: retryAfterSeconds },
    });
    this.name = 'RateLimitedError';
  }
}

export class IdempotencyMismatchError extends ProblemError {
  constructor() {
    super(422, {
      code: 'idempotency-key-reused',
      title: 'Idempotency-Key reused with a different request',
      detail:
        'This Idempotency-Key was already used with a different body. Send the original body again, or use a new key for a new request.',
    });
    this.name = 'IdempotencyMismatchError';
  }
}

export class IdempotencyInFlightError extends ProblemError {
  constructor() {
    super(409, {
      code: 'idempotency-key-in-flight',
      title: 'The first request with this Idempotency-Key is still being processed',
      detail: 'Retry in a few seconds with the same Idempotency-Key and body.',
      headers: { 'retry-after': '2' },
    });
    this.name = 'IdempotencyInFlightError';
  }
}

export class JobStateError extends ProblemError {
  constructor(id: string, status: JobStatus, wanted: string) {
    super(409, {
      code: 'job-state-conflict',
      title: 'The export is not in a state that allows this',
      detail: `Export ${id} is ${status}; ${wanted}.`,
      extensions: { jobStatus: status },
    });
    this.name = 'JobStateError';
  }
}

export class ArchiveNotReadyError extends ProblemError {
  constructor(id: string, status: JobStatus) {
    super(409, {
      code: 'archive-not-ready',
      title: 'The archive is not ready',
      detail:
        status === 'failed' || status === 'cancelled'
          ? `Export ${id} is ${status}: it produced no archive. Request a new export with POST /v1/exports.`
          : `Export ${id} is ${status}. Poll GET /v1/exports/${id} until its status is succeeded, then download.`,
      extensions: { jobStatus: status },
    });
    this.name = 'ArchiveNotReadyError';
  }
}

export class ArchiveGoneError extends ProblemError {
  constructor(id: string, since: string, deleted: boolean) {
    super(410, {
      code: 'archive-expired',
      title: 'The archive is no longer available',
      detail: deleted
        ? `The archive of export ${id} was deleted on ${since}. Request a new export with POST /v1/exports.`
        : `The archive of export ${id} expired on ${since}. Request a new export with POST /v1/exports.`,
    });
    this.name = 'ArchiveGoneError';
  }
}

export class PartNotFoundError extends ProblemError {
  constructor(id: string, part: number, parts: number) {
    super(404, {
      code: 'part-not-found',
      title: 'No such archive part',
      detail: `Export ${id} has ${parts} part(s), numbered from 1; part ${part} does not exist.`,
    });
    this.name = 'PartNotFoundError';
  }
}

export class UnknownTablesError extends ProblemError {
  constructor(tables: string[]) {
    super(422, {
      code: 'unknown-tables',
      title: 'Unknown tables requested',
      detail: `These tables are not exported for your company: ${tables.join(', ')}. Leave "tables" out to export everything.`,
    });
    this.name = 'UnknownTablesError';
  }
}
