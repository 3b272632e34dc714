/**
 * The AWS stand-ins of local mode, in-process on loopback: fauxqs (S3, SQS, SNS) and dynalite
 * (DynamoDB), with every resource the service needs created. Tests use the same function.
 */
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';
import type { ResourceNames } from './resources.ts';
import { createTables, localResourceNames } from './resources.ts';

export interface Emulators {
  /** fauxqs endpoint (S3, SQS, SNS). */
  awsEndpoint: string;
  /** dynalite endpoint. */
  dynamoEndpoint: string;
  region: string;
  names: ResourceNames;
  queueUrl: string;
  deadLetterQueueUrl: string;
  alertsTopicArn: string;
  notificationsTopicArn: string;
  /** A queue subscribed to the alerts topic, to read alerts back. */
  alertsQueueUrl: string;
  /** A queue subscribed to the notifications topic, to read user notifications back. */
  notificationsQueueUrl: string;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** 0 = any free port. */
  awsPort?: number;
  dynamoPort?: number;
  prefix?: string;
  /** SQS visibility timeout of the export queue, seconds. */
  visibilityTimeoutSeconds?: number;
  maxReceiveCount?: number;
}

/** Starts both emulators on 127.0.0.1 and creates the bucket, queues, topics and tables. */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const region = 'us-east-1';
  const names = localResourceNames(options.prefix);
  const fauxqs = await startFauxqs({ port: options.awsPort ?? 0, logger: false, host: 'localhost' });
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  try {
    await new Promise<void>((resolve, reject) => {
      dynamo.once('error', reject);
      dynamo.listen(options.dynamoPort ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await fauxqs.stop();
    throw error;
  }
  const dynamoEndpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;

  const dlq = fauxqs.createQueue(names.deadLetterQueue);
  const queue = fauxqs.createQueue(names.queue, {
    attributes: {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.queueArn,
        maxReceiveCount: String(options.maxReceiveCount ?? 5),
      }),
    },
  });
  const alerts = fauxqs.createTopic(names.alertsTopic);
  const notifications = fauxqs.createTopic(names.notificationsTopic);
  const alertsQueue = fauxqs.createQueue(`${names.alertsTopic}-inbox`);
  fauxqs.subscribe({ topic: names.alertsTopic, queue: `${names.alertsTopic}-inbox` });
  const notificationsQueue = fauxqs.createQueue(`${names.notificationsTopic}-inbox`);
  fauxqs.subscribe({ topic: names.notificationsTopic, queue: `${names.notificationsTopic}-inbox` });
  fauxqs.createBucket(names.bucket);

  const client = new DynamoDBClient({
    region,
    endpoint: dynamoEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createTables(client, names);
  client.destroy();

  return {
    awsEndpoint: fauxqs.address,
    dynamoEndpoint,
    region,
    names,
    queueUrl: queue.queueUrl,
    deadLetterQueueUrl: dlq.queueUrl,
    alertsTopicArn: alerts.topicArn,
    notificationsTopicArn: notifications.topicArn,
    alertsQueueUrl: alertsQueue.queueUrl,
    notificationsQueueUrl: notificationsQueue.queueUrl,
    async stop() {
      await fauxqs.stop();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}
