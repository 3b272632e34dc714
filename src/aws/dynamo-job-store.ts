/**
 * JobStore on DynamoDB. Three tables:
 * - jobs: `tenant` (hash) + `id` (range, ULID); GSIs `byKind` (kind, id) and `byStatus` (status, id)
 *   serve the admin listing and lookups by id alone;
 * - control: `pk` only, short-lived items with a `ttl` attribute: the per-tenant active-export lock
 *   (`LOCK#<tenant>`), rate-limit windows (`RATE#<tenant>#<windowStart>`), idempotency keys
 *   (`IDEM#<tenant>#<sha256(key)>`);
 * - tenants: `tenant` (hash): subscription end, legal hold; grows with the retention features.
 * No Transact* call is used: every invariant rests on single-item conditional writes.
 */
import { createHash } from 'node:crypto';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ulidBounds } from '../jobs/ids.ts';
import type {
  IdempotencyRecord,
  Job,
  JobError,
  JobFilter,
  JobPage,
  JobPart,
  JobProgress,
  JobStore,
  LockResult,
  OpenUpload,
  TenantRecord,
} from '../jobs/types.ts';
import { EMPTY_PROGRESS } from '../jobs/types.ts';

export interface DynamoJobStoreOptions {
  jobsTable: string;
  controlTable: string;
  tenantsTable: string;
  /** A ready client (tests, shared wiring) or a config to build one. */
  client?: DynamoDBClient;
  clientConfig?: DynamoDBClientConfig;
}

/** Table and index names, also used by the emulator setup and serverless.yml. */
export const JOBS_BY_KIND_INDEX = 'byKind';
export const JOBS_BY_STATUS_INDEX = 'byStatus';

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

const JOB_FIELDS: (keyof Job)[] = [
  'tenant',
  'id',
  'kind',
  'status',
  'formats',
  'tables',
  'requestedBy',
  'requestedAt',
  'startedAt',
  'finishedAt',
  'attempts',
  'progress',
  'parts',
  'expiresAt',
  'error',
  'leaseOwner',
  'leaseUntil',
  'openUploads',
  'archiveDeletedAt',
  'rows',
];

function toJob(item: Record<string, unknown>): Job {
  const job: Record<string, unknown> = {};
  for (const field of JOB_FIELDS) job[field] = item[field] ?? null;
  job.progress = { ...EMPTY_PROGRESS, ...((item.progress as JobProgress | undefined) ?? {}) };
  job.parts = (item.parts as JobPart[] | undefined) ?? [];
  job.openUploads = (item.openUploads as OpenUpload[] | undefined) ?? [];
  job.formats = item.formats ?? [];
  job.attempts = Number(item.attempts ?? 0);
  return job as unknown as Job;
}

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Creates the DynamoDB JobStore.
 * @example
 * const store = createDynamoJobStore({ jobsTable, controlTable, tenantsTable, clientConfig: { region } });
 */
export function createDynamoJobStore(options: DynamoJobStoreOptions): JobStore {
  const raw = options.client ?? new DynamoDBClient(options.clientConfig ?? {});
  const doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const { jobsTable, controlTable, tenantsTable } = options;

  /** Runs a conditional update; null when the condition did not hold. */
  async function conditionalUpdate(
    tenant: string,
    id: string,
    update: string,
    condition: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<Job | null> {
    try {
      const out = await doc.send(
        new UpdateCommand({
          TableName: jobsTable,
          Key: { tenant, id },
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(id) AND (${condition})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? toJob(out.Attributes) : null;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  async function queryPage(
    input: QueryCommandInput,
    limit: number,
    cursor: string | undefined,
  ): Promise<JobPage> {
    const jobs: Job[] = [];
    let startKey: Record<string, unknown> | undefined;
    // Filters apply after Limit, so keep reading until the page is full or the range is exhausted.
    for (let round = 0; round < 20 && jobs.length < limit; round++) {
      const out = await doc.send(
        new QueryCommand({
          ...input,
          Limit: limit + 1,
          ExclusiveStartKey: startKey,
          ScanIndexForward: false,
        }),
      );
      for (const item of out.Items ?? []) {
        if (cursor && item.id === cursor) continue;
        jobs.push(toJob(item));
      }
      startKey = out.LastEvaluatedKey;
      if (!startKey) break;
    }
    const page = jobs.slice(0, limit);
    const more = jobs.length > limit || startKey !== undefined;
    const last = page[page.length - 1];
    return { jobs: page, nextCursor: more && last ? last.id : null };
  }

  function idRange(filter: { from?: string; to?: string; cursor?: string }): { lo: string; hi: string } {
    const { lo, hi } = ulidBounds(filter.from, filter.to);
    return { lo, hi: filter.cursor && filter.cursor < hi ? filter.cursor : hi };
  }

  async function getJob(tenant: string, id: string): Promise<Job | null> {
    const out = await doc.send(
      new GetCommand({ TableName: jobsTable, Key: { tenant, id }, ConsistentRead: true }),
    );
    return out.Item ? toJob(out.Item) : null;
  }

  return {
    async put(job) {
      await doc.send(
        new PutCommand({ TableName: jobsTable, Item: job, ConditionExpression: 'attribute_not_exists(id)' }),
      );
    },

    get: getJob,

    async findById(id) {
      for (const kind of ['export', 'backup']) {
        const out = await doc.send(
          new QueryCommand({
            TableName: jobsTable,
            IndexName: JOBS_BY_KIND_INDEX,
            KeyConditionExpression: '#kind = :kind AND #id = :id',
            ExpressionAttributeNames: { '#kind': 'kind', '#id': 'id' },
            ExpressionAttributeValues: { ':kind': kind, ':id': id },
          }),
        );
        const item = out.Items?.[0];
        // The index is eventually consistent: read the item itself for its current state.
        if (item) return getJob(String(item.tenant), id);
      }
      return null;
    },

    async list(tenant, limit, cursor) {
      const { lo, hi } = idRange({ cursor });
      return queryPage(
        {
          TableName: jobsTable,
          KeyConditionExpression: '#tenant = :tenant AND #id BETWEEN :lo AND :hi',
          ExpressionAttributeNames: { '#tenant': 'tenant', '#id': 'id' },
          ExpressionAttributeValues: { ':tenant': tenant, ':lo': lo, ':hi': hi },
        },
        limit,
        cursor,
      );
    },

    async listAll(filter: JobFilter) {
      const { lo, hi } = idRange(filter);
      const names: Record<string, string> = { '#id': 'id' };
      const values: Record<string, unknown> = { ':lo': lo, ':hi': hi };
      let input: QueryCommandInput;
      if (filter.tenant) {
        names['#tenant'] = 'tenant';
        values[':tenant'] = filter.tenant;
        input = {
          TableName: jobsTable,
          KeyConditionExpression: '#tenant = :tenant AND #id BETWEEN :lo AND :hi',
        };
        if (filter.status) {
          names['#status'] = 'status';
          values[':status'] = filter.status;
          input.FilterExpression = '#status = :status';
        }
      } else if (filter.status) {
        names['#status'] = 'status';
        values[':status'] = filter.status;
        input = {
          TableName: jobsTable,
          IndexName: JOBS_BY_STATUS_INDEX,
          KeyConditionExpression: '#status = :status AND #id BETWEEN :lo AND :hi',
        };
      } else {
        names['#kind'] = 'kind';
        values[':kind'] = 'export';
        input = {
          TableName: jobsTable,
          IndexName: JOBS_BY_KIND_INDEX,
          KeyConditionExpression: '#kind = :kind AND #id BETWEEN :lo AND :hi',
        };
      }
      input.ExpressionAttributeNames = names;
      input.ExpressionAttributeValues = values;
      const page = await queryPage(input, filter.limit, filter.cursor);
      // Index entries can lag a write: re-read each job so the listing shows current states.
      const fresh = await Promise.all(page.jobs.map((j) => getJob(j.tenant, j.id)));
      return { jobs: fresh.filter((j): j is Job => j !== null), nextCursor: page.nextCursor };
    },

    claim(tenant, id, owner, now, leaseUntil) {
      return conditionalUpdate(
        tenant,
        id,
        'SET #status = :running, leaseOwner = :owner, leaseUntil = :until, attempts = attempts + :one, startedAt = :now',
        '#status = :queued OR (#status = :running AND leaseUntil < :now)',
        { '#status': 'status' },
        {
          ':running': 'running',
          ':queued': 'queued',
          ':owner': owner,
          ':until': leaseUntil.toISOString(),
          ':now': now.toISOString(),
          ':one': 1,
        },
      );
    },

    async heartbeat(tenant, id, owner, leaseUntil, progress) {
      const values: Record<string, unknown> = {
        ':running': 'running',
        ':owner': owner,
        ':until': leaseUntil.toISOString(),
      };
      let update = 'SET leaseUntil = :until';
      if (progress) {
        update += ', progress = :progress';
        values[':progress'] = progress;
      }
      const job = await conditionalUpdate(
        tenant,
        id,
        update,
        '#status = :running AND leaseOwner = :owner',
        { '#status': 'status' },
        values,
      );
      return job !== null;
    },

    async setOpenUploads(tenant, id, owner, uploads) {
      const job = await conditionalUpdate(
        tenant,
        id,
        'SET openUploads = :uploads',
        '#status = :running AND leaseOwner = :owner',
        { '#status': 'status' },
        { ':uploads': uploads, ':running': 'running', ':owner': owner },
      );
      return job !== null;
    },

    finish(tenant, id, owner, outcome, now) {
      const values: Record<string, unknown> = {
        ':running': 'running',
        ':owner': owner,
        ':status': outcome.status,
        ':now': now.toISOString(),
        ':none': [],
        ':null': null,
      };
      let update =
        'SET #status = :status, finishedAt = :now, openUploads = :none, leaseOwner = :null, leaseUntil = :null';
      if (outcome.status === 'succeeded') {
        update += ', parts = :parts, expiresAt = :expiresAt, #rows = :rows, progress = :progress';
        values[':parts'] = outcome.parts;
        values[':expiresAt'] = outcome.expiresAt;
        values[':rows'] = outcome.rows;
        values[':progress'] = outcome.progress;
      } else {
        update += ', #error = :error';
        values[':error'] = outcome.error;
      }
      return conditionalUpdate(
        tenant,
        id,
        update,
        '#status = :running AND leaseOwner = :owner',
        outcome.status === 'succeeded'
          ? { '#status': 'status', '#rows': 'rows' }
          : { '#status': 'status', '#error': 'error' },
        values,
      );
    },

    cancel(tenant, id, now) {
      return conditionalUpdate(
        tenant,
        id,
        'SET #status = :cancelled, finishedAt = :now',
        '#status IN (:queued, :running)',
        { '#status': 'status' },
        { ':cancelled': 'cancelled', ':queued': 'queued', ':running': 'running', ':now': now.toISOString() },
      );
    },

    requeue(tenant, id) {
      return conditionalUpdate(
        tenant,
        id,
        'SET #status = :queued, #error = :null, leaseOwner = :null, leaseUntil = :null, finishedAt = :null, parts = :none, progress = :progress',
        '#status IN (:failed, :cancelled)',
        { '#status': 'status', '#error': 'error' },
        {
          ':queued': 'queued',
          ':failed': 'failed',
          ':cancelled': 'cancelled',
          ':null': null,
          ':none': [],
          ':progress': EMPTY_PROGRESS,
        },
      );
    },

    markArchiveDeleted(tenant, id, now) {
      return conditionalUpdate(
        tenant,
        id,
        'SET #status = :expired, archiveDeletedAt = :now',
        '#status = :succeeded',
        { '#status': 'status' },
        { ':expired': 'expired', ':succeeded': 'succeeded', ':now': now.toISOString() },
      );
    },

    failQueued(tenant, id, error: JobError, now) {
      return conditionalUpdate(
        tenant,
        id,
        'SET #status = :failed, #error = :error, finishedAt = :now',
        '#status = :queued',
        { '#status': 'status', '#error': 'error' },
        { ':failed': 'failed', ':queued': 'queued', ':error': error, ':now': now.toISOString() },
      );
    },

    async acquireTenantLock(tenant, jobId): Promise<LockResult> {
      const pk = `LOCK#${tenant}`;
      try {
        await doc.send(
          new PutCommand({
            TableName: controlTable,
            Item: { pk, jobId },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { acquired: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const out = await doc.send(
        new GetCommand({ TableName: controlTable, Key: { pk }, ConsistentRead: true }),
      );
      const holder = out.Item?.jobId;
      // Released between our put and get: let the caller try again.
      if (typeof holder !== 'string') return { acquired: false, holderJobId: '' };
      return { acquired: false, holderJobId: holder };
    },

    async replaceTenantLock(tenant, staleJobId, jobId) {
      try {
        await doc.send(
          new PutCommand({
            TableName: controlTable,
            Item: { pk: `LOCK#${tenant}`, jobId },
            ConditionExpression: staleJobId ? 'jobId = :stale' : 'attribute_not_exists(pk)',
            ExpressionAttributeValues: staleJobId ? { ':stale': staleJobId } : undefined,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async releaseTenantLock(tenant, jobId) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName: controlTable,
            Key: { pk: `LOCK#${tenant}` },
            ConditionExpression: 'jobId = :job',
            ExpressionAttributeValues: { ':job': jobId },
          }),
        );
      } catch (error) {
        // Already released, or held by a newer job: nothing of ours to release.
        if (!isConditionFailure(error)) throw error;
      }
    },

    async countRequest(tenant, windowStart, windowEnd, limit) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: controlTable,
            Key: { pk: `RATE#${tenant}#${windowStart.toISOString()}` },
            UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': limit,
              ':ttl': Math.ceil(windowEnd.getTime() / 1000) + 3600,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async putIdempotencyKey(tenant, key, record: IdempotencyRecord, now, expiresAt) {
      const pk = `IDEM#${tenant}#${hashKey(key)}`;
      try {
        await doc.send(
          new PutCommand({
            TableName: controlTable,
            Item: {
              pk,
              jobId: record.jobId,
              bodyHash: record.bodyHash,
              expiresAt: expiresAt.getTime(),
              ttl: Math.ceil(expiresAt.getTime() / 1000),
            },
            // TTL deletion runs late: an expired key counts as absent.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': now.getTime() },
          }),
        );
        return null;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const out = await doc.send(
        new GetCommand({ TableName: controlTable, Key: { pk }, ConsistentRead: true }),
      );
      if (!out.Item) return null;
      return { jobId: String(out.Item.jobId), bodyHash: String(out.Item.bodyHash) };
    },

    async deleteIdempotencyKey(tenant, key) {
      await doc.send(
        new DeleteCommand({ TableName: controlTable, Key: { pk: `IDEM#${tenant}#${hashKey(key)}` } }),
      );
    },

    async getTenant(tenant) {
      const out = await doc.send(
        new GetCommand({ TableName: tenantsTable, Key: { tenant }, ConsistentRead: true }),
      );
      return out.Item ? toTenant(out.Item) : null;
    },

    async putTenantSubscription(tenant, endsAt, now) {
      const out = await doc.send(
        new UpdateCommand({
          TableName: tenantsTable,
          Key: { tenant },
          UpdateExpression:
            'SET subscriptionEndsAt = :endsAt, updatedAt = :now, legalHold = if_not_exists(legalHold, :false)',
          ExpressionAttributeValues: { ':endsAt': endsAt, ':now': now.toISOString(), ':false': false },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toTenant(out.Attributes ?? { tenant });
    },
  };
}

/** Maps a tenants-table item to its record (also used by the retention store). */
export function toTenant(item: Record<string, unknown>): TenantRecord {
  return {
    tenant: String(item.tenant),
    subscriptionEndsAt: typeof item.subscriptionEndsAt === 'string' ? item.subscriptionEndsAt : null,
    legalHold: item.legalHold === true,
    updatedAt: typeof item.updatedAt === 'string' ? item.updatedAt : '',
    purgedAt: typeof item.purgedAt === 'string' ? item.purgedAt : null,
  };
}
