import type { CsvProfile, ExportFormat, Manifest, PartRecord, PartSink } from '../archive/types.ts';
import type { Catalog } from '../catalog/types.ts';
import type { SourceDatabase } from '../sources/types.ts';

/** Progress of a running export, reported after every batch and at every table/part boundary. */
export interface ExportProgress {
  tablesDone: number;
  tablesTotal: number;
  /** Rows written so far, counted once per format (a CSV + XLSX export writes every row twice). */
  rowsDone: number;
  /** Rows to write: the snapshot's exact count of the tenant's rows times the number of formats. */
  rowsEstimated: number;
  /** Compressed bytes written to parts so far. */
  bytes: number;
  currentTable: string | null;
  partsDone: number;
}

export interface ExportRequest {
  source: SourceDatabase;
  catalog: Catalog;
  tenant: string;
  formats: ExportFormat[];
  csvProfile: CsvProfile;
  /** Restrict to these catalog tables (by name); all when absent. Unknown names are an error. */
  tables?: string[];
  sink: PartSink;
  /** File name stem: parts are `<stem>.zip` or `<stem>-part-NN.zip`. */
  fileStem: string;
  /** A part is closed once its compressed size reaches this many bytes (checked at row boundaries). */
  maxPartBytes: number;
  /** XLSX data rows per sheet before a new sheet starts (Excel's limit by default). */
  maxRowsPerSheet?: number;
  jobId?: string | null;
  deadline?: string | null;
  now?: () => Date;
  onProgress?: (progress: ExportProgress) => void;
  /** Aborts the export: the current part upload is aborted, nothing partial is committed. */
  signal?: AbortSignal;
}

export interface ExportResult {
  parts: PartRecord[];
  /** The last part's manifest (tables and totals cover the whole export). */
  manifest: Manifest;
  rows: number;
}
