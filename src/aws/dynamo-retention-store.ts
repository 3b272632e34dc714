/**
 * RetentionStore on DynamoDB. It reads and writes the tenants and control tables of the job store
 * and owns the deletions table (`pk` + `sk`):
 * - `LOG#<tenant>` / `<target>`: one deletion-log item per deleted object or job record, claimed
 *   by a purge run with a conditional put, then marked done; while claimed it carries `pending`,
 *   which puts it in the sparse `byPending` index that crash recovery reads;
 * - `RUNS` / `<startedAt>#<runId>`: what each purge run deleted;
 * - `RECORDS` / `<tenant>#<deadline>`: one deletion record per tenant purge.
 * Markers (reminders, backups) are control-table items `MARK#...` with a `ttl`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TenantRecord } from '../jobs/types.ts';
import type { DeletionLogItem, PurgeItem, RetentionStore, TenantDeletionRecord } from '../retention/types.ts';
import { toTenant } from './dynamo-job-store.ts';

export interface DynamoRetentionStoreOptions {
  jobsTable: string;
  controlTable: string;
  tenantsTable: string;
  deletionsTable: string;
  client: DynamoDBClient;
}

/** Sparse index of deletion-log items claimed but not yet done (crash recovery of the purge). */
export const DELETIONS_PENDING_INDEX = 'byPending';

/** `syncedEndsAt` holds this for "no end date": DynamoDB cannot compare NULLs. */
const NO_END = 'none';
const PENDING = 'yes';

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

function toLogItem(item: Record<string, unknown>): DeletionLogItem {
  return {
    tenant: String(item.tenant),
    kind: item.kind === 'job-record' ? 'job-record' : 'object',
    ref: String(item.ref),
    target: String(item.sk),
    bytes: Number(item.bytes ?? 0),
    reason: item.reason as DeletionLogItem['reason'],
    status: item.status === 'done' ? 'done' : 'claimed',
    runId: String(item.runId),
    claimedAt: String(item.claimedAt),
    leaseUntil: String(item.leaseUntil),
    doneAt: typeof item.doneAt === 'string' ? item.doneAt : null,
  };
}

function toRecord(item: Record<string, unknown>): TenantDeletionRecord {
  return {
    tenant: String(item.tenant),
    deletedAt: String(item.deletedAt),
    deadline: String(item.deadline),
    reason: String(item.reason),
    objects: Number(item.objects ?? 0),
    bytes: Number(item.bytes ?? 0),
    jobRecords: Number(item.jobRecords ?? 0),
    runIds: (item.runIds as string[] | undefined) ?? [],
  };
}

/** Creates the DynamoDB RetentionStore over a ready client (the wiring's). */
export function createDynamoRetentionStore(options: DynamoRetentionStoreOptions): RetentionStore {
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const { controlTable, tenantsTable, deletionsTable, jobsTable } = options;

  async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async function conditional(run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  return {
    async listTenants() {
      const tenants: TenantRecord[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new ScanCommand({ TableName: tenantsTable, ExclusiveStartKey: startKey, ConsistentRead: true }),
        );
        for (const item of out.Items ?? []) tenants.push(toTenant(item));
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      return tenants.sort((a, b) => a.tenant.localeCompare(b.tenant));
    },

    async setLegalHold(tenant, legalHold, now) {
      const out = await doc.send(
        new UpdateCommand({
          TableName: tenantsTable,
          Key: { tenant },
          UpdateExpression:
            'SET legalHold = :hold, updatedAt = :now, subscriptionEndsAt = if_not_exists(subscriptionEndsAt, :null)',
          ExpressionAttributeValues: { ':hold': legalHold, ':now': now.toISOString(), ':null': null },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toTenant(out.Attributes ?? { tenant });
    },

    syncSubscription(tenant, endsAt, now) {
      const synced = endsAt ?? NO_END;
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName: tenantsTable,
            Key: { tenant },
            UpdateExpression:
              'SET subscriptionEndsAt = :endsAt, syncedEndsAt = :synced, updatedAt = :now, legalHold = if_not_exists(legalHold, :false)',
            ConditionExpression: 'attribute_not_exists(syncedEndsAt) OR syncedEndsAt <> :synced',
            ExpressionAttributeValues: {
              ':endsAt': endsAt,
              ':synced': synced,
              ':now': now.toISOString(),
              ':false': false,
            },
          }),
        ),
      );
    },

    async markTenantPurged(tenant, now) {
      await doc.send(
        new UpdateCommand({
          TableName: tenantsTable,
          Key: { tenant },
          UpdateExpression: 'SET purgedAt = if_not_exists(purgedAt, :now), updatedAt = :now',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
    },

    claimMarker(key, attributes, expiresAt) {
      return conditional(() =>
        doc.send(
          new PutCommand({
            TableName: controlTable,
            Item: { ...attributes, pk: `MARK#${key}`, ttl: Math.ceil(expiresAt.getTime() / 1000) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async getMarker(key) {
      const out = await doc.send(
        new GetCommand({ TableName: controlTable, Key: { pk: `MARK#${key}` }, ConsistentRead: true }),
      );
      return out.Item ?? null;
    },

    async deleteJobRecord(tenant, id) {
      await doc.send(new DeleteCommand({ TableName: jobsTable, Key: { tenant, id } }));
    },

    async claimDeletion(item: PurgeItem, runId, now, leaseUntil) {
      const claimed = await conditional(() =>
        doc.send(
          new PutCommand({
            TableName: deletionsTable,
            Item: {
              pk: `LOG#${item.tenant}`,
              sk: item.target,
              tenant: item.tenant,
              kind: item.kind,
              ref: item.ref,
              bytes: item.bytes,
              reason: item.reason,
              status: 'claimed',
              pending: PENDING,
              runId,
              claimedAt: now.toISOString(),
              leaseUntil: leaseUntil.toISOString(),
            },
            ConditionExpression: 'attribute_not_exists(sk)',
          }),
        ),
      );
      if (claimed) return null;
      const out = await doc.send(
        new GetCommand({
          TableName: deletionsTable,
          Key: { pk: `LOG#${item.tenant}`, sk: item.target },
          ConsistentRead: true,
        }),
      );
      // Never absent: log items are not deleted.
      return toLogItem(out.Item ?? {});
    },

    takeOverDeletion(item, runId, now, leaseUntil) {
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName: deletionsTable,
            Key: { pk: `LOG#${item.tenant}`, sk: item.target },
            UpdateExpression: 'SET runId = :run, leaseUntil = :until',
            ConditionExpression: '#status = :claimed AND runId = :previous AND leaseUntil < :now',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':run': runId,
              ':until': leaseUntil.toISOString(),
              ':claimed': 'claimed',
              ':previous': item.runId,
              ':now': now.toISOString(),
            },
          }),
        ),
      );
    },

    completeDeletion(tenant, target, runId, now) {
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName: deletionsTable,
            Key: { pk: `LOG#${tenant}`, sk: target },
            UpdateExpression: 'SET #status = :done, doneAt = :now REMOVE pending',
            ConditionExpression: '#status = :claimed AND runId = :run',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':done': 'done',
              ':claimed': 'claimed',
              ':run': runId,
              ':now': now.toISOString(),
            },
          }),
        ),
      );
    },

    async listPendingDeletions() {
      const items = await queryAll({
        TableName: deletionsTable,
        IndexName: DELETIONS_PENDING_INDEX,
        KeyConditionExpression: 'pending = :yes',
        ExpressionAttributeValues: { ':yes': PENDING },
      });
      return items.map(toLogItem);
    },

    async listTenantDeletions(tenant) {
      const items = await queryAll({
        TableName: deletionsTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `LOG#${tenant}` },
        ConsistentRead: true,
      });
      return items.map(toLogItem);
    },

    async putRun(run) {
      await doc.send(
        new PutCommand({
          TableName: deletionsTable,
          Item: { pk: 'RUNS', sk: `${run.startedAt}#${run.runId}`, ...run },
        }),
      );
    },

    putTenantDeletionRecord(record) {
      return conditional(() =>
        doc.send(
          new PutCommand({
            TableName: deletionsTable,
            Item: { pk: 'RECORDS', sk: `${record.tenant}#${record.deadline}`, ...record },
            ConditionExpression: 'attribute_not_exists(sk)',
          }),
        ),
      );
    },

    async listTenantDeletionRecords() {
      const items = await queryAll({
        TableName: deletionsTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'RECORDS' },
        ConsistentRead: true,
      });
      return items.map(toRecord).sort((a, b) => b.deletedAt.localeCompare(a.deletedAt));
    },
  };
}
