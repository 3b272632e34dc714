import type { Readable } from 'node:stream';
import { buildManifest, serializeManifest } from '../archive/manifest.ts';
import { renderReadme } from '../archive/readme.ts';
import { renderSchemaSql } from '../archive/schema-sql.ts';
import type {
  EntryRecord,
  ExportFormat,
  Manifest,
  ManifestFile,
  ManifestWarning,
  PartRecord,
} from '../archive/types.ts';
import { ArchiveWriter } from '../archive/zip-writer.ts';
import { buildScopedCount, buildScopedSelect } from '../catalog/scope-sql.ts';
import type { CatalogTable } from '../catalog/types.ts';
import { createCsvEncoder } from '../encode/csv.ts';
import { CsvRowScanner } from '../encode/csv-row-scanner.ts';
import { XLSX_MAX_CELL_CHARS } from '../encode/types.ts';
import { createXlsxWriter } from '../encode/xlsx.ts';
import { projectColumns } from '../sources/projection.ts';
import type { Snapshot, Statement } from '../sources/types.ts';
import { Coalescer } from './coalescer.ts';
import { EntryStream } from './entry-stream.ts';
import { ExportError } from './errors.ts';
import { assignFileBaseNames, tableFilePath, tableKey } from './table-files.ts';
import type { ExportProgress, ExportRequest, ExportResult } from './types.ts';

const GENERATOR_VERSION = '0.1.0';
const CHUNK_BYTES = 64 * 1024;

/** Part file names: `<stem>.zip` for the first part, `<stem>-part-02.zip` and so on after it. */
export function partFileName(stem: string, partNumber: number): string {
  return partNumber === 1 ? `${stem}.zip` : `${stem}-part-${String(partNumber).padStart(2, '0')}.zip`;
}

/**
 * Exports one tenant's data into verified zip parts.
 *
 * Input: a source, its catalog, the tenant (from a verified token or an operator's command line), the
 * formats and CSV profile, and where the parts go. Output: the committed parts and the last manifest.
 * 1. Opens one read-only, repeatable-read snapshot; every table is read from it.
 * 2. Counts each table's tenant rows in the snapshot (exact progress, and a cross-check at the end).
 * 3. Per table and format, streams rows into `csv/<table>.csv` / `xlsx/<table>.xlsx`: PostgreSQL's own
 *    `COPY ... (FORMAT csv)` when the source offers it, else rows encoded here; bytes coalesced to 64 KiB.
 * 4. Closes a part once its compressed size reaches `maxPartBytes` (at a row boundary, only if more
 *    data follows); every part carries README.txt, manifest.json and schema.sql.
 * 5. On any failure or cancellation, aborts the open part: nothing partial is ever committed.
 */
export async function exportTenant(request: ExportRequest): Promise<ExportResult> {
  const tables = selectTables(request);
  const snapshot = await request.source.openSnapshot();
  const run = new ExportRun(request, tables, snapshot);
  try {
    return await run.execute();
  } catch (error) {
    await run.abort();
    throw error;
  } finally {
    await snapshot.close();
  }
}

function selectTables(request: ExportRequest): CatalogTable[] {
  const all = request.catalog.tables;
  if (!request.tables) return all;
  const known = new Set(all.map((t) => t.name));
  const unknown = request.tables.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ExportError(
      'unknown-table',
      `Unknown table(s): ${unknown.join(', ')}. Exportable tables: ${[...known].sort().join(', ')}.`,
    );
  }
  const wanted = new Set(request.tables);
  const chosen = all.filter((t) => wanted.has(t.name));
  if (chosen.length === 0) throw new ExportError('no-tables', 'No table selected for export.');
  return chosen;
}

/** The state of one export while it runs: the archive writer, the current part's files, the counters. */
class ExportRun {
  private readonly writer: ArchiveWriter;
  private readonly now: () => Date;
  private readonly fileNames: Map<string, string>;
  private readonly parts: PartRecord[] = [];
  private partFiles: ManifestFile[] = [];
  private readonly allFiles: ManifestFile[] = [];
  private readonly tableRows = new Map<string, number>();
  private readonly warnings: ManifestWarning[] = [];
  private readonly progress: ExportProgress;
  private rollPending = false;
  private readonly createdAt: string;

  constructor(
    private readonly request: ExportRequest,
    private readonly tables: CatalogTable[],
    private readonly snapshot: Snapshot,
  ) {
    this.now = request.now ?? (() => new Date());
    this.createdAt = this.now().toISOString();
    this.writer = new ArchiveWriter({
      sink: request.sink,
      partFileName: (n) => partFileName(request.fileStem, n),
    });
    this.fileNames = assignFileBaseNames(tables);
    this.progress = {
      tablesDone: 0,
      tablesTotal: tables.length,
      rowsDone: 0,
      rowsEstimated: 0,
      bytes: 0,
      currentTable: null,
      partsDone: 0,
    };
    for (const warning of request.catalog.warnings) this.warnings.push({ code: 'catalog', message: warning });
    for (const table of tables) {
      for (const message of table.warnings)
        this.warnings.push({ code: 'catalog', table: table.name, message });
    }
  }

  async execute(): Promise<ExportResult> {
    const counts = await this.countRows();
    // Every format reads the rows once more, so the work to do is the rows times the formats.
    this.progress.rowsEstimated =
      [...counts.values()].reduce((a, b) => a + b, 0) * this.request.formats.length;
    this.report();
    for (const table of this.tables) {
      this.checkCancelled();
      this.progress.currentTable = table.name;
      this.report();
      for (const format of this.request.formats) {
        const rows = await this.exportTable(table, format);
        const expected = counts.get(tableKey(table)) ?? 0;
        if (rows !== expected) {
          throw new ExportError(
            'archive-failed',
            `Table ${table.name}: wrote ${rows} rows to ${format.toUpperCase()} but the snapshot holds ${expected}.`,
          );
        }
      }
      this.progress.tablesDone += 1;
      this.report();
    }
    this.progress.currentTable = null;
    const manifest = await this.closePart(true);
    this.report();
    return { parts: this.parts, manifest, rows: [...this.tableRows.values()].reduce((a, b) => a + b, 0) };
  }

  async abort(): Promise<void> {
    await this.writer.abort().catch(() => undefined);
  }

  private async countRows(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const table of this.tables) {
      const statement = buildScopedCount({
        catalog: this.request.catalog,
        table,
        tenant: this.request.tenant,
      });
      let total = 0;
      for await (const batch of this.snapshot.streamRows(statement)) {
        for (const row of batch) total += Number(row[0] ?? 0);
      }
      counts.set(tableKey(table), total);
    }
    return counts;
  }

  private statementFor(table: CatalogTable, excelGuard: boolean): Statement {
    const { catalog, tenant } = this.request;
    const projection = projectColumns(catalog.dialect, 't0', table.columns, { excelGuard });
    return buildScopedSelect({ catalog, table, projection, tenant });
  }

  /** Writes one table in one format, possibly over several chunk files; returns the rows written. */
  private async exportTable(table: CatalogTable, format: ExportFormat): Promise<number> {
    if (format === 'csv') {
      const guard = this.request.csvProfile === 'excel';
      if (this.snapshot.copyCsv) return this.exportCsvByCopy(table, this.statementFor(table, guard));
      return this.exportCsvByRows(table, this.statementFor(table, false));
    }
    return this.exportXlsx(table, this.statementFor(table, false));
  }

  /** PostgreSQL fast path: the server writes the CSV; rows are cut at LF outside quotes for part splits. */
  private async exportCsvByCopy(table: CatalogTable, statement: Statement): Promise<number> {
    const copyCsv = this.snapshot.copyCsv?.bind(this.snapshot);
    if (!copyCsv) throw new Error('copyCsv unavailable');
    const header = createCsvEncoder({ columns: table.columns, profile: this.request.csvProfile }).header();
    const file = new ChunkedFile(this, table, 'csv', (entry) => entry.write(header));
    const scanner = new CsvRowScanner();
    const { stream } = copyCsv(statement);
    let pending: Buffer[] = [];
    let pendingSize = 0;
    let lastEnd = 0;
    let endsInPending = 0;
    let total = 0;
    const flush = async (cut: number) => {
      const all = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingSize);
      const rest = all.subarray(cut);
      await file.write(all.subarray(0, cut), endsInPending);
      total += endsInPending;
      this.advance(endsInPending);
      pending = rest.length > 0 ? [rest] : [];
      pendingSize = rest.length;
      lastEnd = 0;
      endsInPending = 0;
    };
    try {
      await file.open();
      for await (const raw of stream) {
        const chunk = raw as Buffer;
        const ends = scanner.rowEnds(chunk);
        const last = ends.at(-1);
        if (last !== undefined) {
          lastEnd = pendingSize + last;
          endsInPending += ends.length;
        }
        pending.push(chunk);
        pendingSize += chunk.length;
        if (pendingSize >= CHUNK_BYTES && lastEnd > 0) {
          this.checkCancelled();
          await flush(lastEnd);
        }
      }
      if (pendingSize > 0) {
        if (lastEnd !== pendingSize) throw new Error('COPY output ended inside a row');
        await flush(lastEnd);
      }
    } catch (error) {
      stream.destroy();
      throw error;
    }
    await file.close();
    return total;
  }

  /** Row path (MySQL, or any source without COPY): canonical text rows encoded to CSV here. */
  private async exportCsvByRows(table: CatalogTable, statement: Statement): Promise<number> {
    const encoder = createCsvEncoder({ columns: table.columns, profile: this.request.csvProfile });
    const header = encoder.header();
    const file = new ChunkedFile(this, table, 'csv', (entry) => entry.write(header));
    const coalescer = new Coalescer(CHUNK_BYTES);
    let rowsHeld = 0;
    let total = 0;
    await file.open();
    for await (const batch of this.snapshot.streamRows(statement)) {
      this.checkCancelled();
      const chunk = coalescer.push(encoder.encode(batch));
      rowsHeld += batch.length;
      if (chunk) {
        await file.write(chunk, rowsHeld);
        total += rowsHeld;
        this.advance(rowsHeld);
        rowsHeld = 0;
      }
    }
    if (coalescer.pending > 0 || rowsHeld > 0) {
      await file.write(coalescer.take(), rowsHeld);
      total += rowsHeld;
      this.advance(rowsHeld);
    }
    await file.close();
    return total;
  }

  /** XLSX: one workbook per chunk file; a part roll closes the workbook and opens the next one. */
  private async exportXlsx(table: CatalogTable, statement: Statement): Promise<number> {
    const file = new XlsxChunkedFile(this, table, this.request.maxRowsPerSheet);
    let total = 0;
    await file.open();
    for await (const batch of this.snapshot.streamRows(statement)) {
      this.checkCancelled();
      await file.addRows(batch);
      total += batch.length;
      this.advance(batch.length);
    }
    await file.close();
    return total;
  }

  // --- shared by the chunked files -------------------------------------------------------------

  fileBaseName(table: CatalogTable): string {
    return this.fileNames.get(tableKey(table)) ?? table.name;
  }

  newEntry(path: string): EntryStream {
    return EntryStream.open(this.writer, path);
  }

  /** True when the current part is full: the next row written starts a new part. */
  get mustRoll(): boolean {
    return this.rollPending;
  }

  /**
   * Before more rows of a table: when the last write filled the part, ends the table's current chunk
   * file, closes the part, and opens the next chunk file (with its header) in a new part.
   */
  async rollIfFull(file: { close(): Promise<void>; open(): Promise<void> }): Promise<void> {
    if (!this.rollPending) return;
    await file.close();
    await file.open();
  }

  /** Called after every write at a row boundary. */
  noteRowBoundary(): void {
    if (this.writer.partBytes >= this.request.maxPartBytes) this.rollPending = true;
  }

  /** Records a finished file in the current part; a table's rows are the same in every format. */
  recordFile(file: ManifestFile): void {
    this.partFiles.push(file);
    this.allFiles.push(file);
    const written = this.allFiles
      .filter((f) => f.table === file.table && f.format === file.format)
      .reduce((sum, f) => sum + f.rows, 0);
    this.tableRows.set(file.table, Math.max(this.tableRows.get(file.table) ?? 0, written));
  }

  /** Adds an already-compressed stream (an .xlsx workbook) stored as is: deflating it again only costs CPU. */
  newStoredEntry(path: string, data: Readable): Promise<EntryRecord> {
    return this.writer.addEntry(path, data, { store: true });
  }

  addWarning(warning: ManifestWarning): void {
    this.warnings.push(warning);
  }

  /** Closes the current part (README, manifest, schema.sql) and lets the next entry open a new one. */
  async closePart(isLast: boolean): Promise<Manifest> {
    let manifest: Manifest | undefined;
    const record = await this.writer.closePart((part) => {
      manifest = this.buildPartManifest(part.number, part.fileName, isLast);
      return [
        { path: 'README.txt', data: renderReadme(manifest) },
        { path: 'manifest.json', data: serializeManifest(manifest) },
        { path: 'schema.sql', data: renderSchemaSql(this.tables, this.request.catalog.dialect) },
      ];
    });
    if (!manifest) throw new Error('part closed without a manifest');
    this.parts.push(record);
    this.partFiles = [];
    this.rollPending = false;
    this.progress.partsDone = this.parts.length;
    this.report();
    return manifest;
  }

  private buildPartManifest(number: number, fileName: string, isLast: boolean): Manifest {
    const { request } = this;
    return buildManifest({
      tenant: request.tenant,
      jobId: request.jobId ?? null,
      createdAt: this.createdAt,
      snapshotTakenAt: this.snapshot.takenAt,
      generatorVersion: GENERATOR_VERSION,
      catalog: request.catalog,
      tables: this.tables.map((table) => ({ table, rows: this.tableRows.get(table.name) ?? 0 })),
      formats: request.formats,
      csvProfile: request.csvProfile,
      part: { number, fileName, isLast },
      deadline: request.deadline ?? null,
      files: [...this.partFiles],
      warnings: [...this.warnings],
    });
  }

  private advance(rows: number): void {
    this.progress.rowsDone += rows;
    this.report();
  }

  private report(): void {
    const closed = this.parts.reduce((sum, p) => sum + p.bytes, 0);
    this.progress.bytes = closed + this.writer.partBytes;
    this.request.onProgress?.({ ...this.progress });
  }

  checkCancelled(): void {
    if (this.request.signal?.aborted) throw new ExportError('cancelled', 'The export was cancelled.');
  }
}

/**
 * One table's rows in one format, written as one file per part it spans. `write` is called with data
 * ending at a row boundary; if the previous write filled the part, the file is closed, the part rolled,
 * and the next chunk file opened (with its header) before the data is written.
 */
class ChunkedFile {
  private entry: EntryStream | undefined;
  private chunk = 0;
  private rows = 0;

  constructor(
    private readonly run: ExportRun,
    private readonly table: CatalogTable,
    private readonly format: ExportFormat,
    private readonly writeHeader: (entry: EntryStream) => Promise<void>,
  ) {}

  async open(): Promise<void> {
    if (this.run.mustRoll) await this.run.closePart(false);
    this.chunk += 1;
    this.rows = 0;
    this.entry = this.run.newEntry(this.path());
    await this.writeHeader(this.entry);
  }

  async write(data: Buffer, rows: number): Promise<void> {
    await this.run.rollIfFull(this);
    if (!this.entry) throw new Error('file not open');
    await this.entry.write(data);
    this.rows += rows;
    this.run.noteRowBoundary();
  }

  async close(): Promise<void> {
    if (!this.entry) return;
    const record = await this.entry.end();
    this.entry = undefined;
    this.run.recordFile({
      ...record,
      format: this.format,
      table: this.table.name,
      rows: this.rows,
      chunk: this.chunk,
    });
  }

  private path(): string {
    return tableFilePath(this.format, this.run.fileBaseName(this.table), this.chunk);
  }
}

/** Like ChunkedFile, for XLSX: each chunk is a complete workbook (a zip cannot be cut mid-stream). */
class XlsxChunkedFile {
  private writer: ReturnType<typeof createXlsxWriter> | undefined;
  private done: Promise<EntryRecord> | undefined;
  private chunk = 0;

  constructor(
    private readonly run: ExportRun,
    private readonly table: CatalogTable,
    private readonly maxRowsPerSheet: number | undefined,
  ) {}

  async open(): Promise<void> {
    if (this.run.mustRoll) await this.run.closePart(false);
    this.chunk += 1;
    const options = { columns: this.table.columns, sheetName: this.table.name };
    this.writer = createXlsxWriter(
      this.maxRowsPerSheet === undefined ? options : { ...options, maxRowsPerSheet: this.maxRowsPerSheet },
    );
    const path = tableFilePath('xlsx', this.run.fileBaseName(this.table), this.chunk);
    this.done = this.run.newStoredEntry(path, this.writer.output);
    // Awaited only in close(): when the export fails or is cancelled first, the entry rejects as the part
    // is aborted, and an unobserved rejection would crash the process (CLI, Lambda) instead of the
    // export failing cleanly.
    this.done.catch(() => undefined);
  }

  async addRows(rows: (string | null)[][]): Promise<void> {
    await this.run.rollIfFull(this);
    if (!this.writer) throw new Error('workbook not open');
    await this.writer.addRows(rows);
    this.run.noteRowBoundary();
  }

  async close(): Promise<void> {
    if (!this.writer || !this.done) return;
    const result = await this.writer.finish();
    const record = await this.done;
    this.writer = undefined;
    this.done = undefined;
    for (const cell of result.truncated) {
      this.run.addWarning({
        code: 'cell-truncated',
        table: this.table.name,
        column: cell.column,
        message: `${this.table.name}.${cell.column}: sheet ${cell.sheet} row ${cell.row} was cut from ${cell.originalLength} to ${XLSX_MAX_CELL_CHARS.toLocaleString('en-US')} characters in the XLSX file (Excel's limit); the CSV file keeps it whole.`,
      });
    }
    const unlisted = result.truncatedCells - result.truncated.length;
    if (unlisted > 0) {
      this.run.addWarning({
        code: 'cell-truncated',
        table: this.table.name,
        message: `${this.table.name}: ${unlisted.toLocaleString('en-US')} more cells were cut to ${XLSX_MAX_CELL_CHARS.toLocaleString('en-US')} characters in the XLSX file (${result.truncatedCells.toLocaleString('en-US')} in all); the CSV file keeps them whole.`,
      });
    }
    this.run.recordFile({
      ...record,
      format: 'xlsx',
      table: this.table.name,
      rows: result.rows,
      chunk: this.chunk,
      sheets: result.sheets,
    });
  }
}
