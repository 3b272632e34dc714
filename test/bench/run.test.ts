import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresDatabase,
  MYSQL_ADMIN_URL,
  runMysql,
  type TestDatabase,
} from '../support/databases.ts';

const run = promisify(execFile);
const REPO_ROOT = join(import.meta.dirname, '..', '..');

describe('npm run bench', () => {
  let database: TestDatabase;
  let results: string;

  beforeAll(async () => {
    // The PostgreSQL helper picks a unique name; the same name is used on MariaDB.
    database = await createPostgresDatabase('handover_bench_e2e');
    results = await mkdtemp(join(tmpdir(), 'handover-bench-results-'));
  });
  afterAll(async () => {
    await database.drop();
    await runMysql(MYSQL_ADMIN_URL, `DROP DATABASE IF EXISTS \`${database.name}\``);
    await rm(results, { recursive: true, force: true });
  });

  it('times the real CLI against every baseline, verifies its archives and writes the results', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/run.ts',
        ...['--rows', '300', '--rounds', '1', '--source', 'all'],
        ...['--database', database.name, '--results-dir', results],
      ],
      { cwd: REPO_ROOT, timeout: 300_000 },
    );
    expect(stdout).toContain('manifest counts 300 rows');
    expect(stdout).toMatch(/throughput ratio handover\/baseline >= 0\.90x: measured \d+\.\d\dx/);
    const [file] = await readdir(results);
    expect(file).toMatch(/-all\.json$/);
    const document = JSON.parse(await readFile(join(results, file ?? ''), 'utf8'));
    expect(document.comparisons.map((comparison: { id: string }) => comparison.id)).toEqual([
      'pg-csv',
      'pg-xlsx',
      'mysql-csv',
    ]);
    for (const comparison of document.comparisons) {
      expect(comparison.handover.samples[0].zipBytes).toBeGreaterThan(0);
      expect(comparison.baseline.samples[0].zipBytes).toBeGreaterThan(0);
      expect(comparison.verdicts).toHaveLength(2);
    }
  });
});
