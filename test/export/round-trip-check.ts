/**
 * The round-trip assertion shared by the PostgreSQL and MariaDB properties: what a user reads back
 * from the archive (csv-parse, exceljs) equals the rows written into the source.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { CsvProfile } from '../../src/archive/types.ts';
import {
  type ArchivePart,
  type CellValue,
  entry,
  parseCsvFile,
  readWorkbook,
  visibleContents,
} from '../support/archive-reader.ts';
import { type ColumnCase, type Sample, textCell } from './round-trip-values.ts';

export const TABLE = 'rt';
export const TENANT = 'acme';
/** Another tenant's rows carry these markers in their tenant id and label: they must never show up. */
export const CANARY_TENANT = 'zz-canary-tenant';
export const CANARY_LABEL = 'CANARY-7f3a';

export type GeneratedRow = (Sample | null)[];

/** The tenant's rows get even ids and the other tenant's odd ones: the export must filter, not cut off. */
export const tenantRowId = (index: number): number => 2 * (index + 1);
export const canaryRowId = (index: number): number => 2 * index + 1;

/** 1 to 6 rows of the tenant, 1 to 3 of another tenant, and the CSV profile of the run. */
export function roundTripInput(columns: ColumnCase[]) {
  const row = fc.tuple(...columns.map((c) => c.value));
  return fc.record({
    rows: fc.array(row, { minLength: 1, maxLength: 6 }),
    canaries: fc.array(row, { minLength: 1, maxLength: 3 }),
    profile: fc.constantFrom<CsvProfile>('excel', 'raw'),
  });
}

/** The INSERT parameters of one table row: id, tenant, label, then the generated values. */
export function rowParams(id: number, tenant: string, label: string, row: GeneratedRow): unknown[] {
  return [id, tenant, label, ...row.map((sample) => (sample === null ? null : sample.input))];
}

function checkText(where: string, actual: string | null, sample: Sample | null): void {
  if (sample === null) {
    expect(actual, `${where}: NULL is an empty unquoted field`).toBeNull();
    return;
  }
  expect(actual, `${where}: a value is never an empty unquoted field`).not.toBeNull();
  if (typeof sample.text === 'function') sample.text(actual ?? '');
  else expect(actual, where).toBe(sample.text);
}

function checkCell(where: string, actual: CellValue, sample: Sample | null): void {
  if (sample === null) {
    expect(actual, `${where}: NULL is an empty cell`).toBeNull();
    return;
  }
  if (typeof sample.cell === 'function') sample.cell(actual);
  else expect(actual, where).toEqual(sample.cell);
}

/**
 * Asserts the single part holds exactly `rows` (ids from {@link tenantRowId}, in id order) in CSV and XLSX, and that no
 * byte of any file (workbook XML included) carries the other tenant's markers.
 */
export async function assertRoundTrip(
  part: ArchivePart,
  columns: ColumnCase[],
  rows: GeneratedRow[],
  profile: CsvProfile,
): Promise<void> {
  const names = ['id', 'company_id', 'label', ...columns.map((c) => c.name)];
  const table = part.manifest.tables.find((t) => t.name === TABLE);
  expect(table?.rows).toBe(rows.length);
  expect(table?.columns.map((c) => c.name)).toEqual(names);
  expect(part.manifest.csvProfile).toBe(profile);

  const csv = parseCsvFile(entry(part, `csv/${TABLE}.csv`), {
    profile,
    types: ['integer', 'text', 'text', ...columns.map((c) => c.type)],
  });
  expect(csv.bom).toBe(profile === 'excel');
  expect(csv.header).toEqual(names);
  expect(csv.rows).toHaveLength(rows.length);

  const sheets = await readWorkbook(entry(part, `xlsx/${TABLE}.xlsx`), names.length);
  expect(sheets.map((s) => s.name)).toEqual([TABLE]);
  const [header, ...cells] = sheets[0]?.rows ?? [];
  expect(header).toEqual(names);
  expect(cells).toHaveLength(rows.length);

  rows.forEach((row, r) => {
    const id = tenantRowId(r);
    const csvRow = csv.rows[r] ?? [];
    const cellRow = cells[r] ?? [];
    expect(csvRow.slice(0, 3)).toEqual([String(id), TENANT, `row-${id}`]);
    expect(cellRow.slice(0, 3)).toEqual([id, TENANT, textCell(`row-${id}`)]);
    columns.forEach((column, c) => {
      const where = `row ${id} ${column.name} (${column.sqlType})`;
      checkText(`CSV ${where}`, csvRow[c + 3] ?? null, row[c] ?? null);
      checkCell(`XLSX ${where}`, cellRow[c + 3] ?? null, row[c] ?? null);
    });
  });

  for (const { path, bytes } of await visibleContents(part)) {
    expect(bytes.includes(CANARY_LABEL), `${path} holds another tenant's row`).toBe(false);
    expect(bytes.includes(CANARY_TENANT), `${path} names the other tenant`).toBe(false);
  }
}
