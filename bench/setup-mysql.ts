/**
 * Creates (or reuses) the MariaDB/MySQL benchmark database: `companies` and `bench_rows`,
 * loaded with set-based INSERT ... SELECT from a 100,000-row number table built by cross-joining
 * digits (portable: no SEQUENCE engine or recursion limits), one batch per progress line.
 */
import mysql from 'mysql2/promise';
import {
  BENCH_TENANT,
  benchDatabaseName,
  datasetMarker,
  LOAD_BATCH_ROWS,
  LONG_TEXT_MAX,
  LONG_TEXT_MIN,
  NOISE_EVERY,
  NOISE_TENANTS,
  PARAGRAPH_COUNT,
  paragraphs,
  tableLayout,
} from './dataset.ts';
import type { BenchDataset, SetupOptions } from './setup-types.ts';

const SCHEMA = [
  `CREATE TABLE companies (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL
  ) ENGINE=InnoDB`,
  `CREATE TABLE bench_rows (
    id BIGINT NOT NULL PRIMARY KEY,
    company_id VARCHAR(64) NOT NULL,
    code VARCHAR(32) NOT NULL,
    title VARCHAR(255) NULL,
    body TEXT NOT NULL,
    amount DECIMAL(20,6) NULL,
    quantity INT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP(6) NOT NULL,
    updated_at DATETIME(6) NULL,
    due_on DATE NULL,
    attributes JSON NULL,
    note TEXT NULL,
    KEY bench_rows_company_idx (company_id),
    CONSTRAINT bench_rows_company_fk FOREIGN KEY (company_id) REFERENCES companies (id)
  ) ENGINE=InnoDB`,
  'CREATE TEMPORARY TABLE bench_seq (n INT NOT NULL PRIMARY KEY)',
  'CREATE TEMPORARY TABLE bench_paragraphs (n INT NOT NULL PRIMARY KEY, p TEXT NOT NULL)',
];

const DIGITS =
  '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';

/** Fills bench_seq with 0..LOAD_BATCH_ROWS-1 (five digit tables: LOAD_BATCH_ROWS is 100,000). */
const FILL_SEQ = `INSERT INTO bench_seq (n)
  SELECT d1.d + 10 * d2.d + 100 * d3.d + 1000 * d4.d + 10000 * d5.d
  FROM ${DIGITS} d1, ${DIGITS} d2, ${DIGITS} d3, ${DIGITS} d4, ${DIGITS} d5`;

/**
 * One batch: ids ?..(? + count - 1). h and g are two integer hashes of the id from which every value
 * is derived (the same expressions as the PostgreSQL data set, in MySQL syntax).
 */
const INSERT_BATCH = `
INSERT INTO bench_rows
  (id, company_id, code, title, body, amount, quantity, active, created_at, updated_at, due_on, attributes, note)
SELECT
  r.i,
  CASE WHEN r.i % ${NOISE_EVERY} = 0 THEN CONCAT('noise-', (r.i DIV ${NOISE_EVERY}) % ${NOISE_TENANTS.length} + 1) ELSE '${BENCH_TENANT}' END,
  CONCAT('INV-', LPAD(r.i, 9, '0')),
  CASE r.h % 10
    WHEN 0 THEN NULL
    WHEN 1 THEN ''
    WHEN 2 THEN CONCAT('=HYPERLINK("https://example.test/', r.i, '")')
    WHEN 3 THEN 'Café "Le Zinc", Paris'
    WHEN 4 THEN CONCAT('Déploiement 🚀 n°', r.i)
    WHEN 5 THEN CONCAT('-', r.h % 1000, ' correction')
    ELSE CONCAT('Project ', r.g % 997, ', phase ', r.h % 7)
  END,
  LEFT(CONCAT('Row ', r.i, ': ', p.p), ${LONG_TEXT_MIN} + r.g % ${LONG_TEXT_MAX - LONG_TEXT_MIN + 1}),
  CASE WHEN r.h % 17 = 0 THEN NULL
    ELSE CAST((CASE WHEN r.g % 5 = 0 THEN -1 ELSE 1 END)
      * MOD(CAST(r.h AS DECIMAL(30,0)) * 4294967296 + r.g, 100000000000000000000) * 0.000001 AS DECIMAL(20,6))
  END,
  CASE WHEN r.h % 13 = 0 THEN NULL ELSE CAST(r.g % 100000 AS SIGNED) - 500 END,
  r.h % 3 <> 0,
  TIMESTAMPADD(MICROSECOND, (r.h % 157680000) * 1000000 + r.g % 1000000, '2020-01-01 00:00:00'),
  CASE WHEN r.h % 4 = 0 THEN NULL
    ELSE TIMESTAMPADD(MICROSECOND, (r.h % 157680000) * 1000000 + r.g % 1000000 + (r.g % 8640000) * 1000000,
      '2020-01-01 00:00:00')
  END,
  CASE WHEN r.g % 6 = 0 THEN NULL ELSE DATE_ADD('2020-01-01', INTERVAL r.g % 3650 DAY) END,
  CASE WHEN r.h % 5 = 0 THEN NULL
    ELSE JSON_OBJECT(
      'priority', r.h % 5,
      'tags', JSON_ARRAY(CONCAT('t', r.g % 50), 'ünï', 'a "b", c'),
      'ratio', (r.g % 1000) / 8.0,
      'billable', r.g % 2,
      'nested', JSON_OBJECT('path', 'C:\\\\dir\\\\file', 'lines', 'one\\ntwo'))
  END,
  CASE WHEN r.g % 10 = 0 THEN CONCAT('Note ', r.i, ':\\n', 'line two, "quoted"') ELSE NULL END
FROM (
  SELECT s.n + ? AS i,
    ((s.n + ?) * 2654435761) % 4294967296 AS h,
    ((s.n + ?) * 2246822519 + 3266489917) % 4294967296 AS g
  FROM bench_seq s
  WHERE s.n < ?
) AS r
JOIN bench_paragraphs p ON p.n = (r.h DIV 7) % ${PARAGRAPH_COUNT}
`;

interface ServerAddress {
  host: string;
  port: number;
  user: string;
  password: string;
}

function serverAddress(adminUrl: string): ServerAddress {
  const url = new URL(adminUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
  };
}

/** The URL handover and the baseline connect with: the admin URL with the database as its path. */
function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function connect(adminUrl: string, database?: string): Promise<mysql.Connection> {
  const address = serverAddress(adminUrl);
  try {
    return await mysql.createConnection({
      ...address,
      ...(database ? { database } : {}),
      charset: 'utf8mb4',
      // Session time zone UTC: TIMESTAMP values are stored as the UTC instants written here.
      timezone: 'Z',
    });
  } catch (error) {
    throw new Error(
      `cannot connect to MySQL/MariaDB at ${address.host}:${address.port} as ${address.user}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

async function existingDataset(adminUrl: string, database: string, rows: number): Promise<boolean> {
  const client = await connect(adminUrl, database);
  try {
    const [marker] = await client.query<mysql.RowDataPacket[]>(
      `SELECT TABLE_COMMENT AS marker FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'bench_rows'`,
      [database],
    );
    if (marker[0]?.marker !== datasetMarker(rows)) return false;
    const [count] = await client.query<mysql.RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM bench_rows WHERE company_id = ?',
      [BENCH_TENANT],
    );
    return Number(count[0]?.n) === rows;
  } finally {
    await client.end();
  }
}

/**
 * Ensures `handover_bench_<rows>` exists with exactly `rows` rows of the bench tenant.
 * Reuses it when its marker matches (unless `fresh`), otherwise drops and reloads it.
 */
export async function setupMysql(options: SetupOptions): Promise<BenchDataset> {
  if (LOAD_BATCH_ROWS !== 100_000) throw new Error('setup-mysql builds a 100,000-row number table');
  const database = options.database ?? benchDatabaseName(options.rows);
  const url = databaseUrl(options.adminUrl, database);
  const { total, noise } = tableLayout(options.rows);
  const log = options.log ?? (() => {});

  const admin = await connect(options.adminUrl);
  try {
    const [found] = await admin.query<mysql.RowDataPacket[]>(
      'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [database],
    );
    const exists = found.length === 1;
    if (exists && !options.fresh && (await existingDataset(options.adminUrl, database, options.rows))) {
      log(`mysql: reusing ${database} (${options.rows.toLocaleString('en')} tenant rows)`);
      return {
        dialect: 'mysql',
        database,
        url,
        rows: options.rows,
        noise,
        total,
        reused: true,
        loadSeconds: 0,
      };
    }
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeId(database)}`);
    await admin.query(
      `CREATE DATABASE ${admin.escapeId(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await admin.end();
  }

  const started = performance.now();
  const client = await connect(options.adminUrl, database);
  try {
    // Values are generated valid; skipping per-row foreign-key checks makes the load faster.
    await client.query('SET SESSION foreign_key_checks = 0');
    for (const statement of SCHEMA) await client.query(statement);
    await client.query('INSERT INTO companies (id, name) VALUES ?', [
      [
        [BENCH_TENANT, 'Bench Company'],
        ...NOISE_TENANTS.map((tenant) => [tenant, `Noise company ${tenant}`]),
      ],
    ]);
    await client.query(FILL_SEQ);
    await client.query('INSERT INTO bench_paragraphs (n, p) VALUES ?', [
      paragraphs().map((text, index) => [index, text]),
    ]);
    for (let first = 1; first <= total; first += LOAD_BATCH_ROWS) {
      const count = Math.min(LOAD_BATCH_ROWS, total - first + 1);
      await client.query(INSERT_BATCH, [first, first, first, count]);
      log(
        `mysql: loaded ${(first + count - 1).toLocaleString('en')} / ${total.toLocaleString('en')} rows ` +
          `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
    await client.query('SET SESSION foreign_key_checks = 1');
    await client.query('ANALYZE TABLE bench_rows, companies');
    // The marker goes last: a load interrupted before this point is never reused.
    await client.query('ALTER TABLE bench_rows COMMENT = ?', [datasetMarker(options.rows)]);
  } finally {
    await client.end();
  }
  const loadSeconds = (performance.now() - started) / 1000;
  log(`mysql: ${database} ready in ${loadSeconds.toFixed(1)} s`);
  return { dialect: 'mysql', database, url, rows: options.rows, noise, total, reused: false, loadSeconds };
}

/** Reads the whole clustered index once so the timed runs start from the same (warm) caches. */
export async function warmMysql(adminUrl: string, database: string): Promise<void> {
  const client = await connect(adminUrl, database);
  try {
    await client.query('SELECT SUM(LENGTH(body)) + SUM(LENGTH(attributes)) FROM bench_rows');
  } finally {
    await client.end();
  }
}

/** Size of `bench_rows` on disk (InnoDB's estimate of data and indexes) and the server version. */
export async function describeMysql(
  adminUrl: string,
  database: string,
): Promise<{ tableBytes: number; serverVersion: string }> {
  const client = await connect(adminUrl, database);
  try {
    const [rows] = await client.query<mysql.RowDataPacket[]>(
      `SELECT DATA_LENGTH + INDEX_LENGTH AS bytes, VERSION() AS version FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'bench_rows'`,
      [database],
    );
    return { tableBytes: Number(rows[0]?.bytes ?? 0), serverVersion: String(rows[0]?.version ?? '') };
  } finally {
    await client.end();
  }
}
