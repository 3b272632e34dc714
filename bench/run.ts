/**
 * `npm run bench [-- --rows N --source pg|mysql|all --rounds R]`: loads (or reuses) the benchmark
 * data set, times handover's CLI against the baselines in alternating rounds, prints medians, ratios
 * and peak RSS with PASS/MISS against issue 5's targets, and writes the results as JSON under
 * bench/results/. `--scale-check` instead runs 5,000,000 rows through handover alone. See bench/README.md.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ExportFormat } from '../src/archive/types.ts';
import { comparisons, handoverContender, redactUrl } from './contenders.ts';
import { killRunning } from './measure.ts';
import { hasGnuTime, requireCommands, requireHandoverCli, versionOf } from './preflight.ts';
import type { ComparisonSummary, ScaleSummary } from './report.ts';
import { formatReport, rssVerdict, summarizeContender } from './report.ts';
import { runComparison, runOnce } from './rounds.ts';
import { describeMysql, setupMysql, warmMysql } from './setup-mysql.ts';
import { describePostgres, setupPostgres, warmPostgres } from './setup-pg.ts';
import type { BenchDataset } from './setup-types.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_ROWS = 1_000_000;
const SCALE_ROWS = 5_000_000;
const run = promisify(execFile);

interface Options {
  rows?: number;
  source: 'pg' | 'mysql' | 'all';
  rounds?: number;
  formats?: ExportFormat[];
  scaleCheck: boolean;
  fresh: boolean;
  database?: string;
  handover: string;
  pgUrl: string;
  mysqlUrl: string;
  workDir?: string;
  keepOutputs: boolean;
  resultsDir: string;
}

function positiveInteger(value: string): number {
  const number = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a positive integer');
  return number;
}

function formatList(value: string): ExportFormat[] {
  const formats = value.split(',').map((format) => format.trim());
  for (const format of formats) {
    if (format !== 'csv' && format !== 'xlsx') throw new InvalidArgumentError(`unknown format "${format}"`);
  }
  return formats as ExportFormat[];
}

function parseOptions(argv: string[]): Options {
  return new Command('bench')
    .description('Benchmark handover exports against psql/mysql | zip -6 and a plain exceljs writer')
    .option(
      '--rows <n>',
      `tenant rows (default ${DEFAULT_ROWS}, ${SCALE_ROWS} with --scale-check)`,
      positiveInteger,
    )
    .addOption(
      new Option('--source <source>', 'source database').choices(['pg', 'mysql', 'all']).default('pg'),
    )
    .option('--rounds <n>', 'rounds per contender (default 3, 1 with --scale-check)', positiveInteger)
    .option(
      '--formats <list>',
      'formats to compare: csv,xlsx (default both; csv with --scale-check)',
      formatList,
    )
    .option('--scale-check', 'run handover alone on 5,000,000 rows and report its peak RSS', false)
    .option('--fresh', 'drop and reload the benchmark database even if it matches', false)
    .option('--database <name>', 'benchmark database name (default handover_bench_<rows>)')
    .option(
      '--handover <command>',
      'handover CLI command (split on spaces)',
      `${process.execPath} bin/handover.js`,
    )
    .option(
      '--pg-url <url>',
      'PostgreSQL server (a user that may create databases)',
      'postgres://postgres@127.0.0.1:5432/postgres',
    )
    .option(
      '--mysql-url <url>',
      'MariaDB/MySQL server (a user that may create databases)',
      'mysql://root@127.0.0.1:3306/',
    )
    .option(
      '--work-dir <dir>',
      'scratch directory for the outputs (default: a new one under the OS temp dir)',
    )
    .option('--keep-outputs', 'keep every output file (they are large)', false)
    .option('--results-dir <dir>', 'where the JSON results go', join(REPO_ROOT, 'bench', 'results'))
    .parse(argv)
    .opts<Options>();
}

async function gitCommit(): Promise<string | null> {
  try {
    const { stdout } = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT });
    return stdout.trim();
  } catch {
    return null;
  }
}

function timestamp(): string {
  return new Date()
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
}

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  const log = (line: string): void => console.log(line);
  const rows = options.rows ?? (options.scaleCheck ? SCALE_ROWS : DEFAULT_ROWS);
  const rounds = options.rounds ?? (options.scaleCheck ? 1 : 3);
  const formats = options.formats ?? (options.scaleCheck ? ['csv'] : ['csv', 'xlsx']);
  const usePg = options.source !== 'mysql';
  const useMysql = options.source !== 'pg';
  const handoverPrefix = options.handover.split(' ').filter((part) => part.length > 0);

  // 1. Preflight: every tool and the handover CLI, before anything is loaded.
  const commands = ['bash'];
  if (!options.scaleCheck && formats.includes('csv')) {
    commands.push('zip');
    if (usePg) commands.push('psql');
    if (useMysql) commands.push('mysql');
  }
  await requireCommands(commands);
  if (!hasGnuTime()) log('note: /usr/bin/time (GNU time) missing: peak RSS is sampled from /proc instead');
  await requireHandoverCli(handoverPrefix, REPO_ROOT);

  // 2. Data sets (reused when they already hold the right rows).
  const datasets: { postgres?: BenchDataset; mysql?: BenchDataset } = {};
  const setup = {
    rows,
    fresh: options.fresh,
    log,
    ...(options.database ? { database: options.database } : {}),
  };
  if (usePg) {
    datasets.postgres = await setupPostgres({ ...setup, adminUrl: options.pgUrl });
    await warmPostgres(datasets.postgres.url);
  }
  if (useMysql) {
    datasets.mysql = await setupMysql({ ...setup, adminUrl: options.mysqlUrl });
    await warmMysql(options.mysqlUrl, datasets.mysql.database);
  }

  const workDirectory = options.workDir ?? join(tmpdir(), `handover-bench-${process.pid}`);
  await mkdir(workDirectory, { recursive: true });
  const context = { cwd: REPO_ROOT, workDirectory, handoverPrefix, keepOutputs: options.keepOutputs, log };

  // 3. Timed runs.
  const results: ComparisonSummary[] = [];
  const scale: ScaleSummary[] = [];
  try {
    if (options.scaleCheck) {
      for (const dataset of [datasets.postgres, datasets.mysql]) {
        if (!dataset) continue;
        for (const format of formats) {
          const contender = handoverContender(handoverPrefix, dataset, format);
          const name = `scale-${dataset.dialect}-${format}`;
          log(`\nScale check, ${dataset.dialect} ${format}: ${rows.toLocaleString('en')} rows`);
          const samples = [];
          for (let round = 1; round <= rounds; round++) {
            samples.push(await runOnce(context, contender, name, round, rows, round === 1));
          }
          const handover = summarizeContender('handover', contender.label, contender.display, rows, samples);
          scale.push({
            title: `Scale check, ${dataset.dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB'}, ${format.toUpperCase()}`,
            rows,
            handover,
            verdicts: [rssVerdict(handover, rows)],
          });
        }
      }
    } else {
      for (const comparison of comparisons(handoverPrefix, datasets, formats)) {
        results.push(await runComparison(context, comparison, rounds));
      }
    }
  } finally {
    if (!options.keepOutputs && !options.workDir) await rm(workDirectory, { recursive: true, force: true });
  }

  // 4. Report and results file.
  log(formatReport(results, scale));
  if (rows !== DEFAULT_ROWS && rows !== SCALE_ROWS) {
    log(
      `note: the issue's targets are defined at ${DEFAULT_ROWS.toLocaleString('en')} rows (RSS also at 5,000,000).`,
    );
  }
  const datasetInfo = [];
  for (const dataset of [datasets.postgres, datasets.mysql]) {
    if (!dataset) continue;
    const described =
      dataset.dialect === 'postgres'
        ? await describePostgres(dataset.url)
        : await describeMysql(options.mysqlUrl, dataset.database);
    datasetInfo.push({ ...dataset, url: redactUrl(dataset.url), ...described });
  }
  const document = {
    generatedAt: new Date().toISOString(),
    arguments: argv.slice(2),
    commit: await gitCommit(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? null,
      memoryBytes: totalmem(),
      node: process.version,
      psql: await versionOf('psql'),
      mysql: await versionOf('mysql'),
      zip: await versionOf('zip', ['-v'], /^This is Zip/),
      gnuTime: hasGnuTime(),
    },
    settings: {
      rows,
      rounds,
      formats,
      source: options.source,
      scaleCheck: options.scaleCheck,
      handover: handoverPrefix,
    },
    datasets: datasetInfo,
    comparisons: results,
    scaleCheck: scale,
  };
  await mkdir(options.resultsDir, { recursive: true });
  const file = join(
    options.resultsDir,
    `${timestamp()}-${options.source}${options.scaleCheck ? '-scale' : ''}.json`,
  );
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  log(`\nresults written to ${file}`);
  return 0;
}

process.on('SIGINT', () => {
  killRunning();
  process.exit(130);
});

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    killRunning();
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
