import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { EntryRecord } from '../archive/types.ts';
import type { ArchiveWriter } from '../archive/zip-writer.ts';

/**
 * One zip entry being written by pushing buffers, with backpressure: `write` waits while the zip is
 * behind, so memory stays bounded whatever the table size. If the zip fails, the pending `write`
 * rejects instead of waiting for a drain that never comes.
 */
export class EntryStream {
  private readonly input = new PassThrough({ highWaterMark: 256 * 1024 });
  private readonly done: Promise<EntryRecord>;
  private failure: unknown;

  private constructor(writer: ArchiveWriter, path: string) {
    this.done = writer.addEntry(path, this.input);
    // Remember a failure now; it is rethrown by the next write/end (no unhandled rejection meanwhile).
    this.done.catch((error: unknown) => {
      this.failure = error ?? new Error('archive entry failed');
      this.input.destroy();
    });
  }

  /** Starts a new entry in the writer's current part. */
  static open(writer: ArchiveWriter, path: string): EntryStream {
    return new EntryStream(writer, path);
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (chunk.length === 0) return;
    if (!this.input.write(chunk)) {
      await Promise.race([once(this.input, 'drain'), this.done]);
      if (this.failure) throw this.failure;
    }
  }

  /** Ends the entry and resolves with its size and checksum once the zip has consumed it. */
  async end(): Promise<EntryRecord> {
    if (this.failure) throw this.failure;
    this.input.end();
    return this.done;
  }
}
