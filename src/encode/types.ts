import type { Readable } from 'node:stream';
import type { CsvProfile } from '../archive/types.ts';
import type { CatalogColumn } from '../catalog/types.ts';
import type { TextRow } from '../sources/types.ts';

/** Characters that make a spreadsheet treat a text cell as a formula (excel profile guards them). */
export const FORMULA_TRIGGERS = ['=', '+', '-', '@', '\t', '\r', '\n'] as const;

/** What the excel profile puts in front of a guarded text value. */
export const FORMULA_GUARD_PREFIX = "'";

/**
 * The text values the excel profile guards, as a regular expression valid both in JavaScript and in
 * PostgreSQL (`value ~ pattern`, for the COPY fast path's SQL-side guard): a trigger character after
 * any leading apostrophes. Counting leading apostrophes keeps the guard exactly reversible (see
 * src/encode/csv.ts `FORMULA_GUARD`). The tab, CR and LF in it are the characters themselves.
 */
export const FORMULA_GUARD_PATTERN = "^'*[-=+@\t\r\n]";

/** Excel's hard limits. Tests lower `maxRowsPerSheet` to exercise the split. */
export const XLSX_MAX_DATA_ROWS_PER_SHEET = 1_048_575;
export const XLSX_MAX_CELL_CHARS = 32_767;

export interface CsvEncoderOptions {
  columns: CatalogColumn[];
  profile: CsvProfile;
}

/** Turns canonical text rows into RFC 4180 CSV bytes (UTF-8, LF line ends like PostgreSQL COPY: see src/encode/csv.ts). */
export interface CsvEncoder {
  /** BOM (excel profile) + header line. Written at the start of every CSV file, including split chunks. */
  header(): Buffer;
  /** Encodes a batch of rows into one buffer (callers coalesce to ~64 KiB before writing to the zip). */
  encode(rows: TextRow[]): Buffer;
}

export interface XlsxWriterOptions {
  columns: CatalogColumn[];
  /** Sheet name of the first sheet; later sheets get ` (2)`, ` (3)` ... (31 characters max, Excel's rule). */
  sheetName: string;
  maxRowsPerSheet?: number;
  maxCellChars?: number;
  /** zlib level of the .xlsx zip (0-9); 6 by default. */
  compressionLevel?: number;
}

export interface TruncatedCell {
  sheet: string;
  /** 1-based spreadsheet row (the header is row 1). */
  row: number;
  column: string;
  originalLength: number;
}

/** `XlsxResult.truncated` lists at most this many cells; `truncatedCells` counts them all. */
export const XLSX_TRUNCATION_DETAILS = 1000;

export interface XlsxResult {
  rows: number;
  sheets: string[];
  /** The first XLSX_TRUNCATION_DETAILS cut cells, in order (a bounded list: memory stays flat). */
  truncated: TruncatedCell[];
  /** How many cells were cut in all. */
  truncatedCells: number;
}

/** Streams one table into one .xlsx file with typed cells and bounded memory. */
export interface XlsxTableWriter {
  /** The .xlsx bytes; pipe into the archive entry before adding rows. */
  readonly output: Readable;
  /** Adds rows; resolves when they are accepted (respects backpressure: memory stays bounded). */
  addRows(rows: TextRow[]): Promise<void>;
  /** Closes the workbook; `output` ends after this resolves. */
  finish(): Promise<XlsxResult>;
}
