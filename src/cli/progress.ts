import cliProgress from 'cli-progress';
import type { ExportProgress } from '../export/types.ts';
import type { CliIo } from './io.ts';

/** Formats a byte count for people: 1.5 MB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export interface ProgressView {
  update(progress: ExportProgress): void;
  stop(): void;
}

/**
 * A progress bar on an interactive terminal (rows done of the snapshot's exact count, current table,
 * bytes, parts); nothing at all otherwise, so logs and pipes stay clean.
 */
export function createProgressView(io: CliIo, quiet: boolean): ProgressView {
  if (quiet || !io.interactive) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: ' {bar} {percentage}% | {value}/{total} rows | {table} | {bytes} | part {part}',
      hideCursor: true,
      barsize: 28,
      etaBuffer: 50,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = { table: p.currentTable ?? 'done', bytes: formatBytes(p.bytes), part: p.partsDone + 1 };
      if (!started) {
        bar.start(Math.max(p.rowsEstimated, 1), p.rowsDone, payload);
        started = true;
      }
      bar.setTotal(Math.max(p.rowsEstimated, 1));
      bar.update(p.rowsDone, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
