import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvRowScanner } from '../../src/encode/csv-row-scanner.ts';

/** Independent CSV writer for the test: quote when the field holds a comma, quote, CR or LF. */
function csvLine(fields: (string | null)[]): string {
  return `${fields
    .map((f) => {
      if (f === null) return '';
      return f === '' || /[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f;
    })
    .join(',')}\n`;
}

const field = fc.option(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', 'é', '🚀', ' ') }), {
  nil: null,
});

describe('CsvRowScanner', () => {
  it('finds every row end, and only row ends, however the bytes are chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
        (rows, cuts) => {
          const lines = rows.map(csvLine);
          const bytes = Buffer.from(lines.join(''));
          const expected: number[] = [];
          let offset = 0;
          for (const line of lines) {
            offset += Buffer.byteLength(line);
            expected.push(offset);
          }
          const scanner = new CsvRowScanner();
          const found: number[] = [];
          let start = 0;
          let i = 0;
          while (start < bytes.length) {
            const size = cuts[i++ % cuts.length] ?? 1;
            const chunk = bytes.subarray(start, start + size);
            for (const end of scanner.rowEnds(chunk)) found.push(start + end);
            start += chunk.length;
          }
          expect(found).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
