/**
 * Turns timed runs into medians, ratios and PASS/MISS against the targets, and prints them.
 * Throughput ratio = handover rows/s ÷ baseline rows/s, from the median wall time of each contender.
 */
import type { ComparisonId, Role } from './contenders.ts';
import { TARGET_PEAK_RSS_BYTES } from './contenders.ts';

export interface RunSample {
  round: number;
  wallMs: number;
  peakRssBytes: number;
  treePeakRssBytes: number;
  /** Sum over the output zip files (handover may write several parts). */
  zipBytes: number;
  uncompressedBytes: number;
  files: number;
}

export interface ContenderSummary {
  role: Role;
  label: string;
  command: string;
  samples: RunSample[];
  medianWallMs: number;
  rowsPerSecond: number;
  /** Output (zip) megabytes (10^6 bytes) per second, from the median run's output size. */
  zipMbPerSecond: number;
  medianZipBytes: number;
  medianUncompressedBytes: number;
  /** Highest over the rounds. */
  peakRssBytes: number;
  treePeakRssBytes: number;
}

export interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
}

export interface ComparisonSummary {
  id: ComparisonId;
  title: string;
  rows: number;
  rounds: number;
  handover: ContenderSummary;
  baseline: ContenderSummary;
  /** handover rows/s ÷ baseline rows/s. */
  throughputRatio: number;
  verdicts: Verdict[];
}

export interface ScaleSummary {
  title: string;
  rows: number;
  handover: ContenderSummary;
  verdicts: Verdict[];
}

const MIB = 1024 * 1024;

/** Median (the mean of the two middle values for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

/** Medians and peaks of one contender's rounds. */
export function summarizeContender(
  role: Role,
  label: string,
  command: string,
  rows: number,
  samples: RunSample[],
): ContenderSummary {
  const medianWallMs = median(samples.map((sample) => sample.wallMs));
  const medianZipBytes = median(samples.map((sample) => sample.zipBytes));
  return {
    role,
    label,
    command,
    samples,
    medianWallMs,
    rowsPerSecond: rows / (medianWallMs / 1000),
    zipMbPerSecond: medianZipBytes / 1e6 / (medianWallMs / 1000),
    medianZipBytes,
    medianUncompressedBytes: median(samples.map((sample) => sample.uncompressedBytes)),
    peakRssBytes: Math.max(...samples.map((sample) => sample.peakRssBytes)),
    treePeakRssBytes: Math.max(...samples.map((sample) => sample.treePeakRssBytes)),
  };
}

/** The peak RSS verdict for one handover contender. */
export function rssVerdict(handover: ContenderSummary, rows: number): Verdict {
  return {
    target: `handover peak RSS <= ${TARGET_PEAK_RSS_BYTES / MIB} MiB at ${rows.toLocaleString('en')} rows`,
    measured: `${(handover.peakRssBytes / MIB).toFixed(0)} MiB`,
    pass: handover.peakRssBytes <= TARGET_PEAK_RSS_BYTES,
  };
}

/** Ratio and verdicts of one comparison. */
export function summarizeComparison(
  id: ComparisonId,
  title: string,
  rows: number,
  targetRatio: number,
  handover: ContenderSummary,
  baseline: ContenderSummary,
): ComparisonSummary {
  const throughputRatio = handover.rowsPerSecond / baseline.rowsPerSecond;
  return {
    id,
    title,
    rows,
    rounds: handover.samples.length,
    handover,
    baseline,
    throughputRatio,
    verdicts: [
      {
        target: `throughput ratio handover/baseline >= ${targetRatio.toFixed(2)}x`,
        measured: `${throughputRatio.toFixed(2)}x`,
        pass: throughputRatio >= targetRatio,
      },
      rssVerdict(handover, rows),
    ],
  };
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

const HEADER = [
  ['contender', 24, false],
  ['median s', 9, true],
  ['rows/s', 10, true],
  ['zip MB/s', 9, true],
  ['zip MB', 9, true],
  ['data MB', 9, true],
  ['peak RSS MiB', 13, true],
  ['tree RSS MiB', 13, true],
] as const;

function contenderLine(summary: ContenderSummary): string {
  const cells = [
    summary.label,
    (summary.medianWallMs / 1000).toFixed(2),
    Math.round(summary.rowsPerSecond).toLocaleString('en'),
    summary.zipMbPerSecond.toFixed(1),
    (summary.medianZipBytes / 1e6).toFixed(1),
    (summary.medianUncompressedBytes / 1e6).toFixed(1),
    (summary.peakRssBytes / MIB).toFixed(0),
    (summary.treePeakRssBytes / MIB).toFixed(0),
  ];
  return HEADER.map(([, width, right], index) => pad(cells[index] ?? '', width, right)).join(' ');
}

function verdictLines(verdicts: Verdict[]): string[] {
  return verdicts.map(
    (verdict) => `  ${verdict.pass ? 'PASS' : 'MISS'}  ${verdict.target}: measured ${verdict.measured}`,
  );
}

function headerLine(): string {
  return HEADER.map(([name, width, right]) => pad(name, width, right)).join(' ');
}

function roundsLine(summary: ContenderSummary): string {
  const walls = summary.samples.map((sample) => (sample.wallMs / 1000).toFixed(2)).join(', ');
  return `  ${summary.label} rounds (s): ${walls}`;
}

/** The readable report: one block per comparison, then the scale check. */
export function formatReport(results: ComparisonSummary[], scale: ScaleSummary[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(
      '',
      `${result.title}: ${result.rows.toLocaleString('en')} tenant rows, ${result.rounds} rounds each, alternating (medians)`,
      headerLine(),
      contenderLine(result.handover),
      contenderLine(result.baseline),
      roundsLine(result.handover),
      roundsLine(result.baseline),
      ...verdictLines(result.verdicts),
    );
  }
  for (const result of scale) {
    lines.push(
      '',
      `${result.title}: ${result.rows.toLocaleString('en')} tenant rows, handover only`,
      headerLine(),
      contenderLine(result.handover),
      ...verdictLines(result.verdicts),
    );
  }
  lines.push(
    '',
    'rows/s: tenant rows / median wall time. zip MB: output size; data MB: uncompressed size of its entries.',
    'peak RSS: largest single process (kernel high-water mark); tree RSS: sampled sum over the process tree.',
  );
  return lines.join('\n');
}
