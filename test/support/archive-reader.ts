/**
 * Reading an exported archive back the way a user's tools would: yauzl for the zip, csv-parse for the
 * CSV files, exceljs for the XLSX workbooks. Nothing here calls the code under test (the encoders or
 * the archive writer): the end-to-end tests compare what these readers see with the source data.
 */
import { buffer } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import type { CsvProfile, Manifest } from '../../src/archive/types.ts';
import type { LogicalType } from '../../src/catalog/types.ts';

/** Every entry of a zip file (path or bytes), by path, uncompressed. Directory entries are skipped. */
export async function readZipEntries(zip: string | Buffer): Promise<Map<string, Buffer>> {
  const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true };
  const file =
    typeof zip === 'string'
      ? await yauzl.openPromise(zip, options)
      : await yauzl.fromBufferPromise(zip, options);
  const entries = new Map<string, Buffer>();
  try {
    for await (const entry of file.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      entries.set(entry.fileName, await buffer(await file.openReadStreamPromise(entry)));
    }
  } finally {
    file.close();
  }
  return entries;
}

/** One archive part, read whole: its entries and its parsed manifest. */
export interface ArchivePart {
  path: string;
  entries: Map<string, Buffer>;
  manifest: Manifest;
}

/** Reads one archive part (a .zip file written by an export). */
export async function readArchive(path: string): Promise<ArchivePart> {
  const entries = await readZipEntries(path);
  const manifest = entries.get('manifest.json');
  if (!manifest) throw new Error(`${path}: no manifest.json`);
  return { path, entries, manifest: JSON.parse(manifest.toString('utf8')) as Manifest };
}

/** The bytes of one entry; fails the test with the entry's name when it is missing. */
export function entry(part: ArchivePart, path: string): Buffer {
  const bytes = part.entries.get(path);
  if (!bytes) throw new Error(`${part.path}: no entry ${path} (has ${[...part.entries.keys()].join(', ')})`);
  return bytes;
}

// --- CSV -------------------------------------------------------------------------------------------

export interface CsvFile {
  /** The file started with a UTF-8 byte order mark. */
  bom: boolean;
  header: string[];
  /** Data rows; `null` is an empty unquoted field (SQL NULL), `''` a quoted empty field. */
  rows: (string | null)[][];
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** The excel profile's guarded values: one or more apostrophes, then a formula trigger. */
const GUARDED = /^'+[=+\-@\t\r\n]/;

/**
 * Parses an exported CSV file with csv-parse. With `profile: 'excel'` and the columns' logical types,
 * the apostrophe the excel profile puts before a formula-like text value is taken off again (the
 * documented rule: a text value matching `^'+[=+-@ TAB CR LF]` loses one leading apostrophe).
 */
export function parseCsvFile(
  bytes: Buffer,
  options: { profile?: CsvProfile; types?: readonly LogicalType[] } = {},
): CsvFile {
  const bom = bytes.subarray(0, 3).equals(BOM);
  const records = parse(bytes.subarray(bom ? 3 : 0), {
    // Keep NULL (an empty unquoted field) apart from the empty string (a quoted empty field).
    cast: (value, context) => (value === '' && !context.quoting && !context.header ? null : value),
    relax_column_count: false,
  }) as (string | null)[][];
  const [header = [], ...rows] = records;
  const unguard = options.profile === 'excel' && options.types ? options.types : undefined;
  if (unguard) {
    for (const row of rows) {
      row.forEach((value, i) => {
        if (unguard[i] === 'text' && value !== null && GUARDED.test(value)) row[i] = value.slice(1);
      });
    }
  }
  return { bom, header: header.map((h) => h ?? ''), rows };
}

/** The CSV bytes of one table across parts: every chunk file in chunk order (headers included). */
export function csvChunks(parts: ArchivePart[], table: string): Buffer[] {
  return filesOf(parts, table, 'csv').map(({ part, path }) => entry(part, path));
}

/** The parts' files of one table and format, in chunk order. */
export function filesOf(
  parts: ArchivePart[],
  table: string,
  format: 'csv' | 'xlsx',
): { part: ArchivePart; path: string; rows: number; chunk: number }[] {
  return parts
    .flatMap((part) =>
      part.manifest.files
        .filter((f) => f.table === table && f.format === format)
        .map((f) => ({ part, path: f.path, rows: f.rows, chunk: f.chunk })),
    )
    .sort((a, b) => a.chunk - b.chunk);
}

// --- XLSX ------------------------------------------------------------------------------------------

export type CellValue = string | number | boolean | Date | null;

export interface Sheet {
  name: string;
  /** Every row including the header, `width` values each (null for an empty cell). */
  rows: CellValue[][];
}

/** SpreadsheetML's `_xHHHH_` escape, decoded as Excel decodes it (exceljs leaves it in the text). */
export function decodeXEscapes(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

function plainCell(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return decodeXEscapes(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object' && 'richText' in value)
    return decodeXEscapes(value.richText.map((r) => r.text).join(''));
  throw new Error(`unexpected cell value ${JSON.stringify(value)}`);
}

/** Reads a workbook with exceljs: every sheet, every row, `width` cells per row. */
export async function readWorkbook(bytes: Buffer, width: number): Promise<Sheet[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets.map((sheet) => {
    const rows: CellValue[][] = [];
    for (let r = 1; r <= sheet.rowCount; r += 1) {
      const row = sheet.getRow(r);
      rows.push(Array.from({ length: width }, (_, i) => plainCell(row.getCell(i + 1).value)));
    }
    return { name: sheet.name, rows };
  });
}

// --- scanning --------------------------------------------------------------------------------------

/**
 * Every byte a user could see in an archive part: each entry's bytes, and for a workbook (itself a
 * zip, its XML deflated) the bytes of each of its own entries as well.
 */
export async function visibleContents(part: ArchivePart): Promise<{ path: string; bytes: Buffer }[]> {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const [path, bytes] of part.entries) {
    out.push({ path, bytes });
    if (path.endsWith('.xlsx')) {
      for (const [inner, innerBytes] of await readZipEntries(bytes))
        out.push({ path: `${path}!${inner}`, bytes: innerBytes });
    }
  }
  return out;
}
