/** The job as clients see it: no lease owner, upload ids or object keys. */

import type { ExportFormat } from '../archive/types.ts';
import type { Job, JobError, JobProgress, JobStatus } from './types.ts';

export interface PublicPart {
  number: number;
  fileName: string;
  bytes: number;
  sha256: string;
  /** Relative URL of the download route for this part. */
  download: string;
}

export interface PublicJob {
  id: string;
  tenant: string;
  kind: 'export' | 'backup';
  status: JobStatus;
  formats: ExportFormat[];
  tables: string[] | null;
  requestedBy: string;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  progress: JobProgress & { percent: number | null };
  parts: PublicPart[];
  rows: number | null;
  expiresAt: string | null;
  archiveDeletedAt: string | null;
  error: JobError | null;
}

function percent(job: Job): number | null {
  if (job.status === 'succeeded') return 100;
  const { rowsDone, rowsEstimated, tablesDone, tablesTotal } = job.progress;
  // The engine's estimate already counts every row once per format it writes.
  if (rowsEstimated > 0) return Math.min(99, Math.floor((rowsDone / rowsEstimated) * 100));
  if (tablesTotal > 0) return Math.min(99, Math.floor((tablesDone / tablesTotal) * 100));
  return null;
}

/** Maps a stored job to its public representation. */
export function toPublicJob(job: Job): PublicJob {
  return {
    id: job.id,
    tenant: job.tenant,
    kind: job.kind,
    status: job.status,
    formats: job.formats,
    tables: job.tables,
    requestedBy: job.requestedBy,
    requestedAt: job.requestedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    attempts: job.attempts,
    progress: { ...job.progress, percent: percent(job) },
    parts: publicParts(job, `/v1/exports/${job.id}/download`),
    rows: job.rows,
    expiresAt: job.expiresAt,
    archiveDeletedAt: job.archiveDeletedAt,
    error: job.error,
  };
}

/** The parts a client may download: only those of a succeeded job, each with its download route. */
export function publicParts(job: Job, downloadPath: string): PublicPart[] {
  if (job.status !== 'succeeded') return [];
  return job.parts.map((p) => ({
    number: p.number,
    fileName: p.fileName,
    bytes: p.bytes,
    sha256: p.sha256,
    download: `${downloadPath}?part=${p.number}`,
  }));
}
