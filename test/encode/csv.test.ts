import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCsvEncoder,
  FORMULA_GUARD,
  needsFormulaGuard,
  neutralizeFormula,
  removeFormulaGuard,
} from '../../src/encode/csv.ts';
import type { TextRow } from '../../src/sources/types.ts';
import { column, table, textValue } from './arbitraries.ts';

/** Parses CSV keeping NULL (empty field) apart from the empty string (`""`). */
function parseCsv(bytes: Buffer): TextRow[] {
  return parse(bytes, {
    bom: true,
    cast: (value: string, context: { quoting: boolean }) => (value === '' && !context.quoting ? null : value),
  }) as TextRow[];
}

function encodeAll(encoder: ReturnType<typeof createCsvEncoder>, rows: TextRow[]): Buffer {
  return Buffer.concat([encoder.header(), encoder.encode(rows)]);
}

describe('CSV encoder', () => {
  it('gives back every value of every type exactly, NULL apart from the empty string (raw profile)', () => {
    fc.assert(
      fc.property(table(), ({ columns, rows }) => {
        const encoder = createCsvEncoder({ columns, profile: 'raw' });
        const parsed = parseCsv(encodeAll(encoder, rows));
        expect(parsed[0]).toEqual(columns.map((c) => c.name));
        expect(parsed.slice(1)).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });

  it('guards formulas in text columns only and the guard comes off exactly (excel profile)', () => {
    fc.assert(
      fc.property(table(), ({ columns, rows }) => {
        const encoder = createCsvEncoder({ columns, profile: 'excel' });
        const bytes = encodeAll(encoder, rows);
        expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
        const parsed = parseCsv(bytes).slice(1);
        parsed.forEach((row, r) => {
          row.forEach((cell, i) => {
            const original = rows[r]?.[i] ?? null;
            const isText = columns[i]?.type === 'text';
            if (original === null || !isText) {
              expect(cell).toBe(original);
              return;
            }
            expect(cell).toBe(neutralizeFormula(original));
            if (cell !== null) {
              expect(removeFormulaGuard(cell)).toBe(original);
              // A spreadsheet never sees a text cell that starts with a trigger.
              expect(FORMULA_GUARD.triggers as readonly string[]).not.toContain(cell[0]);
            }
          });
        });
      }),
      { numRuns: 300 },
    );
  });

  it('neutralises formula triggers and removing the guard is the exact inverse', () => {
    expect(neutralizeFormula('=HYPERLINK("http://x","y")')).toBe('\'=HYPERLINK("http://x","y")');
    expect(neutralizeFormula('+1')).toBe("'+1");
    expect(neutralizeFormula('-1')).toBe("'-1");
    expect(neutralizeFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutralizeFormula('\tx')).toBe("'\tx");
    expect(neutralizeFormula('\r\nx')).toBe("'\r\nx");
    expect(neutralizeFormula("'=x")).toBe("''=x");
    expect(neutralizeFormula("'x")).toBe("'x");
    expect(neutralizeFormula('a=b')).toBe('a=b');
    expect(neutralizeFormula('')).toBe('');
    fc.assert(
      fc.property(textValue({ maxLength: 6 }), (value) => {
        expect(removeFormulaGuard(neutralizeFormula(value))).toBe(value);
        expect(needsFormulaGuard(value)).toBe(new RegExp(FORMULA_GUARD.pattern).test(value));
      }),
      { numRuns: 500 },
    );
  });

  it('writes NULL as nothing, the empty string as "", and quotes only what needs quotes', () => {
    const columns = [column('a', 'text'), column('b', 'text'), column('c', 'integer')];
    const encoder = createCsvEncoder({ columns, profile: 'raw' });
    const out = encoder.encode([
      [null, '', '1'],
      [' padded ', 'x,y', null],
      ['say "hi"', 'line\r\nbreak', '-7'],
    ]);
    expect(out.toString('utf8')).toBe(',"",1\n padded ,"x,y",\n"say ""hi""","line\r\nbreak",-7\n');
  });

  it('ends lines with LF and writes the excel BOM only once, in the header', () => {
    const columns = [column('name', 'text')];
    const excel = createCsvEncoder({ columns, profile: 'excel' });
    const raw = createCsvEncoder({ columns, profile: 'raw' });
    expect(excel.header().toString('utf8')).toBe('\uFEFFname\n');
    expect(raw.header().toString('utf8')).toBe('name\n');
    expect(excel.encode([['=1+1'], ['ok']]).toString('utf8')).toBe("'=1+1\nok\n");
    expect(raw.encode([['=1+1'], ['ok']]).toString('utf8')).toBe('=1+1\nok\n');
  });

  it('leaves numbers, dates, JSON and base64 untouched by the excel guard', () => {
    const columns = [
      column('n', 'integer'),
      column('d', 'decimal'),
      column('j', 'json'),
      column('b', 'binary'),
    ];
    const encoder = createCsvEncoder({ columns, profile: 'excel' });
    expect(encoder.encode([['-5', '-0.50', '-1', '+/8=']]).toString('utf8')).toBe('-5,-0.50,-1,+/8=\n');
  });

  it('quotes a lone \\. in a one-column table so it cannot read as an end-of-data mark', () => {
    const one = createCsvEncoder({ columns: [column('x', 'text')], profile: 'raw' });
    const two = createCsvEncoder({ columns: [column('x', 'text'), column('y', 'text')], profile: 'raw' });
    expect(one.encode([['\\.']]).toString('utf8')).toBe('"\\."\n');
    expect(two.encode([['\\.', 'a']]).toString('utf8')).toBe('\\.,a\n');
  });

  it('encodes an empty batch as zero bytes', () => {
    const encoder = createCsvEncoder({ columns: [column('x', 'text')], profile: 'excel' });
    expect(encoder.encode([]).length).toBe(0);
  });
});
