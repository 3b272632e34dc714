import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/sources/errors.ts';
import { createPostgresSource } from '../../src/sources/postgres.ts';
import type { SourceDatabase } from '../../src/sources/types.ts';
import { createPostgresDatabase, runPostgres, type TestDatabase } from '../support/databases.ts';
import { collect, copyOf, parseCopyCsv, readAll } from './expected-text.ts';

let db: TestDatabase;
let source: SourceDatabase;

const COUNT = { sql: 'SELECT count(*)::text FROM items', params: [] };

beforeAll(async () => {
  db = await createPostgresDatabase('handover_src_pg');
  await runPostgres(
    db.url,
    `CREATE TABLE items (id int PRIMARY KEY, name text);
     INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 2500) AS g;`,
  );
  source = createPostgresSource(db.url);
});

afterAll(async () => {
  await source?.close();
  await db?.drop();
});

describe('PostgreSQL snapshots', () => {
  it('do not see rows committed by others after the snapshot was taken', async () => {
    // prepare
    const snapshot = await source.openSnapshot();
    const before = await collect(snapshot.streamRows(COUNT));

    // act
    await runPostgres(db.url, "INSERT INTO items VALUES (100000, 'late')");
    const during = await collect(snapshot.streamRows(COUNT));
    const copied = parseCopyCsv(await readAll(copyOf(snapshot, COUNT).stream));
    await snapshot.close();
    const next = await source.openSnapshot();
    const after = await collect(next.streamRows(COUNT));
    await next.close();
    await runPostgres(db.url, 'DELETE FROM items WHERE id = 100000');

    // assess
    expect(during).toEqual(before);
    expect(copied).toEqual(before);
    expect(Number(after[0]?.[0])).toBe(Number(before[0]?.[0]) + 1);
  });

  it('refuse writes, and the source stays usable afterwards', async () => {
    // prepare
    const snapshot = await source.openSnapshot();

    // act
    const write = collect(
      snapshot.streamRows({ sql: "INSERT INTO items VALUES (-1, 'no') RETURNING id::text", params: [] }),
    );

    // assess
    await expect(write).rejects.toMatchObject({ name: 'SourceError', code: 'query', message: /read-only/ });
    await snapshot.close();
    expect(
      await source.query({ sql: 'SELECT count(*)::int AS n FROM items WHERE id = -1', params: [] }),
    ).toEqual([{ n: 0 }]);
  });

  it('report when they were taken, by the server clock, in UTC with microseconds', async () => {
    // act
    const snapshot = await source.openSnapshot();
    const now = await collect(
      snapshot.streamRows({
        sql: `SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
        params: [],
      }),
    );
    await snapshot.close();

    // assess: now() is the transaction's start, the same for every statement inside it
    expect(snapshot.takenAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(now).toEqual([[snapshot.takenAt]]);
  });

  it('stream rows in batches of the requested size, as text', async () => {
    // act
    const snapshot = await source.openSnapshot();
    const sizes: number[] = [];
    let first: unknown;
    for await (const batch of snapshot.streamRows(
      { sql: 'SELECT id, name FROM items WHERE id <= $1 ORDER BY id', params: [2500] },
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

  it('stay usable after a consumer stops reading early, and the connection goes back to the pool', async () => {
    // prepare
    const snapshot = await source.openSnapshot();

    // act
    for await (const batch of snapshot.streamRows(
      { sql: 'SELECT id FROM items ORDER BY id', params: [] },
      { batchSize: 10 },
    )) {
      expect(batch).toHaveLength(10);
      break;
    }
    const afterBreak = await collect(snapshot.streamRows(COUNT));
    await snapshot.close();

    // assess
    expect(afterBreak).toEqual([['2500']]);
    expect(await source.query({ sql: 'SELECT 1 AS one', params: [] })).toEqual([{ one: 1 }]);
  });

  it('drop the connection when a COPY is abandoned halfway, and the source keeps working', async () => {
    // prepare
    const snapshot = await source.openSnapshot();
    const { stream } = copyOf(snapshot, { sql: 'SELECT a.id, b.name FROM items a, items b', params: [] });

    // act
    for await (const _chunk of stream) break;
    await snapshot.close();

    // assess
    expect(await source.query({ sql: 'SELECT count(*)::int AS n FROM items', params: [] })).toEqual([
      { n: 2500 },
    ]);
  });

  it('count the rows COPY wrote', async () => {
    // act
    const snapshot = await source.openSnapshot();
    const copy = copyOf(snapshot, { sql: 'SELECT id::text, name FROM items WHERE id > $1', params: [2000] });
    const rows = parseCopyCsv(await readAll(copy.stream));
    await snapshot.close();

    // assess
    expect(rows).toHaveLength(500);
    expect(copy.rowCount()).toBe(500);
  });

  it('treat injection attempts in COPY parameters as data', async () => {
    // prepare
    const nasty = ["'; DROP TABLE items; --", 'back\\slash\\', "O'Brien \\' ünï 😀", '$1', 'a,"b"\r\nc'];

    // act
    const snapshot = await source.openSnapshot();
    const statement = {
      sql: `SELECT $1::text, $2::text, $3::text, '$1' AS "$2", $4::text, $5::text FROM items WHERE id = $6`,
      params: [...nasty, 1],
    };
    const copied = parseCopyCsv(await readAll(copyOf(snapshot, statement).stream));
    const streamed = await collect(snapshot.streamRows(statement));
    await snapshot.close();

    // assess
    const expected = [[nasty[0], nasty[1], nasty[2], '$1', nasty[3], nasty[4]]];
    expect(copied).toEqual(expected);
    expect(streamed).toEqual(expected);
    expect(await source.query({ sql: 'SELECT count(*)::int AS n FROM items', params: [] })).toEqual([
      { n: 2500 },
    ]);
  });
});

describe('PostgreSQL source', () => {
  it('returns introspection rows with booleans and numbers, and dates and timestamps as text', async () => {
    // act
    const rows = await source.query({
      sql: `SELECT true AS yes, 7::int AS small, 9007199254740993::bigint AS big, 1.50::numeric AS exact,
                   date '2024-02-29' AS day, timestamptz '2024-02-29 12:00:00.123456+02' AS at, $1::text AS param`,
      params: ["it's"],
    });

    // assess
    expect(rows).toEqual([
      {
        yes: true,
        small: 7,
        big: '9007199254740993',
        exact: '1.50',
        day: '2024-02-29',
        at: '2024-02-29 10:00:00.123456+00',
        param: "it's",
      },
    ]);
  });

  it('with a single connection, query() waits for an open snapshot to close instead of failing', async () => {
    // prepare
    const single = createPostgresSource(db.url, { poolSize: 1 });
    const snapshot = await single.openSnapshot();
    let answered = false;

    // act
    const pending = single.query<{ n: number }>({ sql: 'SELECT 1 AS n', params: [] }).then((rows) => {
      answered = true;
      return rows;
    });
    const whileOpen = await collect(snapshot.streamRows(COUNT));
    const answeredWhileOpen = answered;
    await snapshot.close();
    const rows = await pending;
    await single.close();

    // assess
    expect(whileOpen).toEqual([['2500']]);
    expect(answeredWhileOpen).toBe(false);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('says which statement part the server refused, as a query error', async () => {
    // act
    const failure = source.query({ sql: 'SELECT * FROM no_such_table', params: [] });

    // assess
    await expect(failure).rejects.toBeInstanceOf(SourceError);
    await expect(failure).rejects.toMatchObject({ code: 'query', message: /no_such_table/ });
  });

  it('names the server and database but never the password when it cannot connect', async () => {
    // prepare: nothing listens on port 1
    const password = 'S3cr3t-pa55@word';
    const unreachable = createPostgresSource(
      `postgres://handover:${encodeURIComponent(password)}@127.0.0.1:1/tenant_data`,
      { connectTimeoutMs: 5000 },
    );

    // act
    const errors = await Promise.all([
      unreachable.query({ sql: 'SELECT 1', params: [] }).catch((error: unknown) => error),
      unreachable.openSnapshot().catch((error: unknown) => error),
    ]);
    await unreachable.close();

    // assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(SourceError);
      expect(error).toMatchObject({ code: 'connection', message: /127\.0\.0\.1:1\/tenant_data/ });
      const everything = `${String(error)}\n${(error as Error).stack}\n${inspect(error, { depth: null, showHidden: true })}`;
      expect(everything).not.toContain(password);
      expect(everything).not.toContain(encodeURIComponent(password));
    }
  });

  it('does not repeat a malformed URL, which may hold a password', () => {
    // act
    const attempt = () => createPostgresSource('postgres://user:hunter2@[not-a-host/db');

    // assess
    expect(attempt).toThrow(SourceError);
    try {
      attempt();
    } catch (error) {
      expect(inspect(error, { depth: null, showHidden: true })).not.toContain('hunter2');
    }
  });
});
