import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { CsvRowCounter } from './csv-row-counter.ts';
import { ManifestError } from './errors.ts';
import { parseManifest } from './manifest.ts';
import type { Manifest, ManifestFile } from './types.ts';

/** The entries every part carries besides its data files. */
const MANIFEST_PATH = 'manifest.json';
const FIXED_ENTRIES = ['README.txt', MANIFEST_PATH, 'schema.sql'] as const;
/** A manifest is a few hundred KiB at most; refuse to load anything absurd into memory. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** The outcome of checking one file inside one archive. */
export interface FileCheck {
  path: string;
  ok: boolean;
  /** Uncompressed bytes read (absent when the file could not be read, or is missing). */
  bytes?: number;
  /** CSV only: data rows counted by parsing (header excluded). */
  rows?: number;
  problems: string[];
}

/** The outcome of checking one zip file. */
export interface ArchiveCheck {
  /** The path as given. */
  path: string;
  ok: boolean;
  /** The parsed manifest, when it could be read and is valid. */
  manifest: Manifest | null;
  /** Every entry of the zip, in zip order, then every listed file that is missing. */
  files: FileCheck[];
  /** Every problem of this archive, one precise line each, e.g. `csv/tasks.csv: 1203 rows, manifest says 1204`. */
  problems: string[];
}

/** The outcome of checking the parts of one export (same tenant and snapshot) given together. */
export interface ExportCheck {
  tenant: string;
  snapshotTakenAt: string;
  /** Part numbers given, ascending, with the archive path of each. */
  parts: { number: number; archive: string }[];
  /** All parts 1..N are present, exactly one says it is the last, none twice. */
  complete: boolean;
  ok: boolean;
  problems: string[];
  /** Things worth saying that are not failures (e.g. one part of several checked on its own). */
  notes: string[];
}

export interface VerifyReport {
  ok: boolean;
  archives: ArchiveCheck[];
  exports: ExportCheck[];
}

/**
 * Checks one archive part: zip structure and every entry's CRC-32, manifest.json, every listed file's
 * size and SHA-256, no unlisted data file, and every CSV's records counted by row boundaries (LF outside quotes).
 *
 * @example
 * const report = await verifyArchive('handover-acme-20250101T000000Z.zip');
 * if (!report.ok) console.error(formatVerifyReport(report));
 */
export async function verifyArchive(path: string): Promise<VerifyReport> {
  return verifyArchives([path]);
}

/**
 * Checks several archives, each as {@link verifyArchive} does, then the parts of each export together:
 * part numbers contiguous from 1, exactly one last part, and per-table row totals across the parts
 * equal to the last manifest's `tables[].rows`. Parts of several exports may be mixed.
 */
export async function verifyArchives(paths: string[]): Promise<VerifyReport> {
  const archives: ArchiveCheck[] = [];
  // One at a time: each check streams whole files, and the machine's disks and cores are shared.
  for (const path of paths) archives.push(await checkArchive(path));
  const exports = checkExports(archives);
  const ok = archives.length > 0 && archives.every((a) => a.ok) && exports.every((e) => e.ok);
  return { ok, archives, exports };
}

// --- one archive -------------------------------------------------------------------------------------

async function checkArchive(path: string): Promise<ArchiveCheck> {
  const check: ArchiveCheck = { path, ok: false, manifest: null, files: [], problems: [] };
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      strictFileNames: true,
    });
  } catch (error) {
    check.problems.push(`zip: cannot open: ${describeOpenError(error)}`);
    return check;
  }
  const lateErrors: string[] = [];
  try {
    const entries = await readCentralDirectory(zip, check.problems);
    zip.on('error', (error: unknown) => lateErrors.push(`zip: ${message(error)}`));
    await checkEntries(zip, entries, check);
  } finally {
    zip.close();
  }
  check.problems.push(...lateErrors);
  check.ok = check.problems.length === 0;
  return check;
}

/** Lists the entries (no file data read yet); a damaged central directory is a problem, not a crash. */
async function readCentralDirectory(zip: yauzl.ZipFile, problems: string[]): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  const seen = new Set<string>();
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      if (seen.has(entry.fileName)) problems.push(`zip: ${entry.fileName} appears twice`);
      seen.add(entry.fileName);
      entries.push(entry);
    }
  } catch (error) {
    problems.push(`zip: damaged central directory: ${message(error)}`);
  }
  return entries;
}

async function checkEntries(zip: yauzl.ZipFile, entries: yauzl.Entry[], check: ArchiveCheck): Promise<void> {
  const byName = new Map(entries.map((e) => [e.fileName, e]));
  const loaded = await loadManifest(zip, byName.get(MANIFEST_PATH));
  const manifest = loaded.manifest;
  check.manifest = manifest;
  if (!byName.has(MANIFEST_PATH)) check.problems.push(...loaded.problems);
  const listed = new Map((manifest?.files ?? []).map((f) => [f.path, f]));
  const columnCounts = new Map((manifest?.tables ?? []).map((t) => [t.name, t.columns.length]));

  for (const entry of entries) {
    const name = entry.fileName;
    const file = listed.get(name);
    const result: FileCheck = { path: name, ok: false, problems: [] };
    check.files.push(result);
    if (name === MANIFEST_PATH) {
      result.bytes = entry.uncompressedSize;
      result.problems.push(...loaded.problems);
    } else {
      if (!file && !(FIXED_ENTRIES as readonly string[]).includes(name)) {
        const what = /^(csv|xlsx)\//.test(name) ? 'data file' : 'file';
        result.problems.push(
          manifest
            ? `${name}: unexpected ${what}, not listed in manifest.json`
            : `${name}: cannot be checked without a valid manifest.json`,
        );
      }
      if (entry.isEncrypted()) {
        result.problems.push(`${name}: encrypted entries are not supported`);
      } else {
        const expectColumns = file?.format === 'csv' ? columnCounts.get(file.table) : undefined;
        const content = await readEntry(zip, entry, file?.format === 'csv', expectColumns);
        result.problems.push(...content.problems);
        if (content.bytes !== undefined) result.bytes = content.bytes;
        if (content.rows !== undefined) result.rows = content.rows;
        if (file && content.sha256 !== undefined) result.problems.push(...compare(file, content));
      }
    }
    result.ok = result.problems.length === 0;
    check.problems.push(...result.problems);
  }

  for (const file of manifest?.files ?? []) {
    if (!byName.has(file.path)) {
      const problem = `${file.path}: listed in manifest.json but missing from the archive`;
      check.files.push({ path: file.path, ok: false, problems: [problem] });
      check.problems.push(problem);
    }
  }
  for (const fixed of FIXED_ENTRIES) {
    if (fixed !== MANIFEST_PATH && !byName.has(fixed))
      check.problems.push(`${fixed}: missing from the archive`);
  }
}

async function loadManifest(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry | undefined,
): Promise<{ manifest: Manifest | null; problems: string[] }> {
  if (!entry) {
    return {
      manifest: null,
      problems: [`${MANIFEST_PATH}: missing from the archive, so no file can be checked against it`],
    };
  }
  if (entry.uncompressedSize > MAX_MANIFEST_BYTES) {
    return {
      manifest: null,
      problems: [`${MANIFEST_PATH}: ${entry.uncompressedSize} bytes is too large to be a manifest`],
    };
  }
  const chunks: Buffer[] = [];
  const content = await readEntry(zip, entry, false, undefined, (chunk) => chunks.push(chunk));
  if (content.problems.length > 0) return { manifest: null, problems: content.problems };
  try {
    return { manifest: parseManifest(Buffer.concat(chunks).toString('utf8')), problems: [] };
  } catch (error) {
    const problems =
      error instanceof ManifestError && error.issues.length > 0
        ? error.issues.map((issue) => `${MANIFEST_PATH}: ${issue}`)
        : [`${MANIFEST_PATH}: ${message(error).replace(/^manifest\.json:?\s*/, '')}`];
    return { manifest: null, problems };
  }
}

function compare(file: ManifestFile, actual: EntryContent): string[] {
  const problems: string[] = [];
  if (actual.bytes !== file.bytes) {
    problems.push(`${file.path}: ${actual.bytes} bytes, manifest says ${file.bytes}`);
  }
  if (actual.sha256 !== file.sha256) {
    problems.push(
      `${file.path}: sha256 mismatch (manifest ${short(file.sha256)}, actual ${short(actual.sha256 ?? '')})`,
    );
  }
  if (actual.rows !== undefined && actual.rows !== file.rows) {
    problems.push(`${file.path}: ${actual.rows} rows, manifest says ${file.rows}`);
  }
  return problems;
}

interface EntryContent {
  bytes?: number;
  sha256?: string;
  rows?: number;
  problems: string[];
}

/**
 * Streams one entry once: SHA-256, byte count and CRC-32 (yauzl does not check CRCs), and for CSV
 * the records counted by row boundaries (quoted fields may hold line breaks, so lines are not rows).
 */
async function readEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  csv: boolean,
  expectColumns: number | undefined,
  onChunk?: (chunk: Buffer) => void,
): Promise<EntryContent> {
  const name = entry.fileName;
  const hash = createHash('sha256');
  let crc = 0;
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hash.update(chunk);
      crc = crc32(chunk, crc);
      bytes += chunk.length;
      onChunk?.(chunk);
      callback(null, chunk);
    },
  });
  const counter = csv ? new CsvRowCounter() : null;
  const discard = new Writable({
    write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void) {
      counter?.push(chunk);
      callback();
    },
  });
  try {
    const stream = await zip.openReadStreamPromise(entry);
    await pipeline(stream, measure, discard);
  } catch (error) {
    // The stream stops at the first error, so the CRC below would only repeat it.
    return { problems: [readProblem(name, error, csv)] };
  }
  const problems: string[] = [];
  if (crc >>> 0 !== entry.crc32 >>> 0) {
    problems.push(`zip: invalid CRC32 for ${name} (expected ${hex8(entry.crc32)}, data gives ${hex8(crc)})`);
  }
  const headerColumns = counter?.headerColumns();
  if (csv && expectColumns !== undefined && headerColumns !== undefined && headerColumns !== expectColumns) {
    problems.push(`${name}: header has ${headerColumns} columns, manifest lists ${expectColumns}`);
  }
  const content: EntryContent = { bytes, sha256: hash.digest('hex'), problems };
  if (counter) {
    if (counter.unterminated) problems.push(`${name}: not valid CSV: a quoted field is never closed`);
    content.rows = Math.max(0, counter.records - 1);
  }
  return content;
}

function readProblem(name: string, error: unknown, csv: boolean): string {
  const code = isRecord(error) && typeof error.code === 'string' ? error.code : '';
  if (csv && code.startsWith('CSV_')) return `${name}: not valid CSV: ${message(error)}`;
  return `zip: cannot read ${name}: ${message(error)}`;
}

// --- several parts of one export ----------------------------------------------------------------

function checkExports(archives: ArchiveCheck[]): ExportCheck[] {
  const groups = new Map<string, { manifest: Manifest; archive: string }[]>();
  for (const archive of archives) {
    const manifest = archive.manifest;
    if (!manifest) continue;
    const key = JSON.stringify([manifest.tenant, manifest.snapshotTakenAt, manifest.jobId]);
    const group = groups.get(key) ?? [];
    group.push({ manifest, archive: archive.path });
    groups.set(key, group);
  }
  return [...groups.values()].map(checkExport);
}

function checkExport(given: { manifest: Manifest; archive: string }[]): ExportCheck {
  const first = given[0];
  if (!first) throw new Error('empty export group');
  const problems: string[] = [];
  const notes: string[] = [];
  const sorted = [...given].sort((a, b) => a.manifest.part.number - b.manifest.part.number);
  const byNumber = new Map<number, string[]>();
  for (const part of sorted) {
    const list = byNumber.get(part.manifest.part.number) ?? [];
    list.push(basename(part.archive));
    byNumber.set(part.manifest.part.number, list);
  }
  for (const [number, names] of byNumber) {
    if (names.length > 1) problems.push(`part ${number} given more than once (${names.join(', ')})`);
  }

  const lasts = sorted.filter((p) => p.manifest.part.isLast);
  const highest = sorted.at(-1)?.manifest.part.number ?? 0;
  const expectedCount = lasts.length === 1 ? (lasts[0]?.manifest.part.number ?? 0) : highest;
  const missing: number[] = [];
  for (let n = 1; n <= expectedCount; n++) if (!byNumber.has(n)) missing.push(n);
  const severity = given.length > 1 ? problems : notes;

  if (lasts.length > 1) {
    problems.push(
      `parts ${lasts.map((p) => p.manifest.part.number).join(' and ')} all say they are the last part`,
    );
  }
  if (lasts.length === 1 && highest > expectedCount) {
    problems.push(`part ${highest} comes after part ${expectedCount}, which says it is the last`);
  }
  if (missing.length > 0)
    severity.push(`${missing.length === 1 ? 'part' : 'parts'} ${missing.join(', ')} not given`);
  if (lasts.length === 0) severity.push(`the last part was not given (the highest part given is ${highest})`);

  const complete = lasts.length === 1 && missing.length === 0 && problems.length === 0;
  const last = lasts[0];
  if (complete && last)
    problems.push(
      ...checkTotals(
        last.manifest,
        sorted.map((p) => p.manifest),
      ),
    );
  else if (problems.length === 0) notes.push('row totals across parts not checked: not every part was given');

  return {
    tenant: first.manifest.tenant,
    snapshotTakenAt: first.manifest.snapshotTakenAt,
    parts: sorted.map((p) => ({ number: p.manifest.part.number, archive: p.archive })),
    complete,
    ok: problems.length === 0,
    problems,
    notes,
  };
}

/** The last manifest's `tables[].rows` must equal the rows of that table's files in all parts, per format. */
function checkTotals(last: Manifest, manifests: Manifest[]): string[] {
  const problems: string[] = [];
  const files = manifests.flatMap((m) => m.files);
  for (const table of last.tables) {
    for (const format of last.formats) {
      const own = files.filter((f) => f.table === table.name && f.format === format);
      const rows = own.reduce((sum, f) => sum + f.rows, 0);
      if (own.length === 0) {
        problems.push(`table ${table.name}: no ${format} file in any part`);
        continue;
      }
      if (rows !== table.rows) {
        problems.push(
          `table ${table.name}: ${format} files hold ${rows} rows in all, manifest says ${table.rows}`,
        );
      }
      const chunks = own.map((f) => f.chunk).sort((a, b) => a - b);
      if (chunks.some((chunk, i) => chunk !== i + 1)) {
        problems.push(
          `table ${table.name}: ${format} file chunks ${chunks.join(', ')} are not 1 to ${chunks.length}`,
        );
      }
    }
  }
  return problems;
}

// --- report text ------------------------------------------------------------------------------------

/**
 * The report for people: a line per file (OK or the problem), the export-level checks and a summary.
 * `quiet` prints only problems (nothing at all when everything is OK).
 */
export function formatVerifyReport(report: VerifyReport, options: { quiet?: boolean } = {}): string {
  const lines: string[] = [];
  for (const archive of report.archives) {
    const name = basename(archive.path);
    if (options.quiet) {
      for (const problem of archive.problems) lines.push(`${name}: ${problem}`);
      continue;
    }
    const part = archive.manifest
      ? ` (tenant ${archive.manifest.tenant}, part ${archive.manifest.part.number})`
      : '';
    lines.push(`${archive.path}${part}`);
    const shown = new Set<string>();
    for (const file of archive.files) {
      if (file.ok) {
        const rows = file.rows !== undefined ? `  ${plural(file.rows, 'row')}` : '';
        lines.push(`  OK    ${file.path}${rows}`);
      }
      for (const problem of file.problems) {
        lines.push(`  FAIL  ${problem}`);
        shown.add(problem);
      }
    }
    for (const problem of archive.problems) if (!shown.has(problem)) lines.push(`  FAIL  ${problem}`);
  }
  for (const group of report.exports) {
    const label = `export of tenant ${group.tenant} at ${group.snapshotTakenAt}`;
    if (options.quiet) {
      for (const problem of group.problems) lines.push(`${label}: ${problem}`);
      continue;
    }
    const numbers = group.parts.map((p) => p.number).join(', ');
    const status = group.ok ? (group.complete ? 'OK, complete' : 'OK') : 'FAIL';
    const which =
      group.parts.length === 1 ? `part ${numbers}` : `${plural(group.parts.length, 'part')} (${numbers})`;
    lines.push(`${label}: ${which} given: ${status}`);
    for (const problem of group.problems) lines.push(`  FAIL  ${problem}`);
    for (const note of group.notes) lines.push(`  note  ${note}`);
  }
  if (options.quiet && report.ok) return '';
  const problemCount =
    report.archives.reduce((sum, a) => sum + a.problems.length, 0) +
    report.exports.reduce((sum, e) => sum + e.problems.length, 0);
  const fileCount = report.archives.reduce((sum, a) => sum + a.files.length, 0);
  const verdict = report.ok ? 'all checks passed' : `${plural(problemCount, 'problem')}: verification FAILED`;
  const what =
    report.archives.length === 0
      ? 'no archive given'
      : `${plural(report.archives.length, 'archive')}, ${plural(fileCount, 'file')} checked`;
  lines.push(`${what}; ${verdict}`);
  return `${lines.join('\n')}\n`;
}

// --- helpers ---------------------------------------------------------------------------------------

function describeOpenError(error: unknown): string {
  const code = isRecord(error) && typeof error.code === 'string' ? error.code : '';
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory, not a zip file';
  const text = message(error);
  if (/end of central directory record signature not found/i.test(text)) {
    return `${text} (not a zip file, or truncated: download it again)`;
  }
  return text;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function short(sha: string): string {
  return `${sha.slice(0, 12)}...`;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
