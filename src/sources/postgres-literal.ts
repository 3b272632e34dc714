/**
 * PostgreSQL literals for the one statement that cannot take bind parameters: `COPY (<select>) TO STDOUT`.
 *
 * Parameters are inlined as quoted, untyped literals (`'42'`), which PostgreSQL types from their
 * context exactly as it types a bind parameter that `pg` sends as text. Values are converted to text
 * the way `pg` converts bind parameters, so a statement means the same thing on both paths.
 */
import { SourceError } from './errors.ts';

/**
 * Quotes one text value as a PostgreSQL string literal.
 * Single quotes are doubled. A value with a backslash is written as an escape string (`E'…'`, with
 * backslashes doubled), whose meaning does not depend on `standard_conforming_strings`.
 * NUL cannot be stored in PostgreSQL text and is refused.
 *
 * @example quoteLiteral("it's") // 'it''s'
 * @example quoteLiteral('C:\\temp') // E'C:\\\\temp'
 */
export function quoteLiteral(text: string): string {
  if (text.includes('\u0000')) {
    throw new SourceError(
      'usage',
      'a PostgreSQL parameter contains a NUL character, which PostgreSQL cannot store',
    );
  }
  const quoted = text.replaceAll("'", "''");
  return text.includes('\\') ? `E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

/**
 * A bind parameter value as an inline SQL literal: `NULL` for null/undefined, otherwise a quoted
 * literal of the text `pg` would send (numbers, bigints and booleans as their text, Buffers as
 * `\x` hex bytea input, arrays as PostgreSQL array text, other objects as JSON).
 * Dates are refused: pass timestamps as ISO 8601 text so no process time zone gets involved.
 *
 * @example literal("'; DROP TABLE x; --") // '''; DROP TABLE x; --'
 * @example literal(42) // '42'
 * @example literal(null) // NULL
 */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return quoteLiteral(parameterText(value));
}

function parameterText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Date) {
    throw new SourceError('usage', 'pass timestamps to a source as ISO 8601 text, not as Date objects');
  }
  if (ArrayBuffer.isView(value)) {
    return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  }
  if (Array.isArray(value)) return arrayText(value);
  if (typeof value === 'object') return JSON.stringify(value);
  throw new SourceError('usage', `a ${typeof value} cannot be a SQL parameter`);
}

/** PostgreSQL array input text, element quoting as `pg` does it (`{"a","b\"c",NULL}`). */
function arrayText(values: readonly unknown[]): string {
  const parts = values.map((element) => {
    if (element === null || element === undefined) return 'NULL';
    if (Array.isArray(element)) return arrayText(element);
    const text = parameterText(element);
    return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  });
  return `{${parts.join(',')}}`;
}

const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const PARAM = /\$(\d+)/y;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/**
 * Replaces the `$1`, `$2`… placeholders of `sql` with literals of `params`.
 * Placeholders inside string literals, quoted identifiers, dollar-quoted strings and comments are
 * left alone, and so is a `$` that is part of an identifier (`price$1`).
 */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1];
    let end = -1;
    if (ch === "'") {
      end = endOfString(sql, i, isEscapeStringStart(sql, i));
    } else if (ch === '"') {
      end = endOfQuotedIdentifier(sql, i);
    } else if (ch === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      end = newline < 0 ? sql.length : newline + 1;
    } else if (ch === '/' && next === '*') {
      end = endOfBlockComment(sql, i);
    } else if (ch === '$' && (i === 0 || !IDENT_CHAR.test(sql[i - 1] ?? ''))) {
      PARAM.lastIndex = i;
      const param = PARAM.exec(sql);
      if (param) {
        const index = Number(param[1]);
        if (index < 1 || index > params.length) {
          throw new SourceError(
            'usage',
            `the statement uses $${index} but has ${params.length} parameter(s)`,
          );
        }
        out += literal(params[index - 1]);
        i += param[0].length;
        continue;
      }
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql);
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        if (close < 0) throw unterminated('dollar-quoted string');
        end = close + tag[0].length;
      }
    }
    if (end > i) {
      out += sql.slice(i, end);
      i = end;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

/** `E'…'` / `e'…'`: the E must not be the tail of a longer word. */
function isEscapeStringStart(sql: string, quote: number): boolean {
  const before = sql[quote - 1];
  if (before !== 'E' && before !== 'e') return false;
  return quote < 2 || !IDENT_CHAR.test(sql[quote - 2] ?? '');
}

function endOfString(sql: string, start: number, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === '\\') {
      i += 2;
    } else if (ch === "'") {
      if (sql[i + 1] === "'") i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  throw unterminated('string literal');
}

function endOfQuotedIdentifier(sql: string, start: number): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === '"') {
      if (sql[i + 1] === '"') i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  throw unterminated('quoted identifier');
}

/** PostgreSQL block comments nest. */
function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  throw unterminated('block comment');
}

function unterminated(what: string): SourceError {
  return new SourceError('usage', `the statement has an unterminated ${what}`);
}
