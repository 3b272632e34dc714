import { createHash, type Hash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { BlockDeflater } from './block-deflater.ts';
import {
  type CentralEntry,
  centralDirectoryHeader,
  dataDescriptor,
  dosDateTime,
  endOfCentralDirectory,
  localFileHeader,
  METHOD_DEFLATE,
  METHOD_STORE,
} from './records.ts';

/**
 * Each block costs the main thread a fixed ~0.3 ms (a zlib handle, a thread pool round trip): at
 * 256 KiB that was ~6 s of a 1M-row export's main thread, at 1 MiB a quarter of it (measured here).
 * Four 1 MiB blocks in flight are still little memory, and plenty to keep two cores busy.
 */
const DEFAULT_BLOCK_BYTES = 1024 * 1024;
/** zlib's default trade-off; measured here to match `zip -6` for CSV. */
export const DEFAULT_DEFLATE_LEVEL = 6;
/** Bytes the zip output holds before the writer waits for its reader. */
const OUTPUT_HIGH_WATER_MARK = 256 * 1024;

export interface ZipStreamOptions {
  /** Deflate level, 0 (store every entry) to 9; 6 by default. */
  level?: number;
  /** Modification time of every entry; now by default. */
  date?: Date;
  /** Blocks deflated at once; the number of cores, at least 2 and at most 4, by default. */
  concurrency?: number;
  /** Uncompressed bytes per deflate block (at least 32 KiB); 1 MiB by default. */
  blockBytes?: number;
  /** Also compute the SHA-256 of the whole zip file as it is written (see {@link ZipStream.sha256}). */
  hashOutput?: boolean;
  /** Write Zip64 records for every entry and the directory, even when the values fit: for tests. */
  forceZip64?: boolean;
}

export interface ZipEntryOptions {
  /** Keep this entry uncompressed (content that is compressed already). */
  store?: boolean;
  /** Compute the SHA-256 of the entry's uncompressed bytes. */
  sha256?: boolean;
}

/** What was written for one entry. */
export interface ZipEntryResult {
  name: string;
  /** Uncompressed size. */
  bytes: number;
  compressedBytes: number;
  crc32: number;
  /** Hex SHA-256 of the uncompressed bytes, when asked for. */
  sha256?: string;
}

/** An entry's content: bytes, text (UTF-8), or a stream of bytes read with backpressure. */
export type ZipEntrySource = Buffer | string | AsyncIterable<Buffer> | Readable;

/**
 * A zip file written as a stream: read it (pipe it to a file, an S3 upload) while entries are added.
 * Entries are written one after another in the order they were added; each `addEntry` resolves when
 * its entry's bytes are all out, so a caller may add the next one at once (it waits its turn) or
 * `await` each. Deflate runs as parallel blocks on the thread pool ({@link BlockDeflater}) and the
 * CRC-32 is zlib's native one, so the main thread only moves buffers. Zip64 records appear where
 * sizes, offsets or the entry count need them.
 *
 * Why not archiver: it deflates each entry as one zlib stream (one core) and computes CRC-32 in
 * JavaScript; here both were the export's bottleneck.
 *
 * @example
 * const zip = new ZipStream({ level: 6 });
 * const written = pipeline(zip, createWriteStream('out.zip'));
 * await zip.addEntry('data.csv', csvStream, { sha256: true });
 * await zip.finalize();
 * await written;
 */
export class ZipStream extends Readable {
  private readonly level: number;
  private readonly dosDate: number;
  private readonly dosTime: number;
  private readonly concurrency: number;
  private readonly blockBytes: number;
  private readonly forceZip64: boolean;
  private readonly outputHash: Hash | undefined;
  private readonly central: CentralEntry[] = [];
  private readonly names = new Set<string>();
  /** Deflate block buffers, reused by every entry of this zip. */
  private readonly spareBlocks: Buffer[] = [];
  /** The tail of the entry queue: each entry starts once the previous one is out. */
  private queue: Promise<unknown> = Promise.resolve();
  private written = 0;
  private finalizing: Promise<void> | undefined;
  private ended = false;
  private digest: string | undefined;
  /** The stream source of the entry being written, destroyed along with the zip. */
  private reading: Readable | undefined;
  private resumeWriter: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(options: ZipStreamOptions = {}) {
    super({ highWaterMark: OUTPUT_HIGH_WATER_MARK });
    const level = checkDeflateLevel(options.level ?? DEFAULT_DEFLATE_LEVEL);
    const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
    if (!Number.isInteger(blockBytes) || blockBytes < 32 * 1024) {
      throw new RangeError(`blockBytes must be an integer of at least 32 KiB, got ${blockBytes}`);
    }
    const concurrency = options.concurrency ?? Math.min(4, Math.max(2, availableParallelism()));
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
    this.level = level;
    this.blockBytes = blockBytes;
    this.concurrency = concurrency;
    this.forceZip64 = options.forceZip64 === true;
    this.outputHash = options.hashOutput === true ? createHash('sha256') : undefined;
    ({ dosDate: this.dosDate, dosTime: this.dosTime } = dosDateTime(options.date ?? new Date()));
  }

  /** Bytes of zip output produced so far; grows while an entry is being written. */
  get bytesWritten(): number {
    return this.written;
  }

  /** Hex SHA-256 of the whole zip file; needs `hashOutput`, and only once `finalize` resolved. */
  sha256(): string {
    if (this.outputHash === undefined) throw new Error('the zip stream was created without hashOutput');
    if (!this.ended) throw new Error('the zip stream is not finalized yet');
    this.digest ??= this.outputHash.digest('hex');
    return this.digest;
  }

  /**
   * Queues one entry and resolves once it is completely written. A stream source is read with
   * backpressure and destroyed if the entry fails; any failure destroys the zip stream too (a zip
   * with a broken entry is worthless).
   */
  addEntry(name: string, source: ZipEntrySource, options: ZipEntryOptions = {}): Promise<ZipEntryResult> {
    const refused = this.refusal(name);
    if (refused) {
      destroySource(source);
      return Promise.reject(refused);
    }
    this.names.add(name);
    const entry = this.queue.then(() => this.writeEntry(name, source, options));
    this.queue = entry.catch(() => undefined);
    return entry.catch((error: unknown) => {
      destroySource(source);
      const failure = error instanceof Error ? error : new Error(String(error));
      this.destroy(failure);
      throw failure;
    });
  }

  /** Writes the central directory once every queued entry is out, and ends the stream. */
  finalize(): Promise<void> {
    this.finalizing ??= this.queue.then(async () => {
      this.throwIfFailed();
      const directoryOffset = this.written;
      for (const entry of this.central) await this.output(centralDirectoryHeader(entry));
      await this.output(
        endOfCentralDirectory({
          entries: this.central.length,
          directorySize: this.written - directoryOffset,
          directoryOffset,
          forceZip64: this.forceZip64,
        }),
      );
      this.ended = true;
      this.push(null);
    });
    return this.finalizing;
  }

  override _read(): void {
    const resume = this.resumeWriter;
    this.resumeWriter = undefined;
    resume?.();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error) this.failure ??= error;
    else if (!this.ended) this.failure ??= new Error('the zip stream was closed before it was finalized');
    const resume = this.resumeWriter;
    this.resumeWriter = undefined;
    resume?.();
    // An entry waiting for its source to produce data must not hang until it does: end it now.
    const source = this.reading;
    this.reading = undefined;
    if (source && !source.destroyed) source.destroy(this.failure);
    callback(error);
  }

  private refusal(name: string): Error | undefined {
    if (this.failure) return this.failure;
    if (this.finalizing) return new Error(`cannot add ${name}: the zip stream is finalized`);
    if (this.names.has(name)) return new Error(`${name} is already in this zip file`);
    return undefined;
  }

  private async writeEntry(
    name: string,
    source: ZipEntrySource,
    options: ZipEntryOptions,
  ): Promise<ZipEntryResult> {
    this.throwIfFailed();
    const method = options.store === true || this.level === 0 ? METHOD_STORE : METHOD_DEFLATE;
    const entry: CentralEntry = {
      name: Buffer.from(name, 'utf8'),
      method,
      dosDate: this.dosDate,
      dosTime: this.dosTime,
      crc32: 0,
      compressedSize: 0,
      uncompressedSize: 0,
      offset: this.written,
      forceZip64: this.forceZip64,
    };
    await this.output(localFileHeader(entry));
    const dataStart = this.written;
    const hash = options.sha256 === true ? createHash('sha256') : undefined;
    const deflater =
      method === METHOD_DEFLATE
        ? new BlockDeflater({
            level: this.level,
            blockBytes: this.blockBytes,
            concurrency: this.concurrency,
            emit: (chunk) => this.output(chunk),
            spareBlocks: this.spareBlocks,
          })
        : undefined;
    let checksum = 0;
    let size = 0;
    if (source instanceof Readable) this.reading = source;
    try {
      for await (const read of chunksOf(source)) {
        this.throwIfFailed();
        // A Readable may yield text (object mode, or an encoding set): written as UTF-8, like a string source.
        const chunk = typeof read === 'string' ? Buffer.from(read, 'utf8') : read;
        checksum = crc32(chunk, checksum);
        size += chunk.length;
        hash?.update(chunk);
        if (deflater) await deflater.write(chunk);
        else await this.output(chunk);
      }
    } finally {
      this.reading = undefined;
    }
    await deflater?.end();
    entry.crc32 = checksum;
    entry.uncompressedSize = size;
    entry.compressedSize = this.written - dataStart;
    await this.output(dataDescriptor(entry));
    this.central.push(entry);
    const result: ZipEntryResult = {
      name,
      bytes: size,
      compressedBytes: entry.compressedSize,
      crc32: checksum,
    };
    if (hash) result.sha256 = hash.digest('hex');
    return result;
  }

  /** Pushes zip bytes out, waiting while the reader is behind. */
  private async output(chunk: Buffer): Promise<void> {
    this.throwIfFailed();
    this.written += chunk.length;
    this.outputHash?.update(chunk);
    if (!this.push(chunk)) {
      await new Promise<void>((resolve) => {
        this.resumeWriter = resolve;
      });
      this.throwIfFailed();
    }
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}

/**
 * A deflate level, 0 (store) to 9, or a RangeError naming the option (`name`) it came from.
 *
 * @example checkDeflateLevel(options.zlibLevel ?? 6, 'zlibLevel')
 */
export function checkDeflateLevel(level: number, name = 'level'): number {
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new RangeError(`${name} must be an integer from 0 to 9, got ${level}`);
  }
  return level;
}

function chunksOf(source: ZipEntrySource): AsyncIterable<Buffer | string> | Iterable<Buffer> {
  if (typeof source === 'string') return [Buffer.from(source, 'utf8')];
  if (Buffer.isBuffer(source)) return [source];
  return source as AsyncIterable<Buffer | string>;
}

function destroySource(source: ZipEntrySource): void {
  if (source instanceof Readable) source.destroy();
}
