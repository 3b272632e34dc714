/** EventBridge entry point: the `subscription-sync` retention task. */
import { createScheduleHandler } from '../../src/aws/schedule-handler.ts';
import { serviceFromEnvironment } from '../../src/config/wiring.ts';

const service = serviceFromEnvironment();
export const handler = createScheduleHandler('subscription-sync', service.retention, service.api.logger);
