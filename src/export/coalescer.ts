/**
 * Gathers many small buffers into ~64 KiB chunks. The zip stream takes each chunk in its own async
 * step (CRC-32, SHA-256, block assembly), and stream plumbing costs the same per chunk whatever its
 * size: one write per row is several times slower than coalesced chunks (measured on this machine).
 */
export class Coalescer {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly target = 64 * 1024) {}

  /** Adds a buffer; returns a coalesced chunk once at least `target` bytes are held, else undefined. */
  push(chunk: Buffer): Buffer | undefined {
    this.parts.push(chunk);
    this.size += chunk.length;
    return this.size >= this.target ? this.take() : undefined;
  }

  /** Returns everything held (possibly empty) and resets. */
  take(): Buffer {
    const out = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return out;
  }

  get pending(): number {
    return this.size;
  }
}
