import { ConfigError } from '../../config/errors.ts';
import { readOperatorConfig } from '../../config/service-config.ts';
import type { PurgeReport } from '../../retention/purge.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';

export interface PurgeOptions {
  dryRun?: boolean;
  json?: boolean;
}

function render(report: PurgeReport, origin: string): string {
  const verb = report.dryRun ? 'would delete' : 'deleted';
  const lines = [
    `Purge ${report.dryRun ? 'dry run' : 'run'} ${report.runId} on ${origin}`,
    `${verb} ${report.objects} object(s), ${report.bytes} bytes, and ${report.jobRecords} job record(s)`,
  ];
  for (const [reason, count] of Object.entries(report.byReason)) lines.push(`  ${reason}: ${count}`);
  for (const item of report.deleted) lines.push(`  - [${item.reason}] ${item.target} (${item.bytes} bytes)`);
  for (const record of report.records) {
    lines.push(
      `Tenant ${record.tenant} purged: ${record.objects} object(s), ${record.bytes} bytes, ${record.jobRecords} job record(s); deletion record written`,
    );
  }
  if (report.heldTenants.length > 0)
    lines.push(`On legal hold (untouched): ${report.heldTenants.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `handover purge [--dry-run] [--json]`: one purge run with the service's own wiring (the
 * deployed stage's variables, or the running `npm start` stack). The dry run deletes nothing and
 * lists exactly what a real run would delete now.
 */
export async function runPurgeCommand(options: PurgeOptions, io: CliIo): Promise<number> {
  let resolved: Awaited<ReturnType<typeof readOperatorConfig>>;
  try {
    resolved = await readOperatorConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`handover purge: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  const [{ createService }, { createLogger }, { dryRunPurge, runPurge }, { newRunId }] = await Promise.all([
    import('../../config/wiring.ts'),
    import('../../observability/logger.ts'),
    import('../../retention/purge.ts'),
    import('../../retention/schedules.ts'),
  ]);
  // Audit lines go to stderr (one JSON line per deletion) so that --json output stays parseable.
  const logger = createLogger({ level: 'info', write: (line) => io.err(`${line}\n`) });
  const service = createService(resolved.config, { logger });
  try {
    const runId = newRunId(service.api.clock.now());
    const report = options.dryRun
      ? await dryRunPurge(service.retention.purge, runId)
      : await runPurge(service.retention.purge, runId);
    io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : render(report, resolved.origin));
    return EXIT.ok;
  } finally {
    for (const client of Object.values(service.clients)) client.destroy();
  }
}
