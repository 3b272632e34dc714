/**
 * Excel's limits end to end, on PostgreSQL and MariaDB: a table longer than `maxRowsPerSheet`
 * continues on further sheets (each with the header row), and text longer than a cell can hold is
 * cut in the workbook with a `cell-truncated` warning in the manifest, while the CSV keeps it whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/catalog/types.ts';
import { openSource } from '../../src/sources/open-source.ts';
import type { SourceDatabase } from '../../src/sources/types.ts';
import { entry, parseCsvFile, readWorkbook } from '../support/archive-reader.ts';
import {
  createMysqlDatabase,
  createPostgresDatabase,
  runMysql,
  runPostgres,
  type TestDatabase,
} from '../support/databases.ts';
import { catalogOf, type ExportedArchive, exportInto, tempDir } from './export-harness.ts';

const EXCEL_CELL_LIMIT = 32_767;
/** 40,000 characters. */
const LONG_PLAIN = 'L'.repeat(40_000);
/** 40,000 UTF-16 units with an emoji (a surrogate pair) across the cell limit: the cut must not split it. */
const LONG_EMOJI = `${'x'.repeat(EXCEL_CELL_LIMIT - 1)}😀${'y'.repeat(40_000 - EXCEL_CELL_LIMIT - 1)}`;

const SETUP: Record<Dialect, { create: (prefix: string) => Promise<TestDatabase>; sql: string }> = {
  postgres: {
    create: createPostgresDatabase,
    sql: `CREATE TABLE notes (id integer PRIMARY KEY, company_id text NOT NULL, body text, amount numeric(10,2));
          INSERT INTO notes SELECT g, 'acme', 'note ' || g, g * 1.5 FROM generate_series(1, 20) g;
          INSERT INTO notes SELECT 100 + g, 'other', 'other ' || g, 0 FROM generate_series(1, 5) g;`,
  },
  mysql: {
    create: createMysqlDatabase,
    sql: `CREATE TABLE notes (id integer PRIMARY KEY, company_id varchar(20) NOT NULL, body longtext, amount decimal(10,2));
          INSERT INTO notes
            WITH RECURSIVE seq (g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < 20)
            SELECT g, 'acme', CONCAT('note ', g), g * 1.5 FROM seq;
          INSERT INTO notes
            WITH RECURSIVE seq (g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < 5)
            SELECT 100 + g, 'other', CONCAT('other ', g), 0 FROM seq;`,
  },
};

describe.each(['postgres', 'mysql'] as const)('Excel limits on %s', (dialect) => {
  let db: TestDatabase;
  let source: SourceDatabase;
  let out: Awaited<ReturnType<typeof tempDir>>;
  let exported: ExportedArchive;

  beforeAll(async () => {
    db = await SETUP[dialect].create(`handover_xlsx_${dialect.slice(0, 2)}`);
    const run = dialect === 'postgres' ? runPostgres : runMysql;
    await run(db.url, SETUP[dialect].sql);
    const param = dialect === 'postgres' ? '$1' : '?';
    await run(db.url, `UPDATE notes SET body = ${param} WHERE id = 3`, [LONG_PLAIN]);
    await run(db.url, `UPDATE notes SET body = ${param} WHERE id = 12`, [LONG_EMOJI]);
    source = openSource(db.url);
    out = await tempDir(`xlsx-${dialect}`);
    exported = await exportInto(out.dir, {
      source,
      catalog: await catalogOf(source),
      tenant: 'acme',
      formats: ['csv', 'xlsx'],
      csvProfile: 'raw',
      maxRowsPerSheet: 7,
    });
  });

  afterAll(async () => {
    await source?.close();
    await db?.drop();
    await out?.cleanup();
  });

  it('continues a 20-row table on three sheets of at most 7 rows, each with the header', async () => {
    const [part] = exported.parts;
    if (!part) expect.unreachable();
    const sheets = await readWorkbook(entry(part, 'xlsx/notes.xlsx'), 4);
    expect(sheets.map((s) => s.name)).toEqual(['notes', 'notes (2)', 'notes (3)']);
    expect(sheets.map((s) => s.rows.length - 1)).toEqual([7, 7, 6]);
    for (const sheet of sheets) expect(sheet.rows[0]).toEqual(['id', 'company_id', 'body', 'amount']);
    const ids = sheets.flatMap((s) => s.rows.slice(1).map((r) => r[0]));
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(sheets[2]?.rows.at(-1)).toEqual([20, 'acme', 'note 20', 30]);
    const file = part.manifest.files.find((f) => f.path === 'xlsx/notes.xlsx');
    expect(file).toMatchObject({ rows: 20, sheets: ['notes', 'notes (2)', 'notes (3)'] });
  });

  it('cuts text longer than a cell holds in the workbook, says so in the manifest, keeps it whole in the CSV', async () => {
    const [part] = exported.parts;
    if (!part) expect.unreachable();
    const sheets = await readWorkbook(entry(part, 'xlsx/notes.xlsx'), 4);
    const cell = (id: number) => sheets.flatMap((s) => s.rows).find((r) => r[0] === id)?.[2];
    expect(cell(3)).toBe(LONG_PLAIN.slice(0, EXCEL_CELL_LIMIT));
    // The emoji would straddle the limit: the cut stops before it rather than leave half a character.
    expect(cell(12)).toBe('x'.repeat(EXCEL_CELL_LIMIT - 1));

    const warnings = part.manifest.warnings.filter((w) => w.code === 'cell-truncated');
    expect(warnings).toHaveLength(2);
    for (const warning of warnings) expect(warning).toMatchObject({ table: 'notes', column: 'body' });
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/40,?000/);
    expect(entry(part, 'README.txt').toString('utf8')).toContain('notes.body');

    const csv = parseCsvFile(entry(part, 'csv/notes.csv'));
    const body = (id: number) => csv.rows.find((r) => r[0] === String(id))?.[2];
    expect(body(3)).toBe(LONG_PLAIN);
    expect(body(12)).toBe(LONG_EMOJI);
    expect(csv.rows).toHaveLength(20);
  });
});

describe('more cut cells than the manifest details', () => {
  it('still counts every cut cell in the manifest when over a thousand were cut', async () => {
    // prepare: 1,003 cells one character over Excel's limit
    const db = await createPostgresDatabase('handover_xlsx_many');
    const out = await tempDir('xlsx-many');
    const source = openSource(db.url);
    try {
      await runPostgres(
        db.url,
        `CREATE TABLE notes (id integer PRIMARY KEY, company_id text NOT NULL, body text);
         INSERT INTO notes SELECT g, 'acme', repeat('z', ${EXCEL_CELL_LIMIT + 1}) FROM generate_series(1, 1003) g;`,
      );

      // act
      const { parts } = await exportInto(out.dir, {
        source,
        catalog: await catalogOf(source),
        tenant: 'acme',
        formats: ['xlsx'],
        csvProfile: 'raw',
      });

      // assess: the first thousand in detail, the rest counted, nothing unmentioned
      const warnings = parts.flatMap((p) => p.manifest.warnings).filter((w) => w.code === 'cell-truncated');
      expect(warnings.filter((w) => w.column === 'body')).toHaveLength(1000);
      const summary = warnings.filter((w) => w.column === undefined);
      expect(summary).toHaveLength(1);
      expect(summary[0]?.message).toMatch(/3 more cells were cut .*\(1,003 in all\)/);
    } finally {
      await source.close();
      await db.drop();
      await out.cleanup();
    }
  });
});
