/** HTTP API entry point: every route of src/http/routes.ts, behind API Gateway (HTTP API v2). */
import { serviceFromEnvironment } from '../../src/config/wiring.ts';
import { createApiHandler } from '../../src/http/api-handler.ts';

export const handler = createApiHandler(serviceFromEnvironment().api);
