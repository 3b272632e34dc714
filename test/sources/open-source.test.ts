import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/sources/errors.ts';
import { openSource } from '../../src/sources/open-source.ts';
import {
  createMysqlDatabase,
  createPostgresDatabase,
  MYSQL_ADMIN_URL,
  PG_ADMIN_URL,
  type TestDatabase,
} from '../support/databases.ts';

let pgDb: TestDatabase;
let myDb: TestDatabase;

beforeAll(async () => {
  [pgDb, myDb] = await Promise.all([
    createPostgresDatabase('handover_src_open'),
    createMysqlDatabase('handover_src_open'),
  ]);
});

afterAll(async () => {
  await Promise.all([pgDb?.drop(), myDb?.drop()]);
});

function withScheme(url: string, scheme: string): string {
  return url.replace(/^[a-z]+:/, `${scheme}:`);
}

describe('openSource', () => {
  it.each([
    ['postgres', 'postgres'],
    ['postgresql', 'postgres'],
    ['mysql', 'mysql'],
    ['mariadb', 'mysql'],
  ] as const)('reads a %s:// URL with the %s adapter', async (scheme, dialect) => {
    // prepare
    const url = withScheme(dialect === 'postgres' ? pgDb.url : myDb.url, scheme);

    // act
    const source = openSource(url);
    const rows = await source.query<{ answer: unknown }>({ sql: 'SELECT 42 AS answer', params: [] });
    await source.close();

    // assess
    expect(source.dialect).toBe(dialect);
    expect(Number(rows[0]?.answer)).toBe(42);
  });

  it('refuses other schemes and names the ones it accepts', () => {
    // act
    const attempt = () => openSource('sqlite:///var/data/app.db');

    // assess
    expect(attempt).toThrow(SourceError);
    expect(attempt).toThrow('postgres://, postgresql://, mysql://, mariadb:// (got sqlite://)');
    expect(() => openSource('just some text')).toThrow(/must start with postgres:\/\//);
  });

  it('never repeats the password of a URL it cannot use', () => {
    // prepare
    const urls = [
      'postgres://reader:Pa55-w0rd-x@[::1/app',
      'mysql://reader:Pa55-w0rd-x@host:notaport/app',
      'oracle://reader:Pa55-w0rd-x@host/app',
    ];

    // act + assess
    for (const url of urls) {
      let caught: unknown;
      try {
        openSource(url);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SourceError);
      expect(inspect(caught, { depth: null, showHidden: true })).not.toContain('Pa55-w0rd-x');
    }
  });

  it('points at the right server in its messages for both adapters', async () => {
    // prepare: databases that do not exist on reachable servers
    const missing = [
      withScheme(PG_ADMIN_URL, 'postgresql').replace(/\/[^/]*$/, '/no_such_db_here'),
      withScheme(MYSQL_ADMIN_URL, 'mariadb').replace(/\/[^/]*$/, '/no_such_db_here'),
    ];

    // act
    const errors = await Promise.all(
      missing.map(async (url) => {
        const source = openSource(url);
        const error = await source.query({ sql: 'SELECT 1', params: [] }).catch((e: unknown) => e);
        await source.close();
        return error;
      }),
    );

    // assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(SourceError);
      expect(error).toMatchObject({ code: 'connection', message: /127\.0\.0\.1:\d+\/no_such_db_here/ });
    }
  });
});
