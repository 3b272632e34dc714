/**
 * COPY cannot take bind parameters, so the COPY path inlines them as literals. These tests make sure a
 * parameter always comes back as data, whatever it contains and however the server treats backslashes.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/sources/errors.ts';
import { inlineParams, literal, quoteLiteral } from '../../src/sources/postgres-literal.ts';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.ts';
import { AWKWARD_TEXT, arbitraryText } from './expected-text.ts';

const INJECTIONS = [
  "'; DROP TABLE victims; --",
  "\\'; DROP TABLE victims; --",
  "\\\\'; DROP TABLE victims; --",
  "'' OR ''=''",
  "E'\\'' OR 1=1 --",
  '$$; DROP TABLE victims; $$',
  '$1',
  '*/ DROP TABLE victims; /*',
  'back\\slash at the end\\',
  'unicode ünïcödé 😀 \u2028 \u00a0',
];

describe('literal', () => {
  it('doubles single quotes and leaves everything else as typed', () => {
    expect(literal("it's")).toBe("'it''s'");
    expect(literal("'; DROP TABLE x; --")).toBe("'''; DROP TABLE x; --'");
    expect(literal('plain')).toBe("'plain'");
  });

  it('writes a value with a backslash as an escape string, so the server setting cannot change its meaning', () => {
    expect(literal('C:\\temp')).toBe("E'C:\\\\temp'");
    expect(literal("\\'")).toBe("E'\\\\'''");
  });

  it('refuses NUL, which PostgreSQL text cannot hold', () => {
    expect(() => quoteLiteral('a\u0000b')).toThrow(SourceError);
  });

  it('renders parameter values as the text pg would send', () => {
    expect(literal(null)).toBe('NULL');
    expect(literal(undefined)).toBe('NULL');
    expect(literal(42)).toBe("'42'");
    expect(literal(-1.5)).toBe("'-1.5'");
    expect(literal(2n ** 64n)).toBe("'18446744073709551616'");
    expect(literal(true)).toBe("'true'");
    expect(literal(Buffer.from([0, 255]))).toBe("E'\\\\x00ff'");
    expect(literal([1, null, 'a"b', ['x\\y']])).toBe(`E'{"1",NULL,"a\\\\"b",{"x\\\\\\\\y"}}'`);
    expect(literal({ a: "it's" })).toBe(`'{"a":"it''s"}'`);
  });

  it('refuses Date objects, whose text would depend on the process time zone', () => {
    expect(() => literal(new Date())).toThrow(/ISO 8601/);
  });
});

describe('inlineParams', () => {
  it('replaces $n placeholders with literals', () => {
    expect(inlineParams('SELECT * FROM t WHERE a = $1 AND b = $2 OR c = $1', ['x', 7])).toBe(
      "SELECT * FROM t WHERE a = 'x' AND b = '7' OR c = 'x'",
    );
    expect(
      inlineParams(
        'SELECT $10',
        Array.from({ length: 10 }, (_, i) => i + 1),
      ),
    ).toBe("SELECT '10'");
  });

  it('leaves $n inside strings, quoted identifiers, comments, dollar quotes and identifiers alone', () => {
    const sql = [
      `SELECT '$1', E'\\'$1', "col $1", price$1, $tag$ $1 $tag$, $$ $1 $$ -- $1`,
      `/* $1 /* nested $1 */ $1 */ FROM t WHERE x = $1`,
    ].join('\n');
    expect(inlineParams(sql, ['v'])).toBe(
      [
        `SELECT '$1', E'\\'$1', "col $1", price$1, $tag$ $1 $tag$, $$ $1 $$ -- $1`,
        `/* $1 /* nested $1 */ $1 */ FROM t WHERE x = 'v'`,
      ].join('\n'),
    );
  });

  it('refuses a placeholder without a parameter and unterminated quotes', () => {
    expect(() => inlineParams('SELECT $2', ['a'])).toThrow(/\$2/);
    expect(() => inlineParams("SELECT 'open", [])).toThrow(/unterminated string/);
    expect(() => inlineParams('SELECT "open', [])).toThrow(/unterminated quoted identifier/);
    expect(() => inlineParams('SELECT $q$ open', [])).toThrow(/unterminated dollar-quoted/);
  });
});

describe('literal against a real PostgreSQL server', () => {
  let db: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createPostgresDatabase('handover_src_literal');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE victims (id int)');
    await client.query('INSERT INTO victims VALUES (1)');
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  async function roundTrip(value: string): Promise<unknown> {
    const result = await client.query<{ v: string }>(inlineParams('SELECT $1::text AS v', [value]));
    return result.rows[0]?.v;
  }

  it('inlines arrays and bytes that the server reads back as the same values', async () => {
    // prepare
    const texts = ['a"b', 'x\\y', null, "it's", '', 'NULL', '{}', 'ü😀'];
    const bytes = Buffer.from([0, 1, 92, 39, 255]);

    // act
    const result = await client.query<{ texts: (string | null)[]; bytes: Buffer; ints: number[] }>(
      inlineParams('SELECT $1::text[] AS texts, $2::bytea AS bytes, $3::int[] AS ints', [
        texts,
        bytes,
        [1, -2, 3],
      ]),
    );

    // assess
    expect(result.rows[0]).toEqual({ texts, bytes, ints: [1, -2, 3] });
  });

  for (const setting of ['on', 'off']) {
    it(`brings every value back as data with standard_conforming_strings ${setting}`, async () => {
      // prepare
      await client.query(`SET standard_conforming_strings = ${setting}`);
      await client.query('SET escape_string_warning = off');

      // act + assess
      for (const value of [...INJECTIONS, ...AWKWARD_TEXT]) expect(await roundTrip(value)).toBe(value);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            arbitraryText(40),
            fc.string({ unit: fc.constantFrom("'", '\\', '$', '"', ';', '-', '*', '/', 'E') }),
          ),
          async (value) => {
            expect(await roundTrip(value)).toBe(value);
          },
        ),
        { numRuns: 100 },
      );
      const survivors = await client.query('SELECT count(*)::int AS n FROM victims');
      expect(survivors.rows[0]?.n).toBe(1);
    });
  }
});
