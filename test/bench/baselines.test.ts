import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contender } from '../../bench/contenders.ts';
import { exceljsContender, mysqlZipContender, psqlZipContender } from '../../bench/contenders.ts';
import { measure } from '../../bench/measure.ts';
import { setupMysql } from '../../bench/setup-mysql.ts';
import { setupPostgres } from '../../bench/setup-pg.ts';
import type { BenchDataset } from '../../bench/setup-types.ts';
import { readZipText } from '../../bench/zip-info.ts';
import {
  createMysqlDatabase,
  createPostgresDatabase,
  MYSQL_ADMIN_URL,
  PG_ADMIN_URL,
  type TestDatabase,
} from '../support/databases.ts';

const ROWS = 1500;
const REPO_ROOT = join(import.meta.dirname, '..', '..');

async function runContender(contender: Contender, directory: string): Promise<string> {
  const plan = contender.plan(directory);
  const result = await measure(plan.command, { cwd: REPO_ROOT, ...(plan.env ? { env: plan.env } : {}) });
  expect(result.exitCode, result.stderrTail).toBe(0);
  return plan.output;
}

describe('baselines', () => {
  let directory: string;
  let pgDatabase: TestDatabase;
  let mysqlDatabase: TestDatabase;
  let pg: BenchDataset;
  let my: BenchDataset;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'handover-bench-test-'));
    pgDatabase = await createPostgresDatabase('handover_bench_test');
    mysqlDatabase = await createMysqlDatabase('handover_bench_test');
    pg = await setupPostgres({ adminUrl: PG_ADMIN_URL, rows: ROWS, database: pgDatabase.name });
    my = await setupMysql({ adminUrl: MYSQL_ADMIN_URL, rows: ROWS, database: mysqlDatabase.name });
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
    await pgDatabase.drop();
    await mysqlDatabase.drop();
  });

  it('psql | zip -6 archives exactly the tenant rows as CSV, multi-line text intact', async () => {
    const zip = await runContender(psqlZipContender(pg), directory);
    const records = parse((await readZipText(zip, '-')) ?? '', { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(ROWS);
    expect(new Set(records.map((record) => record.company_id))).toEqual(new Set(['bench']));
    expect(records.some((record) => record.body?.includes('\n'))).toBe(true);
  });

  it('mysql -B | zip -6 archives exactly the tenant rows, one tab-separated line each, emoji intact', async () => {
    const zip = await runContender(mysqlZipContender(my), directory);
    const lines = ((await readZipText(zip, '-')) ?? '').trimEnd().split('\n');
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines[0]?.split('\t')).toContain('company_id');
    expect(lines.some((line) => line.includes('🚀'))).toBe(true);
  });

  it('the exceljs baseline writes a workbook exceljs reads back with a header and every tenant row', async () => {
    const file = await runContender(exceljsContender(pg), directory);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0];
    expect(sheet?.rowCount).toBe(ROWS + 1);
    expect(sheet?.getRow(1).getCell(2).value).toBe('company_id');
  });
});
