/**
 * Runs contenders: one timed run (fresh output directory, measure, read output sizes), the
 * alternating rounds of a comparison, and the check that handover's archive is sound: a benchmark
 * of a broken archive is worthless, so the first round's output goes through `handover verify` and
 * its manifest must count exactly the tenant's rows.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../src/archive/types.ts';
import type { Comparison, Contender } from './contenders.ts';
import { measure } from './measure.ts';
import type { ComparisonSummary, RunSample } from './report.ts';
import { summarizeComparison, summarizeContender } from './report.ts';
import { readZipText, zipInfo } from './zip-info.ts';

export interface RoundContext {
  /** Repository root: every command runs there. */
  cwd: string;
  /** Scratch directory for outputs. */
  workDirectory: string;
  /** The handover CLI command prefix, for `verify`. */
  handoverPrefix: string[];
  keepOutputs: boolean;
  log: (line: string) => void;
}

const MIB = 1024 * 1024;

/** The table whose rows are counted in the manifest. */
const BENCH_TABLE = 'bench_rows';

async function outputFiles(output: string, isDirectory: boolean): Promise<string[]> {
  if (!isDirectory) return [output];
  const names = (await readdir(output)).filter((name) => name.endsWith('.zip')).sort();
  return names.map((name) => join(output, name));
}

function lastLines(text: string, count = 15): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

/** Runs `handover verify` on the parts and checks the manifest's row count of bench_rows. */
async function checkHandoverArchive(context: RoundContext, files: string[], rows: number): Promise<void> {
  if (files.length === 0) throw new Error('handover wrote no .zip file');
  const verify = await measure([...context.handoverPrefix, 'verify', ...files], { cwd: context.cwd });
  if (verify.exitCode !== 0) {
    throw new Error(
      `handover verify failed (exit ${verify.exitCode}) on ${files.join(', ')}:\n${lastLines(verify.stderrTail || verify.stdoutTail)}`,
    );
  }
  // Every part carries a manifest; the last part's (part.isLast) counts cover the whole export. File
  // names do not sort by part: `<stem>.zip` is part 1 and sorts after `<stem>-part-02.zip`.
  let last = '';
  let manifest: Pick<Manifest, 'tables' | 'part'> | undefined;
  for (const file of files) {
    const text = await readZipText(file, 'manifest.json');
    if (text === null) throw new Error(`${file} has no manifest.json`);
    const parsed = JSON.parse(text) as Pick<Manifest, 'tables' | 'part'>;
    if (parsed.part?.isLast) {
      last = file;
      manifest = parsed;
    }
  }
  if (!manifest) throw new Error(`no part of ${files.join(', ')} says it is the last one`);
  const table = manifest.tables?.find((entry) => entry.name === BENCH_TABLE);
  if (table?.rows !== rows) {
    throw new Error(
      `manifest of ${last} counts ${table?.rows ?? 'no'} ${BENCH_TABLE} rows, expected ${rows}`,
    );
  }
  context.log(
    `    verified: handover verify passed in ${(verify.wallMs / 1000).toFixed(1)} s, manifest counts ${rows.toLocaleString('en')} rows`,
  );
}

/** One timed run of one contender; checks the output when `check` is set, then deletes it. */
export async function runOnce(
  context: RoundContext,
  contender: Contender,
  name: string,
  round: number,
  rows: number,
  check: boolean,
): Promise<RunSample> {
  const runDirectory = join(context.workDirectory, `${name}-${contender.role}-${round}`);
  await rm(runDirectory, { recursive: true, force: true });
  await mkdir(runDirectory, { recursive: true });
  const plan = contender.plan(runDirectory);
  const result = await measure(plan.command, { cwd: context.cwd, ...(plan.env ? { env: plan.env } : {}) });
  if (result.exitCode !== 0) {
    throw new Error(
      `${contender.label} failed (exit ${result.exitCode}):\n${lastLines(result.stderrTail || result.stdoutTail)}`,
    );
  }
  const files = await outputFiles(plan.output, plan.outputIsDirectory);
  let zipBytes = 0;
  let uncompressedBytes = 0;
  for (const file of files) {
    const info = await zipInfo(file);
    zipBytes += info.zipBytes;
    uncompressedBytes += info.uncompressedBytes;
  }
  context.log(
    `  ${name} round ${round}: ${contender.label.padEnd(24)} ${(result.wallMs / 1000).toFixed(2).padStart(8)} s` +
      `  peak RSS ${(result.peakRssBytes / MIB).toFixed(0).padStart(5)} MiB` +
      `  zip ${(zipBytes / 1e6).toFixed(1)} MB`,
  );
  if (check && contender.role === 'handover') await checkHandoverArchive(context, files, rows);
  if (!context.keepOutputs) await rm(runDirectory, { recursive: true, force: true });
  return {
    round,
    wallMs: result.wallMs,
    peakRssBytes: result.peakRssBytes,
    treePeakRssBytes: result.treePeakRssBytes,
    zipBytes,
    uncompressedBytes,
    files: files.length,
  };
}

/** Rounds A B A B ...: handover then baseline in every round, the first round's archive verified. */
export async function runComparison(
  context: RoundContext,
  comparison: Comparison,
  rounds: number,
): Promise<ComparisonSummary> {
  const rows = comparison.dataset.rows;
  context.log(`\n${comparison.title}: ${rows.toLocaleString('en')} rows, ${rounds} rounds`);
  const handoverSamples: RunSample[] = [];
  const baselineSamples: RunSample[] = [];
  for (let round = 1; round <= rounds; round++) {
    handoverSamples.push(
      await runOnce(context, comparison.handover, comparison.id, round, rows, round === 1),
    );
    baselineSamples.push(
      await runOnce(context, comparison.baseline, comparison.id, round, rows, round === 1),
    );
  }
  return summarizeComparison(
    comparison.id,
    comparison.title,
    rows,
    comparison.targetRatio,
    summarizeContender(
      'handover',
      comparison.handover.label,
      comparison.handover.display,
      rows,
      handoverSamples,
    ),
    summarizeContender(
      'baseline',
      comparison.baseline.label,
      comparison.baseline.display,
      rows,
      baselineSamples,
    ),
  );
}
