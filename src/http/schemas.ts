/**
 * The API's input and output shapes, as zod schemas: the router validates with them and the
 * OpenAPI document is generated from them, so the two cannot drift.
 */
import { z } from 'zod';
import { EXPORT_FORMATS } from '../archive/types.ts';
import { ULID_PATTERN } from '../jobs/ids.ts';
import { JOB_STATUSES } from '../jobs/types.ts';

export const MAX_PAGE_SIZE = 100;

export const jobId = z.string().regex(ULID_PATTERN, 'must be an export id (26-character ULID)');
export const tenantId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'must be a tenant id (letters, digits, - and _)');
const tableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, 'must be a table name');
const pageSize = z.string().regex(/^(100|[1-9][0-9]?)$/, `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
const isoInstant = z.iso.datetime({ offset: true });

export const createExportBody = z
  .strictObject({
    formats: z
      .array(z.enum(EXPORT_FORMATS as [string, ...string[]]))
      .min(1)
      .max(EXPORT_FORMATS.length)
      .refine((f) => new Set(f).size === f.length, 'must not repeat a format')
      .optional()
      .describe('Formats to write; both when absent.'),
    tables: z
      .array(tableName)
      .min(1)
      .max(1000)
      .optional()
      .describe('Restrict the export to these tables; every exported table when absent.'),
  })
  .describe('What to export.');

export const idParams = z.strictObject({ id: jobId });
export const tenantParams = z.strictObject({ id: tenantId });
export const dateParams = z.strictObject({ date: z.iso.date() });

export const listQuery = z.strictObject({
  limit: pageSize.optional(),
  cursor: jobId.optional().describe('`nextCursor` of the previous page.'),
});

export const downloadQuery = z.strictObject({
  part: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/, 'must be a part number from 1')
    .optional()
    .describe('1-based part number; 1 when absent.'),
});

export const adminListQuery = z.strictObject({
  status: z.enum(JOB_STATUSES).optional(),
  tenant: tenantId.optional(),
  from: isoInstant.optional().describe('Requested at or after (ISO 8601).'),
  to: isoInstant.optional().describe('Requested at or before (ISO 8601).'),
  limit: pageSize.optional(),
  cursor: jobId.optional(),
});

export const subscriptionBody = z.strictObject({
  endsAt: isoInstant.nullable().describe('End of the subscription (ISO 8601), or null for no end.'),
});

const progress = z.object({
  tablesDone: z.number().int(),
  tablesTotal: z.number().int(),
  rowsDone: z.number().int(),
  rowsEstimated: z.number().int(),
  bytes: z.number().int(),
  currentTable: z.string().nullable(),
  partsDone: z.number().int(),
  percent: z.number().int().nullable(),
});

export const jobSchema = z
  .object({
    id: jobId,
    tenant: tenantId,
    kind: z.enum(['export', 'backup']),
    status: z.enum(JOB_STATUSES),
    formats: z.array(z.enum(EXPORT_FORMATS as [string, ...string[]])),
    tables: z.array(z.string()).nullable(),
    requestedBy: z.string(),
    requestedAt: isoInstant,
    startedAt: isoInstant.nullable(),
    finishedAt: isoInstant.nullable(),
    attempts: z.number().int(),
    progress,
    parts: z.array(
      z.object({
        number: z.number().int(),
        fileName: z.string(),
        bytes: z.number().int(),
        sha256: z.string(),
        download: z.string(),
      }),
    ),
    rows: z.number().int().nullable(),
    expiresAt: isoInstant.nullable(),
    archiveDeletedAt: isoInstant.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'Job' });

export const jobPageSchema = z
  .object({ jobs: z.array(jobSchema), nextCursor: jobId.nullable() })
  .meta({ id: 'JobPage' });

export const tenantStateSchema = z
  .object({
    tenant: tenantId,
    state: z.enum(['active', 'ending', 'closed', 'purged']),
    subscription: z.object({ status: z.enum(['active', 'ended']), endsAt: isoInstant.nullable() }),
    reversibilityDeadline: isoInstant.nullable(),
    daysLeft: z.number().int().nullable(),
    secondsLeft: z.number().int().nullable(),
    legalHold: z.boolean(),
    purgedAt: isoInstant.nullable(),
    message: z.string(),
  })
  .meta({ id: 'TenantState' });

export const tenantRecordSchema = z
  .object({
    tenant: tenantId,
    subscriptionEndsAt: isoInstant.nullable(),
    legalHold: z.boolean(),
    updatedAt: isoInstant,
    purgedAt: isoInstant.nullable().optional(),
  })
  .meta({ id: 'TenantRecord' });

export const legalHoldBody = z.strictObject({
  legalHold: z
    .boolean()
    .describe('true keeps every object of the tenant past its deadline; false releases it.'),
});

export const backupListSchema = z
  .object({
    items: z.array(
      z.object({
        date: z.iso.date(),
        status: z.enum(JOB_STATUSES),
        finishedAt: isoInstant.nullable(),
        parts: z.array(
          z.object({
            number: z.number().int(),
            fileName: z.string(),
            bytes: z.number().int(),
            sha256: z.string(),
            download: z.string(),
          }),
        ),
      }),
    ),
    nextCursor: z.null(),
  })
  .meta({ id: 'BackupList' });

export const deletionListSchema = z
  .object({
    items: z.array(
      z.object({
        tenant: tenantId,
        deletedAt: isoInstant,
        deadline: isoInstant,
        reason: z.string(),
        objects: z.number().int(),
        bytes: z.number().int(),
        jobRecords: z.number().int(),
        runIds: z.array(z.string()),
      }),
    ),
    nextCursor: z.null(),
  })
  .meta({ id: 'DeletionList' });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem' });

export const emptyListSchema = z.object({ items: z.array(z.unknown()), nextCursor: z.null() });
