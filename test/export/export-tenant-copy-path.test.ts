/**
 * PostgreSQL's COPY fast path and the row path (canonical text rows encoded to CSV in JavaScript)
 * must write the same bytes, in both CSV profiles: random values of every type through both paths of
 * the real export, compared file by file. The row path is forced by hiding `copyCsv` from the snapshot.
 */
import { rm } from 'node:fs/promises';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsvProfile } from '../../src/archive/types.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import { openSource } from '../../src/sources/open-source.ts';
import type { Snapshot, SourceDatabase } from '../../src/sources/types.ts';
import { entry } from '../support/archive-reader.ts';
import { createPostgresDatabase, runPostgres, type TestDatabase } from '../support/databases.ts';
import { catalogOf, exportInto, tempDir } from './export-harness.ts';
import {
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
import { awkwardText, POSTGRES_COLUMNS } from './round-trip-values.ts';

let db: TestDatabase;
let source: SourceDatabase;
let catalog: Catalog;
let out: Awaited<ReturnType<typeof tempDir>>;

/** The same source, whose snapshots offer no COPY: the export then encodes rows itself. */
function withoutCopy(inner: SourceDatabase): SourceDatabase {
  return {
    dialect: inner.dialect,
    query: (statement) => inner.query(statement),
    close: () => inner.close(),
    async openSnapshot(): Promise<Snapshot> {
      const snapshot = await inner.openSnapshot();
      return {
        takenAt: snapshot.takenAt,
        streamRows: (statement, options) => snapshot.streamRows(statement, options),
        close: () => snapshot.close(),
      };
    },
  };
}

beforeAll(async () => {
  db = await createPostgresDatabase('handover_copy');
  await runPostgres(
    db.url,
    `CREATE TYPE mood AS ENUM ('happy', '=calc', 'it''s', '😀', '-1');
     CREATE TABLE ${TABLE} (
       id integer PRIMARY KEY,
       company_id text NOT NULL,
       label text NOT NULL,
       ${POSTGRES_COLUMNS.map((c) => `${c.name} ${c.sqlType}`).join(',\n       ')}
     );
     -- One exported column (the tenant column is excluded): COPY quotes a lone \\. there.
     CREATE TABLE solo (id serial PRIMARY KEY, company_id text NOT NULL, v text);`,
  );
  source = openSource(db.url);
  catalog = await catalogOf(source, { exclude: { columns: ['solo.company_id', 'solo.id'] } });
  out = await tempDir('copy');
});

afterAll(async () => {
  await source?.close();
  await db?.drop();
  await out?.cleanup();
});

async function replaceRows(rows: GeneratedRow[], canaries: GeneratedRow[], solo: (string | null)[]) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(`TRUNCATE ${TABLE}, solo`);
    const width = 3 + POSTGRES_COLUMNS.length;
    const insert = `INSERT INTO ${TABLE} VALUES (${Array.from({ length: width }, (_, i) => `$${i + 1}`).join(', ')})`;
    for (const [i, row] of rows.entries())
      await client.query(insert, rowParams(tenantRowId(i), TENANT, `row-${tenantRowId(i)}`, row));
    for (const [i, row] of canaries.entries())
      await client.query(insert, rowParams(canaryRowId(i), CANARY_TENANT, `${CANARY_LABEL}-${i}`, row));
    for (const v of solo) await client.query(`INSERT INTO solo (company_id, v) VALUES ('acme', $1)`, [v]);
  } finally {
    await client.end();
  }
}

/** The CSV files of one export (path -> bytes), and their manifest sha256s. */
async function csvExport(from: SourceDatabase, profile: CsvProfile) {
  const exported = await exportInto(out.dir, {
    source: from,
    catalog,
    tenant: TENANT,
    formats: ['csv'],
    csvProfile: profile,
  });
  try {
    const [part] = exported.parts;
    if (!part) throw new Error('no part');
    const files = part.manifest.files.map((f) => ({
      path: f.path,
      sha256: f.sha256,
      bytes: entry(part, f.path),
    }));
    return files;
  } finally {
    for (const path of exported.paths) await rm(path);
  }
}

const soloValues = fc.array(
  fc.oneof(fc.constantFrom('\\.', '\\.\n', '', ' ', '\\', '.', '=1'), fc.constant(null), awkwardText),
  { maxLength: 5 },
);

describe('COPY fast path and row path', () => {
  it('write byte-identical CSV files for the same data, in the excel and raw profiles', async () => {
    expect(catalog.tables.find((t) => t.name === 'solo')?.columns.map((c) => c.name)).toEqual(['v']);
    await fc.assert(
      fc.asyncProperty(roundTripInput(POSTGRES_COLUMNS), soloValues, async ({ rows, canaries }, solo) => {
        // prepare
        await replaceRows(rows, canaries, solo);

        for (const profile of ['excel', 'raw'] as const) {
          // act
          const byCopy = await csvExport(source, profile);
          const byRows = await csvExport(withoutCopy(source), profile);

          // assess
          expect(byCopy.map((f) => f.path)).toEqual(['csv/rt.csv', 'csv/solo.csv']);
          expect(byRows.map((f) => f.path)).toEqual(byCopy.map((f) => f.path));
          byCopy.forEach((copied, i) => {
            const encoded = byRows[i];
            expect(encoded?.bytes.toString('utf8'), `${profile} ${copied.path}`).toBe(
              copied.bytes.toString('utf8'),
            );
            expect(encoded?.bytes.equals(copied.bytes), `${profile} ${copied.path} bytes`).toBe(true);
            expect(encoded?.sha256).toBe(copied.sha256);
          });
        }
      }),
      { numRuns: 15 },
    );
  });
});
