import { describe, expect, it } from 'vitest';
import type { RunSample } from '../../bench/report.ts';
import { formatReport, median, summarizeComparison, summarizeContender } from '../../bench/report.ts';

const MIB = 1024 * 1024;

function samples(walls: number[], rssMiB: number): RunSample[] {
  return walls.map((wallMs, index) => ({
    round: index + 1,
    wallMs,
    peakRssBytes: rssMiB * MIB,
    treePeakRssBytes: rssMiB * MIB,
    zipBytes: 100e6,
    uncompressedBytes: 400e6,
    files: 1,
  }));
}

describe('benchmark report', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('compares throughput by median wall time and flags a missed target and too much memory', () => {
    const rows = 1_000_000;
    const handover = summarizeContender(
      'handover',
      'handover csv',
      'handover export',
      rows,
      samples([12_500, 10_000, 30_000], 300),
    );
    const baseline = summarizeContender(
      'baseline',
      'psql | zip -6',
      'psql',
      rows,
      samples([9_000, 10_000, 11_000], 20),
    );
    expect(handover.rowsPerSecond).toBe(80_000);
    expect(baseline.rowsPerSecond).toBe(100_000);
    const result = summarizeComparison('pg-csv', 'PostgreSQL, CSV archive', rows, 0.9, handover, baseline);
    expect(result.throughputRatio).toBeCloseTo(0.8);
    expect(result.verdicts.map((verdict) => verdict.pass)).toEqual([false, false]);
    const text = formatReport([result], []);
    expect(text).toContain('MISS  throughput ratio handover/baseline >= 0.90x: measured 0.80x');
    expect(text).toContain('MISS  handover peak RSS <= 256 MiB');
  });

  it('passes a handover that is faster than its target and stays under 256 MiB', () => {
    const rows = 1_000_000;
    const handover = summarizeContender(
      'handover',
      'handover xlsx',
      'x',
      rows,
      samples([20_000, 20_000, 20_000], 120),
    );
    const baseline = summarizeContender(
      'baseline',
      'exceljs',
      'y',
      rows,
      samples([40_000, 40_000, 40_000], 900),
    );
    const result = summarizeComparison('pg-xlsx', 'PostgreSQL, XLSX', rows, 1.5, handover, baseline);
    expect(result.verdicts.every((verdict) => verdict.pass)).toBe(true);
  });
});
