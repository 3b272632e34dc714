import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CatalogColumn } from '../../src/catalog/types.ts';
import { XLSX_TRUNCATION_DETAILS } from '../../src/encode/types.ts';
import { createXlsxWriter } from '../../src/encode/xlsx.ts';
import type { TextRow } from '../../src/sources/types.ts';
import { column, table } from './arbitraries.ts';
import { type CellValue, decodeXString, readXlsx, readXlsxStreaming, writeXlsx } from './xlsx-read.ts';

const EXCEL_MAX = 9.99999999999999e307;
const EXCEL_MIN = 2.2250738585072014e-308;

/** A decimal or exponent number text as (sign, digits, exponent): equal keys mean equal values. */
function numberKey(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!match) return `not a number: ${text}`;
  let digits = `${match[2]}${match[3] ?? ''}`;
  let exponent = (match[2] ?? '').length + Number(match[4] ?? 0);
  while (digits.startsWith('0')) {
    digits = digits.slice(1);
    exponent -= 1;
  }
  digits = digits.replace(/0+$/, '');
  return digits.length === 0 ? '0' : `${match[1]}0.${digits}e${exponent}`;
}

/** Digits from the first non-zero one to the last one that matters (integers: every digit). */
function significantDigits(text: string): number {
  const [whole = '', fraction = ''] = text.replace(/^-/, '').split('.');
  return `${whole}${fraction.replace(/0+$/, '')}`.replace(/^0+/, '').length;
}

function isDecimalText(text: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(text);
}

/** Excel's calendar is right from 1900-03-01 on and ends with 9999. */
function excelMs(text: string, withTime: boolean): number | undefined {
  const iso = withTime ? `${text.slice(0, 23)}Z` : `${text}T00:00:00.000Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || ms < Date.UTC(1900, 2, 1)) return undefined;
  return ms;
}

/** Asserts that one cell read back by exceljs is the documented XLSX form of `text`. */
function expectCell(col: CatalogColumn, text: string | null, cell: CellValue): void {
  const where = `${col.name} = ${JSON.stringify(text)} read as ${JSON.stringify(cell)}`;
  if (text === null || text === '') {
    expect(cell, where).toBeNull();
    return;
  }
  switch (col.type) {
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'boolean': {
      if (col.type === 'boolean' && (text === 'true' || text === 'false')) {
        expect(cell, where).toBe(text === 'true');
        return;
      }
      if (isDecimalText(text) && significantDigits(text) <= 15) {
        expect(typeof cell, where).toBe('number');
        expect(cell === Number(text), where).toBe(true);
        // Nothing lost: the number Excel holds prints as the same decimal.
        expect(numberKey(String(cell)), where).toBe(numberKey(text));
      } else {
        expect(cell, where).toBe(text);
      }
      return;
    }
    case 'float': {
      const n = Number(text);
      const inRange = Number.isFinite(n) && Math.abs(n) <= EXCEL_MAX && (n === 0 || Math.abs(n) >= EXCEL_MIN);
      if (inRange) expect(cell === n, where).toBe(true);
      else expect(cell, where).toBe(text);
      return;
    }
    case 'date':
    case 'timestamp':
    case 'timestamptz': {
      const ms = excelMs(text, col.type !== 'date');
      if (ms === undefined) {
        expect(cell, where).toBe(text);
      } else {
        expect(cell, where).toBeInstanceOf(Date);
        expect((cell as Date).getTime(), where).toBe(ms);
      }
      return;
    }
    default:
      expect(typeof cell, where).toBe('string');
      expect(decodeXString(cell as string), where).toBe(text);
  }
}

/** exceljs's streaming reader decodes the five XML entities a second time: mirror it for comparisons. */
function streamingQuirk(value: CellValue): CellValue {
  if (typeof value !== 'string') return value;
  const entities: Record<string, string> = {
    '&lt;': '<',
    '&gt;': '>',
    '&amp;': '&',
    '&apos;': "'",
    '&quot;': '"',
  };
  return value.replace(/&([a-z]*);/g, (entity) => entities[entity] ?? entity);
}

describe('XLSX writer', () => {
  it('writes every logical type as the documented typed cell, read back by exceljs', async () => {
    await fc.assert(
      fc.asyncProperty(table({ maxRows: 10 }), async ({ columns, rows }) => {
        const { bytes, result } = await writeXlsx({ columns, sheetName: 'random' }, rows);
        expect(result.rows).toBe(rows.length);
        const [sheet, ...others] = await readXlsx(bytes, columns);
        expect(others).toEqual([]);
        expect(sheet?.rows[0]).toEqual(columns.map((c) => c.name));
        expect(sheet?.rows.length).toBe(rows.length + 1);
        rows.forEach((row, r) => {
          columns.forEach((col, i) => {
            expectCell(col, row[i] ?? null, sheet?.rows[r + 1]?.[i] ?? null);
          });
        });
      }),
      { numRuns: 120 },
    );
  });

  it('is read the same by exceljs streaming WorkbookReader', async () => {
    await fc.assert(
      fc.asyncProperty(table({ maxRows: 8 }), async ({ columns, rows }) => {
        const { bytes } = await writeXlsx({ columns, sheetName: 'stream', maxRowsPerSheet: 3 }, rows);
        const whole = await readXlsx(bytes, columns);
        const streamed = await readXlsxStreaming(bytes, columns);
        // exceljs's streaming reader names every sheet `Sheet<n>`: compare the sheets in order.
        expect(streamed.length).toBe(whole.length);
        streamed.forEach((sheet, s) => {
          expect(sheet.rows).toEqual(whole[s]?.rows.map((row) => row.map(streamingQuirk)));
        });
      }),
      { numRuns: 30 },
    );
  });

  it('keeps bigint and decimal digits exact: a number cell only when no digit is lost', async () => {
    const columns = [column('id', 'bigint'), column('amount', 'decimal', 'numeric(30,6)')];
    const rows: TextRow[] = [
      ['9007199254740993', '123456789012345678.123456'],
      ['123456789012345', '-0012.340000'],
      ['-9223372036854775808', '0.000001'],
      ['1000000000000000', '0.1234567890123456'],
    ];
    const { bytes } = await writeXlsx({ columns, sheetName: 'exact' }, rows);
    const [sheet] = await readXlsx(bytes, columns);
    expect(sheet?.rows.slice(1)).toEqual([
      ['9007199254740993', '123456789012345678.123456'],
      [123456789012345, -12.34],
      ['-9223372036854775808', 0.000001],
      ['1000000000000000', '0.1234567890123456'],
    ]);
    // numeric(30,6) shows its six decimals.
    expect(sheet?.formats[2]?.[1]).toBe('0.000000');
  });

  it('writes dates and timestamps as real date cells, to the millisecond, shown in UTC', async () => {
    const columns = [column('day', 'date'), column('at', 'timestamp'), column('at_utc', 'timestamptz')];
    const rows: TextRow[] = [
      ['2024-02-29', '2024-02-29T23:59:59.999999', '2024-02-29T23:59:59.123456Z'],
      ['1900-03-01', '1900-03-01T00:00:00.000000', '9999-12-31T23:59:59.999000Z'],
      ['1899-12-31', '0044-03-15T12:00:00.000000', 'infinity'],
      ['2023-02-30', '-infinity', '2024-06-01T08:30:00.000500Z'],
      ['1900-02-29', '2000-02-29T00:00:00', '2024-06-01T10:30:00+02:00'],
    ];
    const { bytes } = await writeXlsx({ columns, sheetName: 'dates' }, rows);
    const [sheet] = await readXlsx(bytes, columns);
    expect(sheet?.rows.slice(1)).toEqual([
      [
        new Date('2024-02-29T00:00:00Z'),
        new Date('2024-02-29T23:59:59.999Z'),
        new Date('2024-02-29T23:59:59.123Z'),
      ],
      [
        new Date('1900-03-01T00:00:00Z'),
        new Date('1900-03-01T00:00:00Z'),
        new Date('9999-12-31T23:59:59.999Z'),
      ],
      ['1899-12-31', '0044-03-15T12:00:00.000000', 'infinity'],
      ['2023-02-30', '-infinity', new Date('2024-06-01T08:30:00.000Z')],
      ['1900-02-29', new Date('2000-02-29T00:00:00Z'), new Date('2024-06-01T08:30:00.000Z')],
    ]);
    expect(sheet?.formats[1]).toEqual([
      'yyyy-mm-dd',
      'yyyy-mm-dd hh:mm:ss.000',
      'yyyy-mm-dd hh:mm:ss.000 "UTC"',
    ]);
  });

  it('writes booleans as boolean cells and other tinyint(1) values as numbers', async () => {
    const columns = [column('flag', 'boolean')];
    const { bytes } = await writeXlsx({ columns, sheetName: 'flags' }, [['true'], ['false'], ['2'], [null]]);
    const [sheet] = await readXlsx(bytes, columns);
    expect(sheet?.rows).toEqual([['flag'], [true], [false], [2], [null]]);
  });

  it('starts a new sheet every maxRowsPerSheet rows, each with its own bold header', async () => {
    const columns = [column('id', 'integer'), column('name', 'text')];
    const rows: TextRow[] = Array.from({ length: 12 }, (_, i) => [String(i + 1), `row ${i + 1}`]);
    const { bytes, result } = await writeXlsx(
      { columns, sheetName: 'invoice_lines', maxRowsPerSheet: 5 },
      rows,
      4,
    );
    expect(result.sheets).toEqual(['invoice_lines', 'invoice_lines (2)', 'invoice_lines (3)']);
    expect(result.rows).toBe(12);
    const sheets = await readXlsx(bytes, columns);
    expect(sheets.map((s) => s.name)).toEqual(result.sheets);
    expect(sheets.map((s) => s.rows.length)).toEqual([6, 6, 3]);
    for (const sheet of sheets) {
      expect(sheet.rows[0]).toEqual(['id', 'name']);
      expect(sheet.bold).toEqual([true, true]);
    }
    expect(sheets.flatMap((s) => s.rows.slice(1))).toEqual(rows.map(([id, name]) => [Number(id), name]));
  });

  it('writes a sheet with only the header when the table is empty', async () => {
    const columns = [column('id', 'integer')];
    const { bytes, result } = await writeXlsx({ columns, sheetName: 'empty' }, []);
    expect(result).toEqual({ rows: 0, sheets: ['empty'], truncated: [], truncatedCells: 0 });
    const sheets = await readXlsx(bytes, columns);
    expect(sheets.map((s) => [s.name, s.rows])).toEqual([['empty', [['id']]]]);
  });

  it('cuts text over the cell limit and reports where, never splitting an emoji', async () => {
    const columns = [column('id', 'integer'), column('body', 'text'), column('doc', 'json')];
    const long = `${'a'.repeat(9)}😀tail`;
    const rows: TextRow[] = [
      ['1', 'short', '{}'],
      ['2', long, '{"k":"0123456789"}'],
      ['3', null, null],
      ['4', 'x'.repeat(11), null],
    ];
    const { bytes, result } = await writeXlsx(
      { columns, sheetName: 'notes', maxCellChars: 10, maxRowsPerSheet: 3 },
      rows,
      1,
    );
    expect(result.truncated).toEqual([
      { sheet: 'notes', row: 3, column: 'body', originalLength: long.length },
      { sheet: 'notes', row: 3, column: 'doc', originalLength: 18 },
      { sheet: 'notes (2)', row: 2, column: 'body', originalLength: 11 },
    ]);
    expect(result.truncatedCells).toBe(3);
    const sheets = await readXlsx(bytes, columns);
    expect(sheets[0]?.rows[2]).toEqual([2, 'a'.repeat(9), '{"k":"0123']);
    expect(sheets[1]?.rows[1]).toEqual([4, 'x'.repeat(10), null]);
  });

  it('lists a bounded number of cut cells but counts them all', async () => {
    const columns = [column('body', 'text')];
    const rows: TextRow[] = Array.from({ length: XLSX_TRUNCATION_DETAILS + 5 }, () => ['too long']);
    const { result } = await writeXlsx({ columns, sheetName: 'many', maxCellChars: 3 }, rows, 500);
    expect(result.truncated.length).toBe(XLSX_TRUNCATION_DETAILS);
    expect(result.truncatedCells).toBe(XLSX_TRUNCATION_DETAILS + 5);
  });

  it('carries unicode, emoji, XML specials and control characters into a file that opens', async () => {
    const columns = [column('text', 'text')];
    const values = [
      'é中文😀👩‍👩‍👧',
      '<b>&amp;</b> "q" \'a\' ]]>',
      'bell\u0007 vt\u000b nul-less \u001f end',
      '\ufffe\uffff',
      'windows\r\nline\rends\n',
      '  padded  ',
      '\ttab first',
      '_x0041_ stays _x0041_',
      '=1+1',
    ];
    const { bytes } = await writeXlsx(
      { columns, sheetName: 'unicode' },
      values.map((v) => [v]),
    );
    const [sheet] = await readXlsx(bytes, columns);
    expect(sheet?.rows.slice(1).map(([v]) => decodeXString(String(v)))).toEqual(values);
    // Formulas never run: a text cell is a string, whatever it starts with.
    expect(sheet?.rows.at(-1)).toEqual(['=1+1']);
  });

  it('names sheets as Excel allows: no forbidden characters, at most 31 characters', async () => {
    const columns = [column('id', 'integer')];
    const rows: TextRow[] = [['1'], ['2']];
    const name = "'odd/name:with*all?[chars]\\ and a very long tail'";
    const { bytes, result } = await writeXlsx({ columns, sheetName: name, maxRowsPerSheet: 1 }, rows);
    expect(result.sheets).toEqual(['_odd_name_with_all__chars__ and', '_odd_name_with_all__chars__ (2)']);
    for (const sheet of result.sheets) expect(sheet.length).toBeLessThanOrEqual(31);
    const sheets = await readXlsx(bytes, columns);
    expect(sheets.map((s) => s.name)).toEqual(result.sheets);
  });

  it('waits while nobody reads the output, then finishes once it is read', async () => {
    const columns = [column('id', 'integer'), column('body', 'text')];
    const writer = createXlsxWriter({ columns, sheetName: 'slow', compressionLevel: 0 });
    const text = 'some text that makes the sheet large enough to fill every buffer on the way';
    const rows: TextRow[] = Array.from({ length: 100_000 }, (_, i) => [String(i), `${text} ${i}`]);
    let accepted = false;
    const adding = writer.addRows(rows).then(() => {
      accepted = true;
    });
    for (let i = 0; i < 50; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(accepted).toBe(false);
    // Bounded: the zip's output buffer (plus the blocks in flight), not the whole 12 MB sheet.
    expect(writer.output.readableLength).toBeLessThanOrEqual(1024 * 1024 + 128 * 1024);
    const chunks: Buffer[] = [];
    writer.output.on('data', (chunk: Buffer) => chunks.push(chunk));
    await adding;
    const result = await writer.finish();
    expect(result.rows).toBe(100_000);
    const [sheet] = await readXlsx(Buffer.concat(chunks), columns);
    expect(sheet?.rows.length).toBe(100_001);
    expect(sheet?.rows.at(-1)).toEqual([99_999, `${text} 99999`]);
  });

  it('fails addRows instead of hanging when the output is destroyed', async () => {
    const columns = [column('body', 'text')];
    const writer = createXlsxWriter({ columns, sheetName: 'broken', compressionLevel: 0 });
    const rows: TextRow[] = Array.from({ length: 40_000 }, (_, i) => [`value ${i}`]);
    const adding = writer.addRows(rows);
    writer.output.destroy(new Error('upload aborted'));
    await expect(adding).rejects.toThrow();
    await expect(writer.finish()).rejects.toThrow();
  });

  it('refuses a sheet size or cell limit Excel cannot hold', () => {
    const columns = [column('id', 'integer')];
    expect(() => createXlsxWriter({ columns, sheetName: 's', maxRowsPerSheet: 0 })).toThrow(RangeError);
    expect(() => createXlsxWriter({ columns, sheetName: 's', maxRowsPerSheet: 1_048_576 })).toThrow(
      RangeError,
    );
    expect(() => createXlsxWriter({ columns, sheetName: 's', maxCellChars: 32_768 })).toThrow(RangeError);
  });
});
