/** EventBridge schedule handlers: each runs one retention task and logs its summary. */
import middy from '@middy/core';
import type { Logger } from '../observability/logger.ts';
import type { RetentionServices, ScheduledTask } from '../retention/schedules.ts';
import { runScheduledTask } from '../retention/schedules.ts';

export type ScheduleHandler = (event: unknown) => Promise<Record<string, unknown>>;

/** Builds the handler of one scheduled task; a failure is thrown so that Lambda retries and alarms. */
export function createScheduleHandler(
  task: ScheduledTask,
  services: RetentionServices,
  logger: Logger,
): ScheduleHandler {
  const core = async () => {
    const summary = await runScheduledTask(task, services);
    logger.info('scheduled task finished', { task, ...summary });
    return summary;
  };
  return middy().handler(core) as unknown as ScheduleHandler;
}
