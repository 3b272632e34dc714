import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ZipEntryResult, type ZipEntrySource, ZipStream } from '../../src/zip/zip-stream.ts';
import { readZipEntries } from '../support/archive-reader.ts';
import {
  chunked,
  csvText,
  listEntries,
  noise,
  pythonView,
  repetitive,
  run,
  sha256,
  tempDir,
  unzipTest,
  zipToFile,
} from './support.ts';

const KIB = 1024;
const DATE = new Date('2025-06-30T12:34:56Z');

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

interface Spec {
  name: string;
  data: Buffer;
  /** A fresh source for `data` (sources are consumed). */
  source: () => ZipEntrySource;
  store?: boolean;
  sha256?: boolean;
}

/** Entries of every kind of source and size a caller uses. */
function sampleEntries(blockBytes: number): Spec[] {
  const text = 'Bonjour, le monde : ça marche ✓\n';
  const tiny = csvText(20 * KIB, 1);
  const big = csvText(3 * blockBytes + 5 * KIB, 2);
  const bigHead = big.subarray(0, 100);
  const bigBody = big.subarray(100, big.length - 10);
  const bigTail = big.subarray(big.length - 10);
  const binary = noise(100 * KIB, 3);
  const stored = noise(50 * KIB, 4);
  const accented = Buffer.from('nom;ville\nÉlodie;Besançon\nJoão;São Paulo\n');
  const generated = repetitive(70 * KIB);
  return [
    { name: 'readme.txt', data: Buffer.from(text), source: () => text, sha256: true },
    { name: 'data/binary.bin', data: binary, source: () => binary },
    {
      name: 'data/tiny-chunks.csv',
      data: tiny,
      source: () => Readable.from(chunked(tiny, [1, 2, 3, 5, 7])),
      sha256: true,
    },
    {
      name: 'data/big-chunk.csv',
      data: big,
      source: () => Readable.from([bigHead, bigBody, bigTail]),
      sha256: true,
    },
    { name: 'empty.txt', data: Buffer.alloc(0), source: () => '' },
    { name: 'empty-stream.csv', data: Buffer.alloc(0), source: () => Readable.from([]) },
    { name: 'stored.bin', data: stored, source: () => stored, store: true, sha256: true },
    { name: 'données/été.csv', data: accented, source: () => Readable.from([accented]) },
    {
      name: 'generated.txt',
      data: generated,
      source: () =>
        (async function* () {
          yield* chunked(generated, [4 * KIB, 33 * KIB]);
        })(),
    },
  ];
}

/** Writes `specs` into a zip file, adding every entry at once (they queue), and returns what the zip reported. */
async function writeZip(
  path: string,
  specs: readonly Spec[],
  options: ConstructorParameters<typeof ZipStream>[0] = {},
): Promise<{ zip: ZipStream; results: ZipEntryResult[] }> {
  const zip = new ZipStream({ date: DATE, ...options });
  const written = zipToFile(zip, path);
  const adding = specs.map((spec) =>
    zip.addEntry(spec.name, spec.source(), {
      ...(spec.store ? { store: true } : {}),
      ...(spec.sha256 ? { sha256: true } : {}),
    }),
  );
  const results = await Promise.all(adding);
  await zip.finalize();
  await written;
  return { zip, results };
}

/** Waits until `value()` has not changed for a while: whatever could run has run. */
async function settle(value: () => number): Promise<void> {
  let last = Number.NaN;
  for (let still = 0; still < 10; ) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const now = value();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

/** A stream of `data` produced on demand in `chunkBytes` chunks, which counts what was taken from it. */
function countingSource(data: Buffer, chunkBytes: number): { stream: Readable; produced: () => number } {
  let produced = 0;
  const stream = new Readable({
    read() {
      if (produced >= data.length) {
        this.push(null);
        return;
      }
      const chunk = data.subarray(produced, produced + chunkBytes);
      produced += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, produced: () => produced };
}

describe('ZipStream round trip', () => {
  it('writes entries of every kind that yauzl, unzip and Python read back byte for byte', async () => {
    const path = join(dir, 'round-trip.zip');
    const blockBytes = 64 * KIB;
    const specs = sampleEntries(blockBytes);
    const { zip, results } = await writeZip(path, specs, { blockBytes, concurrency: 3, hashOutput: true });

    const entries = await readZipEntries(path);
    expect([...entries.keys()]).toEqual(specs.map((s) => s.name));
    for (const spec of specs) expect(entries.get(spec.name)?.equals(spec.data), spec.name).toBe(true);

    expect(await unzipTest(path)).toContain('No errors detected');
    const python = await pythonView(path);
    expect(python.bad).toBeNull();
    expect(python.names).toEqual(specs.map((s) => s.name));

    const listed = await listEntries(path);
    specs.forEach((spec, i) => {
      const result = results[i] as ZipEntryResult;
      const entry = listed[i];
      expect(result.name).toBe(spec.name);
      expect(result.bytes, spec.name).toBe(spec.data.length);
      expect(result.crc32, spec.name).toBe(crc32(spec.data));
      expect(entry?.crc32, spec.name).toBe(crc32(spec.data));
      expect(result.compressedBytes, spec.name).toBe(entry?.compressedSize);
      expect(result.sha256, spec.name).toBe(spec.sha256 ? sha256(spec.data) : undefined);
    });
    // Compressible entries did shrink; the stored one is exactly its size.
    const byName = new Map(results.map((r) => [r.name, r]));
    expect(byName.get('data/big-chunk.csv')?.compressedBytes).toBeLessThan(
      (byName.get('data/big-chunk.csv')?.bytes ?? 0) / 2,
    );
    expect(byName.get('stored.bin')?.compressedBytes).toBe(50 * KIB);

    const file = await readFile(path);
    expect(zip.bytesWritten).toBe(file.length);
    expect(zip.sha256()).toBe(sha256(file));
  });

  it('marks names as UTF-8 so that the accented name reads the same everywhere', async () => {
    const path = join(dir, 'utf8.zip');
    await writeZip(path, [{ name: 'données/été.csv', data: Buffer.from('x'), source: () => 'x' }]);
    const [entry] = await listEntries(path);
    expect(entry?.fileName).toBe('données/été.csv');
    expect((entry?.generalPurposeBitFlag ?? 0) & 0x0800).toBe(0x0800);
    expect((await pythonView(path)).names).toEqual(['données/été.csv']);
  });

  it.each([0, 6])('writes a stream of text chunks as UTF-8 at level %i', async (level) => {
    const path = join(dir, `text-chunks-${level}.zip`);
    const lines = ['nom;ville\n', 'Élodie;Besançon\n', 'João;São Paulo\n', '🚀;Zürich\n'];
    const expected = Buffer.from(lines.join(''), 'utf8');
    const withEncoding = new PassThrough();
    withEncoding.setEncoding('utf8');
    withEncoding.end(expected);
    const { results } = await writeZip(
      path,
      [
        { name: 'object-mode.csv', data: expected, source: () => Readable.from(lines), sha256: true },
        { name: 'encoding.csv', data: expected, source: () => withEncoding, sha256: true },
      ],
      { level },
    );
    for (const result of results) {
      expect(result, result.name).toMatchObject({ bytes: expected.length, crc32: crc32(expected) });
      expect(result.sha256, result.name).toBe(sha256(expected));
    }
    const entries = await readZipEntries(path);
    expect(entries.get('object-mode.csv')?.equals(expected)).toBe(true);
    expect(entries.get('encoding.csv')?.equals(expected)).toBe(true);
    expect(await unzipTest(path)).toContain('No errors detected');
  });

  it('writes a valid empty zip file when finalized without entries', async () => {
    const path = join(dir, 'empty.zip');
    const zip = new ZipStream({ date: DATE, hashOutput: true });
    const written = zipToFile(zip, path);
    await zip.finalize();
    await written;
    const file = await readFile(path);
    expect(file.length).toBe(22);
    expect(zip.bytesWritten).toBe(22);
    expect(zip.sha256()).toBe(sha256(file));
    expect(await listEntries(path)).toEqual([]);
    expect(await pythonView(path)).toMatchObject({ bad: null, names: [] });
  });

  it('reports bytesWritten growing as entries go out', async () => {
    const zip = new ZipStream({ date: DATE });
    const reading = buffer(zip);
    expect(zip.bytesWritten).toBe(0);
    await zip.addEntry('a.txt', 'a'.repeat(1000));
    const afterFirst = zip.bytesWritten;
    expect(afterFirst).toBeGreaterThan(0);
    await zip.addEntry('b.txt', 'b'.repeat(1000));
    expect(zip.bytesWritten).toBeGreaterThan(afterFirst);
    await zip.finalize();
    expect((await reading).length).toBe(zip.bytesWritten);
  });

  it('refuses sha256() without hashOutput, and before finalize', async () => {
    const plain = new ZipStream();
    expect(() => plain.sha256()).toThrow(/hashOutput/);
    const hashed = new ZipStream({ hashOutput: true });
    const reading = buffer(hashed);
    await hashed.addEntry('a.txt', 'a');
    expect(() => hashed.sha256()).toThrow(/not finalized/);
    await hashed.finalize();
    expect(hashed.sha256()).toBe(sha256(await reading));
  });
});

describe('ZipStream determinism', () => {
  it('gives byte-identical files whatever the concurrency', async () => {
    const blockBytes = 32 * KIB;
    const outputs: Buffer[] = [];
    for (const concurrency of [1, 4]) {
      const path = join(dir, `c${concurrency}.zip`);
      await writeZip(path, sampleEntries(blockBytes), { blockBytes, concurrency });
      outputs.push(await readFile(path));
    }
    const [one, four] = outputs as [Buffer, Buffer];
    expect(one.length).toBe(four.length);
    expect(Buffer.compare(one, four)).toBe(0);
  });
});

describe('ZipStream Zip64', () => {
  it('writes a forced-Zip64 file that unzip, yauzl and Python all accept', async () => {
    const path = join(dir, 'forced.zip');
    const specs = sampleEntries(64 * KIB);
    await writeZip(path, specs, { blockBytes: 64 * KIB, forceZip64: true });

    expect(await unzipTest(path)).toContain('No errors detected');
    const entries = await readZipEntries(path);
    expect([...entries.keys()]).toEqual(specs.map((s) => s.name));
    for (const spec of specs) expect(entries.get(spec.name)?.equals(spec.data), spec.name).toBe(true);
    expect((await pythonView(path)).bad).toBeNull();

    // It really is the Zip64 layout: every entry has the extended information field, and the file
    // ends with the Zip64 end record, its locator and a classic record pointing to them.
    for (const entry of await listEntries(path)) {
      expect(entry.versionNeededToExtract, entry.fileName).toBe(45);
      expect(entry.extraFields.map((f) => f.id)).toContain(0x0001);
    }
    const file = await readFile(path);
    const tail = file.subarray(file.length - 98);
    expect(tail.readUInt32LE(0)).toBe(0x06064b50);
    expect(Number(tail.readBigUInt64LE(32))).toBe(specs.length);
    expect(tail.readUInt32LE(56)).toBe(0x07064b50);
    expect(tail.readUInt32LE(76)).toBe(0x06054b50);
  });

  it('switches to Zip64 end records for more than 65,535 entries', async () => {
    const path = join(dir, 'many.zip');
    const count = 65_536 + 10;
    const zip = new ZipStream({ level: 0, date: DATE });
    const written = zipToFile(zip, path);
    for (let i = 0; i < count; i += 1) void zip.addEntry(`f/${i}`, String(i % 10));
    await zip.finalize();
    await written;

    const file = await readFile(path);
    const end = file.subarray(file.length - 22);
    expect(end.readUInt32LE(0)).toBe(0x06054b50);
    expect(end.readUInt16LE(10)).toBe(0xffff);
    const zip64 = file.subarray(file.length - 98, file.length - 42);
    expect(zip64.readUInt32LE(0)).toBe(0x06064b50);
    expect(Number(zip64.readBigUInt64LE(32))).toBe(count);

    // yauzl walks the whole directory (from memory: much faster than through the file).
    const listed = await listEntries(file);
    expect(listed).toHaveLength(count);
    expect(listed.map((e) => e.fileName)).toEqual(Array.from({ length: count }, (_, i) => `f/${i}`));
    expect(await unzipTest(path)).toContain('No errors detected');
    const { stdout } = await run('unzip', ['-p', path, `f/${count - 1}`]);
    expect(stdout).toBe(String((count - 1) % 10));
  });
});

describe('ZipStream dates', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('stamps entries with the given UTC date at 2-second resolution, whatever the time zone', async () => {
    // Far from UTC: a local-time encoding would land on the next day.
    process.env.TZ = 'Pacific/Kiritimati';
    const path = join(dir, 'dated.zip');
    const date = new Date('2024-02-29T23:59:59.900Z');
    await writeZip(path, [{ name: 'a.txt', data: Buffer.from('a'), source: () => 'a' }], { date });

    const [entry] = await listEntries(path);
    expect(entry?.getLastModDate({ timezone: 'UTC' }).toISOString()).toBe('2024-02-29T23:59:58.000Z');
    expect((await pythonView(path)).dates).toEqual([[2024, 2, 29, 23, 59, 58]]);
  });

  it('clamps dates before 1980 to the first DOS date', async () => {
    const path = join(dir, 'old.zip');
    await writeZip(path, [{ name: 'a.txt', data: Buffer.from('a'), source: () => 'a' }], {
      date: new Date('1970-01-01T00:00:00Z'),
    });
    expect((await pythonView(path)).dates).toEqual([[1980, 1, 1, 0, 0, 0]]);
    expect(await unzipTest(path)).toContain('No errors detected');
  });
});

describe('ZipStream storing', () => {
  it('stores every entry at level 0', async () => {
    const path = join(dir, 'level0.zip');
    const specs = sampleEntries(64 * KIB);
    const { results } = await writeZip(path, specs, { level: 0 });
    const listed = await listEntries(path);
    expect(listed.map((e) => e.compressionMethod)).toEqual(specs.map(() => 0));
    for (const result of results) expect(result.compressedBytes, result.name).toBe(result.bytes);
    const entries = await readZipEntries(path);
    for (const spec of specs) expect(entries.get(spec.name)?.equals(spec.data), spec.name).toBe(true);
    expect(await unzipTest(path)).toContain('No errors detected');
  });

  it('stores only the entry added with store: true', async () => {
    const path = join(dir, 'store-one.zip');
    const text = csvText(50 * KIB);
    await writeZip(path, [
      { name: 'a.csv', data: text, source: () => text },
      { name: 'b.csv', data: text, source: () => text, store: true },
      { name: 'c.csv', data: text, source: () => text },
    ]);
    const listed = await listEntries(path);
    expect(listed.map((e) => [e.fileName, e.compressionMethod])).toEqual([
      ['a.csv', 8],
      ['b.csv', 0],
      ['c.csv', 8],
    ]);
    expect(listed[1]?.compressedSize).toBe(text.length);
    expect(await unzipTest(path)).toContain('No errors detected');
  });
});

describe('ZipStream failures', () => {
  it('rejects the entry with its source error, destroys the zip and refuses everything after', async () => {
    const zip = new ZipStream({ date: DATE });
    const errored = once(zip, 'error');
    zip.resume();
    const failure = new Error('database connection lost');
    const broken = new Readable({
      read() {
        this.push(csvText(10 * KIB));
        this.destroy(failure);
      },
    });
    const first = zip.addEntry('ok.txt', 'fine');
    const failing = zip.addEntry('broken.csv', broken);
    const queued = Readable.from([Buffer.from('never written')]);
    const waiting = zip.addEntry('queued.txt', queued);

    await expect(first).resolves.toMatchObject({ name: 'ok.txt', bytes: 4 });
    await expect(failing).rejects.toBe(failure);
    expect(await errored).toEqual([failure]);
    expect(zip.destroyed).toBe(true);
    // The entry that was waiting its turn fails too, and its source is released.
    await expect(waiting).rejects.toBe(failure);
    expect(queued.destroyed).toBe(true);

    const late = Readable.from([Buffer.from('late')]);
    await expect(zip.addEntry('late.txt', late)).rejects.toBe(failure);
    expect(late.destroyed).toBe(true);
    await expect(zip.finalize()).rejects.toBe(failure);
  });

  it('refuses a duplicate name and carries on with a valid file', async () => {
    const path = join(dir, 'duplicate.zip');
    const zip = new ZipStream({ date: DATE });
    const written = zipToFile(zip, path);
    const first = zip.addEntry('a.txt', 'first');
    const again = Readable.from([Buffer.from('second')]);
    await expect(zip.addEntry('a.txt', again)).rejects.toThrow(/a\.txt is already in this zip file/);
    expect(again.destroyed).toBe(true);
    await first;
    await zip.finalize();
    await written;
    const entries = await readZipEntries(path);
    expect([...entries].map(([name, data]) => [name, data.toString()])).toEqual([['a.txt', 'first']]);
    expect(await unzipTest(path)).toContain('No errors detected');
  });

  it('refuses entries added after finalize', async () => {
    const path = join(dir, 'after-finalize.zip');
    const zip = new ZipStream({ date: DATE });
    const written = zipToFile(zip, path);
    const first = zip.addEntry('a.txt', 'a');
    const finalizing = zip.finalize();
    await expect(zip.addEntry('b.txt', 'b')).rejects.toThrow(/finalized/);
    await first;
    await finalizing;
    await written;
    expect([...(await readZipEntries(path)).keys()]).toEqual(['a.txt']);
    expect(await unzipTest(path)).toContain('No errors detected');
  });

  it('rejects an entry waiting for a reader when the zip is destroyed', { timeout: 10_000 }, async () => {
    const zip = new ZipStream({ date: DATE });
    const { stream, produced } = countingSource(randomBytes(4 * 1024 * KIB), 64 * KIB);
    const entry = zip.addEntry('big.bin', stream, { store: true });
    const next = zip.addEntry('next.txt', 'next');
    // Nobody reads: the output fills up and the entry waits.
    await vi.waitFor(() => expect(zip.readableLength).toBeGreaterThanOrEqual(zip.readableHighWaterMark));
    expect(produced()).toBeLessThan(4 * 1024 * KIB);

    zip.destroy();
    await expect(entry).rejects.toThrow(/closed before it was finalized/);
    await expect(next).rejects.toThrow(/closed before it was finalized/);
    expect(stream.destroyed).toBe(true);
    await expect(zip.finalize()).rejects.toThrow(/closed before it was finalized/);
  });

  it('rejects a waiting entry with the error the zip was destroyed with', { timeout: 10_000 }, async () => {
    const zip = new ZipStream({ date: DATE });
    const errored = once(zip, 'error');
    const entry = zip.addEntry('big.csv', csvText(2 * 1024 * KIB), { store: true });
    await vi.waitFor(() => expect(zip.readableLength).toBeGreaterThanOrEqual(zip.readableHighWaterMark));
    const failure = new Error('upload aborted');
    zip.destroy(failure);
    await expect(entry).rejects.toBe(failure);
    expect(await errored).toEqual([failure]);
  });

  it('rejects an entry whose source is silent when the zip is destroyed', { timeout: 10_000 }, async () => {
    const zip = new ZipStream({ date: DATE });
    zip.resume();
    // A source that produced one chunk and then waits (a slow query): the entry waits for it.
    const source = new PassThrough();
    source.write(Buffer.from('first rows\n'));
    const entry = zip.addEntry('slow.csv', source);
    await vi.waitFor(() => expect(source.readableLength).toBe(0));

    const failure = new Error('export cancelled');
    zip.on('error', () => undefined);
    zip.destroy(failure);
    await expect(entry).rejects.toThrow();
    expect(source.destroyed).toBe(true);
  });
});

describe('ZipStream backpressure', () => {
  it.each([
    { mode: 'stored', level: 0 },
    { mode: 'deflated', level: 1 },
  ])('reads a $mode source only as fast as the zip is read', { timeout: 20_000 }, async ({ level }) => {
    const total = 16 * 1024 * KIB;
    const data = randomBytes(total);
    const { stream, produced } = countingSource(data, 64 * KIB);
    const path = join(dir, 'slow-reader.zip');
    const zip = new ZipStream({ level, date: DATE, concurrency: 2, blockBytes: 256 * KIB });
    const entry = zip.addEntry('big.bin', stream, { sha256: true });

    await vi.waitFor(() => expect(zip.readableLength).toBeGreaterThanOrEqual(zip.readableHighWaterMark));
    await settle(produced);
    // Output buffer, blocks in flight and the source's own buffer: a few MiB at most, not all 16.
    expect(produced()).toBeLessThan(4 * 1024 * KIB);

    const written = zipToFile(zip, path);
    const result = await entry;
    await zip.finalize();
    await written;
    expect(produced()).toBe(total);
    expect(result).toMatchObject({ bytes: total, sha256: sha256(data) });
    expect((await stat(path)).size).toBe(zip.bytesWritten);
    expect((await readZipEntries(path)).get('big.bin')?.equals(data)).toBe(true);
  });
});

describe('ZipStream options', () => {
  it.each([
    { option: 'level', value: -1 },
    { option: 'level', value: 10 },
    { option: 'level', value: 1.5 },
    { option: 'level', value: Number.NaN },
    { option: 'blockBytes', value: 32 * KIB - 1 },
    { option: 'blockBytes', value: 0 },
    { option: 'blockBytes', value: 64 * KIB + 0.5 },
    { option: 'concurrency', value: 0 },
    { option: 'concurrency', value: -2 },
    { option: 'concurrency', value: 1.5 },
  ])('refuses $option = $value', ({ option, value }) => {
    expect(() => new ZipStream({ [option]: value })).toThrow(RangeError);
  });

  it('accepts the limits', async () => {
    const zip = new ZipStream({ level: 9, blockBytes: 32 * KIB, concurrency: 1, date: DATE });
    const reading = buffer(zip);
    const data = csvText(100 * KIB);
    await zip.addEntry('a.csv', data);
    await zip.finalize();
    expect((await readZipEntries(await reading)).get('a.csv')?.equals(data)).toBe(true);
    expect(() => new ZipStream({ level: 0 })).not.toThrow();
  });
});
