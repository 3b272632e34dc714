import zlib from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { BlockDeflater } from '../../src/zip/block-deflater.ts';
import { chunked, csvText, noise, repetitive } from './support.ts';

const KIB = 1024;

/** Deflates `chunks` through a BlockDeflater, one write at a time, and returns the whole stream. */
async function blockDeflate(
  chunks: readonly Buffer[],
  options: { level?: number; blockBytes?: number; concurrency?: number } = {},
): Promise<Buffer> {
  const out: Buffer[] = [];
  const deflater = new BlockDeflater({
    level: options.level ?? 6,
    blockBytes: options.blockBytes ?? 32 * KIB,
    concurrency: options.concurrency ?? 3,
    emit: async (chunk) => {
      out.push(chunk);
    },
  });
  for (const chunk of chunks) await deflater.write(chunk);
  await deflater.end();
  return Buffer.concat(out);
}

/** What the parallel deflate would give without the preset dictionary: each block compressed on its own. */
function independentBlocks(data: Buffer, blockBytes: number, level: number): number {
  let size = 2; // the final empty block
  for (let at = 0; at < data.length; at += blockBytes) {
    size += zlib.deflateRawSync(data.subarray(at, at + blockBytes), {
      level,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
    }).length;
  }
  return size;
}

describe('BlockDeflater output is one raw deflate stream', () => {
  const B = 32 * KIB;
  const sizes = [0, 1, B - 1, B, B + 1, 2 * B, 5 * B + 123];
  const kinds = [
    { kind: 'random', make: (n: number) => noise(n, n + 1) },
    { kind: 'repetitive', make: repetitive },
    { kind: 'csv', make: (n: number) => csvText(n).subarray(0, n) },
  ];
  const cases = sizes.flatMap((size) =>
    kinds.map(({ kind, make }) => ({ bytes: `${size}`, size, kind, make })),
  );

  it.each(cases)('$bytes bytes of $kind data, written whole or in odd chunks', async ({ size, make }) => {
    const data = make(size);
    expect(data.length).toBe(size);
    const whole = await blockDeflate(size === 0 ? [] : [data], { blockBytes: B });
    expect(zlib.inflateRawSync(whole).equals(data)).toBe(true);
    // Odd chunk sizes: smaller than, straddling and larger than a block, and empty chunks.
    const odd = chunked(data, [1, 7, 0, 4093, B + 3, 65_537, 2]);
    const pieces = await blockDeflate(odd, { blockBytes: B, concurrency: 2 });
    expect(zlib.inflateRawSync(pieces).equals(data)).toBe(true);
  });

  it.each([1, 2, 4, 16])('keeps block order with concurrency %i', async (concurrency) => {
    // Blocks of very different content (and so compression time) finishing out of order.
    const data = Buffer.concat([noise(3 * B, 9), repetitive(2 * B), csvText(3 * B), noise(B + 5, 10)]);
    const out = await blockDeflate(chunked(data, [10_000]), { blockBytes: B, concurrency });
    expect(zlib.inflateRawSync(out).equals(data)).toBe(true);
  });

  it.each([1, 5, 9])('round-trips at level %i', async (level) => {
    const data = csvText(4 * B + 77);
    const out = await blockDeflate([data], { level, blockBytes: B });
    expect(zlib.inflateRawSync(out).equals(data)).toBe(true);
  });
});

describe('BlockDeflater compression ratio', () => {
  // About 1 MiB of CSV spanning many blocks: each block is primed with the 32 KiB before it, so the
  // result stays within a fraction of a percent of one continuous zlib stream.
  const data = csvText(1024 * KIB);

  it.each([
    { level: 1, blockBytes: 64 * KIB },
    { level: 6, blockBytes: 64 * KIB },
    { level: 9, blockBytes: 64 * KIB },
    { level: 6, blockBytes: 256 * KIB },
  ])(
    'stays within 1% of zlib at level $level with $blockBytes-byte blocks',
    async ({ level, blockBytes }) => {
      const continuous = zlib.deflateRawSync(data, { level }).length;
      const parallel = (await blockDeflate(chunked(data, [16 * KIB]), { level, blockBytes })).length;
      expect(parallel).toBeLessThanOrEqual(continuous * 1.01);
      // The bound is tight enough to notice a missing dictionary: blocks compressed independently
      // come out more than 1% larger on this data.
      expect(independentBlocks(data, blockBytes, level)).toBeGreaterThan(continuous * 1.01);
    },
  );
});

describe('BlockDeflater backpressure and failures', () => {
  it('holds at most `concurrency` blocks plus the one filling while emit is waiting', async () => {
    const B = 32 * KIB;
    const data = noise(12 * B, 3);
    const out: Buffer[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const emit = vi.fn(async (chunk: Buffer) => {
      await gate;
      out.push(chunk);
    });
    const deflater = new BlockDeflater({ level: 6, blockBytes: B, concurrency: 2, emit });
    let accepted = 0;
    const writing = (async () => {
      for (const chunk of chunked(data, [B / 4])) {
        await deflater.write(chunk);
        accepted += chunk.length;
      }
      await deflater.end();
    })();

    await vi.waitFor(() => expect(emit).toHaveBeenCalled());
    // emit is stuck: the writer is waiting on it and nothing else can move.
    await new Promise((resolve) => setImmediate(resolve));
    expect(accepted).toBeLessThan(3 * B);
    expect(emit).toHaveBeenCalledTimes(1);

    release();
    await writing;
    expect(accepted).toBe(data.length);
    expect(zlib.inflateRawSync(Buffer.concat(out)).equals(data)).toBe(true);
  });

  it('rejects write or end with the error of a failing emit', async () => {
    const failure = new Error('sink is gone');
    const deflater = new BlockDeflater({
      level: 6,
      blockBytes: 32 * KIB,
      concurrency: 2,
      emit: async () => {
        throw failure;
      },
    });
    const writing = (async () => {
      for (const chunk of chunked(noise(200 * KIB), [10 * KIB])) await deflater.write(chunk);
      await deflater.end();
    })();
    await expect(writing).rejects.toBe(failure);
  });
});
