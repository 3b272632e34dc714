/**
 * The comparisons the benchmark runs, and the exact command of every contender.
 * Every contender is a separate process (tree) reading the same tenant's rows from the same table.
 */
import { join } from 'node:path';
import type { ExportFormat } from '../src/archive/types.ts';
import { BENCH_TENANT } from './dataset.ts';
import type { BenchDataset } from './setup-types.ts';

export type ComparisonId = 'pg-csv' | 'pg-xlsx' | 'mysql-csv';
export type Role = 'handover' | 'baseline';

/** One timed run: the argv, where its output goes, and extra environment (a MySQL password). */
export interface RunPlan {
  command: string[];
  /** A directory (handover writes its parts there) or a single file (baselines). */
  output: string;
  outputIsDirectory: boolean;
  env?: Record<string, string>;
}

export interface Contender {
  role: Role;
  /** Short label for the table, e.g. `handover csv`, `psql | zip -6`. */
  label: string;
  /** The command with a placeholder output, for the report (no password: none is ever in argv). */
  display: string;
  plan(runDirectory: string): RunPlan;
}

export interface Comparison {
  id: ComparisonId;
  title: string;
  format: ExportFormat;
  dataset: BenchDataset;
  handover: Contender;
  baseline: Contender;
  /** Minimum throughput ratio handover/baseline the issue asks for. */
  targetRatio: number;
}

/** Throughput targets of issue 5 (1M rows on this machine). */
export const TARGET_RATIOS: Record<ComparisonId, number> = {
  'pg-csv': 0.9,
  'pg-xlsx': 1.5,
  'mysql-csv': 0.8,
};

/** Peak RSS target of the export process, at 1M and 5M rows. */
export const TARGET_PEAK_RSS_BYTES = 256 * 1024 * 1024;

/** The tenant filter of the baselines: the tenant id is a constant of ours, quoted for form. */
const TENANT_SQL = `'${BENCH_TENANT.replaceAll("'", "''")}'`;
const SELECT_TENANT_ROWS = `SELECT * FROM bench_rows WHERE company_id = ${TENANT_SQL}`;

/** `set -o pipefail`: a failing psql/mysql must fail the run, not hide behind zip's exit code. */
function pipeline(script: string, ...args: string[]): string[] {
  return ['bash', '-c', `set -euo pipefail; ${script}`, 'bench', ...args];
}

/** The URL without its password, for anything printed or saved. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function quoteForDisplay(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

function display(command: string[]): string {
  return command.map(quoteForDisplay).join(' ');
}

/** handover's own CLI: `<prefix> export --source URL --tenant ID --formats F --out DIR`. */
export function handoverContender(prefix: string[], dataset: BenchDataset, format: ExportFormat): Contender {
  const command = (out: string): string[] => [
    ...prefix,
    'export',
    '--source',
    dataset.url,
    '--tenant',
    BENCH_TENANT,
    '--formats',
    format,
    '--out',
    out,
  ];
  return {
    role: 'handover',
    label: `handover ${format}`,
    display: display(command('<dir>'))
      .replace(process.execPath, 'node')
      .replace(dataset.url, redactUrl(dataset.url)),
    plan: (runDirectory) => ({
      command: command(runDirectory),
      output: runDirectory,
      outputIsDirectory: true,
    }),
  };
}

/** `psql -c "\copy (SELECT ...) to stdout csv header" | zip -6 out.zip -`. */
export function psqlZipContender(dataset: BenchDataset): Contender {
  const copy = `\\copy (${SELECT_TENANT_ROWS}) to stdout csv header`;
  const script = 'psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "$2" | zip -q -6 "$3" -';
  return {
    role: 'baseline',
    label: 'psql | zip -6',
    display: `psql -d ${redactUrl(dataset.url)} -c ${quoteForDisplay(copy)} | zip -6 <file> -`,
    plan: (runDirectory) => {
      const output = join(runDirectory, 'psql.zip');
      return { command: pipeline(script, dataset.url, copy, output), output, outputIsDirectory: false };
    },
  };
}

/** `mysql -B --quick -e "SELECT ..." db | zip -6 out.zip -` (tab-separated, the client's batch format). */
export function mysqlZipContender(dataset: BenchDataset): Contender {
  const url = new URL(dataset.url);
  const args = [
    url.hostname,
    url.port || '3306',
    decodeURIComponent(url.username || 'root'),
    SELECT_TENANT_ROWS,
    dataset.database,
  ];
  const script =
    'mysql -h "$1" -P "$2" -u "$3" --default-character-set=utf8mb4 -B --quick -e "$4" "$5" | zip -q -6 "$6" -';
  const password = decodeURIComponent(url.password);
  return {
    role: 'baseline',
    label: 'mysql -B | zip -6',
    display: `mysql -h ${url.hostname} -u ${args[2]} --default-character-set=utf8mb4 -B --quick -e ${quoteForDisplay(SELECT_TENANT_ROWS)} ${dataset.database} | zip -6 <file> -`,
    plan: (runDirectory) => {
      const output = join(runDirectory, 'mysql.zip');
      return {
        command: pipeline(script, ...args, output),
        output,
        outputIsDirectory: false,
        // The password goes through the environment, never through argv (visible in ps).
        ...(password ? { env: { MYSQL_PWD: password } } : {}),
      };
    },
  };
}

/** bench/baselines/exceljs-xlsx.ts: exceljs's streaming WorkbookWriter, the documented way. */
export function exceljsContender(dataset: BenchDataset): Contender {
  const command = (out: string): string[] => [
    process.execPath,
    '--import',
    'tsx',
    'bench/baselines/exceljs-xlsx.ts',
    '--source',
    dataset.url,
    '--tenant',
    BENCH_TENANT,
    '--out',
    out,
  ];
  return {
    role: 'baseline',
    label: 'exceljs WorkbookWriter',
    display: display(command('<file>'))
      .replace(process.execPath, 'node')
      .replace(dataset.url, redactUrl(dataset.url)),
    plan: (runDirectory) => {
      const output = join(runDirectory, 'exceljs.xlsx');
      return { command: command(output), output, outputIsDirectory: false };
    },
  };
}

/** The comparisons for the chosen sources and formats (XLSX is compared on PostgreSQL only). */
export function comparisons(
  handoverPrefix: string[],
  datasets: { postgres?: BenchDataset; mysql?: BenchDataset },
  formats: ExportFormat[],
): Comparison[] {
  const list: Comparison[] = [];
  const pg = datasets.postgres;
  if (pg && formats.includes('csv')) {
    list.push({
      id: 'pg-csv',
      title: 'PostgreSQL, CSV archive',
      format: 'csv',
      dataset: pg,
      handover: handoverContender(handoverPrefix, pg, 'csv'),
      baseline: psqlZipContender(pg),
      targetRatio: TARGET_RATIOS['pg-csv'],
    });
  }
  if (pg && formats.includes('xlsx')) {
    list.push({
      id: 'pg-xlsx',
      title: 'PostgreSQL, XLSX',
      format: 'xlsx',
      dataset: pg,
      handover: handoverContender(handoverPrefix, pg, 'xlsx'),
      baseline: exceljsContender(pg),
      targetRatio: TARGET_RATIOS['pg-xlsx'],
    });
  }
  const my = datasets.mysql;
  if (my && formats.includes('csv')) {
    list.push({
      id: 'mysql-csv',
      title: 'MariaDB, CSV archive',
      format: 'csv',
      dataset: my,
      handover: handoverContender(handoverPrefix, my, 'csv'),
      baseline: mysqlZipContender(my),
      targetRatio: TARGET_RATIOS['mysql-csv'],
    });
  }
  return list;
}
