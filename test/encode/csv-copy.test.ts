/**
 * The PostgreSQL fast path lets the server write CSV with `COPY ... (FORMAT csv)`; the MySQL path
 * encodes rows in JavaScript. Both must produce the same bytes for the same values.
 */
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsvEncoder } from '../../src/encode/csv.ts';
import { FORMULA_GUARD_PATTERN } from '../../src/encode/types.ts';
import type { TextRow } from '../../src/sources/types.ts';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.ts';
import { column, textValue } from './arbitraries.ts';

const AWKWARD_ROWS: TextRow[] = [
  [null, '', ' '],
  ['a,b', 'say "hi"', 'line\nbreak'],
  ['cr\ronly', 'crlf\r\nend', '\r\n'],
  ['=1+1', '+33 6 12', '-5'],
  ['@home', '\tTAB', '\nlead'],
  ["'=already", "''+x", "'plain"],
  ['\\.', '\\N', 'NULL'],
  ['é😀中文', '""', '"'],
  [' lead', 'trail ', ' both '],
  ['\u0001\u000b\u001f', '\ufffe', '_x0041_'],
];

/** SQL text literal (standard_conforming_strings on): COPY (SELECT ...) takes no bind parameters. */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

async function copyCsv(client: pg.Client, select: string): Promise<Buffer> {
  return buffer(client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT csv)`)));
}

describe('CSV encoder against PostgreSQL COPY (FORMAT csv)', () => {
  let database: TestDatabase;
  let client: pg.Client;
  const rows: TextRow[] = [...AWKWARD_ROWS];

  beforeAll(async () => {
    database = await createPostgresDatabase('handover_encode');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const nullable = fc.option(fc.oneof(textValue(), fc.constant('')), { nil: null, freq: 4 });
    rows.push(...fc.sample(fc.tuple(nullable, nullable, nullable), { numRuns: 300, seed: 20_240_305 }));
    await client.query('CREATE TABLE awkward (id serial PRIMARY KEY, a text, b text, c text)');
    for (const row of rows) await client.query('INSERT INTO awkward (a, b, c) VALUES ($1, $2, $3)', row);
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('writes the same bytes as COPY for the raw profile', async () => {
    const fromServer = await copyCsv(client, 'SELECT a, b, c FROM awkward ORDER BY id');
    const columns = [column('a', 'text'), column('b', 'text'), column('c', 'text')];
    const fromEncoder = createCsvEncoder({ columns, profile: 'raw' }).encode(rows);
    expect(fromEncoder.toString('utf8')).toBe(fromServer.toString('utf8'));
    expect(fromEncoder.equals(fromServer)).toBe(true);
  });

  it('writes the same bytes as COPY with the SQL-side formula guard for the excel profile', async () => {
    const guard = (name: string) =>
      `CASE WHEN ${name} ~ ${literal(FORMULA_GUARD_PATTERN)} THEN '''' || ${name} ELSE ${name} END`;
    const fromServer = await copyCsv(
      client,
      `SELECT ${guard('a')}, ${guard('b')}, c FROM awkward ORDER BY id`,
    );
    // `c` stands for a non-text column: it is never guarded.
    const columns = [column('a', 'text'), column('b', 'text'), column('c', 'json')];
    const fromEncoder = createCsvEncoder({ columns, profile: 'excel' }).encode(rows);
    expect(fromEncoder.toString('utf8')).toBe(fromServer.toString('utf8'));
  });

  it('writes the same bytes as COPY for a one-column table, where a lone \\. is quoted', async () => {
    const fromServer = await copyCsv(client, 'SELECT a FROM awkward ORDER BY id');
    const fromEncoder = createCsvEncoder({ columns: [column('a', 'text')], profile: 'raw' }).encode(
      rows.map((row) => [row[0] ?? null]),
    );
    expect(fromEncoder.toString('utf8')).toBe(fromServer.toString('utf8'));
  });

  it('writes the same header line as COPY ... HEADER', async () => {
    await client.query(
      'CREATE TABLE "odd names" ("plain" int, "with,comma" int, "with""quote" int, "é" int)',
    );
    const fromServer = await buffer(
      client.query(copyTo('COPY (SELECT * FROM "odd names") TO STDOUT (FORMAT csv, HEADER true)')),
    );
    const columns = ['plain', 'with,comma', 'with"quote', 'é'].map((name) => column(name, 'integer'));
    expect(createCsvEncoder({ columns, profile: 'raw' }).header().toString('utf8')).toBe(
      fromServer.toString('utf8'),
    );
  });
});
