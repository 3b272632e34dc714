import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_TENANT, datasetMarker } from '../../bench/dataset.ts';
import { setupMysql } from '../../bench/setup-mysql.ts';
import { setupPostgres } from '../../bench/setup-pg.ts';
import type { BenchDataset } from '../../bench/setup-types.ts';
import {
  createMysqlDatabase,
  createPostgresDatabase,
  MYSQL_ADMIN_URL,
  PG_ADMIN_URL,
  runMysql,
  runPostgres,
  type TestDatabase,
} from '../support/databases.ts';

const ROWS = 2500;

describe('benchmark data set on PostgreSQL', () => {
  let database: TestDatabase;
  let dataset: BenchDataset;

  beforeAll(async () => {
    database = await createPostgresDatabase('handover_bench_test');
    dataset = await setupPostgres({ adminUrl: PG_ADMIN_URL, rows: ROWS, database: database.name });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('gives the bench tenant exactly the requested rows among about 5% rows of other tenants', async () => {
    const result = await runPostgres(
      dataset.url,
      'SELECT company_id, count(*)::int AS n FROM bench_rows GROUP BY company_id ORDER BY company_id',
    );
    const counts = Object.fromEntries(result.rows.map((row) => [row.company_id, row.n]));
    expect(counts[BENCH_TENANT]).toBe(ROWS);
    const noise = result.rows
      .filter((row) => row.company_id !== BENCH_TENANT)
      .reduce((sum, row) => sum + row.n, 0);
    expect(noise).toBe(dataset.noise);
    expect(noise / ROWS).toBeGreaterThan(0.04);
    expect(noise / ROWS).toBeLessThan(0.06);
  });

  it('fills the columns with awkward values: NULLs, empty strings, quotes, newlines, long unicode text', async () => {
    const result = await runPostgres(
      dataset.url,
      `SELECT
         min(length(body))::int AS min_body, max(length(body))::int AS max_body,
         count(*) FILTER (WHERE title IS NULL)::int AS null_titles,
         count(*) FILTER (WHERE title = '')::int AS empty_titles,
         count(*) FILTER (WHERE title LIKE '=%')::int AS formula_titles,
         count(*) FILTER (WHERE body LIKE '%"%' AND body LIKE '%,%' AND body LIKE E'%\\n%')::int AS awkward_bodies,
         count(*) FILTER (WHERE body ~ '[^\\x01-\\x7f]')::int AS unicode_bodies,
         count(*) FILTER (WHERE amount IS NULL)::int AS null_amounts,
         count(*) FILTER (WHERE length(split_part(abs(amount)::text, '.', 1)) > 12)::int AS wide_amounts,
         count(*) FILTER (WHERE attributes IS NULL)::int AS null_json,
         count(*) FILTER (WHERE extract(microseconds FROM created_at)::int % 1000000 <> 0)::int AS micro_times
       FROM bench_rows`,
    );
    const stats = result.rows[0];
    expect(stats.min_body).toBeGreaterThanOrEqual(200);
    expect(stats.max_body).toBeLessThanOrEqual(2000);
    for (const key of [
      'null_titles',
      'empty_titles',
      'formula_titles',
      'awkward_bodies',
      'unicode_bodies',
      'null_amounts',
      'wide_amounts',
      'null_json',
      'micro_times',
    ]) {
      expect(stats[key], key).toBeGreaterThan(0);
    }
  });

  it('lets handover discover bench_rows through company_id with a foreign key to companies', async () => {
    const result = await runPostgres(
      dataset.url,
      `SELECT ccu.table_name AS ref FROM information_schema.table_constraints tc
       JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
       WHERE tc.table_name = 'bench_rows' AND tc.constraint_type = 'FOREIGN KEY'`,
    );
    expect(result.rows.map((row) => row.ref)).toEqual(['companies']);
  });

  it('reuses a loaded data set with a matching marker, and reloads it when asked to', async () => {
    const reused = await setupPostgres({ adminUrl: PG_ADMIN_URL, rows: ROWS, database: database.name });
    expect(reused.reused).toBe(true);
    await runPostgres(dataset.url, `COMMENT ON TABLE bench_rows IS 'an older data set'`);
    const reloaded = await setupPostgres({ adminUrl: PG_ADMIN_URL, rows: ROWS, database: database.name });
    expect(reloaded.reused).toBe(false);
    const marker = await runPostgres(dataset.url, `SELECT obj_description('bench_rows'::regclass) AS m`);
    expect(marker.rows[0]?.m).toBe(datasetMarker(ROWS));
  });
});

describe('benchmark data set on MariaDB', () => {
  let database: TestDatabase;
  let dataset: BenchDataset;

  beforeAll(async () => {
    database = await createMysqlDatabase('handover_bench_test');
    dataset = await setupMysql({ adminUrl: MYSQL_ADMIN_URL, rows: ROWS, database: database.name });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('gives the bench tenant exactly the requested rows and keeps emoji and microseconds', async () => {
    const counts = (await runMysql(
      dataset.url,
      `SELECT SUM(company_id = ?) AS tenant, SUM(company_id <> ?) AS noise,
         SUM(title LIKE '%🚀%') AS emoji, SUM(MICROSECOND(created_at) <> 0) AS micro,
         MIN(CHAR_LENGTH(body)) AS min_body, MAX(CHAR_LENGTH(body)) AS max_body,
         SUM(title = '') AS empty_titles, SUM(title IS NULL) AS null_titles
       FROM bench_rows`,
      [BENCH_TENANT, BENCH_TENANT],
    )) as Record<string, string>[];
    const stats = counts[0] ?? {};
    expect(Number(stats.tenant)).toBe(ROWS);
    expect(Number(stats.noise)).toBe(dataset.noise);
    expect(Number(stats.emoji)).toBeGreaterThan(0);
    expect(Number(stats.micro)).toBeGreaterThan(0);
    expect(Number(stats.min_body)).toBeGreaterThanOrEqual(200);
    expect(Number(stats.max_body)).toBeLessThanOrEqual(2000);
    expect(Number(stats.empty_titles)).toBeGreaterThan(0);
    expect(Number(stats.null_titles)).toBeGreaterThan(0);
  });

  it('reuses a loaded data set with a matching marker', async () => {
    const reused = await setupMysql({ adminUrl: MYSQL_ADMIN_URL, rows: ROWS, database: database.name });
    expect(reused.reused).toBe(true);
  });
});
