/**
 * Test-side arbitraries and expectations for canonical text (src/sources/projection.ts), computed
 * independently from the values the tests insert: nothing here calls the projection code.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { CatalogColumn, LogicalType } from '../../src/catalog/types.ts';
import type { Snapshot, Statement, TextRow } from '../../src/sources/types.ts';

export function column(name: string, type: LogicalType, sourceType: string): CatalogColumn {
  return { name, type, sourceType, nullable: true, generated: false };
}

export const pad = (n: number | bigint, width: number): string => String(n).padStart(width, '0');

const DAY_MS = 86_400_000;
const DAY_MICROS = 86_400_000_000;

/** ISO 8601 year with astronomical numbering: 1 BC is `0000`, 44 BC is `-0043`. */
export function isoYear(year: number): string {
  return year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
}

/** A calendar day as a number of days since 1970-01-01 (proleptic Gregorian, like PostgreSQL). */
export interface Day {
  year: number;
  month: number;
  day: number;
}

export function dayFromNumber(n: number): Day {
  const date = new Date(n * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export function dayNumber(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / DAY_MS);
}

export const isoDate = (d: Day): string => `${isoYear(d.year)}-${pad(d.month, 2)}-${pad(d.day, 2)}`;

/** PostgreSQL input text for a day: years before 1 AD are written as `YYYY-MM-DD BC`. */
export function pgDateInput(d: Day): { text: string; bc: boolean } {
  const year = d.year <= 0 ? 1 - d.year : d.year;
  return { text: `${pad(year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`, bc: d.year <= 0 };
}

export interface ClockTime {
  hour: number;
  minute: number;
  second: number;
  micro: number;
}

export function clockFromMicros(micros: number): ClockTime {
  return {
    hour: Math.floor(micros / 3_600_000_000),
    minute: Math.floor(micros / 60_000_000) % 60,
    second: Math.floor(micros / 1_000_000) % 60,
    micro: micros % 1_000_000,
  };
}

export const hms = (t: ClockTime): string => `${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}`;
export const hmsMicro = (t: ClockTime): string => `${hms(t)}.${pad(t.micro, 6)}`;
/** Canonical time of day: the fraction only when there is one, then always 6 digits. */
export const canonicalTime = (t: ClockTime): string => (t.micro === 0 ? hms(t) : hmsMicro(t));

/** An instant as days since the epoch plus microseconds into that day. */
export interface Instant {
  day: number;
  micros: number;
}

export function instantPlusSeconds(instant: Instant, seconds: number): Instant {
  const total = instant.micros + seconds * 1_000_000;
  const days = Math.floor(total / DAY_MICROS);
  return { day: instant.day + days, micros: total - days * DAY_MICROS };
}

export const isoTimestamp = (i: Instant): string =>
  `${isoDate(dayFromNumber(i.day))}T${hmsMicro(clockFromMicros(i.micros))}`;

/** `+HH:MM` or `+HH:MM:SS` (seconds only when present); zero is `+00:00`. */
export function offsetText(seconds: number): string {
  const abs = Math.abs(seconds);
  const hhmm = `${seconds < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600), 2)}:${pad(Math.floor(abs / 60) % 60, 2)}`;
  return abs % 60 === 0 ? hhmm : `${hhmm}:${pad(abs % 60, 2)}`;
}

export const arbitraryDayNumber = (minYear: number, maxYear: number): fc.Arbitrary<number> =>
  fc.integer({ min: dayNumber(minYear, 1, 1), max: dayNumber(maxYear, 12, 31) });
export const arbitraryMicrosOfDay = fc.oneof(
  fc.integer({ min: 0, max: DAY_MICROS - 1 }),
  fc.integer({ min: 0, max: 86_399 }).map((s) => s * 1_000_000),
  fc.constantFrom(0, DAY_MICROS - 1),
);

// Numbers ----------------------------------------------------------------------------------------

export interface DecimalParts {
  negative: boolean;
  int: string;
  frac: string;
}

export const arbitraryDecimal = (maxInt: number, maxFrac: number): fc.Arbitrary<DecimalParts> =>
  fc.record({
    negative: fc.boolean(),
    int: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: maxInt }),
    frac: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: maxFrac }),
  });

export const decimalInput = (d: DecimalParts): string =>
  `${d.negative ? '-' : ''}${d.int === '' ? '0' : d.int}${d.frac === '' ? '' : `.${d.frac}`}`;

/** Exact decimal text at `scale` fraction digits (the input's own when scale is null); no negative zero. */
export function canonicalDecimal(d: DecimalParts, scale: number | null): string {
  const int = d.int.replace(/^0+/, '') || '0';
  const frac = scale === null ? d.frac : d.frac.padEnd(scale, '0');
  const zero = /^0*$/.test(int + frac);
  return `${d.negative && !zero ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}`;
}

/** A double as text that PostgreSQL and MariaDB both read back exactly (`-0` kept). */
export const floatInput = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

/** `|v|` = mant × 2^exp exactly, for a finite non-zero float of `bits` width (64 or 32). */
function binaryParts(v: number, bits: 32 | 64): { mant: bigint; exp: number; narrowBelow: boolean } {
  const view = new DataView(new ArrayBuffer(8));
  let e: number;
  let f: bigint;
  let fractionBits: number;
  let bias: number;
  if (bits === 64) {
    view.setFloat64(0, Math.abs(v));
    const raw = view.getBigUint64(0);
    e = Number(raw >> 52n);
    f = raw & ((1n << 52n) - 1n);
    fractionBits = 52;
    bias = 1075;
  } else {
    view.setFloat32(0, Math.abs(v));
    const raw = view.getUint32(0);
    e = raw >>> 23;
    f = BigInt(raw & 0x7fffff);
    fractionBits = 23;
    bias = 150;
  }
  if (e === 0) return { mant: f, exp: 1 - bias, narrowBelow: false };
  // At a power of two the next value down is half an ulp away, not a whole one.
  return { mant: f + (1n << BigInt(fractionBits)), exp: e - bias, narrowBelow: f === 0n && e > 1 };
}

/** Whether D × 10^k lies strictly inside the rounding interval of `v` (ties excluded). */
function strictlyRoundsTo(D: bigint, k: number, v: number, bits: 32 | 64): boolean {
  const { mant, exp, narrowBelow } = binaryParts(v, bits);
  const a = Math.max(0, -exp) + 2;
  const b = Math.max(0, -k);
  const d = D * 10n ** BigInt(k + b) * 2n ** BigInt(a);
  const x = mant * 2n ** BigInt(exp + a) * 10n ** BigInt(b);
  const ulp = 2n ** BigInt(exp + a) * 10n ** BigInt(b);
  if (d >= x) return 2n * (d - x) < ulp;
  return (narrowBelow ? 4n : 2n) * (x - d) < ulp;
}

/**
 * The shortest digits (and decimal exponent of the first one) that read back to `v` without relying
 * on a tie being rounded to even, rounded half-even from the exact binary value: what PostgreSQL's
 * float output (Ryu, bounds not accepted) prints.
 */
export function shortestDigits(v: number, bits: 32 | 64 = 64): { digits: string; exponent: number } {
  const { mant, exp } = binaryParts(v, bits);
  // |v| = exact × 10^-scale, exactly.
  const scale = Math.max(0, -exp);
  const exact = exp >= 0 ? mant * 2n ** BigInt(exp) : mant * 5n ** BigInt(-exp);
  const length = exact.toString().length;
  for (let p = 1; p <= 17; p += 1) {
    const drop = Math.max(0, length - p);
    const unit = 10n ** BigInt(drop);
    let q = exact / unit;
    const rest = exact % unit;
    const half = drop === 0 ? 1n : 5n * 10n ** BigInt(drop - 1);
    if (drop > 0 && (rest > half || (rest === half && q % 2n === 1n))) q += 1n;
    const k = drop - scale;
    if (strictlyRoundsTo(q, k, v, bits)) {
      const digits = q.toString().replace(/0+$/, '') || '0';
      return { digits, exponent: q.toString().length - 1 + k };
    }
  }
  throw new Error(`no decimal reads back to ${v}`);
}

/**
 * PostgreSQL's float8 output (extra_float_digits > 0): shortest round-trip digits; exponent notation
 * when the decimal exponent is below -4 or at least 15, written `e-07` / `e+20`.
 */
export function pgFloat8Text(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const { digits, exponent } = shortestDigits(v);
  if (exponent < -4 || exponent >= 15) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${pad(Math.abs(exponent), 2)}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const int = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const frac = digits.slice(exponent + 1);
  return `${sign}${int}${frac === '' ? '' : `.${frac}`}`;
}

/** Significant digits of a decimal text (`-1.250e+07` → 3). */
export function significantDigits(text: string): number {
  const mantissa = text.replace(/^-/, '').split(/e/i)[0] ?? '';
  return mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length || 1;
}

/** The fewest significant digits that read back to the same float32 value (ties excluded). */
export function shortestFloat32Digits(v: number): number {
  return shortestDigits(v, 32).digits.length;
}

/**
 * Asserts `actual` reads back to exactly the double `v`, with no more digits than the shortest text
 * (one more allowed where a shorter text would only read back through a tie rounded to even).
 */
export function expectShortestDouble(actual: string | null | undefined, v: number): void {
  expect(actual).toBeTypeOf('string');
  const text = actual ?? '';
  expect(Object.is(Number(text), v), `${text} reads back as ${v}`).toBe(true);
  if (Number.isFinite(v) && v !== 0) {
    const shortest = Math.abs(v).toExponential().split('e')[0]?.replace('.', '').length ?? 0;
    expect(significantDigits(text)).toBeGreaterThanOrEqual(shortest);
    expect(significantDigits(text)).toBeLessThanOrEqual(shortestDigits(v).digits.length);
  }
}

// PostgreSQL interval ----------------------------------------------------------------------------

/** PostgreSQL's `iso_8601` IntervalStyle output for (months, days, microseconds). */
export function pgIsoInterval(months: number, days: number, micros: bigint): string {
  const years = Math.trunc(months / 12);
  const mons = months % 12;
  const hours = micros / 3_600_000_000n;
  let rest = micros - hours * 3_600_000_000n;
  const minutes = rest / 60_000_000n;
  rest -= minutes * 60_000_000n;
  const seconds = rest / 1_000_000n;
  const fraction = rest - seconds * 1_000_000n;
  if (years === 0 && mons === 0 && days === 0 && micros === 0n) return 'PT0S';
  let text = 'P';
  if (years !== 0) text += `${years}Y`;
  if (mons !== 0) text += `${mons}M`;
  if (days !== 0) text += `${days}D`;
  if (micros !== 0n) text += 'T';
  if (hours !== 0n) text += `${hours}H`;
  if (minutes !== 0n) text += `${minutes}M`;
  if (seconds !== 0n || fraction !== 0n) {
    const abs = (n: bigint) => (n < 0n ? -n : n);
    const sign = seconds < 0n || fraction < 0n ? '-' : '';
    const frac = fraction === 0n ? '' : `.${pad(abs(fraction), 6).replace(/0+$/, '')}`;
    text += `${sign}${abs(seconds)}${frac}S`;
  }
  return text;
}

// Text -------------------------------------------------------------------------------------------

/** Values that break naive CSV, SQL or spreadsheets. */
export const AWKWARD_TEXT = [
  '',
  ' ',
  '=1+2',
  "'=already guarded",
  "''+x",
  '+33 6 12 34 56 78',
  '-',
  '@SUM(A1)',
  '\tindented',
  '\r\nnew line first',
  'a,b',
  '"quoted"',
  "it's",
  'line\nbreak',
  'cr\ronly',
  '\\.',
  "'; DROP TABLE x; --",
  'C:\\temp\\new',
  'naïve café 😀👩‍👩‍👧',
  'trailing space ',
];

/** Unicode text (emoji, accents, CR/LF, quotes) without NUL, which PostgreSQL text cannot hold. */
export const arbitraryText = (maxLength = 40): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom(...AWKWARD_TEXT),
      fc.string({ unit: 'grapheme', maxLength }),
      fc.string({
        unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', "'", '"', ',', 'a', 'é', '😀'),
        maxLength,
      }),
    )
    .map((s) => s.replaceAll('\u0000', ''));

/** The excel profile's formula guard, written independently: a trigger after any leading apostrophes. */
export const excelGuarded = (value: string): string => (/^'*[=+\-@\t\r\n]/.test(value) ? `'${value}` : value);

// CSV --------------------------------------------------------------------------------------------

/** Parses COPY's CSV output, telling NULL (an unquoted empty field) from an empty string (`""`). */
export function parseCopyCsv(csv: string): TextRow[] {
  return parse(csv, {
    cast: (value, context) => (context.quoting || value !== '' ? value : null),
  }) as TextRow[];
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export async function collect(batches: AsyncIterable<TextRow[]>): Promise<TextRow[]> {
  const rows: TextRow[] = [];
  for await (const batch of batches) rows.push(...batch);
  return rows;
}

/** The PostgreSQL COPY path of a snapshot (every PostgreSQL snapshot has one). */
export function copyOf(
  snapshot: Snapshot,
  statement: Statement,
): ReturnType<NonNullable<Snapshot['copyCsv']>> {
  if (!snapshot.copyCsv) throw new Error('this snapshot has no COPY path');
  return snapshot.copyCsv(statement);
}
