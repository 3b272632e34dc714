/**
 * Part split end to end, on PostgreSQL (CSV through COPY) and MariaDB (CSV encoded from rows): with a
 * tiny part size, an export becomes several self-contained zip files. Each one passes `unzip -t` and
 * `verifyArchive` on its own, all of them pass `verifyArchives` together, the row totals equal the
 * source, and the CSV chunks put back together are byte for byte the single-part export's CSV.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive, verifyArchives } from '../../src/archive/verify.ts';
import type { Catalog, Dialect } from '../../src/catalog/types.ts';
import { openSource } from '../../src/sources/open-source.ts';
import type { SourceDatabase } from '../../src/sources/types.ts';
import { csvChunks, entry, filesOf, parseCsvFile, readWorkbook } from '../support/archive-reader.ts';
import {
  createMysqlDatabase,
  createPostgresDatabase,
  runMysql,
  runPostgres,
  type TestDatabase,
} from '../support/databases.ts';
import { catalogOf, type ExportedArchive, exportInto, tempDir } from './export-harness.ts';

const run = promisify(execFile);

const ROWS = 7000;
/**
 * Parts overshoot this by far: the zip pipeline holds around a MiB of data that the part's size does not
 * show yet (reported to the lead), so `events` needs several MiB to be cut more than once.
 */
const PART_BYTES = 64 * 1024;

/** 384 pseudo-random bytes per row (24 distinct MD5s), as SQL text building them as one hex string. */
const HEX_PG = Array.from({ length: 24 }, (_, k) => `md5(g || '-${k}')`).join(' || ');
const HEX_MY = `CONCAT(${Array.from({ length: 24 }, (_, k) => `MD5(CONCAT(g, '-${k}'))`).join(', ')})`;

/**
 * `events`: base64 payloads of pseudo-random bytes (they hardly compress), with line breaks inside (the
 * base64 functions break lines every 76 characters) and every 7th one with quotes too: a part
 * boundary must never cut such a row. Every 5th row belongs to another tenant. `notes`: a small second
 * table, so parts hold more than one table.
 */
const SETUP: Record<Dialect, { create: (prefix: string) => Promise<TestDatabase>; sql: string[] }> = {
  postgres: {
    create: createPostgresDatabase,
    sql: [
      `CREATE TABLE events (id integer PRIMARY KEY, company_id text NOT NULL, payload text NOT NULL, amount numeric(14,4))`,
      `INSERT INTO events SELECT g, CASE WHEN g % 5 = 0 THEN 'other' ELSE 'acme' END,
         CASE WHEN g % 7 = 0 THEN '"quoted", ' ELSE '' END || encode(decode(${HEX_PG}, 'hex'), 'base64'),
         (g * 1.0001)::numeric(14,4)
       FROM generate_series(1, ${ROWS}) g`,
      `CREATE TABLE notes (id integer PRIMARY KEY, company_id text NOT NULL, body text)`,
      `INSERT INTO notes SELECT g, CASE WHEN g % 2 = 0 THEN 'other' ELSE 'acme' END, '=note ' || md5(g::text)
       FROM generate_series(1, 300) g`,
    ],
  },
  mysql: {
    create: createMysqlDatabase,
    sql: [
      `CREATE TABLE events (id integer PRIMARY KEY, company_id varchar(20) NOT NULL, payload text NOT NULL, amount decimal(14,4))`,
      `SET SESSION max_recursive_iterations = 100000;
       INSERT INTO events
       WITH RECURSIVE seq (g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < ${ROWS})
       SELECT g, CASE WHEN g % 5 = 0 THEN 'other' ELSE 'acme' END,
         CONCAT(CASE WHEN g % 7 = 0 THEN '"quoted", ' ELSE '' END, TO_BASE64(UNHEX(${HEX_MY}))),
         g * 1.0001
       FROM seq`,
      `CREATE TABLE notes (id integer PRIMARY KEY, company_id varchar(20) NOT NULL, body text)`,
      `SET SESSION max_recursive_iterations = 100000;
       INSERT INTO notes
       WITH RECURSIVE seq (g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < 300)
       SELECT g, CASE WHEN g % 2 = 0 THEN 'other' ELSE 'acme' END, CONCAT('=note ', MD5(g)) FROM seq`,
    ],
  },
};

const EXPECTED_ROWS = { events: ROWS - ROWS / 5, notes: 150 };

/** The CSV file a single-part export would hold, rebuilt from chunks: each chunk after the first loses its header. */
function joinChunks(chunks: Buffer[]): Buffer {
  return Buffer.concat(chunks.map((chunk, i) => (i === 0 ? chunk : chunk.subarray(chunk.indexOf(0x0a) + 1))));
}

describe.each(['postgres', 'mysql'] as const)('part split on %s', (dialect) => {
  let db: TestDatabase;
  let source: SourceDatabase;
  let catalog: Catalog;
  let out: Awaited<ReturnType<typeof tempDir>>;
  let split: ExportedArchive;
  let whole: ExportedArchive;

  beforeAll(async () => {
    db = await SETUP[dialect].create(`handover_parts_${dialect.slice(0, 2)}`);
    for (const sql of SETUP[dialect].sql) {
      if (dialect === 'postgres') await runPostgres(db.url, sql);
      else await runMysql(db.url, sql);
    }
    source = openSource(db.url);
    catalog = await catalogOf(source);
    out = await tempDir(`parts-${dialect}`);
    const common = {
      source,
      catalog,
      tenant: 'acme',
      formats: ['csv', 'xlsx'] as ('csv' | 'xlsx')[],
      csvProfile: 'excel' as const,
    };
    split = await exportInto(out.dir, { ...common, fileStem: 'split', maxPartBytes: PART_BYTES });
    whole = await exportInto(out.dir, { ...common, fileStem: 'whole' });
  });

  afterAll(async () => {
    await source?.close();
    await db?.drop();
    await out?.cleanup();
  });

  it('writes several parts, each a valid zip that verifies on its own', async () => {
    expect(split.paths.length).toBeGreaterThanOrEqual(3);
    expect(split.paths.map((p) => p.slice(p.lastIndexOf('/') + 1))).toEqual(
      split.paths.map((_, i) => (i === 0 ? 'split.zip' : `split-part-${String(i + 1).padStart(2, '0')}.zip`)),
    );
    expect(whole.paths).toHaveLength(1);
    for (const path of split.paths) {
      const unzip = await run('unzip', ['-tq', path]);
      expect(unzip.stdout).toMatch(/No errors detected/);
      const report = await verifyArchive(path);
      expect(report.archives[0]?.problems, path).toEqual([]);
      expect(report.ok, path).toBe(true);
    }
    split.parts.forEach((part, i) => {
      expect(part.manifest.part).toMatchObject({ number: i + 1, isLast: i === split.parts.length - 1 });
      expect(part.entries.has('README.txt') && part.entries.has('schema.sql')).toBe(true);
    });
  });

  it('verifies as one complete export with the source’s row totals', async () => {
    const report = await verifyArchives(split.paths);
    expect(report.exports.map((e) => [e.complete, e.problems])).toEqual([[true, []]]);
    expect(report.ok).toBe(true);
    const last = split.parts.at(-1)?.manifest;
    expect(Object.fromEntries((last?.tables ?? []).map((t) => [t.name, t.rows]))).toEqual(EXPECTED_ROWS);
    for (const [table, rows] of Object.entries(EXPECTED_ROWS)) {
      for (const format of ['csv', 'xlsx'] as const) {
        const files = filesOf(split.parts, table, format);
        expect(
          files.reduce((sum, f) => sum + f.rows, 0),
          `${table} ${format}`,
        ).toBe(rows);
      }
    }
    // A table really was cut across parts, in both formats.
    expect(filesOf(split.parts, 'events', 'csv').length).toBeGreaterThan(1);
    expect(new Set(filesOf(split.parts, 'events', 'csv').map((f) => f.part.path)).size).toBeGreaterThan(1);
  });

  it('puts back together, chunk by chunk, the same CSV bytes as the single-part export', () => {
    const [single] = whole.parts;
    if (!single) expect.unreachable();
    for (const table of Object.keys(EXPECTED_ROWS)) {
      const chunks = csvChunks(split.parts, table);
      // Every chunk is a CSV file of its own: BOM, header, whole rows.
      for (const chunk of chunks) {
        const parsed = parseCsvFile(chunk, {
          profile: 'excel',
          types: ['integer', 'text', 'text', 'decimal'],
        });
        expect(parsed.bom).toBe(true);
        expect(parsed.header[0]).toBe('id');
      }
      expect(joinChunks(chunks).equals(entry(single, `csv/${table}.csv`)), table).toBe(true);
    }
  });

  it('splits the workbooks too: every chunk opens in exceljs with its header and whole rows', async () => {
    const files = filesOf(split.parts, 'events', 'xlsx');
    expect(files.length).toBeGreaterThan(1);
    const ids: unknown[] = [];
    for (const file of files) {
      const [sheet, ...more] = await readWorkbook(entry(file.part, file.path), 4);
      expect(more).toEqual([]);
      expect(sheet?.rows[0]).toEqual(['id', 'company_id', 'payload', 'amount']);
      ids.push(...(sheet?.rows.slice(1).map((r) => r[0]) ?? []));
    }
    const expected = Array.from({ length: ROWS }, (_, i) => i + 1).filter((id) => id % 5 !== 0);
    expect(ids).toEqual(expected);
  });
});
