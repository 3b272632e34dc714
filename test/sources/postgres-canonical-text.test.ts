/**
 * Random values of every supported PostgreSQL type go in through bind parameters and come back out of
 * a snapshot as the documented canonical text, identically through the row path and the COPY fast path.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogColumn } from '../../src/catalog/types.ts';
import { createCsvEncoder } from '../../src/encode/csv.ts';
import { createPostgresSource } from '../../src/sources/postgres.ts';
import { projectColumns } from '../../src/sources/projection.ts';
import { quoteIdent } from '../../src/sources/sql.ts';
import type { SourceDatabase, Statement } from '../../src/sources/types.ts';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.ts';
import {
  arbitraryDayNumber,
  arbitraryDecimal,
  arbitraryMicrosOfDay,
  arbitraryText,
  canonicalDecimal,
  canonicalTime,
  clockFromMicros,
  collect,
  column,
  copyOf,
  dayFromNumber,
  decimalInput,
  excelGuarded,
  floatInput,
  hmsMicro,
  type Instant,
  instantPlusSeconds,
  isoDate,
  isoTimestamp,
  offsetText,
  pad,
  parseCopyCsv,
  pgDateInput,
  pgFloat8Text,
  pgIsoInterval,
  readAll,
  shortestFloat32Digits,
  significantDigits,
} from './expected-text.ts';

/** A value to insert and what its canonical text must be (a string, or a check for floats and jsonb). */
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

function timestampInput(instant: Instant): string {
  const day = dayFromNumber(instant.day);
  const { text, bc } = pgDateInput(day);
  return `${text} ${hmsMicro(clockFromMicros(instant.micros))}${bc ? ' BC' : ''}`;
}

const arbitraryInstant = fc.record({ day: arbitraryDayNumber(-4700, 12000), micros: arbitraryMicrosOfDay });
const arbitraryOffsetSeconds = fc.oneof(
  fc.integer({ min: -14 * 4, max: 14 * 4 }).map((quarters) => quarters * 900),
  fc.integer({ min: -57_599, max: 57_599 }),
);
const arbitraryJson = fc
  .json({ stringUnit: 'grapheme', maxDepth: 3 })
  .filter((text) => !text.includes('\\u0000'));

const CASES: Case[] = [
  {
    column: column('i', 'integer', 'integer'),
    sqlType: 'integer',
    arbitrary: fc.integer().map((v) => ({ input: v, expected: String(v) })),
  },
  {
    column: column('sm', 'integer', 'smallint'),
    sqlType: 'smallint',
    arbitrary: fc.integer({ min: -32768, max: 32767 }).map((v) => ({ input: v, expected: String(v) })),
  },
  {
    column: column('bi', 'bigint', 'bigint'),
    sqlType: 'bigint',
    arbitrary: fc
      .oneof(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n),
      )
      .map((v) => same(String(v))),
  },
  {
    column: column('n', 'decimal', 'numeric'),
    sqlType: 'numeric',
    arbitrary: fc.oneof(
      arbitraryDecimal(36, 25).map((d) => ({ input: decimalInput(d), expected: canonicalDecimal(d, null) })),
      fc.constantFrom('NaN', 'Infinity', '-Infinity').map(same),
    ),
  },
  {
    column: column('n2', 'decimal', 'numeric(40,10)'),
    sqlType: 'numeric(40,10)',
    arbitrary: arbitraryDecimal(30, 10).map((d) => ({
      input: decimalInput(d),
      expected: canonicalDecimal(d, 10),
    })),
  },
  {
    column: column('mo', 'decimal', 'money'),
    sqlType: 'money',
    arbitrary: fc.integer({ min: -1e12, max: 1e12 }).map((cents) => {
      const abs = Math.abs(cents);
      const text = `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${pad(abs % 100, 2)}`;
      return { input: text, expected: text };
    }),
  },
  {
    column: column('f8', 'float', 'double precision'),
    sqlType: 'double precision',
    arbitrary: fc.double().map((v) => ({ input: floatInput(v), expected: pgFloat8Text(v) })),
  },
  {
    column: column('f4', 'float', 'real'),
    sqlType: 'real',
    arbitrary: fc.float().map((v) => ({
      input: floatInput(v),
      expected: (actual: string | null) => {
        if (!Number.isFinite(v) || v === 0) {
          expect(actual).toBe(pgFloat8Text(v));
          return;
        }
        expect(Math.fround(Number(actual)), `${actual} reads back as the float ${v}`).toBe(v);
        expect(significantDigits(actual ?? '')).toBe(shortestFloat32Digits(v));
      },
    })),
  },
  {
    column: column('b', 'boolean', 'boolean'),
    sqlType: 'boolean',
    arbitrary: fc.boolean().map((v) => ({ input: v, expected: String(v) })),
  },
  { column: column('t', 'text', 'text'), sqlType: 'text', arbitrary: arbitraryText(60).map(same) },
  {
    column: column('vc', 'text', 'character varying(50)'),
    sqlType: 'varchar(50)',
    arbitrary: fc
      .oneof(arbitraryText(20), fc.string({ unit: 'binary', maxLength: 50 }))
      .map((s) => same(s.replaceAll('\u0000', ''))),
  },
  {
    column: column('ch', 'text', 'character(5)'),
    sqlType: 'char(5)',
    arbitrary: fc
      .string({ unit: 'binary-ascii', maxLength: 5 })
      .map((s) => s.replaceAll('\u0000', ''))
      .map((s) => ({ input: s, expected: s.padEnd(5, ' ') })),
  },
  {
    column: column('ip', 'text', 'inet'),
    sqlType: 'inet',
    arbitrary: fc.oneof(fc.ipV4(), fc.constantFrom('::1', '2001:db8::ff00:42:8329', '10.0.0.0/8')).map(same),
  },
  {
    column: column('e', 'text', 'mood'),
    sqlType: 'mood',
    arbitrary: fc.constantFrom(...ENUM_LABELS).map(same),
  },
  {
    column: column('u', 'uuid', 'uuid'),
    sqlType: 'uuid',
    arbitrary: fc
      .tuple(fc.uuid(), fc.boolean())
      .map(([uuid, upper]) => ({ input: upper ? uuid.toUpperCase() : uuid, expected: uuid.toLowerCase() })),
  },
  {
    column: column('d', 'date', 'date'),
    sqlType: 'date',
    arbitrary: fc.oneof(
      arbitraryDayNumber(-4700, 12000).map((n) => {
        const day = dayFromNumber(n);
        const { text, bc } = pgDateInput(day);
        return { input: bc ? `${text} BC` : text, expected: isoDate(day) };
      }),
      fc.constantFrom('infinity', '-infinity').map(same),
    ),
  },
  {
    column: column('tm', 'time', 'time without time zone'),
    sqlType: 'time',
    arbitrary: fc.oneof(
      arbitraryMicrosOfDay.map((micros) => {
        const time = clockFromMicros(micros);
        return { input: hmsMicro(time), expected: canonicalTime(time) };
      }),
      fc.constant(same('24:00:00')),
    ),
  },
  {
    column: column('ttz', 'time', 'time with time zone'),
    sqlType: 'timetz',
    arbitrary: fc.tuple(arbitraryMicrosOfDay, arbitraryOffsetSeconds).map(([micros, offset]) => {
      const time = clockFromMicros(micros);
      return {
        input: `${hmsMicro(time)}${offsetText(offset)}`,
        expected: `${canonicalTime(time)}${offsetText(offset)}`,
      };
    }),
  },
  {
    column: column('ts', 'timestamp', 'timestamp without time zone'),
    sqlType: 'timestamp',
    arbitrary: fc.oneof(
      arbitraryInstant.map((instant) => ({
        input: timestampInput(instant),
        expected: isoTimestamp(instant),
      })),
      fc.constantFrom('infinity', '-infinity').map(same),
    ),
  },
  {
    column: column('tstz', 'timestamptz', 'timestamp with time zone'),
    sqlType: 'timestamptz',
    arbitrary: fc.oneof(
      fc.tuple(arbitraryInstant, arbitraryOffsetSeconds).map(([instant, offset]) => {
        const local = instantPlusSeconds(instant, offset);
        const input = timestampInput(local).replace(/( BC)?$/, `${offsetText(offset)}$1`);
        return { input, expected: `${isoTimestamp(instant)}Z` };
      }),
      fc.constantFrom('infinity', '-infinity').map(same),
    ),
  },
  {
    column: column('iv', 'interval', 'interval'),
    sqlType: 'interval',
    arbitrary: fc
      .tuple(
        fc.integer({ min: -120_000, max: 120_000 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.oneof(
          fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }),
          fc.bigInt({ min: -10_000_000n, max: 10_000_000n }),
        ),
      )
      .map(([months, days, micros]) => ({
        input: `${months} mons ${days} days ${micros} microseconds`,
        expected: pgIsoInterval(months, days, micros),
      })),
  },
  { column: column('j', 'json', 'json'), sqlType: 'json', arbitrary: arbitraryJson.map(same) },
  {
    column: column('jb', 'json', 'jsonb'),
    sqlType: 'jsonb',
    arbitrary: arbitraryJson.map((text) => ({
      input: text,
      expected: (actual: string | null) =>
        expect(JSON.parse(actual ?? 'undefined')).toEqual(JSON.parse(text)),
    })),
  },
  {
    column: column('by', 'binary', 'bytea'),
    sqlType: 'bytea',
    arbitrary: fc
      .oneof(fc.uint8Array({ maxLength: 200 }), fc.constant(new Uint8Array([0, 0, 0])))
      .map((bytes) => ({ input: Buffer.from(bytes), expected: Buffer.from(bytes).toString('base64') })),
  },
  {
    column: column('ia', 'array', 'integer[]'),
    sqlType: 'integer[]',
    arbitrary: fc
      .array(fc.option(fc.integer(), { nil: null }), { maxLength: 5 })
      .map((values) => ({ input: values, expected: JSON.stringify(values) })),
  },
  {
    column: column('ta', 'array', 'text[]'),
    sqlType: 'text[]',
    arbitrary: fc
      .array(fc.option(arbitraryText(12), { nil: null }), { maxLength: 4 })
      .map((values) => ({ input: values, expected: JSON.stringify(values) })),
  },
];

const COLUMNS = CASES.map((c) => c.column);
const TABLE = 'every type';

let db: TestDatabase;
let writer: pg.Client;
let source: SourceDatabase;

beforeAll(async () => {
  db = await createPostgresDatabase('handover_src_pgtext');
  writer = new pg.Client({ connectionString: db.url });
  await writer.connect();
  await writer.query(
    `CREATE TYPE mood AS ENUM (${ENUM_LABELS.map((l) => `'${l.replaceAll("'", "''")}'`).join(', ')})`,
  );
  const definitions = CASES.map((c) => `${quoteIdent('postgres', c.column.name)} ${c.sqlType}`);
  await writer.query(
    `CREATE TABLE ${quoteIdent('postgres', TABLE)} (id serial PRIMARY KEY, ${definitions.join(', ')})`,
  );
  source = createPostgresSource(db.url, { poolSize: 2 });
});

afterAll(async () => {
  await source?.close();
  await writer?.end();
  await db?.drop();
});

function selectRows(ids: number[], excelGuard: boolean): Statement {
  const list = projectColumns('postgres', 't', COLUMNS, { excelGuard }).join(', ');
  return {
    sql: `SELECT ${list} FROM ${quoteIdent('postgres', TABLE)} AS "t" WHERE "t"."id" = ANY($1) ORDER BY "t"."id"`,
    params: [ids],
  };
}

async function insert(row: (Sample | null)[]): Promise<number> {
  const names = COLUMNS.map((c) => quoteIdent('postgres', c.name)).join(', ');
  const placeholders = COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
  const result = await writer.query<{ id: number }>(
    `INSERT INTO ${quoteIdent('postgres', TABLE)} (${names}) VALUES (${placeholders}) RETURNING id`,
    row.map((sample) => sample?.input ?? null),
  );
  const id = result.rows[0]?.id;
  if (id === undefined) throw new Error('no id returned');
  return id;
}

const arbitraryRow = fc.tuple(...CASES.map((c) => fc.option(c.arbitrary, { nil: null, freq: 8 })));

describe('PostgreSQL canonical text', () => {
  it('reads every supported type back as its documented canonical text, through rows and COPY alike', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryRow, { minLength: 1, maxLength: 4 }), async (rows) => {
        // prepare
        const ids: number[] = [];
        for (const row of rows) ids.push(await insert(row));

        // act
        const snapshot = await source.openSnapshot();
        try {
          const read = await collect(snapshot.streamRows(selectRows(ids, false)));
          const copy = copyOf(snapshot, selectRows(ids, false));
          const copied = parseCopyCsv(await readAll(copy.stream));

          // assess
          expect(read).toHaveLength(rows.length);
          rows.forEach((row, r) => {
            row.forEach((sample, c) => {
              const actual = read[r]?.[c];
              const label = `${COLUMNS[c]?.name} of ${JSON.stringify(sample?.input)}`;
              if (sample === null) expect(actual, label).toBeNull();
              else if (typeof sample.expected === 'string') expect(actual, label).toBe(sample.expected);
              else sample.expected(actual ?? null);
            });
          });
          expect(copied).toEqual(read);
          expect(copy.rowCount()).toBe(rows.length);
        } finally {
          await snapshot.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('guards formula-like text the same way in SQL (COPY path) as the spreadsheet profile does for rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryRow, { minLength: 1, maxLength: 4 }), async (rows) => {
        // prepare
        const ids: number[] = [];
        for (const row of rows) ids.push(await insert(row));

        // act
        const snapshot = await source.openSnapshot();
        try {
          const plain = await collect(snapshot.streamRows(selectRows(ids, false)));
          const guardedRows = await collect(snapshot.streamRows(selectRows(ids, true)));
          const guardedCopy = parseCopyCsv(await readAll(copyOf(snapshot, selectRows(ids, true)).stream));

          // assess: only text columns change, exactly as the independent rule says
          const expected = plain.map((row) =>
            row.map((value, c) =>
              COLUMNS[c]?.type === 'text' && value !== null ? excelGuarded(value) : value,
            ),
          );
          expect(guardedRows).toEqual(expected);
          expect(guardedCopy).toEqual(expected);
        } finally {
          await snapshot.close();
        }
      }),
      { numRuns: 30 },
    );
  });

  it('writes the same CSV bytes through COPY as the CSV encoder writes from rows, in both profiles', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryRow, { minLength: 1, maxLength: 4 }), async (rows) => {
        // prepare
        const ids: number[] = [];
        for (const row of rows) ids.push(await insert(row));

        // act
        const snapshot = await source.openSnapshot();
        try {
          const read = await collect(snapshot.streamRows(selectRows(ids, false)));
          const copyRaw = await readAll(copyOf(snapshot, selectRows(ids, false)).stream);
          const copyExcel = await readAll(copyOf(snapshot, selectRows(ids, true)).stream);

          // assess: the encoder's bytes after its header (and BOM) equal what the server wrote
          const raw = createCsvEncoder({ columns: COLUMNS, profile: 'raw' }).encode(read).toString('utf8');
          const excel = createCsvEncoder({ columns: COLUMNS, profile: 'excel' })
            .encode(read)
            .toString('utf8');
          expect(copyRaw).toBe(raw);
          expect(copyExcel).toBe(excel);
        } finally {
          await snapshot.close();
        }
      }),
      { numRuns: 30 },
    );
  });

  it('prints dates around year 1 and the calendar limits without losing the era', async () => {
    // prepare
    const cases: [string, string][] = [
      ['0001-01-01', '0001-01-01'],
      ['0001-12-31 BC', '0000-12-31'],
      ['0044-03-15 BC', '-0043-03-15'],
      ['4713-11-24 BC', '-4712-11-24'],
      ['5874897-12-31', '5874897-12-31'],
    ];
    const column = { name: 'd', type: 'date', sourceType: 'date', nullable: true, generated: false } as const;
    const list = projectColumns('postgres', null, [column]).join(', ');

    // act
    const snapshot = await source.openSnapshot();
    const rows = await collect(
      snapshot.streamRows({
        sql: `SELECT ${list} FROM (SELECT unnest($1::date[]) AS d, generate_series(1, $2) AS n) AS x ORDER BY n`,
        params: [cases.map(([input]) => input), cases.length],
      }),
    );
    await snapshot.close();

    // assess
    expect(rows.map((row) => row[0])).toEqual(cases.map(([, canonical]) => canonical));
  });

  it('puts a UTC instant just after midnight of 1 AD, written with an offset, in 1 BC', async () => {
    // prepare
    const tstz = column('at', 'timestamptz', 'timestamp with time zone');
    const list = projectColumns('postgres', null, [tstz]).join(', ');

    // act
    const snapshot = await source.openSnapshot();
    const rows = await collect(
      snapshot.streamRows({
        sql: `SELECT ${list} FROM (SELECT $1::timestamptz AS at) AS x`,
        params: ['0001-01-01 00:30:00+01'],
      }),
    );
    await snapshot.close();

    // assess
    expect(rows).toEqual([['0000-12-31T23:30:00.000000Z']]);
  });
});
