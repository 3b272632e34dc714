/**
 * Canonical text values -> SpreadsheetML cells (`<c>` elements of a sheet's XML).
 *
 * The mapping (documented for users in the archive's README and the manifest):
 * - `integer`, `bigint`, `decimal`: a number cell when the value has at most 15 significant digits
 *   (integers: at most 15 digits, so |x| < 2^53 and the double is the exact value; decimals: the double
 *   gives back the same 15 digits, and 15 digits is what Excel shows and edits without rounding);
 *   otherwise a text cell with the exact digits (a 16-digit id, 0.1234567890123456).
 *   `decimal` columns with a declared scale (`numeric(12,2)`) get a `0.00` number format.
 * - `float`: a number cell; NaN, Infinity and values outside Excel's range as text.
 * - `boolean`: `true`/`false` as boolean cells; other integers (MySQL `tinyint(1)` holding 2) as numbers.
 * - `date`: a date cell (`yyyy-mm-dd`); `timestamp` and `timestamptz`: a date-time cell
 *   (`yyyy-mm-dd hh:mm:ss.000`, timestamptz in UTC and labelled so). Excel stores milliseconds at best:
 *   microseconds are truncated to milliseconds in the XLSX (the CSV keeps them exactly). Dates before
 *   1900-03-01 (Excel's calendar starts in 1900 and counts a 29 February 1900 that never was), after
 *   9999-12-31, and `infinity` are written as text.
 * - everything else (text, uuid, time, interval, json, binary, array): text cells.
 * - NULL and the empty string: no cell (a spreadsheet cannot show the difference; the CSV keeps it).
 * Text: longer than the cell limit -> cut (reported); characters XML cannot carry (control characters,
 * U+FFFE, U+FFFF) are written with SpreadsheetML's own `_xHHHH_` escape, which Excel and LibreOffice
 * turn back into the character, and a literal `_xHHHH_` in the data is escaped as `_x005F_xHHHH_` so
 * Excel shows it as written. Lone UTF-16 surrogates (never produced by a UTF-8 database) become U+FFFD.
 */
import type { CatalogColumn } from '../catalog/types.ts';

/** Excel's serial day number of 1970-01-01 in the 1900 date system. */
const EXCEL_EPOCH_OFFSET_DAYS = 25_569;
const MS_PER_DAY = 86_400_000;
/** Earliest date Excel's 1900 calendar gets right (before it, Excel counts a 29 February 1900). */
const EXCEL_FIRST_EXACT_MS = Date.UTC(1900, 2, 1);
const EXCEL_END_MS = Date.UTC(10_000, 0, 1);
/** Excel shows and edits 15 significant digits. */
const EXCEL_DIGITS = 15;
/** Excel's number range (larger magnitudes are not numbers to Excel; smaller ones are shown as 0). */
const EXCEL_MAX_NUMBER = 9.99999999999999e307;
const EXCEL_MIN_NUMBER = 2.2250738585072014e-308;

/** Indexes into styles.xml `cellXfs` (see xlsx-parts.ts, which builds the list in this order). */
export const STYLE = {
  default: 0,
  header: 1,
  date: 2,
  timestamp: 3,
  timestamptz: 4,
  firstDecimal: 5,
} as const;

/** Number formats of the fixed styles. */
export const NUMBER_FORMATS = {
  date: 'yyyy-mm-dd',
  timestamp: 'yyyy-mm-dd hh:mm:ss.000',
  timestamptz: 'yyyy-mm-dd hh:mm:ss.000 "UTC"',
} as const;

// --- numbers -------------------------------------------------------------------------------------

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;
const FLOAT_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * The `<v>` text of an exact decimal that Excel holds and shows exactly, or undefined when the value
 * must stay text: more than 15 significant digits, or a magnitude beyond what a double represents.
 *
 * @example excelExactNumber('-0012.3400') // '-12.34'
 * @example excelExactNumber('12345678901234567') // undefined
 */
export function excelExactNumber(text: string): string | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (!match) return undefined;
  const whole = (match[2] ?? '').replace(/^0+/, '');
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  let significant: number;
  if (whole.length > 0) {
    // Integers count every digit: 1234567890123450000 has 15 significant digits but is not exactly a
    // double, and a 16-digit id shown as 1.23457E+15 is no use. Such values stay text.
    significant = whole.length + fraction.length;
  } else {
    const leadingZeros = fraction.length - fraction.replace(/^0+/, '').length;
    // Far below Excel's smallest number (about 2.2e-308): keep the digits as text.
    if (leadingZeros > 300) return undefined;
    significant = fraction.length - leadingZeros;
  }
  if (significant > EXCEL_DIGITS) return undefined;
  if (whole.length === 0 && fraction.length === 0) return '0';
  return `${match[1]}${whole.length > 0 ? whole : '0'}${fraction.length > 0 ? `.${fraction}` : ''}`;
}

/** The `<v>` text of a float, or undefined for NaN, infinities and magnitudes Excel does not hold. */
export function excelFloat(text: string): string | undefined {
  // Number() also reads '0x10', ' 1' and '': only plain decimal or exponent notation is a float here.
  if (!FLOAT_TEXT.test(text)) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) return undefined;
  const magnitude = Math.abs(n);
  if (magnitude > EXCEL_MAX_NUMBER || (magnitude !== 0 && magnitude < EXCEL_MIN_NUMBER)) return undefined;
  return String(n === 0 ? 0 : n);
}

// --- dates ---------------------------------------------------------------------------------------

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Milliseconds since the epoch when the fields make a real calendar date, else undefined.
 * Years below 1900 are refused before (Date.UTC reads years 0-99 as 1900-1999).
 */
function utcMs(year: number, month: number, day: number, h = 0, m = 0, s = 0, ms = 0): number | undefined {
  if (year < 1900 || month < 1 || month > 12 || day < 1 || h > 23 || m > 59 || s > 59) return undefined;
  if (day > (DAYS_IN_MONTH[month - 1] ?? 0)) return undefined;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)))
    return undefined;
  return Date.UTC(year, month - 1, day, h, m, s, ms);
}

function serialOf(ms: number | undefined): string | undefined {
  if (ms === undefined || ms < EXCEL_FIRST_EXACT_MS || ms >= EXCEL_END_MS) return undefined;
  const days = Math.floor(ms / MS_PER_DAY);
  return String(days + EXCEL_EPOCH_OFFSET_DAYS + (ms - days * MS_PER_DAY) / MS_PER_DAY);
}

/** Excel serial day number of a `YYYY-MM-DD` date, or undefined when Excel cannot show it exactly. */
export function excelDateSerial(text: string): string | undefined {
  const match = DATE_TEXT.exec(text);
  if (!match) return undefined;
  return serialOf(utcMs(Number(match[1]), Number(match[2]), Number(match[3])));
}

/**
 * Excel serial of a `YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH[:MM]]` timestamp, in UTC when an offset is
 * given, truncated to the millisecond (Excel's resolution); undefined when Excel cannot show it.
 */
export function excelTimestampSerial(text: string): string | undefined {
  const match = TIMESTAMP_TEXT.exec(text);
  if (!match) return undefined;
  const ms = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const local = utcMs(
    Number(match[1]),
    Number(match[2]),
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6]),
    ms,
  );
  if (local === undefined) return undefined;
  return serialOf(local - offsetMs(match[8]));
}

function offsetMs(offset: string | undefined): number {
  if (offset === undefined || offset === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
}

// --- text ----------------------------------------------------------------------------------------

/** Anything that needs more than copying: XML specials, CR, illegal XML characters, surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const TEXT_SPECIAL = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;
const X_ESCAPE = /^_x[0-9A-Fa-f]{4}_/;

const hex4 = (code: number): string => code.toString(16).toUpperCase().padStart(4, '0');

/** Text as the content of a `<t>` element, with SpreadsheetML's `_xHHHH_` escapes where XML has none. */
export function xmlText(value: string): string {
  if (!TEXT_SPECIAL.test(value) && value.indexOf('_x') === -1) return value;
  let out = '';
  let last = 0;
  const length = value.length;
  for (let i = 0; i < length; i += 1) {
    const code = value.charCodeAt(i);
    let replacement: string | undefined;
    if (code === 38) replacement = '&amp;';
    else if (code === 60) replacement = '&lt;';
    else if (code === 62) replacement = '&gt;';
    // A literal CR would be read back as LF (XML end-of-line handling); a character reference is not.
    else if (code === 13) replacement = '&#13;';
    else if (code < 32 && code !== 9 && code !== 10) replacement = `_x${hex4(code)}_`;
    else if (code === 0xfffe || code === 0xffff) replacement = `_x${hex4(code)}_`;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
      else replacement = '\ufffd';
    } else if (code >= 0xdc00 && code <= 0xdfff) replacement = '\ufffd';
    else if (code === 95 && X_ESCAPE.test(value.slice(i, i + 7))) replacement = '_x005F_';
    if (replacement !== undefined) {
      out += value.slice(last, i) + replacement;
      last = i + 1;
    }
  }
  return last === 0 ? value : out + value.slice(last);
}

/** XML attribute value (sheet names, number formats). */
export function xmlAttribute(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** An inline-string cell; `xml:space="preserve"` keeps leading and trailing white space. */
export function inlineStringCell(ref: string, text: string, style = 0): string {
  const preserve = isSpace(text.charCodeAt(0)) || isSpace(text.charCodeAt(text.length - 1));
  return `<c r="${ref}"${style === 0 ? '' : ` s="${style}"`} t="inlineStr"><is><t${preserve ? ' xml:space="preserve"' : ''}>${xmlText(text)}</t></is></c>`;
}

/** Cuts `value` to at most `max` UTF-16 units without splitting a surrogate pair. */
export function cutText(value: string, max: number): string {
  const code = value.charCodeAt(max - 1);
  return value.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

// --- per column ----------------------------------------------------------------------------------

/** Writes one non-empty value of a column as a `<c>` element at `ref` (e.g. `B17`). */
export type CellWriter = (value: string, ref: string) => string;

/** Turns a text value into what fits in a cell (cut, and the cut reported, when it is too long). */
export type TextCutter = (value: string) => string;

const numberCell = (ref: string, v: string, style = 0): string =>
  `<c r="${ref}"${style === 0 ? '' : ` s="${style}"`}><v>${v}</v></c>`;

/**
 * The cell writer of one column. `text` turns a text value into what fits in a cell (cut and
 * reported when too long); `decimalStyle` is the style of this column's decimal number format, if any.
 */
export function cellWriterFor(column: CatalogColumn, text: TextCutter, decimalStyle: number): CellWriter {
  const asText: CellWriter = (value, ref) => inlineStringCell(ref, text(value));
  switch (column.type) {
    case 'integer':
    case 'bigint':
    case 'decimal': {
      return (value, ref) => {
        const v = excelExactNumber(value);
        return v === undefined ? asText(value, ref) : numberCell(ref, v, decimalStyle);
      };
    }
    case 'float':
      return (value, ref) => {
        const v = excelFloat(value);
        return v === undefined ? asText(value, ref) : numberCell(ref, v);
      };
    case 'boolean':
      return (value, ref) => {
        if (value === 'true') return `<c r="${ref}" t="b"><v>1</v></c>`;
        if (value === 'false') return `<c r="${ref}" t="b"><v>0</v></c>`;
        const v = excelExactNumber(value);
        return v === undefined ? asText(value, ref) : numberCell(ref, v);
      };
    case 'date':
      return (value, ref) => {
        const v = excelDateSerial(value);
        return v === undefined ? asText(value, ref) : numberCell(ref, v, STYLE.date);
      };
    case 'timestamp':
    case 'timestamptz': {
      const style = column.type === 'timestamp' ? STYLE.timestamp : STYLE.timestamptz;
      return (value, ref) => {
        const v = excelTimestampSerial(value);
        return v === undefined ? asText(value, ref) : numberCell(ref, v, style);
      };
    }
    default:
      return asText;
  }
}

/**
 * The declared scale of a decimal column (`numeric(12,2)` -> 2), shown with that many decimals;
 * undefined when the source type declares none (shown as Excel's General format).
 */
export function decimalScale(column: CatalogColumn): number | undefined {
  if (column.type !== 'decimal') return undefined;
  const match = /\(\s*\d+\s*,\s*(\d+)\s*\)/.exec(column.sourceType);
  const scale = match ? Number(match[1]) : 0;
  // Excel shows 15 significant digits; more decimals than that would only show zeros.
  return scale > 0 ? Math.min(scale, EXCEL_DIGITS) : undefined;
}

/** Column width (characters) that shows a date-time without `####`, or a readable header. */
export function columnWidth(column: CatalogColumn): number {
  const byType =
    column.type === 'date' ? 12 : column.type === 'timestamp' ? 24 : column.type === 'timestamptz' ? 28 : 10;
  return Math.max(byType, Math.min(column.name.length + 2, 50));
}
