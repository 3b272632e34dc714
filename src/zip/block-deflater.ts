import { promisify } from 'node:util';
import zlib from 'node:zlib';

const deflateRaw = promisify(zlib.deflateRaw);

/** Deflate's window: each block is primed with this much of the data before it. */
const WINDOW_BYTES = 32 * 1024;
/** zlib's own default output buffer size, the floor of the one used here. */
const OUTPUT_CHUNK_MIN = 16 * 1024;
/** An empty final block (fixed Huffman, BFINAL set, end-of-block code only): ends the deflate stream. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

export interface BlockDeflaterOptions {
  /** zlib level, 1 to 9. */
  level: number;
  /** Uncompressed bytes per block. */
  blockBytes: number;
  /** Blocks compressed at the same time, on libuv's thread pool. */
  concurrency: number;
  /** Receives the compressed stream in order; awaited (backpressure). */
  emit: (chunk: Buffer) => Promise<void>;
}

/**
 * Deflates one stream as independent blocks compressed in parallel on the thread pool, the way
 * `pigz` does: each block is primed with the last 32 KiB before it as a preset dictionary (so the
 * ratio stays that of one continuous stream, within a fraction of a percent) and ends with a sync
 * flush (so it stops on a byte boundary without ending the stream). The blocks, concatenated in
 * order and followed by an empty final block, are one valid raw deflate stream.
 *
 * Why: a single zlib stream compresses on one thread, and at level 6 that thread was the whole
 * export's bottleneck. With blocks in flight on two cores, deflate stops being the limit.
 * At most `concurrency` blocks (plus the one filling) are held: memory is bounded.
 */
export class BlockDeflater {
  private readonly options: BlockDeflaterOptions;
  private filling: Buffer[] = [];
  private fillingBytes = 0;
  /** The previous block's tail, the next block's dictionary. */
  private window: Buffer | undefined;
  private readonly inFlight: Promise<Buffer>[] = [];

  constructor(options: BlockDeflaterOptions) {
    this.options = options;
  }

  /** Takes uncompressed bytes; resolves once they are buffered or on their way (waits when `concurrency` blocks are in flight). */
  async write(chunk: Buffer): Promise<void> {
    const { blockBytes } = this.options;
    this.filling.push(chunk);
    this.fillingBytes += chunk.length;
    if (this.fillingBytes < blockBytes) return;
    const data = this.filling.length === 1 ? (this.filling[0] as Buffer) : Buffer.concat(this.filling);
    let start = 0;
    while (data.length - start >= blockBytes) {
      await this.dispatch(data.subarray(start, start + blockBytes));
      start += blockBytes;
    }
    const rest = data.subarray(start);
    this.filling = rest.length > 0 ? [rest] : [];
    this.fillingBytes = rest.length;
  }

  /** Compresses what is left, emits every block in order and ends the stream. */
  async end(): Promise<void> {
    if (this.fillingBytes > 0) {
      await this.dispatch(Buffer.concat(this.filling, this.fillingBytes));
      this.filling = [];
      this.fillingBytes = 0;
    }
    while (this.inFlight.length > 0) await this.emitOldest();
    await this.options.emit(FINAL_BLOCK);
  }

  private async dispatch(block: Buffer): Promise<void> {
    const options: zlib.ZlibOptions = {
      level: this.options.level,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
      // Room for the whole compressed block in one or two thread pool round trips, not 16 KiB at a time.
      chunkSize: Math.max(OUTPUT_CHUNK_MIN, block.length >> 2),
    };
    if (this.window !== undefined) options.dictionary = this.window;
    const compressed = deflateRaw(block, options);
    // Observed here so that a failure while an earlier block is awaited is never unhandled.
    compressed.catch(() => undefined);
    this.inFlight.push(compressed);
    this.window = block.length >= WINDOW_BYTES ? block.subarray(block.length - WINDOW_BYTES) : block;
    while (this.inFlight.length >= this.options.concurrency) await this.emitOldest();
  }

  private async emitOldest(): Promise<void> {
    const oldest = this.inFlight[0] as Promise<Buffer>;
    const compressed = await oldest;
    this.inFlight.shift();
    await this.options.emit(compressed);
  }
}
