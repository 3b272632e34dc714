/** EventBridge entry point: the `backups` retention task. */
import { createScheduleHandler } from '../../src/aws/schedule-handler.ts';
import { serviceFromEnvironment } from '../../src/config/wiring.ts';

const service = serviceFromEnvironment();
export const handler = createScheduleHandler('backups', service.retention, service.api.logger);
