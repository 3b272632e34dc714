/**
 * Reading .xlsx files back with exceljs (the oracle of the XLSX tests), both ways exceljs offers:
 * the whole-file reader and the streaming WorkbookReader.
 */
import type { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import ExcelJS from 'exceljs';
import type { CatalogColumn } from '../../src/catalog/types.ts';
import type { XlsxResult, XlsxWriterOptions } from '../../src/encode/types.ts';
import { createXlsxWriter } from '../../src/encode/xlsx.ts';
import type { TextRow } from '../../src/sources/types.ts';

export type CellValue = string | number | boolean | Date | null;

export interface ReadSheet {
  name: string;
  /** Every row including the header; each row has one value per column (null for an empty cell). */
  rows: CellValue[][];
  /** Number format of every cell, row by row (whole-file reader only). */
  formats: (string | undefined)[][];
  bold: boolean[];
}

/** Writes `rows` (in batches of `batch`) and returns the .xlsx bytes and the writer's result. */
export async function writeXlsx(
  options: XlsxWriterOptions,
  rows: TextRow[],
  batch = 7,
): Promise<{ bytes: Buffer; result: XlsxResult }> {
  const writer = createXlsxWriter(options);
  const bytes = buffer(writer.output);
  for (let i = 0; i < rows.length; i += batch) await writer.addRows(rows.slice(i, i + batch));
  const result = await writer.finish();
  return { bytes: await bytes, result };
}

function plain(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  throw new Error(`unexpected cell value ${JSON.stringify(value)}`);
}

/** Reads every sheet with exceljs's whole-file reader. */
export async function readXlsx(bytes: Buffer, columns: CatalogColumn[]): Promise<ReadSheet[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets.map((sheet) => {
    const rows: CellValue[][] = [];
    for (let r = 1; r <= sheet.rowCount; r += 1) {
      const row = sheet.getRow(r);
      rows.push(columns.map((_, i) => plain(row.getCell(i + 1).value)));
    }
    const formats: (string | undefined)[][] = [];
    for (let r = 1; r <= sheet.rowCount; r += 1) {
      const row = sheet.getRow(r);
      formats.push(columns.map((_, i) => row.getCell(i + 1).numFmt || undefined));
    }
    const header = sheet.getRow(1);
    return {
      name: sheet.name,
      rows,
      formats,
      bold: columns.map((_, i) => header.getCell(i + 1).font?.bold === true),
    };
  });
}

/**
 * Reads every sheet with exceljs's streaming WorkbookReader.
 *
 * exceljs 4.4's streaming reader (through unzipper 0.10, which emits 'end' as soon as its input is
 * consumed) drops the entries it has not yet taken when the zip's last bytes arrive while it is still
 * busy with an earlier entry: small workbooks, exceljs's own included, then lose their workbook.xml
 * and crash on date cells. The zip's last bytes are therefore held back until the reader has seen
 * xl/workbook.xml, the last entry our writer emits: the way a slow network would deliver them.
 */
export async function readXlsxStreaming(bytes: Buffer, columns: CatalogColumn[]): Promise<ReadSheet[]> {
  const input = new PassThrough();
  const tail = 22; // the end-of-central-directory record
  input.write(bytes.subarray(0, bytes.length - tail));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'emit',
  });
  // The typings leave out that the reader is an EventEmitter.
  (reader as unknown as EventEmitter).on('entry', (entry: { type: string }) => {
    if (entry.type === 'workbook') input.end(bytes.subarray(bytes.length - tail));
  });
  const sheets: ReadSheet[] = [];
  for await (const sheet of reader) {
    const rows: CellValue[][] = [];
    for await (const row of sheet) {
      rows[row.number - 1] = columns.map((_, i) => plain(row.getCell(i + 1).value));
    }
    const name = (sheet as unknown as { name: string }).name;
    sheets.push({
      name,
      rows: Array.from(rows, (row) => row ?? columns.map(() => null)),
      formats: [],
      bold: [],
    });
  }
  return sheets;
}

/** SpreadsheetML's `_xHHHH_` escape, decoded as Excel decodes it (exceljs leaves inline strings alone). */
export function decodeXString(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}
