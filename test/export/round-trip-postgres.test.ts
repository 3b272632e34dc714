/**
 * Round trip through PostgreSQL: random values of every supported type go into a tenant table, come
 * out of `exportTenant` (the COPY fast path for CSV) in a zip, and read back with csv-parse and exceljs
 * they are the values written, under the documented mapping. Another tenant's rows never appear.
 */
import { rm } from 'node:fs/promises';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Catalog } from '../../src/catalog/types.ts';
import { openSource } from '../../src/sources/open-source.ts';
import type { SourceDatabase } from '../../src/sources/types.ts';
import { createPostgresDatabase, runPostgres, type TestDatabase } from '../support/databases.ts';
import { catalogOf, exportInto, tempDir } from './export-harness.ts';
import {
  assertRoundTrip,
  CANARY_LABEL,
  CANARY_TENANT,
  canaryRowId,
  type GeneratedRow,
  roundTripInput,
  rowParams,
  TABLE,
  TENANT,
  tenantRowId,
} from './round-trip-check.ts';
import { POSTGRES_COLUMNS } from './round-trip-values.ts';

let db: TestDatabase;
let source: SourceDatabase;
let catalog: Catalog;
let out: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  db = await createPostgresDatabase('handover_rt_pg');
  await runPostgres(
    db.url,
    `CREATE TYPE mood AS ENUM ('happy', '=calc', 'it''s', '😀', '-1');
     CREATE TABLE ${TABLE} (
       id integer PRIMARY KEY,
       company_id text NOT NULL,
       label text NOT NULL,
       ${POSTGRES_COLUMNS.map((c) => `${c.name} ${c.sqlType}`).join(',\n       ')}
     );`,
  );
  source = openSource(db.url);
  catalog = await catalogOf(source);
  out = await tempDir('rt-pg');
});

afterAll(async () => {
  await source?.close();
  await db?.drop();
  await out?.cleanup();
});

async function replaceRows(rows: GeneratedRow[], canaries: GeneratedRow[]): Promise<void> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(`TRUNCATE ${TABLE}`);
    const width = 3 + POSTGRES_COLUMNS.length;
    const insert = `INSERT INTO ${TABLE} VALUES (${Array.from({ length: width }, (_, i) => `$${i + 1}`).join(', ')})`;
    for (const [i, row] of rows.entries())
      await client.query(insert, rowParams(tenantRowId(i), TENANT, `row-${tenantRowId(i)}`, row));
    for (const [i, row] of canaries.entries())
      await client.query(insert, rowParams(canaryRowId(i), CANARY_TENANT, `${CANARY_LABEL}-${i}`, row));
  } finally {
    await client.end();
  }
}

describe('round trip through PostgreSQL', () => {
  it('gives back every value of every type in CSV and XLSX, and never another tenant’s rows', async () => {
    await fc.assert(
      fc.asyncProperty(roundTripInput(POSTGRES_COLUMNS), async ({ rows, canaries, profile }) => {
        // prepare
        await replaceRows(rows, canaries);

        // act
        const exported = await exportInto(out.dir, {
          source,
          catalog,
          tenant: TENANT,
          formats: ['csv', 'xlsx'],
          csvProfile: profile,
        });

        // assess
        try {
          await assertRoundTrip(exported.parts[0] ?? fail(), POSTGRES_COLUMNS, rows, profile);
        } finally {
          for (const path of exported.paths) await rm(path);
        }
      }),
      { numRuns: 20 },
    );
  });
});

function fail(): never {
  throw new Error('the export wrote no part');
}
