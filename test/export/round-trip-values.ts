/**
 * Random values of every supported column type for the end-to-end round-trip properties, each with
 * the canonical CSV text and the XLSX cell it must come back as. The expectations are computed here
 * from the generated values alone, following the documented mapping (src/sources/projection.ts for
 * the text, src/encode/xlsx-cells.ts for the cells); nothing here calls the code under test.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { LogicalType } from '../../src/catalog/types.ts';
import type { CellValue } from '../support/archive-reader.ts';

/** One generated value: what is bound into the INSERT, and what the archive must hold. */
export interface Sample {
  input: unknown;
  /** The canonical text exactly, or a check of it (floats, JSON normalised by the server). */
  text: string | ((actual: string) => void);
  /** The exceljs cell exactly, or a check of it. */
  cell: CellValue | ((actual: CellValue) => void);
}

export interface ColumnCase {
  name: string;
  sqlType: string;
  type: LogicalType;
  /** `null` stands for SQL NULL. */
  value: fc.Arbitrary<Sample | null>;
}

// --- text formatting -------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A calendar day from a day number (days since 1970-01-01, proleptic Gregorian). */
function ymd(dayNumber: number): { year: number; month: number; day: number } {
  const date = new Date(dayNumber * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function dayNumberOf(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / DAY_MS);
}

const isoDay = (d: { year: number; month: number; day: number }): string =>
  `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`;

function clock(microsOfDay: number): string {
  const seconds = Math.floor(microsOfDay / 1_000_000);
  return `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
}

/** `YYYY-MM-DDTHH:MM:SS.ffffff` of an instant given as epoch milliseconds plus the microseconds below them. */
function isoInstant(ms: number, subMs: number): string {
  const day = Math.floor(ms / DAY_MS);
  const msOfDay = ms - day * DAY_MS;
  return `${isoDay(ymd(day))}T${clock(msOfDay * 1000)}.${pad(msOfDay % 1000, 3)}${pad(subMs, 3)}`;
}

// --- XLSX cells (the documented mapping) -----------------------------------------------------------

const EXCEL_FIRST_MS = Date.UTC(1900, 2, 1);
const EXCEL_END_MS = Date.UTC(10_000, 0, 1);

/** A number cell when the exact decimal has at most 15 significant digits, else the exact text. */
export function exactNumberCell(text: string): CellValue {
  const match = /^-?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return text;
  const whole = (match[1] ?? '').replace(/^0+/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const significant = whole.length > 0 ? whole.length + fraction.length : fraction.replace(/^0+/, '').length;
  return significant <= 15 ? Number(text) : text;
}

const textCell = (text: string): CellValue => (text === '' ? null : text);

function dateCell(ms: number, text: string): CellValue {
  return ms >= EXCEL_FIRST_MS && ms < EXCEL_END_MS ? new Date(ms) : text;
}

// --- building blocks -------------------------------------------------------------------------------

const nullable = (value: fc.Arbitrary<Sample>): fc.Arbitrary<Sample | null> => fc.option(value, { freq: 6 });

const asText = (input: unknown, text: string): Sample => ({ input, text, cell: textCell(text) });

/** Pieces of text that trip CSV writers, spreadsheets and XML: joined at random into text values. */
const AWKWARD = [
  'a',
  'Zoë',
  'São Paulo',
  '😀',
  '👩‍👩‍👧',
  ' ',
  ',',
  '"',
  '""',
  "'",
  '=SUM(A1:A9)',
  '+33 1 23',
  '-5',
  '@cmd',
  '\t',
  '\r\n',
  '\n',
  '\r',
  '\\.',
  '\\N',
  '_x0041_',
  '<b>&amp;</b>',
  '\u0001',
  '\u200b',
  'NULL',
  'ünïcødé',
];

export const awkwardText: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom(...AWKWARD), { maxLength: 6 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\u0000')),
);

/** A decimal as text with up to `wholeDigits` and `fractionDigits` digits; `-0.0` and leading zeros included. */
function decimalParts(wholeDigits: number, fractionDigits: number) {
  return fc.record({
    negative: fc.boolean(),
    whole: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: wholeDigits }),
    fraction: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: fractionDigits }),
  });
}

function decimalSample(
  scale: number | null,
  wholeDigits: number,
  fractionDigits: number,
): fc.Arbitrary<Sample> {
  return decimalParts(wholeDigits, fractionDigits).map(({ negative, whole, fraction }) => {
    const input = `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
    const digits = scale === null ? fraction : fraction.padEnd(scale, '0');
    const normalWhole = whole.replace(/^0+(?=\d)/, '');
    const zero = /^0*$/.test(whole + fraction);
    const text = `${negative && !zero ? '-' : ''}${normalWhole}${digits ? `.${digits}` : ''}`;
    return { input, text, cell: exactNumberCell(text) };
  });
}

function integerSample(min: bigint, max: bigint): fc.Arbitrary<Sample> {
  const edges = min <= 0n && max >= 0n ? [min, max, 0n] : [min, max];
  return fc.oneof(fc.bigInt({ min, max }), fc.constantFrom(...edges)).map((v) => {
    const text = String(v);
    return { input: text, text, cell: exactNumberCell(text) };
  });
}

/** A double, as the server must print it: text that reads back to the same value. */
function doubleSample(value: number): Sample {
  const input = Object.is(value, -0) ? '-0' : String(value);
  const special = Number.isNaN(value)
    ? 'NaN'
    : value === Infinity
      ? 'Infinity'
      : value === -Infinity
        ? '-Infinity'
        : null;
  return {
    input,
    text: (actual) => {
      if (special) expect(actual).toBe(special);
      else expect(Object.is(Number(actual), value), `${actual} reads back as ${value}`).toBe(true);
    },
    cell: (actual) => {
      const magnitude = Math.abs(value);
      if (
        special ||
        magnitude > 9.99999999999999e307 ||
        (magnitude !== 0 && magnitude < 2.2250738585072014e-308)
      ) {
        expect(typeof actual).toBe('string');
        if (special) expect(actual).toBe(special);
        else expect(Number(actual)).toBe(value);
      } else {
        expect(actual).toBe(value === 0 ? 0 : value);
      }
    },
  };
}

/** A single-precision float: the text must read back to the same float32. */
function floatSample(value: number): Sample {
  const special = Number.isNaN(value)
    ? 'NaN'
    : value === Infinity
      ? 'Infinity'
      : value === -Infinity
        ? '-Infinity'
        : null;
  return {
    input: Object.is(value, -0) ? '-0' : String(value),
    text: (actual) => {
      if (special) expect(actual).toBe(special);
      else
        expect(Object.is(Math.fround(Number(actual)), value), `${actual} reads back as float ${value}`).toBe(
          true,
        );
    },
    cell: (actual) => {
      if (special) expect(actual).toBe(special);
      else {
        expect(typeof actual).toBe('number');
        expect(Math.fround(actual as number)).toBe(value === 0 ? 0 : value);
      }
    },
  };
}

function dateSample(minYear: number, maxYear: number, infinities: boolean): fc.Arbitrary<Sample> {
  const finite = fc
    .integer({ min: dayNumberOf(minYear, 1, 1), max: dayNumberOf(maxYear, 12, 31) })
    .map((n) => {
      const text = isoDay(ymd(n));
      return { input: text, text, cell: dateCell(n * DAY_MS, text) };
    });
  return infinities ? fc.oneof({ arbitrary: finite, weight: 9 }, { arbitrary: infinity, weight: 1 }) : finite;
}

const infinity: fc.Arbitrary<Sample> = fc
  .constantFrom('infinity', '-infinity')
  .map((text) => asText(text, text));

const MICROS_PER_DAY = 86_400_000_000;

/** A timestamp without time zone: printed as stored, 6 fraction digits, no offset. */
function timestampSample(minYear: number, maxYear: number, infinities: boolean): fc.Arbitrary<Sample> {
  const finite = fc
    .record({
      day: fc.integer({ min: dayNumberOf(minYear, 1, 1), max: dayNumberOf(maxYear, 12, 31) }),
      micros: fc.integer({ min: 0, max: MICROS_PER_DAY - 1 }),
    })
    .map(({ day, micros }) => {
      const ms = day * DAY_MS + Math.floor(micros / 1000);
      const text = isoInstant(ms, micros % 1000);
      return { input: text.replace('T', ' '), text, cell: dateCell(ms, text) };
    });
  return infinities ? fc.oneof({ arbitrary: finite, weight: 9 }, { arbitrary: infinity, weight: 1 }) : finite;
}

/** A PostgreSQL timestamptz written with a random offset: printed as the same instant in UTC. */
const pgTimestamptz: fc.Arbitrary<Sample> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc
      .record({
        day: fc.integer({ min: dayNumberOf(2, 1, 1), max: dayNumberOf(9998, 12, 31) }),
        micros: fc.integer({ min: 0, max: MICROS_PER_DAY - 1 }),
        offsetMinutes: fc.integer({ min: -14 * 60, max: 14 * 60 }),
      })
      .map(({ day, micros, offsetMinutes }) => {
        const localMs = day * DAY_MS + Math.floor(micros / 1000);
        const sign = offsetMinutes < 0 ? '-' : '+';
        const abs = Math.abs(offsetMinutes);
        const input = `${isoInstant(localMs, micros % 1000).replace('T', ' ')}${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
        const utcMs = localMs - offsetMinutes * 60_000;
        const text = `${isoInstant(utcMs, micros % 1000)}Z`;
        return { input, text, cell: dateCell(utcMs, text) };
      }),
  },
  { weight: 1, arbitrary: infinity },
);

/** A MySQL TIMESTAMP (stored in UTC, 1970-01-01 00:00:01 to 2038-01-19 03:14:07), inserted as UTC text. */
const mysqlTimestamp: fc.Arbitrary<Sample> = fc
  .integer({ min: 1_000_000, max: 2_147_483_647_000_000 })
  .map((epochMicros) => {
    const ms = Math.floor(epochMicros / 1000);
    const iso = isoInstant(ms, epochMicros % 1000);
    return { input: iso.replace('T', ' '), text: `${iso}Z`, cell: dateCell(ms, `${iso}Z`) };
  });

/** Time of day: `HH:MM:SS`, plus `.ffffff` when there is a fraction. */
const timeOfDay = fc.integer({ min: 0, max: MICROS_PER_DAY - 1 }).map((micros) => {
  const fraction = micros % 1_000_000;
  const text = `${clock(micros)}${fraction === 0 ? '' : `.${pad(fraction, 6)}`}`;
  return asText(text, text);
});

/** PostgreSQL timetz: the local time, then its own offset as `±HH:MM`. */
const timeWithZone = fc
  .record({ time: timeOfDay, offsetMinutes: fc.integer({ min: -14 * 60, max: 14 * 60 }) })
  .map(({ time, offsetMinutes }) => {
    const sign = offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(offsetMinutes);
    const text = `${time.text as string}${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
    return asText(text, text);
  });

/** MySQL TIME: a duration from -838:59:59 to 838:59:59 with microseconds. */
const mysqlTime = fc
  .record({
    negative: fc.boolean(),
    micros: fc.integer({ min: 0, max: 838 * 3_600_000_000 + 3_599_000_000 }),
  })
  .map(({ negative, micros }) => {
    const fraction = micros % 1_000_000;
    const seconds = Math.floor(micros / 1_000_000);
    const sign = negative && micros !== 0 ? '-' : '';
    const hms = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
    const text = `${sign}${hms}${fraction === 0 ? '' : `.${pad(fraction, 6)}`}`;
    return asText(text, text);
  });

/** PostgreSQL interval from non-negative parts, printed in IntervalStyle iso_8601. */
const interval = fc
  .record({
    years: fc.integer({ min: 0, max: 50 }),
    months: fc.integer({ min: 0, max: 11 }),
    days: fc.integer({ min: 0, max: 400 }),
    hours: fc.integer({ min: 0, max: 200 }),
    minutes: fc.integer({ min: 0, max: 59 }),
    seconds: fc.integer({ min: 0, max: 59 }),
    micros: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999_999 })),
  })
  .map((p) => {
    const input = `${p.years} years ${p.months} mons ${p.days} days ${p.hours}:${pad(p.minutes, 2)}:${pad(p.seconds, 2)}.${pad(p.micros, 6)}`;
    const date = `${p.years ? `${p.years}Y` : ''}${p.months ? `${p.months}M` : ''}${p.days ? `${p.days}D` : ''}`;
    const fraction = p.micros ? `.${pad(p.micros, 6).replace(/0+$/, '')}` : '';
    const time = `${p.hours ? `${p.hours}H` : ''}${p.minutes ? `${p.minutes}M` : ''}${p.seconds || p.micros ? `${p.seconds}${fraction}S` : ''}`;
    const text = date === '' && time === '' ? 'PT0S' : `P${date}${time ? `T${time}` : ''}`;
    return asText(input, text);
  });

const jsonText = fc.json({ maxDepth: 2 }).filter((text) => !text.includes('\\u0000'));

/** JSON kept as written (PostgreSQL json). */
const jsonExact = jsonText.map((text) => asText(text, text));

/** JSON the server may reformat (jsonb, MariaDB): the same JSON value, as text in the cell. */
const jsonSemantic = jsonText.map(
  (input): Sample => ({
    input,
    text: (actual) => expect(JSON.parse(actual)).toEqual(JSON.parse(input)),
    cell: (actual) => expect(JSON.parse(String(actual))).toEqual(JSON.parse(input)),
  }),
);

/** Bytes: base64 without line breaks that decodes to exactly the bytes written. */
const binary = fc.uint8Array({ maxLength: 120 }).map((bytes): Sample => {
  const buffer = Buffer.from(bytes);
  const base64 = buffer.toString('base64');
  return {
    input: buffer,
    text: (actual) => {
      expect(Buffer.from(actual, 'base64').equals(buffer), 'base64 decodes to the bytes').toBe(true);
      expect(actual).toBe(base64);
    },
    cell: textCell(base64),
  };
});

const uuidSample = (v: string): Sample => asText(v.toUpperCase(), v.toLowerCase());
const uuid = fc.uuid().map(uuidSample);
/** MariaDB 10.11's UUID type takes RFC 4122 versions 1 to 5 only. */
const rfc4122Uuid = fc.uuid({ version: [1, 2, 3, 4, 5] }).map(uuidSample);

function arrayOf<T>(item: fc.Arbitrary<T>): fc.Arbitrary<Sample> {
  return fc.array(fc.option(item, { freq: 4 }), { maxLength: 5 }).map(
    (items): Sample => ({
      input: items,
      text: (actual) => expect(JSON.parse(actual)).toEqual(items),
      cell: (actual) => expect(JSON.parse(String(actual))).toEqual(items),
    }),
  );
}

const ENUM_LABELS = ['happy', '=calc', "it's", '😀', '-1'];

// --- the columns of each dialect -------------------------------------------------------------------

export const POSTGRES_COLUMNS: ColumnCase[] = [
  {
    name: 'c_smallint',
    sqlType: 'smallint',
    type: 'integer',
    value: nullable(integerSample(-32768n, 32767n)),
  },
  {
    name: 'c_integer',
    sqlType: 'integer',
    type: 'integer',
    value: nullable(integerSample(-(2n ** 31n), 2n ** 31n - 1n)),
  },
  {
    name: 'c_bigint',
    sqlType: 'bigint',
    type: 'bigint',
    value: nullable(integerSample(-(2n ** 63n), 2n ** 63n - 1n)),
  },
  {
    name: 'c_numeric',
    sqlType: 'numeric',
    type: 'decimal',
    value: nullable(
      fc.oneof(
        { weight: 9, arbitrary: decimalSample(null, 25, 20) },
        { weight: 1, arbitrary: fc.constantFrom('NaN', 'Infinity', '-Infinity').map((t) => asText(t, t)) },
      ),
    ),
  },
  {
    name: 'c_numeric_6',
    sqlType: 'numeric(30,6)',
    type: 'decimal',
    value: nullable(decimalSample(6, 24, 6)),
  },
  { name: 'c_real', sqlType: 'real', type: 'float', value: nullable(fc.float().map(floatSample)) },
  {
    name: 'c_double',
    sqlType: 'double precision',
    type: 'float',
    value: nullable(fc.double().map(doubleSample)),
  },
  {
    name: 'c_boolean',
    sqlType: 'boolean',
    type: 'boolean',
    value: nullable(fc.boolean().map((b) => ({ input: b, text: String(b), cell: b }))),
  },
  { name: 'c_text', sqlType: 'text', type: 'text', value: nullable(awkwardText.map((s) => asText(s, s))) },
  {
    name: 'c_varchar',
    sqlType: 'varchar(80)',
    type: 'text',
    value: nullable(awkwardText.filter((s) => s.length <= 80).map((s) => asText(s, s))),
  },
  {
    name: 'c_char',
    sqlType: 'char(8)',
    type: 'text',
    value: nullable(
      fc.string({ unit: fc.constantFrom(...'ab =,"\'-é'), maxLength: 8 }).map((s) => {
        // char(n) keeps its blank padding in PostgreSQL (trailing blanks of the input are padding too).
        const text = s.replace(/ +$/, '').padEnd(8, ' ');
        return asText(s, text);
      }),
    ),
  },
  {
    name: 'c_enum',
    sqlType: 'mood',
    type: 'text',
    value: nullable(fc.constantFrom(...ENUM_LABELS).map((s) => asText(s, s))),
  },
  { name: 'c_uuid', sqlType: 'uuid', type: 'uuid', value: nullable(uuid) },
  { name: 'c_date', sqlType: 'date', type: 'date', value: nullable(dateSample(1, 9999, true)) },
  { name: 'c_time', sqlType: 'time', type: 'time', value: nullable(timeOfDay) },
  { name: 'c_timetz', sqlType: 'timetz', type: 'time', value: nullable(timeWithZone) },
  {
    name: 'c_timestamp',
    sqlType: 'timestamp',
    type: 'timestamp',
    value: nullable(timestampSample(1, 9999, true)),
  },
  { name: 'c_timestamptz', sqlType: 'timestamptz', type: 'timestamptz', value: nullable(pgTimestamptz) },
  { name: 'c_interval', sqlType: 'interval', type: 'interval', value: nullable(interval) },
  { name: 'c_json', sqlType: 'json', type: 'json', value: nullable(jsonExact) },
  { name: 'c_jsonb', sqlType: 'jsonb', type: 'json', value: nullable(jsonSemantic) },
  { name: 'c_bytea', sqlType: 'bytea', type: 'binary', value: nullable(binary) },
  { name: 'c_int_array', sqlType: 'integer[]', type: 'array', value: nullable(arrayOf(fc.integer())) },
  {
    name: 'c_text_array',
    sqlType: 'text[]',
    type: 'array',
    value: nullable(arrayOf(awkwardText.filter((s) => !s.includes('\u0001')))),
  },
];

/** MySQL booleans (tinyint(1)): 0 and 1 are false and true; any other number is kept as that number. */
const mysqlBoolean = fc.constantFrom(0, 1, 0, 1, 2, -7).map(
  (n): Sample => ({
    input: n,
    text: n === 0 ? 'false' : n === 1 ? 'true' : String(n),
    cell: n === 0 ? false : n === 1 ? true : n,
  }),
);

const finiteFloat32 = fc
  .float({ noNaN: true, noDefaultInfinity: true })
  .filter((v) => !Object.is(v, -0) && (v === 0 || Math.abs(v) >= 1.1754943508222875e-38));
const finiteDouble = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((v) => !Object.is(v, -0) && (v === 0 || Math.abs(v) >= 2.2250738585072014e-308));

export const MYSQL_COLUMNS: ColumnCase[] = [
  { name: 'c_tinyint', sqlType: 'tinyint', type: 'integer', value: nullable(integerSample(-128n, 127n)) },
  {
    name: 'c_mediumint_u',
    sqlType: 'mediumint unsigned',
    type: 'integer',
    value: nullable(integerSample(0n, 16777215n)),
  },
  {
    name: 'c_int',
    sqlType: 'int',
    type: 'integer',
    value: nullable(integerSample(-(2n ** 31n), 2n ** 31n - 1n)),
  },
  { name: 'c_year', sqlType: 'year', type: 'integer', value: nullable(integerSample(1901n, 2155n)) },
  {
    name: 'c_bigint',
    sqlType: 'bigint',
    type: 'bigint',
    value: nullable(integerSample(-(2n ** 63n), 2n ** 63n - 1n)),
  },
  {
    name: 'c_bigint_u',
    sqlType: 'bigint unsigned',
    type: 'bigint',
    value: nullable(integerSample(0n, 2n ** 64n - 1n)),
  },
  { name: 'c_decimal', sqlType: 'decimal(30,6)', type: 'decimal', value: nullable(decimalSample(6, 24, 6)) },
  {
    name: 'c_decimal_0',
    sqlType: 'decimal(40,0)',
    type: 'decimal',
    value: nullable(decimalSample(0, 40, 0)),
  },
  { name: 'c_float', sqlType: 'float', type: 'float', value: nullable(finiteFloat32.map(floatSample)) },
  { name: 'c_double', sqlType: 'double', type: 'float', value: nullable(finiteDouble.map(doubleSample)) },
  { name: 'c_bool', sqlType: 'tinyint(1)', type: 'boolean', value: nullable(mysqlBoolean) },
  {
    name: 'c_bit',
    sqlType: 'bit(1)',
    type: 'boolean',
    value: nullable(fc.boolean().map((b) => ({ input: b ? 1 : 0, text: String(b), cell: b }))),
  },
  { name: 'c_text', sqlType: 'text', type: 'text', value: nullable(awkwardText.map((s) => asText(s, s))) },
  {
    name: 'c_varchar',
    sqlType: 'varchar(80)',
    type: 'text',
    value: nullable(awkwardText.filter((s) => [...s].length <= 80).map((s) => asText(s, s))),
  },
  {
    name: 'c_char',
    sqlType: 'char(8)',
    type: 'text',
    value: nullable(
      // MySQL strips char(n)'s trailing blanks on read.
      fc
        .string({ unit: fc.constantFrom(...'ab =,"\'-é'), maxLength: 8 })
        .map((s) => asText(s, s.replace(/ +$/, ''))),
    ),
  },
  {
    name: 'c_enum',
    sqlType: `enum(${ENUM_LABELS.map((l) => `'${l.replaceAll("'", "''")}'`).join(',')})`,
    type: 'text',
    value: nullable(fc.constantFrom(...ENUM_LABELS).map((s) => asText(s, s))),
  },
  { name: 'c_uuid', sqlType: 'uuid', type: 'uuid', value: nullable(rfc4122Uuid) },
  { name: 'c_date', sqlType: 'date', type: 'date', value: nullable(dateSample(1000, 9999, false)) },
  { name: 'c_time', sqlType: 'time(6)', type: 'time', value: nullable(mysqlTime) },
  {
    name: 'c_datetime',
    sqlType: 'datetime(6)',
    type: 'timestamp',
    value: nullable(timestampSample(1000, 9999, false)),
  },
  { name: 'c_timestamp', sqlType: 'timestamp(6) NULL', type: 'timestamptz', value: nullable(mysqlTimestamp) },
  { name: 'c_json', sqlType: 'json', type: 'json', value: nullable(jsonSemantic) },
  { name: 'c_varbinary', sqlType: 'varbinary(200)', type: 'binary', value: nullable(binary) },
  { name: 'c_blob', sqlType: 'blob', type: 'binary', value: nullable(binary) },
];

/** The cell a text value becomes (for columns compared as text). */
export { textCell };
