import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/sources/errors.ts';
import { createMysqlSource } from '../../src/sources/mysql.ts';
import type { SourceDatabase } from '../../src/sources/types.ts';
import { createMysqlDatabase, MYSQL_ADMIN_URL, runMysql, type TestDatabase } from '../support/databases.ts';
import { collect } from './expected-text.ts';

let db: TestDatabase;
let source: SourceDatabase;

const COUNT = { sql: 'SELECT COUNT(*) FROM items', params: [] };

beforeAll(async () => {
  db = await createMysqlDatabase('handover_src_my');
  await runMysql(
    db.url,
    `CREATE TABLE items (id int PRIMARY KEY, name varchar(40)) ENGINE=InnoDB;
     INSERT INTO items (id, name) SELECT seq, CONCAT('item ', seq) FROM seq_1_to_2500;`,
  );
  source = createMysqlSource(db.url);
});

afterAll(async () => {
  await source?.close();
  await db?.drop();
});

describe('MySQL snapshots', () => {
  it('do not see rows committed by others after the snapshot was taken', async () => {
    // prepare
    const snapshot = await source.openSnapshot();
    const before = await collect(snapshot.streamRows(COUNT));

    // act
    await runMysql(db.url, "INSERT INTO items VALUES (100000, 'late')");
    const during = await collect(snapshot.streamRows(COUNT));
    await snapshot.close();
    const next = await source.openSnapshot();
    const after = await collect(next.streamRows(COUNT));
    await next.close();
    await runMysql(db.url, 'DELETE FROM items WHERE id = 100000');

    // assess
    expect(before).toEqual([['2500']]);
    expect(during).toEqual(before);
    expect(after).toEqual([['2501']]);
  });

  it('refuse writes, and the source stays usable afterwards', async () => {
    // prepare
    const snapshot = await source.openSnapshot();

    // act
    const write = collect(snapshot.streamRows({ sql: "INSERT INTO items VALUES (-1, 'no')", params: [] }));

    // assess
    await expect(write).rejects.toMatchObject({ name: 'SourceError', code: 'query', message: /READ ONLY/i });
    await snapshot.close();
    expect(await source.query({ sql: 'SELECT COUNT(*) AS n FROM items WHERE id = -1', params: [] })).toEqual([
      { n: '0' },
    ]);
  });

  it('report when they were taken, by the server clock, in UTC with microseconds', async () => {
    // act
    const snapshot = await source.openSnapshot();
    await snapshot.close();

    // assess
    expect(snapshot.takenAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('stream rows in batches of the requested size', async () => {
    // act
    const snapshot = await source.openSnapshot();
    const sizes: number[] = [];
    let first: unknown;
    for await (const batch of snapshot.streamRows(
      { sql: 'SELECT id, name FROM items WHERE id <= ? ORDER BY id', params: [2500] },
      { batchSize: 1000 },
    )) {
      first ??= batch[0];
      sizes.push(batch.length);
    }
    await snapshot.close();

    // assess
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(first).toEqual(['1', 'item 1']);
  });

  it('hand every value over as a string, even a column nobody projected', async () => {
    // act
    const snapshot = await source.openSnapshot();
    const rows = await collect(
      snapshot.streamRows({
        sql: `SELECT 1, 9223372036854775807, 18446744073709551615, 1.50, 0.1e0, CAST(0.5 AS FLOAT),
                     CAST('2024-02-29 12:00:00.5' AS DATETIME(6)), CAST('2024-02-29' AS DATE), CAST('-01:00:00' AS TIME),
                     x'00ff', b'101', JSON_OBJECT('a', 1), NULL`,
        params: [],
      }),
    );
    await snapshot.close();

    // assess
    expect(rows).toEqual([
      [
        '1',
        '9223372036854775807',
        '18446744073709551615',
        '1.50',
        '0.1',
        '0.5',
        '2024-02-29 12:00:00.500000',
        '2024-02-29',
        '-01:00:00',
        'AP8=',
        'BQ==',
        '{"a":1}',
        null,
      ],
    ]);
  });

  it('stay closable after a consumer stops reading early, and the source keeps working', async () => {
    // prepare
    const snapshot = await source.openSnapshot();

    // act
    for await (const batch of snapshot.streamRows(
      { sql: 'SELECT a.id, b.id FROM items a, items b', params: [] },
      { batchSize: 100 },
    )) {
      expect(batch).toHaveLength(100);
      break;
    }
    await snapshot.close();

    // assess
    expect(await source.query({ sql: 'SELECT COUNT(*) AS n FROM items', params: [] })).toEqual([
      { n: '2500' },
    ]);
  });

  it('treat injection attempts in parameters as data', async () => {
    // prepare
    const nasty = [
      "'; DROP TABLE items; --",
      'back\\slash\\',
      "O'Brien \\' ünï 😀",
      '\\0\u0000',
      'a,"b"\r\nc',
    ];

    // act
    const snapshot = await source.openSnapshot();
    const rows = await collect(
      snapshot.streamRows({ sql: 'SELECT ?, ?, ?, ?, ? FROM items WHERE id = ?', params: [...nasty, 1] }),
    );
    await snapshot.close();

    // assess
    expect(rows).toEqual([nasty]);
    expect(await source.query({ sql: 'SELECT COUNT(*) AS n FROM items', params: [] })).toEqual([
      { n: '2500' },
    ]);
  });

  it('keep parameters as data even when the server does not treat backslashes as escapes', async () => {
    // prepare: a server-wide NO_BACKSLASH_ESCAPES breaks client-side escaping, not prepared statements
    const noBackslash = createMysqlSource(db.url, { poolSize: 1 });
    await noBackslash.query({
      sql: "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')",
      params: [],
    });
    const value = "\\'; DROP TABLE items; --";

    // act
    const snapshot = await noBackslash.openSnapshot();
    const rows = await collect(snapshot.streamRows({ sql: 'SELECT ?', params: [value] }));
    await snapshot.close();
    await noBackslash.close();

    // assess
    expect(rows).toEqual([[value]]);
  });
});

describe('MySQL source', () => {
  it('returns introspection rows with numbers, exact big numbers and dates as strings', async () => {
    // act
    const rows = await source.query({
      sql: `SELECT 7 AS small, CAST(9007199254740993 AS SIGNED) AS big, CAST(1.50 AS DECIMAL(5,2)) AS exact,
                   CAST('2024-02-29 12:00:00' AS DATETIME) AS at, ? AS param`,
      params: ["it's"],
    });

    // assess
    expect(rows).toEqual([
      { small: 7, big: '9007199254740993', exact: '1.50', at: '2024-02-29 12:00:00', param: "it's" },
    ]);
  });

  it('says the server refused a statement, as a query error', async () => {
    // act
    const failure = source.query({ sql: 'SELECT * FROM no_such_table', params: [] });

    // assess
    await expect(failure).rejects.toBeInstanceOf(SourceError);
    await expect(failure).rejects.toMatchObject({ code: 'query', message: /no_such_table/ });
  });

  it('names the server and database but never the password when the login is refused', async () => {
    // prepare
    const password = 'Wr0ng-pa55@word';
    const url = new URL(MYSQL_ADMIN_URL);
    url.password = encodeURIComponent(password);
    url.pathname = `/${db.name}`;
    const refused = createMysqlSource(url.toString());

    // act
    const errors = await Promise.all([
      refused.query({ sql: 'SELECT 1', params: [] }).catch((error: unknown) => error),
      refused.openSnapshot().catch((error: unknown) => error),
    ]);
    await refused.close();

    // assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(SourceError);
      expect(error).toMatchObject({ code: 'connection' });
      expect((error as Error).message).toContain(`${url.hostname}:${url.port || 3306}/${db.name}`);
      const everything = `${String(error)}\n${(error as Error).stack}\n${inspect(error, { depth: null, showHidden: true })}`;
      expect(everything).not.toContain(password);
      expect(everything).not.toContain(encodeURIComponent(password));
    }
  });
});
