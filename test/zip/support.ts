/**
 * Helpers for the zip module's tests: deterministic test data, temp directories, and readers that are
 * not the code under test (yauzl, Info-ZIP's unzip, Python's zipfile).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { ZipStream } from '../../src/zip/zip-stream.ts';
import { run } from '../archive/fixtures.ts';

export { run, tempDir } from '../archive/fixtures.ts';

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** mulberry32: a small seeded generator, so that test data is the same on every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Incompressible bytes, the same for the same seed. */
export function noise(length: number, seed = 1): Buffer {
  const next = random(seed);
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = Math.floor(next() * 256);
  return bytes;
}

/** The same short pattern over and over (compresses to almost nothing). */
export function repetitive(length: number): Buffer {
  const pattern = Buffer.from('abcabcabd-0123456789;');
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = pattern[i % pattern.length] as number;
  return bytes;
}

const FIRST = ['Alice', 'Bob', 'Chloé', 'David', 'Émile', 'Fatima', 'Gustav', 'Hana', 'Igor', 'Julia'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy'];
const CITIES = ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nice', 'Nantes', 'Strasbourg', 'Montpellier'];

/** A CSV table export as the product writes it (ids, names, e-mails, amounts, timestamps), about `bytes` long. */
export function csvText(bytes: number, seed = 7): Buffer {
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const two = (n: number) => String(n).padStart(2, '0');
  const lines = ['id,first_name,last_name,email,city,amount,created_at,status'];
  let length = 0;
  for (let id = 1; length < bytes; id += 1) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const email = `${first.toLowerCase()}.${last.toLowerCase()}${Math.floor(next() * 1000)}@example.com`;
    const created = `2024-${two(1 + Math.floor(next() * 12))}-${two(1 + Math.floor(next() * 28))}T${two(
      Math.floor(next() * 24),
    )}:${two(Math.floor(next() * 60))}:00Z`;
    const line = `${id},${first},${last},${email},${pick(CITIES)},${(next() * 10000).toFixed(2)},${created},${
      next() < 0.9 ? 'active' : 'closed'
    }\n`;
    lines.push(line);
    length += Buffer.byteLength(line);
  }
  return Buffer.from(lines.join(''));
}

/** Splits `data` into chunks whose sizes cycle through `sizes`. */
export function chunked(data: Buffer, sizes: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i += 1) {
    const size = sizes[i % sizes.length] as number;
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** Pipes the zip into a file; the promise settles when the file is complete (or the chain failed). */
export function zipToFile(zip: ZipStream, path: string): Promise<void> {
  const written = pipeline(zip, createWriteStream(path));
  // Observed at once: failure tests await it (or not) later.
  written.catch(() => undefined);
  return written;
}

/** The central directory as yauzl reads it: every entry's metadata, in order. */
export async function listEntries(zip: string | Buffer): Promise<yauzl.Entry[]> {
  const options = { lazyEntries: true, autoClose: false };
  const file =
    typeof zip === 'string'
      ? await yauzl.openPromise(zip, options)
      : await yauzl.fromBufferPromise(zip, options);
  const entries: yauzl.Entry[] = [];
  try {
    for await (const entry of file.eachEntry()) entries.push(entry);
  } finally {
    file.close();
  }
  return entries;
}

/** `unzip -tq`: Info-ZIP's own check of every entry (CRC, sizes, structure). */
export async function unzipTest(path: string): Promise<string> {
  const { stdout } = await run('unzip', ['-tq', path], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export interface PythonView {
  /** `ZipFile.testzip()`: the first bad entry's name, or null. */
  bad: string | null;
  names: string[];
  /** `ZipInfo.date_time` of each entry: the DOS fields, decoded without any time zone. */
  dates: number[][];
  methods: number[];
}

/** Opens the zip with Python's zipfile and reads every entry. */
export async function pythonView(path: string): Promise<PythonView> {
  const script = [
    'import json, sys, zipfile',
    'with zipfile.ZipFile(sys.argv[1]) as z:',
    '    infos = z.infolist()',
    '    print(json.dumps({"bad": z.testzip(), "names": [i.filename for i in infos],',
    '        "dates": [list(i.date_time) for i in infos], "methods": [i.compress_type for i in infos]}))',
  ].join('\n');
  const { stdout } = await run('python3', ['-c', script, path], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as PythonView;
}
