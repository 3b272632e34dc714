/** EventBridge entry point: the `reminders` retention task. */
import { createScheduleHandler } from '../../src/aws/schedule-handler.ts';
import { serviceFromEnvironment } from '../../src/config/wiring.ts';

const service = serviceFromEnvironment();
export const handler = createScheduleHandler('reminders', service.retention, service.api.logger);
