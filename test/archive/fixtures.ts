import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { createDirectorySink } from '../../src/archive/local-sink.ts';
import { buildManifest, serializeManifest } from '../../src/archive/manifest.ts';
import { renderReadme } from '../../src/archive/readme.ts';
import { renderSchemaSql } from '../../src/archive/schema-sql.ts';
import type { EntryRecord, Manifest, ManifestFile, PartRecord } from '../../src/archive/types.ts';
import { ArchiveWriter } from '../../src/archive/zip-writer.ts';
import type { Catalog, CatalogColumn, CatalogTable } from '../../src/catalog/types.ts';

export const run = promisify(execFile);

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'handover-archive-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

function column(
  name: string,
  type: CatalogColumn['type'],
  sourceType: string,
  nullable = true,
): CatalogColumn {
  return { name, type, sourceType, nullable, generated: false };
}

export const projectsTable: CatalogTable = {
  schema: 'public',
  name: 'projects',
  columns: [
    column('id', 'bigint', 'bigint', false),
    column('company_id', 'bigint', 'bigint', false),
    column('name', 'text', 'character varying(200)', false),
    column('budget', 'decimal', 'numeric(12,2)'),
    { ...column('name_lower', 'text', 'text'), generated: true },
  ],
  excludedColumns: [{ name: 'api_token', reason: 'secret (default rule: *_token)' }],
  primaryKey: ['id'],
  scope: { kind: 'tenant-column', column: 'company_id', includeShared: false },
  scopeDescription: 'company_id = tenant',
  rowEstimate: 10,
  warnings: [],
};

export const tasksTable: CatalogTable = {
  schema: 'public',
  name: 'tasks',
  columns: [
    column('id', 'uuid', 'uuid', false),
    column('project_id', 'bigint', 'bigint', false),
    column('title', 'text', 'text'),
    column('done_at', 'timestamptz', 'timestamp with time zone'),
    column('payload', 'binary', 'bytea'),
  ],
  excludedColumns: [],
  primaryKey: ['id'],
  scope: {
    kind: 'path',
    hops: [
      {
        table: 'tasks',
        columns: ['project_id'],
        refTable: 'projects',
        refColumns: ['id'],
        origin: 'foreign-key',
        nullable: false,
      },
    ],
    tenantColumn: 'company_id',
  },
  scopeDescription: 'via tasks.project_id -> projects.company_id',
  rowEstimate: 100,
  warnings: [],
};

export const catalog: Catalog = {
  dialect: 'postgres',
  tenancy: 'column',
  tenantColumn: 'company_id',
  tables: [projectsTable, tasksTable],
  uncovered: [
    { schema: 'public', name: 'sessions', reason: 'framework table (default exclusion)', kind: 'excluded' },
    {
      schema: 'public',
      name: 'audit_blobs',
      reason: 'no foreign-key path to a table with company_id',
      kind: 'unreachable',
    },
  ],
  warnings: [],
};

/** RFC 4180 with LF line ends: quote when needed, NULL as an empty field, empty string as "". */
export function csvLine(values: (string | null)[]): string {
  return `${values
    .map((v) => {
      if (v === null) return '';
      if (v === '' || /[",\r\n]/.test(v)) return `"${v.replaceAll('"', '""')}"`;
      return v;
    })
    .join(',')}\n`;
}

export interface SampleTable {
  table: CatalogTable;
  rows: (string | null)[][];
}

export function sampleTables(projectRows = 3, taskRows = 5): SampleTable[] {
  return [
    {
      table: projectsTable,
      rows: Array.from({ length: projectRows }, (_, i) => [
        String(i + 1),
        '42',
        i === 0 ? 'Café "Crème", 2nd floor' : `Project ${i + 1}`,
        i === 1 ? null : '1234567890.12',
        i === 0 ? '' : `project ${i + 1}`,
      ]),
    },
    {
      table: tasksTable,
      rows: Array.from({ length: taskRows }, (_, i) => [
        `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        String((i % Math.max(projectRows, 1)) + 1),
        i % 3 === 0 ? `line one\nline two of task ${i}\r\nline three` : `Task ${i} 🚀`,
        i % 2 === 0 ? null : '2024-03-01T09:30:00.123456Z',
        i % 4 === 0 ? 'aGVsbG8=' : null,
      ]),
    },
  ];
}

export interface WriteOptions {
  dir: string;
  stem?: string;
  tables?: SampleTable[];
  /** Roll to a new part once partBytes reaches this, checked after every batch of rows (like the engine). */
  maxPartBytes?: number;
  rowsPerBatch?: number;
  zlibLevel?: number;
  deadline?: string | null;
  /** Edit each part's manifest before it is written (tamper tests). */
  editManifest?: (manifest: Manifest) => void;
}

const SNAPSHOT = '2025-06-30T12:00:00.000000Z';

/**
 * Writes an export the way the engine does: a header + row batches per table into the current part,
 * rolling to a new part (and a new chunk file for the table) whenever the part is full.
 */
export async function writeExport(
  options: WriteOptions,
): Promise<{ parts: PartRecord[]; manifests: Manifest[] }> {
  const stem = options.stem ?? 'handover-acme-20250630T120000Z';
  const tables = options.tables ?? sampleTables();
  const maxPartBytes = options.maxPartBytes ?? Number.POSITIVE_INFINITY;
  const rowsPerBatch = options.rowsPerBatch ?? 2;
  const writer = new ArchiveWriter({
    sink: createDirectorySink(options.dir),
    partFileName: (n) => `${stem}-part-${String(n).padStart(2, '0')}.zip`,
    ...(options.zlibLevel !== undefined ? { zlibLevel: options.zlibLevel } : {}),
    entryDate: new Date('2025-06-30T12:00:00Z'),
  });
  const parts: PartRecord[] = [];
  const manifests: Manifest[] = [];
  let partFiles: ManifestFile[] = [];
  const totals = new Map<string, number>();

  const closePart = async (isLast: boolean) => {
    const record = await writer.closePart((part) => {
      const manifest = buildManifest({
        tenant: 'acme',
        jobId: '01JZ0000000000000000000000',
        createdAt: '2025-06-30T12:00:05.000Z',
        snapshotTakenAt: SNAPSHOT,
        generatorVersion: '0.1.0',
        catalog,
        tables: tables.map(({ table }) => ({ table, rows: totals.get(table.name) ?? 0 })),
        formats: ['csv'],
        csvProfile: 'excel',
        part: { number: part.number, fileName: part.fileName, isLast },
        deadline: options.deadline ?? null,
        files: partFiles,
        warnings: [],
      });
      options.editManifest?.(manifest);
      manifests.push(manifest);
      return [
        { path: 'README.txt', data: renderReadme(manifest) },
        { path: 'manifest.json', data: serializeManifest(manifest) },
        { path: 'schema.sql', data: renderSchemaSql(catalog.tables, catalog.dialect) },
      ];
    });
    parts.push(record);
    partFiles = [];
  };

  try {
    for (const { table, rows } of tables) {
      const file = new ChunkFile(writer, table);
      const finish = async () => {
        const done = await file.close();
        partFiles.push(done);
        totals.set(table.name, (totals.get(table.name) ?? 0) + done.rows);
      };
      file.open();
      for (let i = 0; i < rows.length; i += rowsPerBatch) {
        if (writer.partBytes >= maxPartBytes) {
          await finish();
          await closePart(false);
          file.open();
        }
        await file.write(rows.slice(i, i + rowsPerBatch));
      }
      await finish();
    }
    await closePart(true);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return { parts, manifests };
}

/** One table's CSV, as one file per part it spans (`csv/t.csv`, `csv/t.0002.csv`...), each with its header. */
class ChunkFile {
  private chunk = 0;
  private rows = 0;
  private input = new PassThrough();
  private done: Promise<EntryRecord> | null = null;

  constructor(
    private readonly writer: ArchiveWriter,
    private readonly table: CatalogTable,
  ) {}

  open(): void {
    this.chunk += 1;
    this.rows = 0;
    const suffix = this.chunk === 1 ? '' : `.${String(this.chunk).padStart(4, '0')}`;
    this.input = new PassThrough();
    this.done = this.writer.addEntry(`csv/${this.table.name}${suffix}.csv`, this.input);
    this.input.write(`\uFEFF${csvLine(this.table.columns.map((c) => c.name))}`);
  }

  /** Writes rows and waits until the zip has taken them, so that the next size check sees them. */
  async write(rows: (string | null)[][]): Promise<void> {
    this.input.write(rows.map(csvLine).join(''));
    this.rows += rows.length;
    do await new Promise((resolve) => setImmediate(resolve));
    while (this.input.readableLength > 0);
  }

  async close(): Promise<ManifestFile> {
    if (!this.done) throw new Error('chunk file not open');
    this.input.end();
    const record = await this.done;
    this.done = null;
    return { ...record, format: 'csv', table: this.table.name, rows: this.rows, chunk: this.chunk };
  }
}
