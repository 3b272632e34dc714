import { Command, CommanderError, Option } from 'commander';
import { describeError, exitCodeFor } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { type CliIo, processIo } from './io.ts';

/**
 * Runs the `handover` command line and returns the exit status (see exit-codes.ts).
 *
 * @example await main(['node', 'handover', 'verify', 'a.zip']) // 0 when the archive is intact
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let status: number = EXIT.ok;
  // Commands are imported when run: `verify` never loads the database drivers or PGlite, and startup
  // time and memory stay small (RSS counts against the export's memory budget).
  const program = new Command()
    .name('handover')
    .description('Complete, verifiable exports of one tenant’s data: CSV and XLSX in zip archives.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('export')
    .description('Export every row of one tenant into zip archive part(s) with a manifest.')
    .requiredOption('-t, --tenant <id>', 'tenant id (value of the tenant column, or the tenant schema)')
    .option('-c, --config <file>', 'config file (YAML or JSON): source, tenancy, exclusions, relations')
    .option(
      '-s, --source <url>',
      'source database URL (postgres://, mysql://); default: embedded demo database',
    )
    .option(
      '-f, --formats <list>',
      'comma-separated formats: csv, xlsx (default: from config, else csv,xlsx)',
    )
    .addOption(
      new Option('-p, --profile <profile>', 'CSV profile (default: excel)').choices(['excel', 'raw']),
    )
    .option('-o, --out <path>', 'a .zip file name, or a directory (default: ./exports/)')
    .option('--tables <list>', 'comma-separated subset of tables to export')
    .option('--part-size <MB>', 'start a new part after this many compressed MB (default: from config, 1024)')
    .option('--max-rows-per-sheet <n>', 'XLSX data rows per sheet (default: 1048575, Excel’s limit)')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (options) => {
      const { runExport } = await import('./commands/export.ts');
      status = await runExport(options, io);
    });

  program
    .command('verify')
    .description(
      'Check archive part(s): zip integrity, every sha256, every CSV row count against the manifest.',
    )
    .argument('<archive...>', 'zip file(s); give all parts of a multi-part export together')
    .option('-q, --quiet', 'print only problems')
    .action(async (archives: string[], options: { quiet?: boolean }) => {
      const { runVerify } = await import('./commands/verify.ts');
      status = await runVerify(archives, options, io);
    });

  program
    .command('catalog')
    .description(
      'Show how each table is scoped to a tenant, what is excluded, and what is not exported and why.',
    )
    .option('-c, --config <file>', 'config file (YAML or JSON)')
    .option('-s, --source <url>', 'source database URL; default: embedded demo database')
    .option('--json', 'print the catalog as JSON')
    .action(async (options) => {
      const { runCatalog } = await import('./commands/catalog.ts');
      status = await runCatalog(options, io);
    });

  program
    .command('purge')
    .description(
      'Delete expired export archives, backups past retention, and every object and job record of tenants past their reversibility deadline (not on legal hold). Reaches the deployed stage through the service variables, or the running npm start.',
    )
    .option('--dry-run', 'delete nothing; list exactly what a real run would delete now')
    .option('--json', 'print the report as JSON')
    .action(async (options: { dryRun?: boolean; json?: boolean }) => {
      const { runPurgeCommand } = await import('./commands/purge.ts');
      status = await runPurgeCommand(options, io);
    });

  try {
    await program.parseAsync(argv);
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version requests end through here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.err(`handover: ${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}
