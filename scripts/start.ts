/**
 * `npm start`: the whole service on this machine. Serves the API on http://localhost:3000 (PORT),
 * runs the worker, and prints tokens and curl commands to try it by hand. Ctrl-C stops it.
 */
import { LOCAL_STATE_FILE, readLocalModeSettings } from '../src/config/service-config.ts';
import { startLocalStack } from '../src/local/local-stack.ts';

const settings = readLocalModeSettings();
const stack = await startLocalStack({
  port: settings.port,
  sourceUrl: settings.sourceUrl,
  configPath: settings.configPath,
  writeLog: (line) => process.stdout.write(`${line}\n`),
  writeStateFile: true,
  onStatus: (message) => console.log(`· ${message}`),
});
const { url, tokens } = stack;

console.log(`
handover is running locally (source: ${stack.sourceDescription})
  API        ${url}        (OpenAPI: ${url}/openapi.json)
  S3/SQS/SNS ${stack.emulators.awsEndpoint}   DynamoDB ${stack.emulators.dynamoEndpoint}

Tokens (HS256, local secret, valid 12 h):
  export ACME=${tokens.acme}
  export GLOBEX=${tokens.globex}
  export ADMIN=${tokens.admin}

Try:
  curl -s -X POST ${url}/v1/exports -H "Authorization: Bearer $ACME" -H 'Content-Type: application/json' -d '{"formats":["csv","xlsx"]}'
  curl -s ${url}/v1/exports -H "Authorization: Bearer $ACME"
  curl -s ${url}/v1/exports/<id> -H "Authorization: Bearer $ACME"
  curl -si "${url}/v1/exports/<id>/download?part=1" -H "Authorization: Bearer $ACME"     # 302 to the archive
  curl -s ${url}/v1/exports/<id> -H "Authorization: Bearer $GLOBEX"                    # another tenant: 404 + alert
  curl -s "${url}/v1/admin/exports?status=succeeded" -H "Authorization: Bearer $ADMIN"
  curl -s -X PUT ${url}/v1/admin/tenants/acme/subscription -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d '{"endsAt":"2030-01-01T00:00:00Z"}'
  curl -s ${url}/v1/tenant -H "Authorization: Bearer $ACME"
  curl -s -X PUT ${url}/v1/admin/tenants/globex/legal-hold -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d '{"legalHold":true}'
  curl -s ${url}/v1/backups -H "Authorization: Bearer $ACME"
  curl -s ${url}/v1/admin/deletions -H "Authorization: Bearer $ADMIN"

Schedules (local): subscription sync from the demo database, reminders and daily backups at start
and every minute; the purge hourly, or now with:  npx handover purge --dry-run   /   npx handover purge
(the CLI reaches this stack through ${LOCAL_STATE_FILE}, written while it runs)

Press Ctrl-C to stop.
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping...');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
