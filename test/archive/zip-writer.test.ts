import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDirectorySink } from '../../src/archive/local-sink.ts';
import type { PartSink } from '../../src/archive/types.ts';
import { verifyArchive } from '../../src/archive/verify.ts';
import { ArchiveWriter } from '../../src/archive/zip-writer.ts';
import { run, tempDir, writeExport } from './fixtures.ts';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('ArchiveWriter with the directory sink', () => {
  it('writes a multi-entry archive that unzip and handover verify both accept', async () => {
    const { parts, manifests } = await writeExport({ dir });

    expect(parts).toHaveLength(1);
    const [part] = parts;
    if (!part) throw new Error('no part');
    expect(part.location).toBe(join(dir, 'handover-acme-20250630T120000Z-part-01.zip'));
    const zip = await readFile(part.location);
    expect(part.bytes).toBe(zip.length);
    expect(part.sha256).toBe(sha256(zip));

    const { stdout } = await run('unzip', ['-t', part.location]);
    expect(stdout).toContain('No errors detected');
    const { stdout: listing } = await run('unzip', ['-Z1', part.location]);
    expect(listing.trim().split('\n')).toEqual([
      'csv/projects.csv',
      'csv/tasks.csv',
      'README.txt',
      'manifest.json',
      'schema.sql',
    ]);

    const report = await verifyArchive(part.location);
    expect(report.archives[0]?.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(manifests[0]?.files.map((f) => [f.path, f.rows])).toEqual([
      ['csv/projects.csv', 3],
      ['csv/tasks.csv', 5],
    ]);
  });

  it('leaves no temp file when aborted while a part is still opening', async () => {
    const directory = createDirectorySink(dir);
    let release: () => void = () => {};
    const slowSink: PartSink = {
      async openPart(fileName) {
        const upload = await directory.openPart(fileName);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return upload;
      },
    };
    const writer = new ArchiveWriter({ sink: slowSink, partFileName: () => 'slow.zip' });
    const adding = writer.addEntry('csv/a.csv', Readable.from([Buffer.from('a\n')]));
    adding.catch(() => undefined);
    await vi.waitFor(async () => expect(await readdir(dir)).toEqual(['.slow.zip.partial']));

    const aborting = writer.abort();
    release();
    await aborting;

    expect(await readdir(dir)).toEqual([]);
    await expect(adding).rejects.toThrow(/aborted/);
  });

  it('stores an entry uncompressed when asked, as it does for .xlsx workbooks', async () => {
    const writer = new ArchiveWriter({ sink: createDirectorySink(dir), partFileName: () => 'stored.zip' });
    const text = 'same line again\n'.repeat(2000);
    await writer.addEntry('xlsx/already-compressed.xlsx', Readable.from([Buffer.from(text)]), {
      store: true,
    });
    await writer.addEntry('csv/compressible.csv', Readable.from([Buffer.from(text)]));
    const part = await writer.closePart(() => []);

    const { stdout } = await run('unzip', ['-v', part.location]);
    const line = (name: string) => stdout.split('\n').find((l) => l.includes(name)) ?? '';
    expect(line('xlsx/already-compressed.xlsx')).toContain('Stored');
    expect(line('csv/compressible.csv')).toContain('Defl');
  });

  it('records each entry with the size and sha256 of exactly the bytes that went in', async () => {
    const writer = new ArchiveWriter({ sink: createDirectorySink(dir), partFileName: () => 'a.zip' });
    const text = 'id,name\n1,"Zoë, ""the"" boss"\n';
    const chunks = [Buffer.from('x'.repeat(70_000)), Buffer.from('y'.repeat(10)), Buffer.from('€')];

    const fromString = await writer.addEntry('csv/a.csv', text);
    const fromStream = await writer.addEntry('csv/b.csv', Readable.from(chunks));
    const empty = await writer.addEntry('csv/empty.csv', Readable.from([]));
    await writer.closePart(() => [{ path: 'manifest.json', data: '{}' }]);

    expect(fromString).toEqual({ path: 'csv/a.csv', bytes: Buffer.byteLength(text), sha256: sha256(text) });
    const all = Buffer.concat(chunks);
    expect(fromStream).toEqual({ path: 'csv/b.csv', bytes: all.length, sha256: sha256(all) });
    expect(empty).toEqual({ path: 'csv/empty.csv', bytes: 0, sha256: sha256('') });
    const { stdout } = await run('unzip', ['-p', join(dir, 'a.zip'), 'csv/b.csv'], { maxBuffer: 1 << 20 });
    expect(sha256(stdout)).toBe(sha256(all));
  });

  it('splits an export into self-contained parts when the caller rolls at a size limit', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => [
      String(i),
      '7',
      `${randomBytes(24).toString('hex')} row ${i}`,
      null,
      null,
    ]);
    const { projectsTable } = await import('./fixtures.ts');
    const { parts, manifests } = await writeExport({
      dir,
      tables: [{ table: projectsTable, rows }],
      maxPartBytes: 8 * 1024,
      rowsPerBatch: 20,
      zlibLevel: 0,
    });

    expect(parts.length).toBeGreaterThan(2);
    expect(manifests.map((m) => m.part.isLast)).toEqual(parts.map((_, i) => i === parts.length - 1));
    expect(manifests.map((m) => m.files[0]?.path)).toEqual(
      parts.map((_, i) =>
        i === 0 ? 'csv/projects.csv' : `csv/projects.${String(i + 1).padStart(4, '0')}.csv`,
      ),
    );
    expect(manifests.flatMap((m) => m.files).reduce((sum, f) => sum + f.rows, 0)).toBe(400);
    for (const part of parts) {
      const { stdout } = await run('unzip', ['-t', part.location]);
      expect(stdout).toContain('No errors detected');
      // Every part is self-contained: its own README, manifest and schema.
      const { stdout: listing } = await run('unzip', ['-Z1', part.location]);
      expect(listing).toContain('README.txt');
      expect(listing).toContain('manifest.json');
      expect(listing).toContain('schema.sql');
    }
  });

  it('reports the part size growing while an entry is still being written', async () => {
    const writer = new ArchiveWriter({
      sink: createDirectorySink(dir),
      partFileName: () => 'a.zip',
      zlibLevel: 0,
    });
    const input = new PassThrough();
    const done = writer.addEntry('csv/big.csv', input);
    for (let i = 0; i < 8; i++) {
      if (!input.write(randomBytes(64 * 1024))) await new Promise((resolve) => input.once('drain', resolve));
    }

    // The entry is still open: its bytes must show in partBytes before it ends.
    await vi.waitFor(() => expect(writer.partBytes).toBeGreaterThan(256 * 1024), { timeout: 30_000 });
    input.end();
    const record = await done;
    const part = await writer.closePart(() => []);

    expect(record.bytes).toBe(512 * 1024);
    expect(part.bytes).toBeGreaterThan(512 * 1024);
  });

  it('stops reading the source while the sink is not accepting data (bounded memory)', async () => {
    // A sink that accepts nothing until released: like a stalled S3 upload.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let received = 0;
    const sink: PartSink = {
      async openPart() {
        return {
          stream: new Writable({
            highWaterMark: 64 * 1024,
            write(chunk: Buffer, _encoding, callback) {
              received += chunk.length;
              released.then(() => callback());
            },
          }),
          commit: async () => ({ location: 'memory' }),
          abort: async () => undefined,
        };
      },
    };
    let produced = 0;
    const total = 48 * 1024 * 1024;
    const source = new Readable({
      read() {
        if (produced >= total) {
          this.push(null);
          return;
        }
        produced += 256 * 1024;
        this.push(randomBytes(256 * 1024));
      },
    });
    const writer = new ArchiveWriter({ sink, partFileName: () => 'a.zip', zlibLevel: 1 });

    const done = writer.addEntry('csv/huge.csv', source);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const producedWhileStalled = produced;
    release();
    const record = await done;
    await writer.closePart(() => []);

    expect(producedWhileStalled).toBeLessThan(12 * 1024 * 1024);
    expect(record.bytes).toBe(total);
    expect(received).toBeGreaterThan(total);
  });
});

describe('ArchiveWriter on failure', () => {
  it('leaves no file in the output folder when a part is aborted mid-entry', async () => {
    const writer = new ArchiveWriter({ sink: createDirectorySink(dir), partFileName: () => 'a.zip' });
    const input = new PassThrough();
    const done = writer.addEntry('csv/a.csv', input);
    input.write('id\n1\n2\n');
    while (writer.partBytes === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(await readdir(dir)).toEqual(['.a.zip.partial']);

    await writer.abort();

    await expect(done).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
    await expect(writer.addEntry('csv/b.csv', 'x')).rejects.toThrow(/aborted/);
  });

  it('aborts the part when the source stream fails, keeping the parts already committed', async () => {
    const writer = new ArchiveWriter({
      sink: createDirectorySink(dir),
      partFileName: (n) => `x-part-${n}.zip`,
    });
    await writer.addEntry('csv/a.csv', 'id\n1\n');
    const first = await writer.closePart(() => [{ path: 'manifest.json', data: '{}' }]);
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection to the database was lost'));
      },
    });

    await expect(writer.addEntry('csv/b.csv', failing)).rejects.toThrow(
      /connection to the database was lost/,
    );
    await writer.abort();

    expect(first.fileName).toBe('x-part-1.zip');
    expect(await readdir(dir)).toEqual(['x-part-1.zip']);
  });

  it('aborts the part when the sink fails, and never commits it', async () => {
    let aborted = false;
    let committed = false;
    const sink: PartSink = {
      async openPart() {
        return {
          stream: new Writable({
            write(_chunk, _encoding, callback) {
              callback(new Error('S3 said 503'));
            },
          }),
          commit: async () => {
            committed = true;
            return { location: 'nowhere' };
          },
          abort: async () => {
            aborted = true;
          },
        };
      },
    };
    const writer = new ArchiveWriter({ sink, partFileName: () => 'a.zip' });

    // More than the zip buffers, so the failure reaches the entry while it is being written.
    const data = Readable.from(Array.from({ length: 64 }, () => randomBytes(64 * 1024)));
    await expect(writer.addEntry('csv/a.csv', data)).rejects.toThrow(/503/);

    expect(aborted).toBe(true);
    expect(committed).toBe(false);
  });

  it('refuses entry paths that could escape the folder they are unzipped into', async () => {
    const writer = new ArchiveWriter({ sink: createDirectorySink(dir), partFileName: () => 'a.zip' });

    await expect(writer.addEntry('../evil.csv', 'x')).rejects.toThrow(/invalid entry path/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a second entry while one is still being written', async () => {
    const writer = new ArchiveWriter({ sink: createDirectorySink(dir), partFileName: () => 'a.zip' });
    const input = new PassThrough();
    const first = writer.addEntry('csv/a.csv', input);

    await expect(writer.addEntry('csv/b.csv', 'x')).rejects.toThrow(/await each call/);
    input.end('id\n');
    await first;
    await writer.closePart(() => []);
    expect(await readdir(dir)).toEqual(['a.zip']);
  });
});

describe('createDirectorySink', () => {
  it('refuses part names that would land outside its folder or look like its temp files', async () => {
    const sink = createDirectorySink(dir);

    for (const name of ['../a.zip', 'sub/a.zip', '.hidden.zip', '']) {
      await expect(sink.openPart(name)).rejects.toThrow(/invalid archive file name/);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('creates the folder, and shows the part under its name only once committed', async () => {
    const sink = createDirectorySink(join(dir, 'nested', 'out'));
    const upload = await sink.openPart('a.zip');
    upload.stream.end('zip bytes');
    await new Promise((resolve) => upload.stream.once('finish', resolve));

    expect(await readdir(join(dir, 'nested', 'out'))).toEqual(['.a.zip.partial']);
    const { location } = await upload.commit();

    expect(location).toBe(join(dir, 'nested', 'out', 'a.zip'));
    expect(await readFile(location, 'utf8')).toBe('zip bytes');
    expect(await readdir(join(dir, 'nested', 'out'))).toEqual(['a.zip']);
  });
});
