/**
 * Local stand-in for the EventBridge schedules: runs the retention tasks on intervals. The
 * subscription sync, reminders and backups run at start and then every `intervalSeconds` (60 by
 * default: every task is idempotent, so running it more often than daily changes nothing but
 * latency); the purge runs every `purgeIntervalSeconds` (an hour), and on demand with
 * `handover purge`.
 */
import type { Logger } from '../observability/logger.ts';
import type { RetentionServices, ScheduledTask } from '../retention/schedules.ts';
import { runScheduledTask } from '../retention/schedules.ts';

export interface LocalScheduler {
  stop(): Promise<void>;
}

export function startLocalScheduler(options: {
  services: RetentionServices;
  logger: Logger;
  intervalSeconds?: number;
  purgeIntervalSeconds?: number;
}): LocalScheduler {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = (tasks: ScheduledTask[]) => {
    running = running.then(async () => {
      for (const task of tasks) {
        if (stopped) return;
        try {
          const summary = await runScheduledTask(task, options.services);
          options.logger.info('scheduled task finished', { task, ...summary });
        } catch (error) {
          options.logger.error('scheduled task failed', { task, error });
        }
      }
    });
  };
  const frequent: ScheduledTask[] = ['subscription-sync', 'reminders', 'backups'];
  run(frequent);
  const timers = [
    setInterval(() => run(frequent), (options.intervalSeconds ?? 60) * 1000),
    setInterval(() => run(['purge']), (options.purgeIntervalSeconds ?? 3600) * 1000),
  ];
  for (const timer of timers) timer.unref();
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await running;
    },
  };
}
