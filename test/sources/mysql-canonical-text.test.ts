/**
 * Random values of every supported MariaDB/MySQL type go in through bind parameters and come back out
 * of a snapshot as the documented canonical text, as strings (never a JS number, Date or Buffer).
 */
import fc from 'fast-check';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogColumn } from '../../src/catalog/types.ts';
import { createMysqlSource } from '../../src/sources/mysql.ts';
import { projectColumns } from '../../src/sources/projection.ts';
import { quoteIdent } from '../../src/sources/sql.ts';
import type { SourceDatabase, Statement } from '../../src/sources/types.ts';
import { createMysqlDatabase, type TestDatabase } from '../support/databases.ts';
import {
  arbitraryDayNumber,
  arbitraryDecimal,
  arbitraryMicrosOfDay,
  arbitraryText,
  canonicalDecimal,
  collect,
  column,
  dayFromNumber,
  dayNumber,
  decimalInput,
  excelGuarded,
  expectShortestDouble,
  type Instant,
  instantPlusSeconds,
  isoDate,
  isoTimestamp,
  offsetText,
  pad,
} from './expected-text.ts';

interface Sample {
  input: unknown;
  expected: string | ((actual: string | null) => void);
}

interface Case {
  column: CatalogColumn;
  sqlType: string;
  arbitrary: fc.Arbitrary<Sample>;
}

const same = (text: string): Sample => ({ input: text, expected: text });
const ENUM_LABELS = ['happy', 'so-so', "it's", '=calc', '😀'];
const MAX_TIME_MICROS = ((838 * 60 + 59) * 60 + 59) * 1_000_000 + 999_999;

/** MySQL TIME text: sign, at least two hour digits (up to 838), minutes, seconds, then the fraction. */
function mysqlTime(micros: number, withFraction: 'always' | 'when-present'): string {
  const abs = Math.abs(micros);
  const seconds = Math.floor(abs / 1_000_000);
  const fraction = abs % 1_000_000;
  const clock = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
  const frac = withFraction === 'always' || fraction !== 0 ? `.${pad(fraction, 6)}` : '';
  return `${micros < 0 ? '-' : ''}${clock}${frac}`;
}

/**
 * A TIMESTAMP instant and the session offset it is written in. TIMESTAMP holds 1970-01-01 00:00:01 to
 * 2038-01-19 03:14:07 UTC, and MariaDB checks that range on the local time before converting it, so
 * instants stay a couple of days inside.
 */
const arbitraryTimestamp = fc
  .tuple(
    fc.integer({ min: 2 * 86_400, max: 2_147_483_647 - 2 * 86_400 }),
    fc.integer({ min: 0, max: 999_999 }),
    fc.oneof(
      fc.integer({ min: -51, max: 52 }).map((q) => q * 15 * 60),
      fc.integer({ min: -779, max: 780 }).map((m) => m * 60),
    ),
  )
  .map(([epochSeconds, micro, offset]) => {
    const instant: Instant = {
      day: Math.floor(epochSeconds / 86_400),
      micros: (epochSeconds % 86_400) * 1_000_000 + micro,
    };
    return { instant, offset };
  });

const CASES: Case[] = [
  {
    column: column('i', 'integer', 'int(11)'),
    sqlType: 'int',
    arbitrary: fc.integer().map((v) => ({ input: v, expected: String(v) })),
  },
  {
    column: column('ti', 'integer', 'tinyint(4)'),
    sqlType: 'tinyint',
    arbitrary: fc.integer({ min: -128, max: 127 }).map((v) => ({ input: v, expected: String(v) })),
  },
  {
    column: column('bi', 'bigint', 'bigint(20)'),
    sqlType: 'bigint',
    arbitrary: fc
      .oneof(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n),
      )
      .map((v) => same(String(v))),
  },
  {
    column: column('bu', 'bigint', 'bigint(20) unsigned'),
    sqlType: 'bigint unsigned',
    arbitrary: fc
      .oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 2n ** 63n, 2n ** 64n - 1n))
      .map((v) => same(String(v))),
  },
  {
    column: column('yr', 'integer', 'year(4)'),
    sqlType: 'year',
    arbitrary: fc.integer({ min: 1901, max: 2155 }).map((v) => ({ input: v, expected: String(v) })),
  },
  {
    column: column('dc', 'decimal', 'decimal(65,30)'),
    sqlType: 'decimal(65,30)',
    arbitrary: arbitraryDecimal(35, 30).map((d) => ({
      input: decimalInput(d),
      expected: canonicalDecimal(d, 30),
    })),
  },
  {
    column: column('d8', 'float', 'double'),
    sqlType: 'double',
    arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => ({
      input: v,
      // MariaDB stores -0 as 0.
      expected: (actual: string | null) => expectShortestDouble(actual, v === 0 ? 0 : v),
    })),
  },
  {
    column: column('f4', 'float', 'float'),
    sqlType: 'float',
    arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true }).map((v) => ({
      input: v,
      expected: (actual: string | null) => {
        expect(actual).toBeTypeOf('string');
        expect(Math.fround(Number(actual)), `${actual} reads back as the float ${v}`).toBe(v === 0 ? 0 : v);
      },
    })),
  },
  {
    column: column('bo', 'boolean', 'tinyint(1)'),
    sqlType: 'tinyint(1)',
    arbitrary: fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: -128, max: 127 })).map((v) => ({
      input: v,
      expected: v === 0 ? 'false' : v === 1 ? 'true' : String(v),
    })),
  },
  {
    column: column('bt', 'boolean', 'bit(1)'),
    sqlType: 'bit(1)',
    arbitrary: fc.boolean().map((v) => ({ input: v ? 1 : 0, expected: String(v) })),
  },
  {
    column: column('t', 'text', 'text'),
    sqlType: 'text',
    arbitrary: fc.oneof(arbitraryText(60), fc.constant('NUL\u0000inside')).map(same),
  },
  {
    column: column('vc', 'text', 'varchar(50)'),
    sqlType: 'varchar(50)',
    arbitrary: fc.oneof(arbitraryText(20), fc.string({ unit: 'binary', maxLength: 50 })).map(same),
  },
  {
    column: column('ch', 'text', 'char(5)'),
    sqlType: 'char(5)',
    // MySQL drops a CHAR column's trailing spaces when it reads it.
    arbitrary: fc
      .string({ unit: 'binary-ascii', maxLength: 5 })
      .map((s) => ({ input: s, expected: s.replace(/ +$/, '') })),
  },
  {
    column: column('e', 'text', `enum(${ENUM_LABELS.map((l) => `'${l}'`).join(',')})`),
    sqlType: `enum(${ENUM_LABELS.map((l) => `'${l.replaceAll("'", "''")}'`).join(', ')})`,
    arbitrary: fc.constantFrom(...ENUM_LABELS).map(same),
  },
  {
    column: column('st', 'text', "set('a','b','c')"),
    sqlType: "set('a','b','c')",
    arbitrary: fc.subarray(['a', 'b', 'c']).map((members) => same(members.join(','))),
  },
  {
    column: column('u', 'uuid', 'uuid'),
    sqlType: 'uuid',
    // MariaDB's UUID type refuses versions above 5.
    arbitrary: fc
      .tuple(fc.uuid({ version: [1, 2, 3, 4, 5] }), fc.boolean())
      .map(([uuid, upper]) => ({ input: upper ? uuid.toUpperCase() : uuid, expected: uuid.toLowerCase() })),
  },
  {
    column: column('d', 'date', 'date'),
    sqlType: 'date',
    arbitrary: arbitraryDayNumber(1, 9999).map((n) => {
      const day = dayFromNumber(n);
      return { input: isoDate(day), expected: isoDate(day) };
    }),
  },
  {
    column: column('tm', 'time', 'time(6)'),
    sqlType: 'time(6)',
    arbitrary: fc
      .oneof(
        fc.integer({ min: -MAX_TIME_MICROS, max: MAX_TIME_MICROS }),
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        arbitraryMicrosOfDay,
        fc.constantFrom(-MAX_TIME_MICROS, MAX_TIME_MICROS, -500_000),
      )
      .map((micros) => ({ input: mysqlTime(micros, 'always'), expected: mysqlTime(micros, 'when-present') })),
  },
  {
    column: column('dt', 'timestamp', 'datetime(6)'),
    sqlType: 'datetime(6)',
    arbitrary: fc
      .record({
        day: fc.integer({ min: dayNumber(1000, 1, 1), max: dayNumber(9999, 12, 31) }),
        micros: arbitraryMicrosOfDay,
      })
      .map((instant) => ({
        input: isoTimestamp(instant).replace('T', ' '),
        expected: isoTimestamp(instant),
      })),
  },
  {
    column: column('j', 'json', 'longtext'),
    sqlType: 'json',
    arbitrary: fc.json({ stringUnit: 'grapheme' }).map(same),
  },
  {
    column: column('bl', 'binary', 'blob'),
    sqlType: 'blob',
    arbitrary: fc
      .oneof(fc.uint8Array({ maxLength: 200 }), fc.constant(new Uint8Array([0, 0, 0])))
      .map((bytes) => ({ input: Buffer.from(bytes), expected: Buffer.from(bytes).toString('base64') })),
  },
  {
    column: column('vb', 'binary', 'varbinary(64)'),
    sqlType: 'varbinary(64)',
    arbitrary: fc
      .uint8Array({ maxLength: 64 })
      .map((bytes) => ({ input: Buffer.from(bytes), expected: Buffer.from(bytes).toString('base64') })),
  },
];

/** The TIMESTAMP column: written in a random session time zone, read back in UTC. */
const TIMESTAMP_COLUMN = column('ts', 'timestamptz', 'timestamp(6)');
const COLUMNS = [...CASES.map((c) => c.column), TIMESTAMP_COLUMN];
const TABLE = 'every type';

let db: TestDatabase;
let writer: mysql.Connection;
let source: SourceDatabase;

beforeAll(async () => {
  db = await createMysqlDatabase('handover_src_mytext');
  writer = await mysql.createConnection({ uri: db.url, charset: 'utf8mb4' });
  const definitions = CASES.map((c) => `${quoteIdent('mysql', c.column.name)} ${c.sqlType} NULL`);
  await writer.query(
    `CREATE TABLE ${quoteIdent('mysql', TABLE)} (id int AUTO_INCREMENT PRIMARY KEY, ${definitions.join(', ')}, ts timestamp(6) NULL)`,
  );
  source = createMysqlSource(db.url, { poolSize: 2 });
});

afterAll(async () => {
  await source?.close();
  await writer?.end();
  await db?.drop();
});

type Row = [(Sample | null)[], { instant: Instant; offset: number } | null];

/**
 * Sets the writer's session time zone and returns the offset MariaDB really applies: MariaDB 10.11
 * sometimes substitutes another offset zone from its shared cache (SELECT @@time_zone shows which).
 */
async function setWriterOffset(seconds: number): Promise<number> {
  await writer.query(`SET time_zone = '${offsetText(seconds)}'`);
  const [rows] = await writer.query<mysql.RowDataPacket[]>('SELECT @@session.time_zone AS zone');
  const match = /^([+-])(\d\d):(\d\d)$/.exec(String(rows[0]?.zone));
  if (!match) throw new Error(`unexpected session time zone ${String(rows[0]?.zone)}`);
  const applied = (Number(match[2]) * 60 + Number(match[3])) * 60;
  return match[1] === '-' ? -applied : applied;
}

/** Inserts a row; returns its id and the TIMESTAMP instant actually stored (local time minus the applied offset). */
async function insert([row, timestamp]: Row): Promise<{ id: number; instant: Instant | null }> {
  const names = [...CASES.map((c) => c.column.name), 'ts'].map((n) => quoteIdent('mysql', n)).join(', ');
  const local = timestamp ? instantPlusSeconds(timestamp.instant, timestamp.offset) : null;
  const applied = await setWriterOffset(timestamp?.offset ?? 0);
  const [result] = await writer.execute<mysql.ResultSetHeader>(
    `INSERT INTO ${quoteIdent('mysql', TABLE)} (${names}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    [...row.map((sample) => sample?.input ?? null), local ? isoTimestamp(local).replace('T', ' ') : null] as (
      | string
      | number
      | Buffer
      | null
    )[],
  );
  return { id: result.insertId, instant: local ? instantPlusSeconds(local, -applied) : null };
}

function selectRows(ids: number[], excelGuard: boolean): Statement {
  const list = projectColumns('mysql', 't', COLUMNS, { excelGuard }).join(', ');
  return {
    sql: `SELECT ${list} FROM ${quoteIdent('mysql', TABLE)} AS \`t\` WHERE \`t\`.\`id\` IN (${ids.map(() => '?').join(', ')}) ORDER BY \`t\`.\`id\``,
    params: ids,
  };
}

const arbitraryRow: fc.Arbitrary<Row> = fc.tuple(
  fc.tuple(...CASES.map((c) => fc.option(c.arbitrary, { nil: null, freq: 8 }))),
  fc.option(arbitraryTimestamp, { nil: null, freq: 8 }),
);

describe('MySQL canonical text', () => {
  it('reads every supported type back as its documented canonical text, all as strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryRow, { minLength: 1, maxLength: 4 }), async (rows) => {
        // prepare
        const inserted: { id: number; instant: Instant | null }[] = [];
        for (const row of rows) inserted.push(await insert(row));

        // act
        const snapshot = await source.openSnapshot();
        const read = await collect(
          snapshot.streamRows(
            selectRows(
              inserted.map((i) => i.id),
              false,
            ),
          ),
        );
        await snapshot.close();

        // assess
        expect(read).toHaveLength(rows.length);
        rows.forEach(([row], r) => {
          const got = read[r] ?? [];
          for (const value of got) expect(value === null || typeof value === 'string').toBe(true);
          row.forEach((sample, c) => {
            const label = `${COLUMNS[c]?.name} of ${JSON.stringify(sample?.input)}`;
            if (sample === null) expect(got[c], label).toBeNull();
            else if (typeof sample.expected === 'string') expect(got[c], label).toBe(sample.expected);
            else sample.expected(got[c] ?? null);
          });
          const instant = inserted[r]?.instant;
          expect(got[CASES.length]).toBe(instant ? `${isoTimestamp(instant)}Z` : null);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('guards formula-like text in SQL exactly as the spreadsheet profile does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryRow, { minLength: 1, maxLength: 3 }), async (rows) => {
        // prepare
        const ids: number[] = [];
        for (const row of rows) ids.push((await insert(row)).id);

        // act
        const snapshot = await source.openSnapshot();
        const plain = await collect(snapshot.streamRows(selectRows(ids, false)));
        const guarded = await collect(snapshot.streamRows(selectRows(ids, true)));
        await snapshot.close();

        // assess
        const expected = plain.map((row) =>
          row.map((value, c) =>
            COLUMNS[c]?.type === 'text' && value !== null ? excelGuarded(value) : value,
          ),
        );
        expect(guarded).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });

  it('keeps MySQL zero dates as the server prints them instead of dropping them', async () => {
    // prepare
    await writer.query("SET SESSION sql_mode = ''");
    await writer.query('CREATE TABLE zero_dates (d date, dt datetime(6), ts timestamp NULL)');
    await writer.query(
      "INSERT INTO zero_dates VALUES ('0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00')",
    );
    const list = projectColumns('mysql', null, [
      column('d', 'date', 'date'),
      column('dt', 'timestamp', 'datetime(6)'),
      column('ts', 'timestamptz', 'timestamp'),
    ]);

    // act
    const snapshot = await source.openSnapshot();
    const rows = await collect(
      snapshot.streamRows({ sql: `SELECT ${list.join(', ')} FROM zero_dates`, params: [] }),
    );
    await snapshot.close();

    // assess
    expect(rows).toEqual([['0000-00-00', '0000-00-00T00:00:00.000000', '0000-00-00T00:00:00.000000Z']]);
  });
});
