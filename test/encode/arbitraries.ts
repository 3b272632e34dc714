/**
 * fast-check generators of canonical text values (src/catalog/types.ts) for every logical type,
 * including the awkward ones: NULL next to empty strings, CR/LF/quotes/commas, formula triggers,
 * emoji, control characters, numbers beyond double precision, infinities.
 */
import fc from 'fast-check';
import type { CatalogColumn, LogicalType } from '../../src/catalog/types.ts';
import type { TextRow } from '../../src/sources/types.ts';

export const LOGICAL_TYPES: readonly LogicalType[] = [
  'integer',
  'bigint',
  'decimal',
  'float',
  'boolean',
  'text',
  'uuid',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'interval',
  'json',
  'binary',
  'array',
];

export function column(name: string, type: LogicalType, sourceType: string = type): CatalogColumn {
  return { name, type, sourceType, nullable: true, generated: false };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Pieces that make CSV and spreadsheets stumble; mixed into random strings. */
const AWKWARD = fc.constantFrom(
  ',',
  '"',
  '""',
  '\r\n',
  '\n',
  '\r',
  ' ',
  '=',
  '+',
  '-',
  '@',
  '\t',
  "'",
  '\\.',
  'é',
  '😀',
  '\u0001',
  '\u000b',
  '\u001f',
  '\ufffe',
  '&amp;',
  '<t>',
  ']]>',
  '_x0041_',
);

/**
 * Any text: random code points (no NUL, which PostgreSQL text cannot hold) mixed with awkward pieces.
 * `noControl` leaves out the characters XML cannot carry (for the exact XLSX comparisons).
 */
export function textValue(options: { maxLength?: number } = {}): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
    { weight: 2, arbitrary: AWKWARD },
    { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  );
  return fc
    .array(unit, { maxLength: options.maxLength ?? 8 })
    .map((parts) => parts.join('').replaceAll('\u0000', ''));
}

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

const decimalText = fc
  .tuple(fc.boolean(), digits(1, 22), fc.option(digits(1, 12), { nil: null }))
  .map(([negative, whole, fraction]) => {
    const intPart = whole.replace(/^0+(?=\d)/, '');
    return `${negative ? '-' : ''}${intPart}${fraction === null ? '' : `.${fraction}`}`;
  });

const floatText = fc.double().map((x) => (Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : String(x)));

const dateParts = fc.record({
  year: fc.integer({ min: 1, max: 9999 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
});
const timeParts = fc.record({
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
  micros: fc.integer({ min: 0, max: 999_999 }),
});

const dateText = dateParts.map((d) => `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`);
const clockText = timeParts.map(
  (t) => `${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}.${pad(t.micros, 6)}`,
);
const timestampText = fc.tuple(dateText, clockText).map(([d, t]) => `${d}T${t}`);

const VALUES: Record<LogicalType, fc.Arbitrary<string>> = {
  integer: fc.oneof(fc.integer().map(String), fc.maxSafeInteger().map(String)),
  bigint: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
  decimal: fc.oneof({ weight: 9, arbitrary: decimalText }, { weight: 1, arbitrary: fc.constant('NaN') }),
  float: fc.oneof(floatText, fc.constantFrom('NaN', 'Infinity', '-Infinity', '0.1', '1e+300')),
  boolean: fc.constantFrom('true', 'false', '0', '1', '2', '-1'),
  text: textValue(),
  uuid: fc.uuid(),
  date: fc.oneof(
    { weight: 9, arbitrary: dateText },
    { weight: 1, arbitrary: fc.constantFrom('infinity', '-infinity') },
  ),
  time: fc.tuple(clockText, fc.constantFrom('', '+02', '-05:30', 'Z')).map(([t, offset]) => `${t}${offset}`),
  timestamp: fc.oneof(
    { weight: 9, arbitrary: timestampText },
    { weight: 1, arbitrary: fc.constantFrom('infinity', '-infinity') },
  ),
  timestamptz: fc.oneof(
    { weight: 9, arbitrary: timestampText.map((t) => `${t}Z`) },
    { weight: 1, arbitrary: fc.constantFrom('infinity', '-infinity') },
  ),
  interval: fc
    .tuple(fc.nat(20), fc.nat(11), fc.nat(30), fc.nat(23), fc.nat(59), fc.nat(59))
    .map(([y, mo, d, h, mi, s]) => `P${y}Y${mo}M${d}DT${h}H${mi}M${s}S`),
  json: fc.json(),
  binary: fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('base64')),
  array: fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 4 }).map((a) => JSON.stringify(a)),
};

/** A canonical text value of `type`, or NULL; text also yields empty strings often. */
export function value(type: LogicalType): fc.Arbitrary<string | null> {
  const base = type === 'text' ? fc.oneof(VALUES.text, fc.constant('')) : VALUES[type];
  return fc.option(base, { nil: null, freq: 4 });
}

/** Columns of every logical type (some twice) and rows of values for them. */
export function table(
  options: { maxRows?: number } = {},
): fc.Arbitrary<{ columns: CatalogColumn[]; rows: TextRow[] }> {
  return fc
    .shuffledSubarray([...LOGICAL_TYPES, 'text', 'decimal'] as LogicalType[], { minLength: 1 })
    .chain((types) => {
      const columns = types.map((type, i) => column(`c${i}_${type}`, type));
      const row = fc.tuple(...types.map((type) => value(type)));
      return fc.record({
        columns: fc.constant(columns),
        rows: fc.array(row, { maxLength: options.maxRows ?? 12 }).map((rows) => rows.map((r) => [...r])),
      });
    });
}
