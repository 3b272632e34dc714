/** SQS entry point: runs export jobs, one per record, reporting partial batch failures. */
import { createWorkerHandler } from '../../src/aws/sqs-worker-handler.ts';
import { newWorkerId, serviceFromEnvironment } from '../../src/config/wiring.ts';

export const handler = createWorkerHandler(serviceFromEnvironment().worker, newWorkerId);
