import { parse as parseCsvSync } from 'csv-parse/sync';
import { CsvRowScanner } from '../encode/csv-row-scanner.ts';

/** A header longer than this is not parsed for its column count (no real header is that long). */
const MAX_HEADER_BYTES = 1024 * 1024;

/**
 * Counts the records of a CSV file fed in chunks, by row boundaries (LF outside quotes) rather than by
 * parsing every field: `verify` checks a gigabyte of CSV in seconds, not minutes. The file's bytes are
 * proven by its SHA-256 against the manifest; this counts what those bytes hold. Only the header line
 * is parsed, to check its column count against the manifest.
 */
export class CsvRowCounter {
  private readonly scanner = new CsvRowScanner();
  private ends = 0;
  private trailing = false;
  private header: Buffer[] | null = [];
  private headerBytes = 0;
  private headerText: Buffer | undefined;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const rowEnds = this.scanner.rowEnds(chunk);
    this.ends += rowEnds.length;
    const last = rowEnds.at(-1);
    this.trailing = last === undefined ? this.trailing || chunk.length > 0 : last < chunk.length;
    this.collectHeader(chunk, rowEnds[0]);
  }

  /** Records in the file, the header included; a last line without a line end counts too. */
  get records(): number {
    return this.ends + (this.trailing ? 1 : 0);
  }

  /** True when the file ends inside a quoted field: not valid CSV. */
  get unterminated(): boolean {
    return this.scanner.insideQuotes;
  }

  /** Columns of the header line, or undefined when there is none (or it could not be read). */
  headerColumns(): number | undefined {
    const text =
      this.headerText ?? (this.header && this.headerBytes > 0 ? Buffer.concat(this.header) : undefined);
    if (!text) return undefined;
    try {
      const rows = parseCsvSync(text, { bom: true, relax_column_count: true }) as string[][];
      return rows[0]?.length;
    } catch {
      return undefined;
    }
  }

  private collectHeader(chunk: Buffer, firstEnd: number | undefined): void {
    if (!this.header) return;
    const piece = firstEnd === undefined ? chunk : chunk.subarray(0, firstEnd);
    this.header.push(piece);
    this.headerBytes += piece.length;
    if (firstEnd !== undefined) {
      this.headerText = Buffer.concat(this.header);
      this.header = null;
    } else if (this.headerBytes > MAX_HEADER_BYTES) {
      this.header = null;
    }
  }
}
