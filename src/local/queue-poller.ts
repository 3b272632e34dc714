/**
 * Local event source mapping: long-polls the export queue and invokes the real SQS handler with a
 * Lambda-shaped event, deleting the records it did not report as failed (what AWS does with
 * ReportBatchItemFailures). Failed records come back after the visibility timeout.
 */

import type { SQSClient } from '@aws-sdk/client-sqs';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { WorkerHandler } from '../aws/sqs-worker-handler.ts';
import type { Logger } from '../observability/logger.ts';
import { localContext } from './http-server.ts';

export interface QueuePoller {
  stop(): Promise<void>;
}

/** Starts polling; one record per invocation, like `batchSize: 1` in serverless.yml. */
export function startQueuePoller(options: {
  sqs: SQSClient;
  queueUrl: string;
  queueArn?: string;
  handler: WorkerHandler;
  logger: Logger;
  waitSeconds?: number;
}): QueuePoller {
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const out = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: 1,
            WaitTimeSeconds: options.waitSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        for (const message of out.Messages ?? []) {
          const record: SQSRecord = {
            messageId: message.MessageId ?? '',
            receiptHandle: message.ReceiptHandle ?? '',
            body: message.Body ?? '',
            attributes: {
              ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
              SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
              SenderId: 'local',
              ApproximateFirstReceiveTimestamp: String(Date.now()),
            },
            messageAttributes: {},
            md5OfBody: message.MD5OfBody ?? '',
            eventSource: 'aws:sqs',
            eventSourceARN: options.queueArn ?? 'arn:aws:sqs:us-east-1:000000000000:local',
            awsRegion: 'us-east-1',
          };
          const event: SQSEvent = { Records: [record] };
          const result = await options.handler(event, localContext('handover-run-export'));
          const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
          if (!failed.has(record.messageId)) {
            await options.sqs.send(
              new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: record.receiptHandle }),
            );
          }
        }
      } catch (error) {
        if (running) options.logger.warn('queue poll failed', { error });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
