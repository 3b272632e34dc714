/** EventBridge entry point: the `purge` retention task. */
import { createScheduleHandler } from '../../src/aws/schedule-handler.ts';
import { serviceFromEnvironment } from '../../src/config/wiring.ts';

const service = serviceFromEnvironment();
export const handler = createScheduleHandler('purge', service.retention, service.api.logger);
