import { z } from 'zod';
import type { Catalog, CatalogTable, LogicalType } from '../catalog/types.ts';
import { FORMULA_GUARD } from '../encode/csv.ts';
import { ManifestError } from './errors.ts';
import {
  CSV_PROFILES,
  type CsvProfile,
  EXPORT_FORMATS,
  type ExportFormat,
  MANIFEST_FORMAT_VERSION,
  type Manifest,
  type ManifestFile,
  type ManifestTable,
  type ManifestWarning,
} from './types.ts';

/** How values are written: the sentences recorded in every manifest's `encoding` (and shown in README.txt). */
export const ENCODING_TEXT = {
  csv: {
    raw: 'RFC 4180, UTF-8, LF line ends; values written exactly as stored',
    excel: `RFC 4180, UTF-8 with a byte order mark (BOM), LF line ends; ${FORMULA_GUARD.description}`,
  } satisfies Record<CsvProfile, string>,
  null: 'empty field; empty string is ""',
  binary: 'base64',
  timestamps:
    'ISO 8601: timestamp with time zone in UTC with microseconds (2024-03-01T09:30:00.000000Z); timestamp without time zone has no offset (2024-03-01T09:30:00.000000); date YYYY-MM-DD; time HH:MM:SS[.ffffff][offset]; interval as an ISO 8601 duration',
} as const;

export interface ManifestInput {
  tenant: string;
  jobId: string | null;
  createdAt: string;
  snapshotTakenAt: string;
  generatorVersion: string;
  catalog: Pick<Catalog, 'dialect' | 'tenancy' | 'tenantColumn' | 'uncovered'>;
  /** The exported tables with their rows in the whole export (final only in the last part). */
  tables: { table: CatalogTable; rows: number }[];
  formats: ExportFormat[];
  csvProfile: CsvProfile;
  part: { number: number; fileName: string; isLast: boolean };
  deadline: string | null;
  /** The data files of this part. */
  files: ManifestFile[];
  warnings: ManifestWarning[];
}

/**
 * Builds one part's manifest from the pieces the engine holds (pure: no clock, no I/O).
 *
 * @example
 * const manifest = buildManifest({ tenant: 'acme', catalog, tables: [{ table, rows: 12 }], files, ... });
 * const text = serializeManifest(manifest);
 */
export function buildManifest(input: ManifestInput): Manifest {
  return {
    formatVersion: MANIFEST_FORMAT_VERSION,
    generator: { name: 'handover', version: input.generatorVersion },
    tenant: input.tenant,
    jobId: input.jobId,
    createdAt: input.createdAt,
    snapshotTakenAt: input.snapshotTakenAt,
    dialect: input.catalog.dialect,
    tenancy: input.catalog.tenancy,
    tenantColumn: input.catalog.tenantColumn,
    formats: [...input.formats],
    csvProfile: input.csvProfile,
    encoding: {
      csv: ENCODING_TEXT.csv[input.csvProfile],
      null: ENCODING_TEXT.null,
      binary: ENCODING_TEXT.binary,
      timestamps: ENCODING_TEXT.timestamps,
    },
    part: { ...input.part },
    deadline: input.deadline,
    tables: input.tables.map(({ table, rows }) => manifestTable(table, rows)),
    files: input.files.map((file) => ({ ...file })),
    uncoveredTables: input.catalog.uncovered.map((t) => ({ ...t })),
    warnings: input.warnings.map((w) => ({ ...w })),
  };
}

/** A catalog table as the manifest describes it. */
export function manifestTable(table: CatalogTable, rows: number): ManifestTable {
  return {
    name: table.name,
    schema: table.schema,
    scope: table.scopeDescription,
    columns: table.columns.map(({ name, type, sourceType, nullable, generated }) => ({
      name,
      type,
      sourceType,
      nullable,
      generated,
    })),
    excludedColumns: table.excludedColumns.map((c) => ({ ...c })),
    rows,
  };
}

/** manifest.json text: keys in a fixed order (the format's own order, not insertion order), 2-space indent. */
export function serializeManifest(manifest: Manifest): string {
  const result = manifestSchema.safeParse(manifest);
  if (!result.success) {
    const issues = describeIssues(result.error.issues);
    throw new ManifestError(`refusing to write an invalid manifest: ${issues.join('; ')}`, issues);
  }
  return `${JSON.stringify(result.data, null, 2)}\n`;
}

/**
 * Parses and validates manifest.json. Throws a {@link ManifestError} naming every bad field
 * (`files[2].sha256: expected 64 lowercase hex characters`).
 */
export function parseManifest(text: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ManifestError(`manifest.json is not valid JSON: ${reason}`, [], { cause: error });
  }
  const version = isRecord(json) ? json.formatVersion : undefined;
  if (typeof version === 'number' && version !== MANIFEST_FORMAT_VERSION) {
    throw new ManifestError(
      `manifest.json has format version ${version}; this handover reads version ${MANIFEST_FORMAT_VERSION} (a newer handover may read it)`,
    );
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const issues = describeIssues(result.error.issues);
    throw new ManifestError(`manifest.json is invalid: ${issues.join('; ')}`, issues);
  }
  return result.data;
}

// --- schema ---------------------------------------------------------------------------------------

const LOGICAL_TYPES = [
  'integer',
  'bigint',
  'decimal',
  'float',
  'boolean',
  'text',
  'uuid',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'interval',
  'json',
  'binary',
  'array',
] as const satisfies readonly LogicalType[];
// Compile-time guard: a LogicalType added in the catalog must be added above.
const everyLogicalType: [Exclude<LogicalType, (typeof LOGICAL_TYPES)[number]>] extends [never]
  ? true
  : false = true;
void everyLogicalType;

const text = z.string().min(1, 'must not be empty');
const count = z.number().int('must be a whole number').nonnegative('must not be negative');
const instant = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time' });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');
const exportFormat = z.enum(EXPORT_FORMATS as [ExportFormat, ...ExportFormat[]]);

const fileSchema = z.object({
  path: z
    .string()
    .regex(/^(csv|xlsx)\/[^/\\]+$/, 'expected csv/<name> or xlsx/<name> (no other folders)')
    .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'must not contain . or .. segments'),
  bytes: count,
  sha256,
  format: exportFormat,
  table: text,
  rows: count,
  chunk: z.number().int().positive('must be 1 or more'),
  sheets: z.array(text).optional(),
});

const tableSchema = z.object({
  name: text,
  schema: z.string(),
  scope: z.string(),
  columns: z.array(
    z.object({
      name: text,
      type: z.enum(LOGICAL_TYPES),
      sourceType: z.string(),
      nullable: z.boolean(),
      generated: z.boolean(),
    }),
  ),
  excludedColumns: z.array(z.object({ name: text, reason: z.string() })),
  rows: count,
});

const manifestSchema = z
  .object({
    formatVersion: z.literal(MANIFEST_FORMAT_VERSION),
    generator: z.object({ name: z.literal('handover'), version: text }),
    tenant: text,
    jobId: z.string().nullable(),
    createdAt: instant,
    snapshotTakenAt: instant,
    dialect: z.enum(['postgres', 'mysql']),
    tenancy: z.enum(['column', 'schema']),
    tenantColumn: z.string(),
    formats: z.array(exportFormat).min(1, 'must name at least one format'),
    csvProfile: z.enum(CSV_PROFILES as [CsvProfile, ...CsvProfile[]]),
    encoding: z.object({
      csv: text,
      null: text,
      binary: z.literal('base64'),
      timestamps: text,
    }),
    part: z.object({
      number: z.number().int().positive('must be 1 or more'),
      fileName: text,
      isLast: z.boolean(),
    }),
    deadline: instant.nullable(),
    tables: z.array(tableSchema),
    files: z.array(fileSchema),
    uncoveredTables: z.array(
      z.object({
        schema: z.string(),
        name: text,
        reason: z.string(),
        kind: z.enum(['excluded', 'unreachable']),
      }),
    ),
    warnings: z.array(
      z.object({
        code: text,
        table: z.string().optional(),
        column: z.string().optional(),
        message: z.string(),
      }),
    ),
  })
  .superRefine((manifest, context) => {
    const seen = new Set<string>();
    const tables = new Set(manifest.tables.map((t) => t.name));
    manifest.files.forEach((file, index) => {
      if (seen.has(file.path)) {
        context.addIssue({
          code: 'custom',
          path: ['files', index, 'path'],
          message: `${file.path} is listed twice`,
        });
      }
      seen.add(file.path);
      if (!file.path.startsWith(`${file.format}/`)) {
        context.addIssue({
          code: 'custom',
          path: ['files', index, 'path'],
          message: `a ${file.format} file must be under ${file.format}/`,
        });
      }
      if (!tables.has(file.table)) {
        context.addIssue({
          code: 'custom',
          path: ['files', index, 'table'],
          message: `table ${file.table} is not in tables[]`,
        });
      }
    });
  });

// The schema's output must be exactly a Manifest, so parseManifest can promise one.
const schemaMatchesType: z.infer<typeof manifestSchema> extends Manifest
  ? Manifest extends z.infer<typeof manifestSchema>
    ? true
    : false
  : false = true;
void schemaMatchesType;

/** `files[2].sha256: expected 64 lowercase hex characters` */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = issue.path.reduce<string>((acc, key) => {
      if (typeof key === 'number') return `${acc}[${key}]`;
      return acc ? `${acc}.${String(key)}` : String(key);
    }, '');
    return `${where || '(top level)'}: ${issue.message}`;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
