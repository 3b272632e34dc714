/**
 * A purpose-built streaming XLSX writer for one table: typed cells (see xlsx-cells.ts for the
 * mapping), a bold, frozen header row on every sheet, a new sheet every `maxRowsPerSheet` data rows,
 * long text cut and reported.
 *
 * Why not exceljs: its streaming WorkbookWriter builds a row object and a cell object per value and
 * holds the whole sheet unless the caller yields to the event loop every ~100 rows. Here each batch of
 * rows becomes one XML string, turned into bytes ~64 KiB at a time (few, large writes) and written to
 * the sheet's zip entry with backpressure: memory stays flat whatever the row count. Text is written
 * as inline strings (no shared strings table, which grows with the data). Each sheet is its own zip
 * entry, streamed as it fills; the workbook's sheet list, its relationships and the content types
 * are written at `finish()` (the order of zip entries does not matter).
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { TextRow } from '../sources/types.ts';
import { ZipStream } from '../zip/zip-stream.ts';
import {
  type TruncatedCell,
  XLSX_MAX_CELL_CHARS,
  XLSX_MAX_DATA_ROWS_PER_SHEET,
  XLSX_TRUNCATION_DETAILS,
  type XlsxResult,
  type XlsxTableWriter,
  type XlsxWriterOptions,
} from './types.ts';
import {
  type CellWriter,
  cellWriterFor,
  cutText,
  decimalScale,
  inlineStringCell,
  STYLE,
} from './xlsx-cells.ts';
import {
  columnLetters,
  contentTypesXml,
  packageRelsXml,
  SHEET_END_XML,
  sheetName,
  sheetPath,
  sheetStartXml,
  stylesXml,
  workbookRelsXml,
  workbookXml,
} from './xlsx-parts.ts';

/** Sheet XML is turned into bytes and written once this many UTF-16 units are pending (~64 KiB). */
const CHUNK_CHARS = 64 * 1024;
/** Bytes a sheet's entry stream buffers before `addRows` waits for the zip to catch up. */
const SHEET_BUFFER_BYTES = 256 * 1024;
/**
 * Deflate level of the workbook's own zip. Sheet XML is ~5x the data, and level 6 deflate was the
 * export's bottleneck: level 1 made a 100k-row XLSX export 1.5x faster (9.6 s -> 6.2 s, then on one
 * deflate thread) for a file 22% larger, the same size exceljs writes (46.3 MB vs 46.6 MB), measured
 * here. Deflate now runs on every core, but level 6 still costs several times level 1's CPU, which
 * the 2 cores share with the cell formatting and the database.
 */
const DEFAULT_COMPRESSION_LEVEL = 1;

/**
 * Creates a writer for one table's .xlsx file. Pipe `output` somewhere before adding rows: `addRows`
 * waits while the consumer is behind.
 *
 * @example
 * const writer = createXlsxWriter({ columns, sheetName: 'invoices' });
 * const done = pipeline(writer.output, createWriteStream('invoices.xlsx'));
 * for await (const batch of rows) await writer.addRows(batch);
 * const result = await writer.finish(); // { rows, sheets, truncated, truncatedCells }
 * await done;
 */
export function createXlsxWriter(options: XlsxWriterOptions): XlsxTableWriter {
  return new StreamingXlsxWriter(options);
}

class StreamingXlsxWriter implements XlsxTableWriter {
  readonly output: ZipStream;
  private readonly maxRowsPerSheet: number;
  private readonly maxCellChars: number;
  private readonly letters: string[];
  private readonly writers: CellWriter[];
  private readonly headerXml: string;
  private readonly sheetStart: (selected: boolean) => string;
  private readonly sheets: string[] = [];
  private readonly truncated: TruncatedCell[] = [];
  private truncatedCells = 0;
  private sheet: PassThrough | undefined;
  private sheetRows = 0;
  private rows = 0;
  private pending = '';
  private finished = false;
  private failure: Error | undefined;
  /** Rejects when the zip stream fails or is closed early; awaited alongside every wait. */
  private readonly failed: Promise<never>;

  constructor(private readonly options: XlsxWriterOptions) {
    this.maxRowsPerSheet = checkLimit(
      'maxRowsPerSheet',
      options.maxRowsPerSheet ?? XLSX_MAX_DATA_ROWS_PER_SHEET,
      XLSX_MAX_DATA_ROWS_PER_SHEET,
    );
    this.maxCellChars = checkLimit(
      'maxCellChars',
      options.maxCellChars ?? XLSX_MAX_CELL_CHARS,
      XLSX_MAX_CELL_CHARS,
    );
    const { columns } = options;
    this.letters = columns.map((_, i) => columnLetters(i));

    // One number format per distinct decimal scale, after the fixed styles.
    const scales = [...new Set(columns.map(decimalScale).filter((s): s is number => s !== undefined))];
    this.writers = columns.map((column, i) => {
      const scale = decimalScale(column);
      const style = scale === undefined ? STYLE.default : STYLE.firstDecimal + scales.indexOf(scale);
      return cellWriterFor(column, (value) => this.cut(value, i), style);
    });
    this.headerXml = `<row r="1">${columns
      .map((column, i) => inlineStringCell(`${this.letters[i]}1`, column.name, STYLE.header))
      .join('')}</row>`;
    this.sheetStart = (selected) => sheetStartXml(columns, selected);

    this.output = new ZipStream({ level: options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL });
    this.failed = new Promise<never>((_, reject) => {
      this.output.on('error', (error: Error) => {
        this.failure = error;
        reject(error);
      });
      this.output.once('close', () => {
        if (this.finished) return;
        this.failure = new Error('the .xlsx output was closed before the workbook was finished');
        reject(this.failure);
      });
    });
    // Callers see the failure through addRows/finish; never as an unhandled rejection.
    this.failed.catch(() => undefined);
    this.addPart('_rels/.rels', packageRelsXml());
    this.addPart('xl/styles.xml', stylesXml(scales));
  }

  async addRows(rows: TextRow[]): Promise<void> {
    this.assertOpen();
    const { writers, letters } = this;
    const width = writers.length;
    for (const row of rows) {
      if (this.sheet === undefined || this.sheetRows === this.maxRowsPerSheet) await this.startSheet();
      this.sheetRows += 1;
      this.rows += 1;
      const r = String(this.sheetRows + 1);
      let xml = `<row r="${r}">`;
      for (let i = 0; i < width; i += 1) {
        const value = row[i];
        // NULL and '' are both an empty cell: a spreadsheet cannot tell them apart (the CSV does).
        if (value === null || value === undefined || value.length === 0) continue;
        xml += (writers[i] as CellWriter)(value, (letters[i] as string) + r);
      }
      this.pending += `${xml}</row>`;
      if (this.pending.length >= CHUNK_CHARS) await this.flush();
    }
  }

  async finish(): Promise<XlsxResult> {
    this.assertOpen();
    if (this.sheet === undefined) await this.startSheet();
    await this.endSheet();
    this.finished = true;
    const count = this.sheets.length;
    this.addPart('xl/_rels/workbook.xml.rels', workbookRelsXml(count));
    this.addPart('[Content_Types].xml', contentTypesXml(count));
    this.addPart('xl/workbook.xml', workbookXml(this.sheets));
    await Promise.race([this.output.finalize(), this.failed]);
    return {
      rows: this.rows,
      sheets: [...this.sheets],
      truncated: [...this.truncated],
      truncatedCells: this.truncatedCells,
    };
  }

  /**
   * Queues one part of the package; the zip writes parts in order, each once the one before is out.
   * A failure reaches the caller through `failed` (the zip stream is destroyed and errors).
   */
  private addPart(name: string, content: string | PassThrough): void {
    this.output.addEntry(name, content).catch(() => undefined);
  }

  /** Cuts text over the cell limit, remembering where (the first XLSX_TRUNCATION_DETAILS cells). */
  private cut(value: string, columnIndex: number): string {
    if (value.length <= this.maxCellChars) return value;
    this.truncatedCells += 1;
    if (this.truncated.length < XLSX_TRUNCATION_DETAILS) {
      this.truncated.push({
        sheet: this.sheets.at(-1) ?? '',
        row: this.sheetRows + 1,
        column: this.options.columns[columnIndex]?.name ?? '',
        originalLength: value.length,
      });
    }
    return cutText(value, this.maxCellChars);
  }

  private async startSheet(): Promise<void> {
    if (this.sheet !== undefined) await this.endSheet();
    const n = this.sheets.length + 1;
    this.sheets.push(sheetName(this.options.sheetName, n));
    this.sheet = new PassThrough({ highWaterMark: SHEET_BUFFER_BYTES });
    this.addPart(sheetPath(n), this.sheet);
    this.sheetRows = 0;
    this.pending = this.sheetStart(n === 1) + this.headerXml;
  }

  private async endSheet(): Promise<void> {
    const sheet = this.sheet;
    if (sheet === undefined) return;
    this.pending += SHEET_END_XML;
    await this.flush();
    sheet.end();
    this.sheet = undefined;
  }

  /** Writes the pending XML as one buffer; waits for the zip when the sheet's buffer is full. */
  private async flush(): Promise<void> {
    const sheet = this.sheet;
    if (sheet === undefined || this.pending.length === 0) return;
    const chunk = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    if (!sheet.write(chunk)) await Promise.race([once(sheet, 'drain'), this.failed]);
    if (this.failure) throw this.failure;
  }

  private assertOpen(): void {
    if (this.failure) throw this.failure;
    if (this.finished) throw new Error('the workbook is already finished');
  }
}

function checkLimit(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${value}`);
  }
  return value;
}
