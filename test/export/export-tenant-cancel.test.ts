/**
 * Cancelling an export: the AbortSignal stops it with ExportError `cancelled`, and the open part is
 * aborted, so nothing that looks like an archive (and no `.partial` temp file) stays in the directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectorySink } from '../../src/archive/local-sink.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import { ExportError } from '../../src/export/errors.ts';
import { exportTenant } from '../../src/export/export-tenant.ts';
import type { ExportProgress } from '../../src/export/types.ts';
import { openSource } from '../../src/sources/open-source.ts';
import type { Snapshot, SourceDatabase } from '../../src/sources/types.ts';
import { createPostgresDatabase, runPostgres, type TestDatabase } from '../support/databases.ts';
import { catalogOf, filesIn, tempDir } from './export-harness.ts';

let db: TestDatabase;
let source: SourceDatabase;
let catalog: Catalog;

beforeAll(async () => {
  db = await createPostgresDatabase('handover_cancel');
  await runPostgres(
    db.url,
    `CREATE TABLE a_events (id integer PRIMARY KEY, company_id text NOT NULL, payload text NOT NULL);
     INSERT INTO a_events SELECT g, 'acme', repeat(md5(g::text), 8) FROM generate_series(1, 6000) g;
     CREATE TABLE b_notes (id integer PRIMARY KEY, company_id text NOT NULL, body text);
     INSERT INTO b_notes SELECT g, 'acme', md5(g::text) FROM generate_series(1, 50) g;`,
  );
  source = openSource(db.url);
  catalog = await catalogOf(source);
});

afterAll(async () => {
  await source?.close();
  await db?.drop();
});

/** The source, except that every row stream of a snapshot fails after its first batch (a dropped connection). */
function failingMidStream(inner: SourceDatabase): SourceDatabase {
  return {
    dialect: inner.dialect,
    query: (statement) => inner.query(statement),
    close: () => inner.close(),
    async openSnapshot(): Promise<Snapshot> {
      const snapshot = await inner.openSnapshot();
      return {
        takenAt: snapshot.takenAt,
        async *streamRows(statement, options) {
          let batches = 0;
          for await (const batch of snapshot.streamRows(statement, options)) {
            // The counts come first, one row each: only the table reads fail.
            if (batch.length > 1 && ++batches > 1) throw new Error('connection to the source was lost');
            yield batch;
          }
        },
        close: () => snapshot.close(),
      };
    },
  };
}

/** Runs an export that aborts itself once `when` says so; returns what it threw. */
async function cancelledExport(
  dir: string,
  when: (progress: ExportProgress) => boolean,
  maxPartBytes = 1024 * 1024 * 1024,
): Promise<unknown> {
  const controller = new AbortController();
  try {
    await exportTenant({
      source,
      catalog,
      tenant: 'acme',
      formats: ['csv', 'xlsx'],
      csvProfile: 'excel',
      sink: createDirectorySink(dir),
      fileStem: 'cancelled',
      maxPartBytes,
      signal: controller.signal,
      onProgress: (progress) => {
        if (when(progress)) controller.abort();
      },
    });
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('cancelling an export', () => {
  it('stops in the middle of a table with ExportError cancelled and leaves no file behind', async () => {
    const out = await tempDir('cancel');
    try {
      // act
      const error = await cancelledExport(out.dir, (p) => p.rowsDone > 0 && p.currentTable === 'a_events');

      // assess
      expect(error).toBeInstanceOf(ExportError);
      expect((error as ExportError).code).toBe('cancelled');
      expect(await filesIn(out.dir)).toEqual([]);
    } finally {
      await out.cleanup();
    }
  });

  it('stops while writing a workbook and leaves no file behind', async () => {
    const out = await tempDir('cancel-xlsx');
    try {
      const csvRows = 6000;
      const error = await cancelledExport(out.dir, (p) => p.rowsDone > csvRows);
      expect((error as ExportError).code).toBe('cancelled');
      expect(await filesIn(out.dir)).toEqual([]);
    } finally {
      await out.cleanup();
    }
  });

  it('stops at the first check when aborted before any row was read', async () => {
    const out = await tempDir('cancel-early');
    try {
      const error = await cancelledExport(out.dir, () => true);
      expect((error as ExportError).code).toBe('cancelled');
      expect(await filesIn(out.dir)).toEqual([]);
    } finally {
      await out.cleanup();
    }
  });

  it('aborts the open part of a multi-part export: no temp file stays, only parts already committed', async () => {
    const out = await tempDir('cancel-parts');
    try {
      // act: cancel once the first part has been committed
      const error = await cancelledExport(out.dir, (p) => p.partsDone >= 1, 64 * 1024);

      // assess
      expect((error as ExportError).code).toBe('cancelled');
      const files = await filesIn(out.dir);
      expect(files.filter((f) => f.endsWith('.partial'))).toEqual([]);
      // The engine commits part by part: earlier parts are complete zips the caller must remove
      // (the job runner deletes them; the CLI too, see test/cli).
      expect(files).toEqual(['cancelled.zip']);
    } finally {
      await out.cleanup();
    }
  });

  it('fails cleanly when the source drops in the middle of a workbook: the error surfaces, no file stays', async () => {
    const out = await tempDir('fail-xlsx');
    try {
      // act: no COPY on this wrapper, so CSV and XLSX both read rows; a_events fails after one batch
      const attempt = exportTenant({
        source: failingMidStream(source),
        catalog,
        tenant: 'acme',
        formats: ['xlsx'],
        csvProfile: 'excel',
        sink: createDirectorySink(out.dir),
        fileStem: 'failed',
        maxPartBytes: 1024 * 1024 * 1024,
      });

      // assess
      await expect(attempt).rejects.toThrow('connection to the source was lost');
      expect(await filesIn(out.dir)).toEqual([]);
    } finally {
      await out.cleanup();
    }
  });
});
