import { describe, expect, it } from 'vitest';
import { measure } from '../../bench/measure.ts';

const MIB = 1024 * 1024;

describe('measuring a command', () => {
  it('reports the peak memory of a process that briefly holds 200 MiB', async () => {
    const script = 'const b = Buffer.alloc(200 * 1024 * 1024, 1); setTimeout(() => console.log(b[5]), 400);';
    const result = await measure([process.execPath, '-e', script], { sampleMs: 50 });
    expect(result.exitCode).toBe(0);
    expect(result.peakRssBytes).toBeGreaterThan(200 * MIB);
    expect(result.treePeakRssBytes).toBeGreaterThanOrEqual(result.peakRssBytes);
    expect(result.stdoutTail.trim()).toBe('1');
  });

  it('sums the memory of every process of a pipeline', async () => {
    const hold = (mib: number): string =>
      `${process.execPath} -e "const b = Buffer.alloc(${mib} * 1024 * 1024, 1); setTimeout(() => console.log(b[1]), 1500)"`;
    const result = await measure(['bash', '-c', `${hold(150)} | ${hold(150)} | cat`], { sampleMs: 50 });
    expect(result.exitCode).toBe(0);
    expect(result.peakRssBytes).toBeLessThan(250 * MIB);
    expect(result.treePeakRssBytes).toBeGreaterThan(300 * MIB);
  });

  it('fails a pipeline whose first command fails, with its error message', async () => {
    const result = await measure(['bash', '-c', 'set -o pipefail; (echo "no such table" >&2; exit 3) | cat']);
    expect(result.exitCode).toBe(3);
    expect(result.stderrTail).toContain('no such table');
  });
});
