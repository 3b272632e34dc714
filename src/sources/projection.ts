/**
 * Canonical text: the SQL expression that turns one column into the exact text written to the archive.
 *
 * The database does the conversion, so no value ever passes through a JavaScript Number or Date, and
 * PostgreSQL's `COPY … (FORMAT csv)` fast path and the row-by-row path print the same bytes.
 * The PostgreSQL expressions assume the session settings every adapter connection gets (`TimeZone 'UTC'`,
 * `DateStyle 'ISO, YMD'`, `IntervalStyle 'iso_8601'`, `extra_float_digits 3`); the MySQL ones depend on no
 * session setting but utf8mb4 (TIMESTAMP is converted to UTC without the session time zone).
 *
 * The documented mapping (logical type → canonical text; NULL is always SQL NULL):
 *
 * | logical type | canonical text | notes |
 * |---|---|---|
 * | integer, bigint | `-42`, `18446744073709551615` | exact digits, never through a float |
 * | decimal | `12345678901234567890.123400` | exact, the column's scale, never an exponent; PostgreSQL `NaN`, `Infinity`, `-Infinity`; `money` as its numeric value |
 * | float | `0.1`, `1e-07`, `1.2345678901234568e+20`, `-0`, `NaN`, `Infinity`, `-Infinity` | the shortest text that reads back to the same binary value, notation as the server prints it (PostgreSQL `1e-07`, MariaDB `1e-7`). MySQL FLOAT (single precision): the server's 6-digit text when it reads back exactly, else the exact value as a double (`1.2345677614212036`). MySQL cannot store NaN, infinities or -0 |
 * | boolean | `true`, `false` | MySQL tinyint(1)/bit(1): 0 → `false`, 1 → `true`, any other value as its number (`5`) so nothing is lost |
 * | text | the value as stored | char(n) keeps PostgreSQL's padding (MySQL strips it on read); enum labels; types without a better mapping (xml, inet, tsvector…) exactly as the server prints them (PostgreSQL output function, as COPY does) |
 * | uuid | `a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11` | lower case |
 * | date | `2024-02-29` | years before 1 AD use ISO 8601 astronomical numbering (1 BC = `0000`, 44 BC = `-0043-03-15`); years after 9999 get more digits; PostgreSQL `infinity`/`-infinity`; MySQL zero dates (`0000-00-00`) are kept as printed |
 * | time | `13:45:00`, `13:45:00.120000`, `12:00:00+05:30` | `.ffffff` (6 digits) only when there is a fraction; PostgreSQL `24:00:00`; MySQL TIME can be negative or over 24 h (`-838:59:59`); timetz keeps its own offset as `±HH:MM[:SS]` |
 * | timestamp | `2024-02-29T13:45:00.120000` | no offset exists to print; always 6 fraction digits; years as for date |
 * | timestamptz | `2024-02-29T13:45:00.120000Z` | normalised to UTC; always 6 fraction digits; `infinity`/`-infinity`; years as for date; the MySQL zero TIMESTAMP as `0000-00-00T00:00:00.000000Z` |
 * | interval | `P1Y2M-3DT4H5M6.5S`, `PT0S` | ISO 8601 duration as PostgreSQL's `iso_8601` IntervalStyle prints it (each part keeps its sign) |
 * | json | `{"a": 1}` | JSON text: json as stored, jsonb in PostgreSQL's normalised form, MySQL JSON as the server prints it |
 * | binary | `AAEC/w==` | base64 (RFC 4648, padded) without line breaks |
 * | array | `[1,null,3]`, `[["a","b"]]` | JSON, as PostgreSQL's `array_to_json` prints it (nested for several dimensions) |
 *
 * With `excelGuard`, a text-type value whose first character after any leading apostrophes is `=`, `+`,
 * `-`, `@`, TAB, CR or LF gets one more leading `'` (`=1` → `'=1`, `'=1` → `''=1`, so removing one
 * apostrophe from such a value always gives the exact value back). This is the `excel` CSV profile's
 * guard (src/encode/csv.ts `FORMULA_GUARD`), applied here in SQL for the PostgreSQL COPY fast path;
 * the JavaScript CSV encoder applies it to rows, and both paths agree byte for byte.
 */
import type { CatalogColumn, Dialect } from '../catalog/types.ts';
import { FORMULA_GUARD_PREFIX, FORMULA_TRIGGERS } from '../encode/types.ts';
import { quoteIdent } from './sql.ts';

export interface ProjectionOptions {
  /** Prefix formula-trigger text values with `'` (the `excel` CSV profile's COPY path). */
  excelGuard: boolean;
}

/** Codes of the characters that make a spreadsheet read a cell as a formula, for `IN (…)`. */
const FORMULA_TRIGGER_CODES = FORMULA_TRIGGERS.map((trigger) => trigger.charCodeAt(0)).join(', ');
/** The guard's prefix as a SQL string literal (the same in both dialects: it holds no backslash). */
const GUARD_PREFIX = `'${FORMULA_GUARD_PREFIX.replaceAll("'", "''")}'`;

/**
 * The SQL expression yielding the canonical text (or NULL) of one column.
 *
 * @param qualifiedColumn the column, already quoted and qualified: `"t0"."created_at"`
 * @example projectColumn('postgres', '"t0"."paid"', paidColumn, { excelGuard: false })
 *   // CASE WHEN "t0"."paid" THEN 'true' WHEN NOT "t0"."paid" THEN 'false' END
 */
export function projectColumn(
  dialect: Dialect,
  qualifiedColumn: string,
  column: CatalogColumn,
  options: ProjectionOptions = { excelGuard: false },
): string {
  return dialect === 'postgres'
    ? postgresProjection(qualifiedColumn, column, options)
    : mysqlProjection(qualifiedColumn, column, options);
}

/**
 * The SELECT list for `columns` of the table aliased `alias` (null: unqualified), each expression
 * named after its column: `<expression> AS "name"`.
 *
 * @example projectColumns('postgres', 't0', table.columns, { excelGuard: true }).join(', ')
 */
export function projectColumns(
  dialect: Dialect,
  alias: string | null,
  columns: readonly CatalogColumn[],
  options: ProjectionOptions = { excelGuard: false },
): string[] {
  return columns.map((column) => {
    const name = quoteIdent(dialect, column.name);
    const qualified = alias === null ? name : `${quoteIdent(dialect, alias)}.${name}`;
    return `${projectColumn(dialect, qualified, column, options)} AS ${name}`;
  });
}

// PostgreSQL -------------------------------------------------------------------------------------

const PG_ISO_TIMESTAMP = 'YYYY-MM-DD"T"HH24:MI:SS.US';

function postgresProjection(c: string, column: CatalogColumn, options: ProjectionOptions): string {
  switch (column.type) {
    case 'integer':
    case 'bigint':
    case 'uuid':
    case 'json':
    case 'interval':
    case 'float':
      return `(${c})::text`;
    case 'decimal':
      // money prints with a currency symbol and the server's locale; its numeric value does not.
      return isPostgresMoney(column.sourceType) ? `(${c})::numeric::text` : `(${c})::text`;
    case 'boolean':
      return `CASE WHEN ${c} THEN 'true' WHEN NOT ${c} THEN 'false' END`;
    case 'date':
      return postgresDate(c);
    case 'timestamp':
      return postgresDateTime(`(${c})`, PG_ISO_TIMESTAMP, '');
    case 'timestamptz':
      return postgresDateTime(`((${c}) AT TIME ZONE 'UTC')`, PG_ISO_TIMESTAMP, 'Z');
    case 'time':
      return isPostgresTimeTz(column.sourceType) ? postgresTimeTz(c) : postgresTimeOfDay(`(${c})::text`);
    case 'binary':
      // encode() breaks base64 every 76 characters.
      return `translate(encode(${c}, 'base64'), chr(10), '')`;
    case 'array':
      return `array_to_json(${c})::text`;
    case 'text': {
      // Casts to text are not always the printed value (char(n) loses its padding, inet gains a /32
      // mask); concat() prints any value with its type's output function, as COPY does.
      const text = isPostgresPlainText(column.sourceType)
        ? `(${c})::text`
        : `CASE WHEN ${c} IS NOT NULL THEN concat(${c}) END`;
      return options.excelGuard
        ? `CASE WHEN ascii(ltrim(${text}, ${GUARD_PREFIX})) IN (${FORMULA_TRIGGER_CODES}) THEN ${GUARD_PREFIX} || ${text} ELSE ${text} END`
        : text;
    }
  }
}

/**
 * `value` is a timestamp (without time zone). Infinite values print as `infinity`/`-infinity`;
 * years before 1 AD (which to_char prints as positive BC years) become astronomical years.
 */
function postgresDateTime(value: string, format: string, suffix: string): string {
  const quotedSuffix = suffix === '' ? '' : `"${suffix}"`;
  const ad = `to_char(${value}, '${format}${quotedSuffix}')`;
  const bcYear = `to_char(1 - to_char(${value}, 'YYYY')::int, 'FM0000')`;
  const bcRest = `to_char(${value}, '${format.slice('YYYY'.length)}${quotedSuffix}')`;
  return (
    `CASE WHEN NOT isfinite(${value}) THEN (${value})::text ` +
    `WHEN ${value} >= '0001-01-01 00:00:00'::timestamp THEN ${ad} ` +
    `ELSE ${bcYear} || ${bcRest} END`
  );
}

/**
 * With DateStyle ISO a date prints as `YYYY-MM-DD` (more year digits after 9999, up to 5874897 AD,
 * beyond what to_char's timestamp can hold), `infinity`, or `YYYY-MM-DD BC`, rewritten as an
 * astronomical year.
 */
function postgresDate(c: string): string {
  const text = `(${c})::text`;
  return (
    `CASE WHEN ${c} >= '0001-01-01'::date OR NOT isfinite(${c}) THEN ${text} ` +
    `ELSE to_char(1 - left(${text}, 4)::int, 'FM0000') || substr(${text}, 5, 6) END`
  );
}

/** `HH:MM:SS`, plus the fraction padded to 6 digits when the value has one. */
function postgresTimeOfDay(text: string): string {
  return `CASE WHEN strpos(${text}, '.') > 0 THEN rpad(${text}, 15, '0') ELSE ${text} END`;
}

/** Local time of the value, then its own offset as `±HH:MM[:SS]` (PostgreSQL prints `+05`, `+05:30`). */
function postgresTimeTz(c: string): string {
  const offset = `extract(timezone from ${c})::int`;
  const abs = `abs(${offset})`;
  return (
    `${postgresTimeOfDay(`(${c})::time::text`)} || ` +
    `CASE WHEN ${offset} < 0 THEN '-' ELSE '+' END || ` +
    `to_char(${abs} / 3600, 'FM00') || ':' || to_char(${abs} / 60 % 60, 'FM00') || ` +
    `CASE WHEN ${abs} % 60 <> 0 THEN ':' || to_char(${abs} % 60, 'FM00') ELSE '' END`
  );
}

function normalisedType(sourceType: string): string {
  return sourceType.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Types whose cast to text is their printed value exactly, and free. */
function isPostgresPlainText(sourceType: string): boolean {
  return /^(text|citext|name|varchar|character varying)( ?\(\s*\d+\s*\))?$/.test(normalisedType(sourceType));
}

function isPostgresTimeTz(sourceType: string): boolean {
  const type = normalisedType(sourceType);
  return type === 'timetz' || type.includes('with time zone');
}

function isPostgresMoney(sourceType: string): boolean {
  return normalisedType(sourceType) === 'money';
}

// MySQL / MariaDB --------------------------------------------------------------------------------

function mysqlProjection(c: string, column: CatalogColumn, options: ProjectionOptions): string {
  const sourceType = normalisedType(column.sourceType);
  switch (column.type) {
    case 'integer':
    case 'bigint':
    case 'decimal':
      // BIT values are bytes; adding 0 makes them numbers.
      return sourceType.startsWith('bit') ? `CAST(${c} + 0 AS CHAR)` : `CAST(${c} AS CHAR)`;
    case 'float':
      return sourceType.startsWith('float') ? mysqlSingleFloat(c) : `CAST(${c} AS CHAR)`;
    case 'boolean': {
      const number = `(${c} + 0)`;
      return `CASE ${number} WHEN 0 THEN 'false' WHEN 1 THEN 'true' ELSE CAST(${number} AS CHAR) END`;
    }
    case 'uuid':
      return `LOWER(CAST(${c} AS CHAR))`;
    case 'date':
      return `CAST(${c} AS CHAR)`;
    case 'time':
      return (
        `CONCAT(TIME_FORMAT(${c}, '%H:%i:%s'), ` +
        `CASE WHEN MICROSECOND(${c}) <> 0 THEN CONCAT('.', LPAD(MICROSECOND(${c}), 6, '0')) ELSE '' END)`
      );
    case 'timestamp':
      return `DATE_FORMAT(${c}, '%Y-%m-%dT%H:%i:%s.%f')`;
    case 'timestamptz':
      return mysqlTimestampUtc(c);
    case 'binary':
      // TO_BASE64 breaks lines every 76 characters.
      return `REPLACE(TO_BASE64(${c}), CHAR(10 USING ascii), '')`;
    case 'json':
    case 'interval':
    case 'array':
      return `CAST(${c} AS CHAR)`;
    case 'text':
      // ORD compares the first character's code, whatever the column's collation thinks is equal to '='.
      return options.excelGuard
        ? `CASE WHEN ORD(TRIM(LEADING ${GUARD_PREFIX} FROM ${c})) IN (${FORMULA_TRIGGER_CODES}) THEN CONCAT(${GUARD_PREFIX}, ${c}) ELSE ${c} END`
        : c;
  }
}

/**
 * A TIMESTAMP column in UTC without going through the session time zone: UNIX_TIMESTAMP of a TIMESTAMP
 * column is its stored UTC value, added to the epoch as a DATETIME. (MariaDB 10.11 can apply the wrong
 * offset for `SET time_zone = '±HH:MM'`, from a shared cache of offset zones.) The zero TIMESTAMP
 * (`0000-00-00 00:00:00`, epoch second 0, which a real TIMESTAMP cannot hold) prints as zeros.
 */
function mysqlTimestampUtc(c: string): string {
  const epochSeconds = `UNIX_TIMESTAMP(${c})`;
  return (
    `CASE WHEN ${epochSeconds} = 0 THEN '0000-00-00T00:00:00.000000Z' ` +
    `ELSE DATE_FORMAT(DATE_ADD(CAST('1970-01-01 00:00:00' AS DATETIME(6)), ` +
    `INTERVAL CAST(${epochSeconds} * 1000000 AS SIGNED) MICROSECOND), '%Y-%m-%dT%H:%i:%s.%fZ') END`
  );
}

/**
 * MySQL prints a FLOAT with 6 significant digits, which can lose precision: keep that text when it
 * reads back to the same value, otherwise print the exact value as a double.
 */
function mysqlSingleFloat(c: string): string {
  return (
    `CASE WHEN CAST(CAST(${c} AS CHAR) AS FLOAT) = ${c} THEN CAST(${c} AS CHAR) ` +
    `ELSE CAST(CAST(${c} AS DOUBLE) AS CHAR) END`
  );
}
