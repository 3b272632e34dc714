import { copyFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatVerifyReport, verifyArchive, verifyArchives } from '../../src/archive/verify.ts';
import { projectsTable, run, sampleTables, tempDir, writeExport } from './fixtures.ts';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

async function singleArchive(options: Parameters<typeof writeExport>[0] = { dir: '' }): Promise<string> {
  const { parts } = await writeExport({ ...options, dir });
  const location = parts[0]?.location;
  if (!location) throw new Error('no part written');
  return location;
}

function problemsOf(report: Awaited<ReturnType<typeof verifyArchives>>): string[] {
  return [...report.archives.flatMap((a) => a.problems), ...report.exports.flatMap((e) => e.problems)];
}

describe('handover verify on an intact archive', () => {
  it('passes, counting CSV rows whose quoted fields hold line breaks', async () => {
    const zip = await singleArchive();

    const report = await verifyArchive(zip);

    expect(problemsOf(report)).toEqual([]);
    expect(report.ok).toBe(true);
    const tasks = report.archives[0]?.files.find((f) => f.path === 'csv/tasks.csv');
    // 5 rows, two of them with LF and CRLF inside quotes: 9 physical lines after the header.
    expect(tasks).toMatchObject({ ok: true, rows: 5 });
    const { stdout } = await run('unzip', ['-p', zip, 'csv/tasks.csv']);
    expect(stdout.split('\n').length - 2).toBeGreaterThan(5);
    expect(report.exports[0]).toMatchObject({ complete: true, ok: true });
  });

  it('prints a line per file and a summary', async () => {
    const zip = await singleArchive();

    const text = formatVerifyReport(await verifyArchive(zip));

    expect(text).toContain('  OK    csv/tasks.csv  5 rows');
    expect(text).toContain('  OK    manifest.json');
    expect(text).toContain('  OK    README.txt');
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 archive, 5 files checked; all checks passed');
    expect(formatVerifyReport(await verifyArchive(zip), { quiet: true })).toBe('');
  });

  it('checks all parts of a split export together', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => [
      String(i),
      '7',
      `project ${i} ${'z'.repeat(40)}`,
      null,
      null,
    ]);
    const { parts } = await writeExport({
      dir,
      tables: [{ table: projectsTable, rows }, ...sampleTables().slice(1)],
      maxPartBytes: 6 * 1024,
      rowsPerBatch: 25,
      zlibLevel: 0,
    });
    expect(parts.length).toBeGreaterThan(2);

    const report = await verifyArchives(parts.map((p) => p.location));

    expect(problemsOf(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.exports).toHaveLength(1);
    expect(report.exports[0]).toMatchObject({ complete: true, ok: true });
    expect(report.exports[0]?.parts.map((p) => p.number)).toEqual(parts.map((p) => p.number));
  });
});

describe('handover verify detects damage', () => {
  it('finds one flipped byte inside a CSV file (CRC and sha256), as does unzip -t', async () => {
    const zip = await singleArchive({ dir, zlibLevel: 0 });
    const bytes = await readFile(zip);
    const at = bytes.indexOf('Project 2');
    expect(at).toBeGreaterThan(0);
    bytes[at] = 'Q'.charCodeAt(0);
    await writeFile(zip, bytes);

    const report = await verifyArchive(zip);

    expect(report.ok).toBe(false);
    const problems = problemsOf(report);
    expect(problems).toContainEqual(expect.stringMatching(/^zip: invalid CRC32 for csv\/projects\.csv/));
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^csv\/projects\.csv: sha256 mismatch \(manifest [0-9a-f]{12}\.\.\., actual [0-9a-f]{12}\.\.\.\)$/,
      ),
    );
    await expect(run('unzip', ['-t', zip])).rejects.toMatchObject({
      stdout: expect.stringMatching(/bad CRC/),
    });
  });

  it('finds a flipped byte in compressed data', async () => {
    const tables = sampleTables(200, 5);
    const zip = await singleArchive({ dir, tables });
    const { stdout } = await run('unzip', ['-v', zip]);
    expect(stdout).toMatch(/Defl:N/);
    const bytes = await readFile(zip);
    // The first entry's data starts after its 30-byte local header, its name and its extra field.
    const at = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28) + 200;
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    await writeFile(zip, bytes);

    const report = await verifyArchive(zip);

    expect(report.ok).toBe(false);
    expect(problemsOf(report).some((p) => p.includes('csv/projects.csv'))).toBe(true);
  });

  it('reports a CSV whose row count differs from the manifest', async () => {
    const zip = await singleArchive({
      dir,
      editManifest: (manifest) => {
        const tasks = manifest.files.find((f) => f.path === 'csv/tasks.csv');
        if (tasks) tasks.rows += 1;
      },
    });

    const report = await verifyArchive(zip);

    expect(report.ok).toBe(false);
    expect(problemsOf(report)).toContain('csv/tasks.csv: 5 rows, manifest says 6');
    expect(problemsOf(report)).toContain('table tasks: csv files hold 6 rows in all, manifest says 5');
  });

  it('reports a listed file that was removed from the zip', async () => {
    const zip = await singleArchive();
    await run('zip', ['-q', '-d', zip, 'csv/projects.csv']);

    const report = await verifyArchive(zip);

    expect(report.ok).toBe(false);
    expect(problemsOf(report)).toContain(
      'csv/projects.csv: listed in manifest.json but missing from the archive',
    );
  });

  it('reports a data file that the manifest does not list', async () => {
    const zip = await singleArchive();
    const extra = join(dir, 'csv');
    await run('mkdir', ['-p', extra]);
    await writeFile(join(extra, 'smuggled.csv'), 'a\n1\n');
    await run('zip', ['-q', zip, 'csv/smuggled.csv'], { cwd: dir });

    const report = await verifyArchive(zip);

    expect(report.ok).toBe(false);
    expect(problemsOf(report)).toContain(
      'csv/smuggled.csv: unexpected data file, not listed in manifest.json',
    );
  });

  it('reports a truncated download', async () => {
    const zip = await singleArchive();
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(zip));
    await truncate(zip, Math.floor(size / 2));

    const report = await verifyArchive(zip);

    expect(report.ok).toBe(false);
    expect(problemsOf(report)[0]).toMatch(/^zip: cannot open: .*truncated/);
  });

  it('reports a missing archive and a file that is not a zip', async () => {
    const notZip = join(dir, 'notes.zip');
    await writeFile(notZip, 'hello');

    const report = await verifyArchives([join(dir, 'absent.zip'), notZip]);

    expect(report.ok).toBe(false);
    expect(report.archives.map((a) => a.problems[0])).toEqual([
      'zip: cannot open: file not found',
      expect.stringMatching(/^zip: cannot open: /),
    ]);
  });

  it('reports an archive without a manifest', async () => {
    const zip = await singleArchive();
    await run('zip', ['-q', '-d', zip, 'manifest.json']);

    const report = await verifyArchive(zip);

    expect(report.ok).toBe(false);
    expect(problemsOf(report)).toContain(
      'manifest.json: missing from the archive, so no file can be checked against it',
    );
  });

  it('reports an invalid manifest precisely', async () => {
    const zip = await singleArchive({
      dir,
      editManifest: (manifest) => {
        const file = manifest.files[0];
        if (file) file.sha256 = 'nope';
      },
    }).catch((error: unknown) => error);
    // The writer refuses to serialize an invalid manifest, so build one by hand instead.
    expect(String(zip)).toMatch(/files\[0\]\.sha256: expected 64 lowercase hex characters/);

    const good = await singleArchive();
    await run('unzip', ['-q', good, 'manifest.json', '-d', join(dir, 'x')]);
    const path = join(dir, 'x', 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.files[1].rows = -1;
    await writeFile(path, JSON.stringify(manifest));
    await run('zip', ['-q', good, 'manifest.json'], { cwd: join(dir, 'x') });

    const report = await verifyArchive(good);

    expect(report.ok).toBe(false);
    expect(problemsOf(report)).toContain('manifest.json: files[1].rows: must not be negative');
  });
});

describe('handover verify across parts', () => {
  async function splitExport(): Promise<string[]> {
    const rows = Array.from({ length: 300 }, (_, i) => [
      String(i),
      '7',
      `project ${i} ${'z'.repeat(40)}`,
      null,
      null,
    ]);
    const { parts } = await writeExport({
      dir,
      tables: [{ table: projectsTable, rows }],
      maxPartBytes: 6 * 1024,
      rowsPerBatch: 25,
      zlibLevel: 0,
    });
    expect(parts.length).toBeGreaterThanOrEqual(3);
    return parts.map((p) => p.location);
  }

  it('reports a missing middle part', async () => {
    const paths = await splitExport();

    const report = await verifyArchives(paths.filter((_, i) => i !== 1));

    expect(report.ok).toBe(false);
    expect(report.exports[0]?.problems).toContain('part 2 not given');
  });

  it('reports a set without its last part', async () => {
    const paths = await splitExport();

    const report = await verifyArchives(paths.slice(0, -1));

    expect(report.ok).toBe(false);
    expect(report.exports[0]?.problems).toContainEqual(expect.stringMatching(/^the last part was not given/));
  });

  it('reports the same part given twice', async () => {
    const paths = await splitExport();
    const first = paths[0] ?? '';
    const copy = join(dir, 'copy-of-part-1.zip');
    await copyFile(first, copy);

    const report = await verifyArchives([...paths, copy]);

    expect(report.ok).toBe(false);
    expect(report.exports[0]?.problems[0]).toMatch(/^part 1 given more than once/);
  });

  it('accepts one part of several on its own, noting that totals were not checked', async () => {
    const paths = await splitExport();

    const report = await verifyArchive(paths[0] ?? '');

    expect(report.ok).toBe(true);
    expect(report.exports[0]?.complete).toBe(false);
    expect(report.exports[0]?.notes.join('\n')).toContain('row totals across parts not checked');
  });
});
