import type { Readable, Writable } from 'node:stream';
import type { CatalogColumn, Dialect, ExcludedColumn, UncoveredTable } from '../catalog/types.ts';

/** Bump when the manifest's meaning changes; `handover verify` refuses versions it does not know. */
export const MANIFEST_FORMAT_VERSION = 1;

export type ExportFormat = 'csv' | 'xlsx';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'xlsx'];

/** `excel`: UTF-8 BOM, text cells starting with = + - @ TAB CR LF prefixed with `'`. `raw`: exact values. */
export type CsvProfile = 'excel' | 'raw';
export const CSV_PROFILES: readonly CsvProfile[] = ['excel', 'raw'];

/** One file inside a part, as recorded in that part's manifest. */
export interface ManifestFile {
  /** Path inside the zip, e.g. `csv/invoices.csv` or `csv/timesheets.0002.csv` (a table split across parts). */
  path: string;
  /** Uncompressed size. */
  bytes: number;
  /** Hex SHA-256 of the uncompressed content. */
  sha256: string;
  format: ExportFormat;
  table: string;
  /** Data rows in this file (header excluded). */
  rows: number;
  /** 1-based chunk index when one table's rows span several files (parts); 1 otherwise. */
  chunk: number;
  /** XLSX only: sheet names, in order (a new sheet every `maxRowsPerSheet` rows). */
  sheets?: string[];
}

export interface ManifestTable {
  name: string;
  schema: string;
  scope: string;
  columns: Pick<CatalogColumn, 'name' | 'type' | 'sourceType' | 'nullable' | 'generated'>[];
  excludedColumns: ExcludedColumn[];
  /** Rows of this table in the whole export (all parts). */
  rows: number;
}

export interface ManifestWarning {
  code: 'cell-truncated' | 'nullable-path' | 'catalog' | string;
  table?: string;
  column?: string;
  message: string;
}

/** manifest.json: written into every part, describes that part's files and the whole export's tables. */
export interface Manifest {
  formatVersion: typeof MANIFEST_FORMAT_VERSION;
  generator: { name: 'handover'; version: string };
  tenant: string;
  jobId: string | null;
  createdAt: string;
  snapshotTakenAt: string;
  dialect: Dialect;
  tenancy: 'column' | 'schema';
  tenantColumn: string;
  formats: ExportFormat[];
  csvProfile: CsvProfile;
  encoding: {
    csv: string;
    null: string;
    binary: 'base64';
    timestamps: string;
  };
  part: { number: number; fileName: string; isLast: boolean };
  /** Reversibility deadline when the subscription has ended (ISO 8601), else null. */
  deadline: string | null;
  tables: ManifestTable[];
  files: ManifestFile[];
  uncoveredTables: UncoveredTable[];
  warnings: ManifestWarning[];
}

/** A finished, committed part of an archive. */
export interface PartRecord {
  number: number;
  fileName: string;
  /** Where the sink put it: a file path, or an object key. */
  location: string;
  bytes: number;
  sha256: string;
}

/**
 * A writable for one zip part; `commit` makes it visible, `abort` discards everything written.
 * The archive writer calls `commit` only after `stream` has finished. It may call `abort` after
 * `stream` was destroyed (it tears its stream chain down first), and after a failed `commit`:
 * `abort` must still discard everything and must not throw for an already destroyed stream.
 */
export interface PartUpload {
  stream: Writable;
  commit(): Promise<{ location: string }>;
  abort(): Promise<void>;
}

/** Port: where zip parts go. Adapters: local directory (CLI), S3 multipart upload (service). */
export interface PartSink {
  openPart(fileName: string): Promise<PartUpload>;
}

/** What the archive writer learned about an entry it added. */
export interface EntryRecord {
  path: string;
  bytes: number;
  sha256: string;
}

export type EntrySource = Readable | Buffer | string;
