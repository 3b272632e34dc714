/** JobQueue on SQS: one message per job, body `{"tenant","jobId"}` (never any tenant data). */

import type { SQSClientConfig } from '@aws-sdk/client-sqs';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { JobMessage, JobQueue } from '../jobs/types.ts';

export interface SqsJobQueueOptions {
  queueUrl: string;
  client?: SQSClient;
  clientConfig?: SQSClientConfig;
}

/** Creates the SQS JobQueue. */
export function createSqsJobQueue(options: SqsJobQueueOptions): JobQueue {
  const client = options.client ?? new SQSClient(options.clientConfig ?? {});
  return {
    async enqueue(message) {
      await client.send(
        new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: JSON.stringify(message) }),
      );
    },
  };
}

/** Parses a queue message body; null when it is not a job message (the record is then dropped, not retried). */
export function parseJobMessage(body: string): JobMessage | null {
  try {
    const value = JSON.parse(body) as Partial<JobMessage>;
    if (typeof value.tenant === 'string' && typeof value.jobId === 'string') {
      return { tenant: value.tenant, jobId: value.jobId };
    }
  } catch {
    // falls through
  }
  return null;
}
