/**
 * The SQS worker handler: one export job per record, records processed one after another, and
 * failures reported per record (ReportBatchItemFailures) so one bad job never redelivers the batch.
 */
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { RunExportJobDeps } from '../jobs/run-export-job.ts';
import { RetryLaterError, runExportJob } from '../jobs/run-export-job.ts';
import { parseJobMessage } from './sqs-job-queue.ts';

export type WorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Builds the worker handler over the worker ports.
 * @param newWorkerId a lease owner id per record (unique per invocation)
 */
export function createWorkerHandler(
  deps: Omit<RunExportJobDeps, 'workerId'>,
  newWorkerId: (requestId?: string) => string,
): WorkerHandler {
  const core = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const message = parseJobMessage(record.body);
      if (!message) {
        // Retrying cannot fix a malformed message: drop it, loudly.
        deps.logger.error('malformed queue message dropped', { messageId: record.messageId });
        continue;
      }
      try {
        const outcome = await runExportJob({ ...deps, workerId: newWorkerId(context.awsRequestId) }, message);
        deps.logger.info('record processed', { messageId: record.messageId, jobId: message.jobId, outcome });
      } catch (error) {
        const level = error instanceof RetryLaterError ? 'warn' : 'error';
        deps.logger[level]('record will be retried', {
          messageId: record.messageId,
          jobId: message.jobId,
          error,
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
  return middy<SQSEvent, SQSBatchResponse>().handler(core) as unknown as WorkerHandler;
}
