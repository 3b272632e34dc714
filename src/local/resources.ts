/**
 * The AWS resources the service needs, created on the emulators in local mode and in tests. The
 * same names and key schemas are declared in serverless.yml (a test checks the two agree).
 */

import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { JOBS_BY_KIND_INDEX, JOBS_BY_STATUS_INDEX } from '../aws/dynamo-job-store.ts';
import { DELETIONS_PENDING_INDEX } from '../aws/dynamo-retention-store.ts';

export interface ResourceNames {
  jobsTable: string;
  controlTable: string;
  tenantsTable: string;
  deletionsTable: string;
  bucket: string;
  queue: string;
  deadLetterQueue: string;
  alertsTopic: string;
  notificationsTopic: string;
}

/** Default names for local mode (`<prefix>-jobs`, ...). */
export function localResourceNames(prefix = 'handover-local'): ResourceNames {
  return {
    jobsTable: `${prefix}-jobs`,
    controlTable: `${prefix}-control`,
    tenantsTable: `${prefix}-tenants`,
    deletionsTable: `${prefix}-deletions`,
    bucket: `${prefix}-archives`,
    queue: `${prefix}-exports`,
    deadLetterQueue: `${prefix}-exports-dlq`,
    alertsTopic: `${prefix}-alerts`,
    notificationsTopic: `${prefix}-notifications`,
  };
}

/** Key schemas of the four tables (PAY_PER_REQUEST). */
export function tableDefinitions(names: ResourceNames): CreateTableCommandInput[] {
  const byId = (name: string, hash: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: hash, KeyType: 'HASH' as const },
      { AttributeName: 'id', KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return [
    {
      TableName: names.jobsTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'tenant', AttributeType: 'S' },
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'kind', AttributeType: 'S' },
        { AttributeName: 'status', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'tenant', KeyType: 'HASH' },
        { AttributeName: 'id', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [byId(JOBS_BY_KIND_INDEX, 'kind'), byId(JOBS_BY_STATUS_INDEX, 'status')],
    },
    {
      TableName: names.controlTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    },
    {
      TableName: names.tenantsTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'tenant', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'tenant', KeyType: 'HASH' }],
    },
    {
      TableName: names.deletionsTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'pending', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: DELETIONS_PENDING_INDEX,
          KeySchema: [
            { AttributeName: 'pending', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
  ];
}

/** Creates the tables (dynalite has no TTL API: expiry is also checked by the code itself). */
export async function createTables(client: DynamoDBClient, names: ResourceNames): Promise<void> {
  for (const table of tableDefinitions(names)) {
    try {
      await client.send(new CreateTableCommand(table));
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
    }
  }
}
