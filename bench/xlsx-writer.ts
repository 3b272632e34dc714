/**
 * Micro benchmark of the XLSX writer alone (no database): handover's streaming writer against a
 * plain exceljs streaming WorkbookWriter (`addRow(values).commit()` per row, the documented way), on
 * the same mixed rows, written to a sink that discards the bytes.
 *
 *   node --import tsx bench/xlsx-writer.ts [--rows 200000] [--rounds 3]
 *
 * Every measurement runs in its own child process so that each one's peak RSS is its own; variants
 * alternate within each round. Prints median rows/s, the ratio to exceljs, and peak RSS (the kernel's
 * high-water mark, and the highest `process.memoryUsage().rss` sampled every 20 ms).
 * `exceljs+yield` is exceljs with the known workaround (yield to the event loop every 100 rows).
 */
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import type { CatalogColumn, LogicalType } from '../src/catalog/types.ts';
import { createXlsxWriter } from '../src/encode/xlsx.ts';
import type { TextRow } from '../src/sources/types.ts';

const VARIANTS = ['handover', 'exceljs', 'exceljs+yield'] as const;
type Variant = (typeof VARIANTS)[number];

interface RoundResult {
  variant: Variant;
  rows: number;
  ms: number;
  bytes: number;
  maxRssBytes: number;
  sampledRssBytes: number;
  /** RSS before writing (node, tsx, exceljs loaded, the row pool built). */
  startRssBytes: number;
}

const BATCH = 1000;
/** Distinct rows generated up front and cycled, so RSS measures the writer, not the test data. */
const POOL = 5000;

const col = (name: string, type: LogicalType, sourceType: string): CatalogColumn => ({
  name,
  type,
  sourceType,
  nullable: true,
  generated: false,
});

const COLUMNS: CatalogColumn[] = [
  col('id', 'bigint', 'bigint'),
  col('company_id', 'integer', 'integer'),
  col('name', 'text', 'text'),
  col('notes', 'text', 'text'),
  col('amount', 'decimal', 'numeric(12,2)'),
  col('paid', 'boolean', 'boolean'),
  col('created_at', 'timestamptz', 'timestamp with time zone'),
  col('due_on', 'date', 'date'),
  col('meta', 'json', 'jsonb'),
  col('reference', 'text', 'text'),
];

const NOTES = [
  'Delivered the quarterly report, "final" version; client asked for a call.',
  'Réunion avec le client à Zürich — budget révisé, TVA incluse.',
  'Line one\nline two, with a comma\nand a third line 😀',
  '見積書を送付しました。確認をお願いします。',
  'Short note',
];

/** Canonical text rows, as a source yields them. */
function textRows(n: number): TextRow[] {
  const rows: TextRow[] = [];
  for (let i = 1; i <= n; i += 1) {
    const day = 1 + (i % 28);
    const month = 1 + (i % 12);
    rows.push([
      String(1_000_000_000 + i),
      '42',
      `Client ${i % 997} Ltd`,
      `${NOTES[i % NOTES.length]} #${i}`,
      `${(i * 37) % 100_000}.${String(i % 100).padStart(2, '0')}`,
      i % 3 === 0 ? 'false' : 'true',
      `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:07.123456Z`,
      `2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      `{"source":"import","line":${i % 50},"tags":["a","b"]}`,
      i % 5 === 0 ? null : `REF-${i}`,
    ]);
  }
  return rows;
}

/** The same rows as the typed JavaScript values a developer hands to exceljs (pg's default parsing). */
function typedRows(rows: TextRow[]): unknown[][] {
  return rows.map((row) =>
    row.map((value, i) => {
      if (value === null) return null;
      switch (COLUMNS[i]?.type) {
        case 'bigint':
        case 'integer':
        case 'decimal':
          return Number(value);
        case 'boolean':
          return value === 'true';
        case 'timestamptz':
        case 'date':
          return new Date(value);
        default:
          return value;
      }
    }),
  );
}

class Discard extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

async function runHandover(pool: TextRow[], n: number): Promise<number> {
  const sink = new Discard();
  const level = option('level', '');
  const writer = createXlsxWriter({
    columns: COLUMNS,
    sheetName: 'bench_rows',
    ...(level === '' ? {} : { compressionLevel: Number(level) }),
  });
  const done = pipeline(writer.output, sink);
  for (let i = 0; i < n; i += BATCH) {
    const start = i % pool.length;
    await writer.addRows(pool.slice(start, start + Math.min(BATCH, n - i)));
  }
  await writer.finish();
  await done;
  return sink.bytes;
}

async function runExceljs(pool: unknown[][], n: number, yieldEvery: number | undefined): Promise<number> {
  const sink = new Discard();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: sink,
    useSharedStrings: false,
    useStyles: true,
  });
  const sheet = workbook.addWorksheet('bench_rows');
  sheet.addRow(COLUMNS.map((c) => c.name)).commit();
  for (let i = 0; i < n; i += 1) {
    sheet.addRow(pool[i % pool.length] as unknown[]).commit();
    if (yieldEvery !== undefined && (i + 1) % yieldEvery === 0)
      await new Promise((resolve) => setImmediate(resolve));
  }
  sheet.commit();
  await workbook.commit();
  return sink.bytes;
}

/** One measurement, in this (child) process; prints a JSON line. */
async function child(variant: Variant, n: number): Promise<void> {
  const rows = textRows(POOL);
  const typed = variant === 'handover' ? [] : typedRows(rows);
  const startRssBytes = process.memoryUsage().rss;
  let sampled = startRssBytes;
  const timer = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 20);
  const start = performance.now();
  const bytes =
    variant === 'handover'
      ? await runHandover(rows, n)
      : await runExceljs(typed, n, variant === 'exceljs+yield' ? 100 : undefined);
  const ms = performance.now() - start;
  clearInterval(timer);
  sampled = Math.max(sampled, process.memoryUsage().rss);
  const result: RoundResult = {
    variant,
    rows: n,
    ms,
    bytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    sampledRssBytes: sampled,
    startRssBytes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

function main(n: number, rounds: number): void {
  const self = fileURLToPath(import.meta.url);
  const results: RoundResult[] = [];
  for (let round = 0; round < rounds; round += 1) {
    // Alternate the order so that neither variant always runs on a warmer (or busier) machine.
    const order = round % 2 === 0 ? [...VARIANTS] : [...VARIANTS].reverse();
    for (const variant of order) {
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', self, '--child', variant, '--rows', String(n)],
        {
          encoding: 'utf8',
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      if (run.status !== 0) throw new Error(`${variant} failed: ${run.stderr}`);
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as RoundResult;
      results.push(result);
      console.error(
        `round ${round + 1} ${variant.padEnd(14)} ${Math.round((n / result.ms) * 1000).toLocaleString('en-US')} rows/s, peak RSS ${mib(result.maxRssBytes)}`,
      );
    }
  }
  const rate = (variant: Variant) =>
    median(results.filter((r) => r.variant === variant).map((r) => (r.rows / r.ms) * 1000));
  const base = rate('exceljs');
  console.log(
    `\nXLSX writer, ${n.toLocaleString('en-US')} rows x ${COLUMNS.length} columns, ${rounds} rounds (medians)`,
  );
  console.log(
    'variant          rows/s     vs exceljs  output    peak RSS (max)  sampled RSS (max)  RSS before',
  );
  for (const variant of VARIANTS) {
    const mine = results.filter((r) => r.variant === variant);
    const r = rate(variant);
    console.log(
      [
        variant.padEnd(15),
        Math.round(r).toLocaleString('en-US').padStart(9),
        `${(r / base).toFixed(2)}x`.padStart(11),
        mib(median(mine.map((m) => m.bytes))).padStart(9),
        mib(Math.max(...mine.map((m) => m.maxRssBytes))).padStart(15),
        mib(Math.max(...mine.map((m) => m.sampledRssBytes))).padStart(18),
        mib(median(mine.map((m) => m.startRssBytes))).padStart(11),
      ].join(' '),
    );
  }
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : (process.argv[i + 1] ?? fallback);
}

const rowsOption = Number(option('rows', '200000'));
const childVariant = option('child', '');
if (childVariant !== '') {
  if (!(VARIANTS as readonly string[]).includes(childVariant))
    throw new Error(`unknown variant ${childVariant}`);
  await child(childVariant as Variant, rowsOption);
} else {
  main(rowsOption, Number(option('rounds', '3')));
}
