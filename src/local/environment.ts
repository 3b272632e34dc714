/** The environment of local mode: the same variables as in AWS, pointing at the emulators. */
import type { Environment } from '../config/service-config.ts';
import type { Emulators } from './emulators.ts';

/** A fixed secret for local tokens only; AWS deployments use a JWKS URL and refuse secrets. */
export const LOCAL_AUTH_SECRET = 'handover-local-development-secret-not-for-production';
export const LOCAL_ISSUER = 'https://auth.handover.local/';
export const LOCAL_AUDIENCE = 'handover-api';

/** Builds the service environment for the emulators; `extra` wins (source URL, limits, ...). */
export function localEnvironment(emulators: Emulators, extra: Environment = {}): Environment {
  return {
    AWS_REGION: emulators.region,
    HANDOVER_AWS_ENDPOINT: emulators.awsEndpoint,
    HANDOVER_DYNAMODB_ENDPOINT: emulators.dynamoEndpoint,
    HANDOVER_JOBS_TABLE: emulators.names.jobsTable,
    HANDOVER_CONTROL_TABLE: emulators.names.controlTable,
    HANDOVER_TENANTS_TABLE: emulators.names.tenantsTable,
    HANDOVER_DELETIONS_TABLE: emulators.names.deletionsTable,
    HANDOVER_BUCKET: emulators.names.bucket,
    HANDOVER_QUEUE_URL: emulators.queueUrl,
    HANDOVER_ALERTS_TOPIC_ARN: emulators.alertsTopicArn,
    HANDOVER_NOTIFICATIONS_TOPIC_ARN: emulators.notificationsTopicArn,
    HANDOVER_SSE: 'aws:kms',
    HANDOVER_KMS_KEY_ID: 'alias/handover-local',
    HANDOVER_AUTH_SECRET: LOCAL_AUTH_SECRET,
    HANDOVER_AUTH_ISSUER: LOCAL_ISSUER,
    HANDOVER_AUTH_AUDIENCE: LOCAL_AUDIENCE,
    HANDOVER_LEASE_SECONDS: '20',
    HANDOVER_HEARTBEAT_SECONDS: '5',
    ...extra,
  };
}
