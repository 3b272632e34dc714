import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../src/archive/manifest.ts';
import { renderReadme } from '../../src/archive/readme.ts';
import { renderSchemaSql } from '../../src/archive/schema-sql.ts';
import type { Manifest } from '../../src/archive/types.ts';
import type { CatalogTable } from '../../src/catalog/types.ts';
import { catalog, projectsTable, tasksTable } from './fixtures.ts';

function manifest(overrides: Partial<Parameters<typeof buildManifest>[0]> = {}): Manifest {
  return buildManifest({
    tenant: 'acme',
    jobId: '01JZ0000000000000000000000',
    createdAt: '2025-06-30T12:00:05.000Z',
    snapshotTakenAt: '2025-06-30T12:00:00.000000Z',
    generatorVersion: '0.1.0',
    catalog,
    tables: [
      { table: projectsTable, rows: 1234 },
      { table: tasksTable, rows: 5 },
    ],
    formats: ['csv', 'xlsx'],
    csvProfile: 'excel',
    part: { number: 1, fileName: 'handover-acme-20250630T120000Z.zip', isLast: true },
    deadline: null,
    files: [
      {
        path: 'csv/projects.csv',
        bytes: 52_345,
        sha256: 'a'.repeat(64),
        format: 'csv',
        table: 'projects',
        rows: 1234,
        chunk: 1,
      },
    ],
    warnings: [
      {
        code: 'cell-truncated',
        table: 'tasks',
        column: 'title',
        message: 'tasks.title: sheet tasks row 4 was cut from 40,000 to 32,767 characters in the XLSX file',
      },
    ],
    ...overrides,
  });
}

const lines = (text: string) => text.split('\n').map((l) => l.trimEnd());
const prose = (text: string) => text.replace(/\s+/g, ' ');

describe('README.txt', () => {
  it('says whose data it is, from which snapshot, and that this single part is the whole export', () => {
    const text = renderReadme(manifest());

    expect(lines(text)[0]).toBe('handover export of tenant acme');
    expect(text).toContain('2025-06-30T12:00:00.000000Z (UTC)');
    expect(text).toContain('This is the only part: the whole export is in this file.');
    expect(text).not.toContain('DOWNLOAD DEADLINE');
  });

  it('tells a part that more parts follow, and the last part how many there are', () => {
    const first = renderReadme(manifest({ part: { number: 1, fileName: 'x-part-01.zip', isLast: false } }));
    const last = renderReadme(manifest({ part: { number: 3, fileName: 'x-part-03.zip', isLast: true } }));

    expect(first).toMatch(/This is part 1 of an export split into several parts/);
    expect(first).toMatch(/More parts follow this one/);
    expect(first).not.toContain('TABLES IN THE WHOLE EXPORT');
    expect(last).toMatch(/This is part 3, the LAST part: the export has 3 parts in all\./);
    expect(last).toContain('TABLES IN THE WHOLE EXPORT (all 3 parts)');
  });

  it('lists the files of the part with their row counts and the totals per table', () => {
    const text = lines(renderReadme(manifest()));

    expect(text).toContainEqual(
      expect.stringMatching(/^ {2}csv\/projects\.csv +1,234 +51\.1 KiB +projects$/),
    );
    expect(text).toContainEqual(
      expect.stringMatching(/^ {2}tasks +5 +via tasks\.project_id -> projects\.company_id$/),
    );
    expect(text).toContain('  2 tables, 1,239 rows in all.');
  });

  it('explains how to open CSV and XLSX files, including the apostrophe rule of the excel profile', () => {
    // Prose is word-wrapped: compare it with line breaks folded into spaces.
    const excel = prose(renderReadme(manifest()));
    const raw = prose(renderReadme(manifest({ csvProfile: 'raw', formats: ['csv'] })));

    expect(excel).toContain('OPENING THE CSV FILES');
    expect(excel).toMatch(/65001: Unicode \(UTF-8\)/);
    expect(excel).toMatch(/LibreOffice Calc/);
    expect(excel).toMatch(/leading apostrophe \('\)/);
    expect(excel).toContain('OPENING THE XLSX FILES');
    expect(excel).toMatch(/1,048,575 rows continues on further sheets/);
    expect(raw).toMatch(/Profile "raw": every value is written exactly as stored/);
    expect(raw).not.toContain('OPENING THE XLSX FILES');
  });

  it('says how NULL, empty strings, binary data and timestamps are written', () => {
    const text = lines(renderReadme(manifest()));

    expect(text).toContain('  NULL (no value)  empty field; empty string is ""');
    expect(text).toContainEqual(expect.stringMatching(/^ {2}Binary data +base64/));
    expect(text).toContainEqual(expect.stringMatching(/^ {2}Dates and times +ISO 8601/));
  });

  it('lists what was not exported and why, and the warnings', () => {
    const text = renderReadme(manifest());

    expect(text).toContain('    - projects.api_token: secret (default rule: *_token)');
    expect(text).toContain('    - public.sessions (excluded): framework table (default exclusion)');
    expect(text).toMatch(/- public\.audit_blobs \(no link to the tenant\): no foreign-key path/);
    expect(text).toMatch(/WARNINGS\n-+\n {2}- tasks\.title: sheet tasks row 4 was cut/);
  });

  it('shows the download deadline when the subscription has ended', () => {
    const text = renderReadme(manifest({ deadline: '2025-07-30T12:00:00.000Z' }));

    expect(text).toMatch(
      /DOWNLOAD DEADLINE\n-+\n {2}The subscription has ended\. This export can be downloaded until\n {2}2025-07-30T12:00:00\.000Z \(UTC\)/,
    );
  });

  it('says how to check the archive with handover verify', () => {
    const text = renderReadme(
      manifest({ part: { number: 2, fileName: 'handover-acme-x-part-02.zip', isLast: false } }),
    );

    expect(text).toContain('      npx handover verify handover-acme-x-part-02.zip');
    expect(text).toContain('      npx handover verify handover-acme-x*.zip');
  });

  it('keeps lines short enough for a terminal or Notepad', () => {
    const text = renderReadme(manifest({ deadline: '2025-07-30T12:00:00.000Z' }));

    expect(Math.max(...lines(text).map((l) => l.length))).toBeLessThanOrEqual(80);
  });
});

describe('schema.sql', () => {
  it('declares each table with portable types, NOT NULL and its primary key', () => {
    const sql = lines(renderSchemaSql([projectsTable, tasksTable], 'postgres'));

    expect(sql).toContain('CREATE TABLE "projects" (');
    expect(sql).toContain('  "id" BIGINT NOT NULL, -- bigint');
    expect(sql).toContain('  "name" VARCHAR(200) NOT NULL, -- character varying(200)');
    expect(sql).toContain('  "budget" NUMERIC(12,2), -- numeric(12,2)');
    expect(sql).toContain('  PRIMARY KEY ("id")');
    expect(sql).toContain('  "id" CHAR(36) NOT NULL, -- uuid');
    expect(sql).toContain('  "done_at" TIMESTAMP WITH TIME ZONE, -- timestamp with time zone');
    expect(sql).toContain('  "payload" BLOB, -- bytea; base64 in CSV');
  });

  it('marks generated columns, lists excluded columns and says how rows were scoped', () => {
    const sql = lines(renderSchemaSql([projectsTable], 'postgres'));

    expect(sql).toContain(
      '  "name_lower" TEXT, -- text; generated column in the source; exported as a value',
    );
    expect(sql).toContain('-- not exported: column api_token: secret (default rule: *_token)');
    expect(sql).toContain('-- public.projects: company_id = tenant');
  });

  it('maps MySQL types and keeps a primary key out when part of it is not exported', () => {
    const table: CatalogTable = {
      ...projectsTable,
      schema: 'app',
      name: 'line_items',
      columns: [
        {
          name: 'invoice_id',
          type: 'bigint',
          sourceType: 'bigint unsigned',
          nullable: false,
          generated: false,
        },
        { name: 'qty', type: 'integer', sourceType: 'int unsigned', nullable: false, generated: false },
        { name: 'code', type: 'text', sourceType: "enum('a','b')", nullable: true, generated: false },
        { name: 'paid', type: 'boolean', sourceType: 'tinyint(1)', nullable: true, generated: false },
        { name: 'meta', type: 'json', sourceType: 'json', nullable: true, generated: false },
      ],
      excludedColumns: [{ name: 'secret_id', reason: 'configured exclusion' }],
      primaryKey: ['invoice_id', 'secret_id'],
    };

    const sql = lines(renderSchemaSql([table], 'mysql'));

    expect(sql[1]).toContain('source dialect: mysql');
    expect(sql).toContain('  "invoice_id" NUMERIC(20) NOT NULL, -- bigint unsigned');
    expect(sql).toContain('  "qty" BIGINT NOT NULL, -- int unsigned');
    expect(sql).toContain("  \"code\" TEXT, -- enum('a','b')");
    expect(sql).toContain('  "meta" JSON -- json');
    expect(sql).toContain('-- primary key (invoice_id, secret_id) not declared: part of it is not exported');
    expect(sql.some((l) => l.includes('PRIMARY KEY'))).toBe(false);
  });

  it('quotes odd identifiers and keeps line breaks in names out of comments', () => {
    const table: CatalogTable = {
      ...projectsTable,
      name: 'we"ird\nname',
      scopeDescription: 'company_id = tenant\nDROP TABLE x;',
      columns: [{ name: 'order', type: 'text', sourceType: 'text', nullable: true, generated: false }],
      excludedColumns: [],
      primaryKey: [],
    };

    const sql = renderSchemaSql([table], 'postgres');

    expect(sql).toContain('CREATE TABLE "we""ird\nname" (');
    expect(sql).toContain('  "order" TEXT -- text');
    expect(lines(sql)).toContain('-- public.we"ird name: company_id = tenant DROP TABLE x;');
    expect(lines(sql)).toContain('-- no primary key in the source');
  });
});
