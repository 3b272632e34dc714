/**
 * The embedded demo database is PGlite served over pglite-socket: one connection at a time. The same
 * PostgreSQL adapter must work against it with a pool of one.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSource } from '../../src/sources/open-source.ts';
import { projectColumns } from '../../src/sources/projection.ts';
import type { SourceDatabase, Statement } from '../../src/sources/types.ts';
import { collect, column, copyOf, excelGuarded, parseCopyCsv, readAll } from './expected-text.ts';

let db: PGlite;
let server: PGLiteSocketServer;
let source: SourceDatabase;

const COLUMNS = [
  column('id', 'integer', 'integer'),
  column('amount', 'decimal', 'numeric(30,10)'),
  column('label', 'text', 'text'),
  column('at', 'timestamptz', 'timestamp with time zone'),
  column('data', 'binary', 'bytea'),
  column('tags', 'array', 'text[]'),
  column('span', 'interval', 'interval'),
  column('ratio', 'float', 'double precision'),
];

function selectAll(excelGuard: boolean): Statement {
  return {
    sql: `SELECT ${projectColumns('postgres', 'c', COLUMNS, { excelGuard }).join(', ')} FROM charges AS "c" WHERE "c"."id" > $1 ORDER BY "c"."id"`,
    params: [0],
  };
}

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`
    CREATE TABLE charges (id int PRIMARY KEY, amount numeric(30,10), label text, at timestamptz, data bytea, tags text[], span interval, ratio float8);
    INSERT INTO charges VALUES
      (1, 12345678901234567890.0123456789, '=HYPERLINK("x")', '2024-02-29 23:30:00.123456-05:30', '\\x00ff00', '{"a,b","c\\"d",NULL}', '1 year 2 days 3.5 seconds', 0.1),
      (2, -0.5, 'line
break, "quoted"', '1999-12-31 23:59:59.999999+14', '', '{}', '-1 mons', 1e-7),
      (3, NULL, '', NULL, NULL, NULL, NULL, 'NaN');
  `);
  server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
  await server.start();
  // getServerConn() is `host:port`, with the port the OS picked.
  source = openSource(`postgres://postgres@${server.getServerConn()}/postgres`, { poolSize: 1 });
});

afterAll(async () => {
  await source?.close();
  await server?.stop();
  await db?.close();
});

describe('PostgreSQL source on the embedded database', () => {
  it('reads canonical text through rows and COPY alike', async () => {
    // act
    const snapshot = await source.openSnapshot();
    const rows = await collect(snapshot.streamRows(selectAll(false)));
    const copied = parseCopyCsv(await readAll(copyOf(snapshot, selectAll(false)).stream));
    const guarded = parseCopyCsv(await readAll(copyOf(snapshot, selectAll(true)).stream));
    await snapshot.close();

    // assess
    expect(rows).toEqual([
      [
        '1',
        '12345678901234567890.0123456789',
        '=HYPERLINK("x")',
        '2024-03-01T05:00:00.123456Z',
        'AP8A',
        '["a,b","c\\"d",null]',
        'P1Y2DT3.5S',
        '0.1',
      ],
      [
        '2',
        '-0.5000000000',
        'line\nbreak, "quoted"',
        '1999-12-31T09:59:59.999999Z',
        '',
        '[]',
        'P-1M',
        '1e-07',
      ],
      ['3', null, '', null, null, null, null, 'NaN'],
    ]);
    expect(copied).toEqual(rows);
    expect(guarded).toEqual(
      rows.map((row) => row.map((v, c) => (c === 2 && v !== null ? excelGuarded(v) : v))),
    );
  });

  it('makes query() wait for an open snapshot on its single connection', async () => {
    // prepare
    const snapshot = await source.openSnapshot();
    let answered = false;

    // act
    const pending = source
      .query({ sql: 'SELECT count(*)::int AS n FROM charges', params: [] })
      .then((rows) => {
        answered = true;
        return rows;
      });
    const whileOpen = await collect(
      snapshot.streamRows({ sql: 'SELECT count(*)::text FROM charges', params: [] }),
    );
    const answeredWhileOpen = answered;
    await snapshot.close();

    // assess
    expect(whileOpen).toEqual([['3']]);
    expect(answeredWhileOpen).toBe(false);
    expect(await pending).toEqual([{ n: 3 }]);
  });

  it('refuses writes inside a snapshot and keeps serving afterwards', async () => {
    // prepare
    const snapshot = await source.openSnapshot();

    // act
    const write = collect(snapshot.streamRows({ sql: 'DELETE FROM charges RETURNING id::text', params: [] }));

    // assess
    await expect(write).rejects.toMatchObject({ code: 'query', message: /read-only/ });
    await snapshot.close();
    expect(await source.query({ sql: 'SELECT count(*)::int AS n FROM charges', params: [] })).toEqual([
      { n: 3 },
    ]);
  });

  it('recovers its single connection after a COPY is abandoned', async () => {
    // prepare
    const snapshot = await source.openSnapshot();
    const { stream } = copyOf(snapshot, {
      sql: 'SELECT g::text FROM generate_series(1, 200000) AS g',
      params: [],
    });

    // act
    for await (const _chunk of stream) break;
    await snapshot.close();

    // assess
    expect(await source.query({ sql: 'SELECT 1 AS one', params: [] })).toEqual([{ one: 1 }]);
  });
});
