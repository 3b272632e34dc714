import { describe, expect, it } from 'vitest';
import { columnLetters, sheetName } from '../../src/encode/xlsx-parts.ts';

describe('sheet names and cell references', () => {
  it('numbers the sheets of a table and keeps every name within 31 characters', () => {
    expect(sheetName('invoices', 1)).toBe('invoices');
    expect(sheetName('invoices', 2)).toBe('invoices (2)');
    const long = 'a_very_long_table_name_that_goes_on_and_on';
    expect(sheetName(long, 1)).toBe(long.slice(0, 31));
    expect(sheetName(long, 12)).toBe(`${long.slice(0, 26)} (12)`);
  });

  it('never cuts an emoji in half, and avoids what Excel refuses', () => {
    expect(sheetName(`${'x'.repeat(30)}😀`, 1)).toBe('x'.repeat(30));
    expect(sheetName('', 1)).toBe('Sheet');
    expect(sheetName("'quoted'", 1)).toBe('_quoted_');
    expect(sheetName('History', 1)).toBe('History_');
    expect(sheetName('History', 2)).toBe('History (2)');
    expect(sheetName('a[b]c:d*e?f/g\\h\u0001', 1)).toBe('a_b_c_d_e_f_g_h_');
  });

  it('names columns as spreadsheets do', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702, 16_383].map(columnLetters)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
      'XFD',
    ]);
  });
});
