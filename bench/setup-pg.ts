/**
 * Creates (or reuses) the PostgreSQL benchmark database: `companies` and `bench_rows`,
 * loaded with set-based INSERT ... SELECT over generate_series, one batch per progress line.
 */
import pg from 'pg';
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

const SCHEMA = `
CREATE TABLE companies (
  id text PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE bench_rows (
  id bigint NOT NULL,
  company_id text NOT NULL,
  code text NOT NULL,
  title text,
  body text NOT NULL,
  amount numeric(20,6),
  quantity integer,
  active boolean NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz,
  due_on date,
  attributes jsonb,
  note text
);
`;

// Keys and indexes are built after the load: one sort is much faster than a million index inserts.
const FINISH = `
ALTER TABLE bench_rows ADD PRIMARY KEY (id);
ALTER TABLE bench_rows ADD CONSTRAINT bench_rows_company_fk FOREIGN KEY (company_id) REFERENCES companies (id);
CREATE INDEX bench_rows_company_idx ON bench_rows (company_id);
`;

/**
 * One batch: ids $1..$2, paragraph pool $3 (an array lookup keeps the rows in id order, no join or sort).
 * h and g are two integer hashes of the id from which every value is derived.
 * The created_at expression is repeated in updated_at so that updated_at >= created_at.
 */
const INSERT_BATCH = `
INSERT INTO bench_rows
SELECT
  r.i,
  CASE WHEN r.i % ${NOISE_EVERY} = 0 THEN 'noise-' || ((r.i / ${NOISE_EVERY}) % ${NOISE_TENANTS.length} + 1) ELSE '${BENCH_TENANT}' END,
  'INV-' || lpad(r.i::text, 9, '0'),
  CASE r.h % 10
    WHEN 0 THEN NULL
    WHEN 1 THEN ''
    WHEN 2 THEN '=HYPERLINK("https://example.test/' || r.i || '")'
    WHEN 3 THEN 'Café "Le Zinc", Paris'
    WHEN 4 THEN 'Déploiement 🚀 n°' || r.i
    WHEN 5 THEN '-' || (r.h % 1000) || ' correction'
    ELSE 'Project ' || (r.g % 997) || ', phase ' || (r.h % 7)
  END,
  left('Row ' || r.i || ': ' || ($3::text[])[((r.h / 7) % ${PARAGRAPH_COUNT})::int + 1], ${LONG_TEXT_MIN} + (r.g % ${LONG_TEXT_MAX - LONG_TEXT_MIN + 1})::int),
  CASE WHEN r.h % 17 = 0 THEN NULL
    ELSE (CASE WHEN r.g % 5 = 0 THEN -1 ELSE 1 END)
      * (mod(r.h::numeric * 4294967296 + r.g, 100000000000000000000) * 0.000001)::numeric(20,6)
  END,
  CASE WHEN r.h % 13 = 0 THEN NULL ELSE (r.g % 100000)::int - 500 END,
  r.h % 3 <> 0,
  timestamptz '2020-01-01 00:00:00+00' + (r.h % 157680000) * interval '1 second' + (r.g % 1000000) * interval '1 microsecond',
  CASE WHEN r.h % 4 = 0 THEN NULL
    ELSE timestamptz '2020-01-01 00:00:00+00' + (r.h % 157680000) * interval '1 second'
      + (r.g % 1000000) * interval '1 microsecond' + (r.g % 8640000) * interval '1 second'
  END,
  CASE WHEN r.g % 6 = 0 THEN NULL ELSE date '2020-01-01' + (r.g % 3650)::int END,
  CASE WHEN r.h % 5 = 0 THEN NULL
    ELSE jsonb_build_object(
      'priority', r.h % 5,
      'tags', jsonb_build_array('t' || (r.g % 50), 'ünï', 'a "b", c'),
      'ratio', (r.g % 1000) / 8.0,
      'billable', r.g % 2 = 0,
      'nested', jsonb_build_object('path', 'C:\\dir\\file', 'lines', E'one\\ntwo'))
  END,
  CASE WHEN r.g % 10 = 0 THEN 'Note ' || r.i || E':\\n' || 'line two, "quoted"' ELSE NULL END
FROM (
  SELECT i, (i * 2654435761) % 4294967296 AS h, (i * 2246822519 + 3266489917) % 4294967296 AS g
  FROM generate_series($1::bigint, $2::bigint) AS i
) AS r
`;

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(url);
    throw new Error(
      `cannot connect to PostgreSQL at ${where.host} as ${where.username || 'default user'}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return client;
}

/** Reads the marker and the tenant's row count of an existing data set; null when it is unusable. */
async function existingDataset(url: string, rows: number): Promise<boolean> {
  const client = await connect(url);
  try {
    const marker = await client.query<{ marker: string | null }>(
      `SELECT obj_description(to_regclass('public.bench_rows'), 'pg_class') AS marker`,
    );
    if (marker.rows[0]?.marker !== datasetMarker(rows)) return false;
    const count = await client.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM bench_rows WHERE company_id = $1',
      [BENCH_TENANT],
    );
    return Number(count.rows[0]?.n) === rows;
  } finally {
    await client.end();
  }
}

/**
 * Ensures `handover_bench_<rows>` exists with exactly `rows` rows of the bench tenant.
 * Reuses it when its marker matches (unless `fresh`), otherwise drops and reloads it.
 */
export async function setupPostgres(options: SetupOptions): Promise<BenchDataset> {
  const database = options.database ?? benchDatabaseName(options.rows);
  const url = databaseUrl(options.adminUrl, database);
  const { total, noise } = tableLayout(options.rows);
  const log = options.log ?? (() => {});

  const admin = await connect(options.adminUrl);
  let exists: boolean;
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    exists = found.rowCount === 1;
    if (exists && !options.fresh && (await existingDataset(url, options.rows))) {
      log(`postgres: reusing ${database} (${options.rows.toLocaleString('en')} tenant rows)`);
      return {
        dialect: 'postgres',
        database,
        url,
        rows: options.rows,
        noise,
        total,
        reused: true,
        loadSeconds: 0,
      };
    }
    if (exists) await admin.query(`DROP DATABASE ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)} ENCODING 'UTF8' TEMPLATE template0`);
  } finally {
    await admin.end();
  }

  const started = performance.now();
  const client = await connect(url);
  try {
    await client.query('SET synchronous_commit = off');
    await client.query(SCHEMA);
    await client.query(`INSERT INTO companies (id, name) SELECT unnest($1::text[]), unnest($2::text[])`, [
      [BENCH_TENANT, ...NOISE_TENANTS],
      ['Bench Company', ...NOISE_TENANTS.map((tenant) => `Noise company ${tenant}`)],
    ]);
    const pool = paragraphs();
    for (let first = 1; first <= total; first += LOAD_BATCH_ROWS) {
      const last = Math.min(total, first + LOAD_BATCH_ROWS - 1);
      await client.query(INSERT_BATCH, [first, last, pool]);
      log(
        `postgres: loaded ${last.toLocaleString('en')} / ${total.toLocaleString('en')} rows ` +
          `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
    log('postgres: building keys and indexes, vacuum analyze');
    await client.query(FINISH);
    // VACUUM sets hint bits and the visibility map now, so the first timed scan does not pay for it.
    await client.query('VACUUM (ANALYZE) bench_rows');
    await client.query('VACUUM (ANALYZE) companies');
    // The marker goes last: a load interrupted before this point is never reused.
    await client.query(`COMMENT ON TABLE bench_rows IS ${pg.escapeLiteral(datasetMarker(options.rows))}`);
  } finally {
    await client.end();
  }
  const loadSeconds = (performance.now() - started) / 1000;
  log(`postgres: ${database} ready in ${loadSeconds.toFixed(1)} s`);
  return { dialect: 'postgres', database, url, rows: options.rows, noise, total, reused: false, loadSeconds };
}

/** Reads the whole table once so the timed runs start from the same (warm) page cache. */
export async function warmPostgres(url: string): Promise<void> {
  const client = await connect(url);
  try {
    await client.query('SELECT sum(length(t::text)) FROM bench_rows AS t');
  } finally {
    await client.end();
  }
}

/** Size of `bench_rows` on disk (heap, TOAST and indexes) and the server version, for the results file. */
export async function describePostgres(url: string): Promise<{ tableBytes: number; serverVersion: string }> {
  const client = await connect(url);
  try {
    const result = await client.query<{ bytes: string; version: string }>(
      `SELECT pg_total_relation_size('bench_rows')::text AS bytes, version() AS version`,
    );
    return { tableBytes: Number(result.rows[0]?.bytes ?? 0), serverVersion: result.rows[0]?.version ?? '' };
  } finally {
    await client.end();
  }
}
