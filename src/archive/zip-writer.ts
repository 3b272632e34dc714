import { pipeline } from 'node:stream/promises';
import { checkDeflateLevel, DEFAULT_DEFLATE_LEVEL, ZipStream } from '../zip/zip-stream.ts';
import { ArchiveError } from './errors.ts';
import type { EntryRecord, EntrySource, PartRecord, PartSink, PartUpload } from './types.ts';

export interface ArchiveWriterOptions {
  sink: PartSink;
  /** File name of part `partNumber` (1-based), e.g. `handover-acme-20250101T000000Z-part-02.zip`. */
  partFileName: (partNumber: number) => string;
  /** 0 (store) to 9; 6 by default. */
  zlibLevel?: number;
  /** Modification time stamped on every entry (e.g. the snapshot time); the writer's creation time by default. */
  entryDate?: Date;
}

/** One of the final entries of a part (README.txt, manifest.json, schema.sql). */
export interface FinalEntry {
  path: string;
  data: Buffer | string;
}

interface OpenPart {
  number: number;
  fileName: string;
  upload: PartUpload;
  /** The part's zip bytes; it also counts them and hashes the whole file. */
  zip: ZipStream;
  /** Settles when the sink stream has finished (or the chain failed). */
  done: Promise<void>;
  /** Rejects as soon as anything in the chain fails; never resolves. */
  failed: Promise<never>;
  paths: Set<string>;
}

const ignore = (): void => undefined;

/**
 * Writes zip parts through a {@link PartSink}: entries go into the current part, which the caller
 * closes (README, manifest, schema) whenever it wants to roll to the next part, typically once
 * {@link ArchiveWriter.partBytes} passes a limit at a row boundary. Backpressure holds from the
 * entry's source through the zip stream to the sink, so memory stays bounded for multi-GB tables and a
 * slow sink (S3) simply slows the source down. Zip64 records are written when a part passes 4 GiB.
 *
 * Calls are sequential: await each `addEntry`/`closePart` before the next (a concurrent call is
 * refused). On any failure the open part is aborted and the writer becomes unusable: nothing
 * partial is ever committed.
 *
 * @example
 * const writer = new ArchiveWriter({ sink: createDirectorySink(dir), partFileName: (n) => `x-part-${n}.zip` });
 * await writer.addEntry('csv/invoices.csv', csvStream);
 * if (writer.partBytes >= limit) await writer.closePart((part) => finalEntriesFor(part));
 */
export class ArchiveWriter {
  private readonly sink: PartSink;
  private readonly partFileName: (partNumber: number) => string;
  private readonly zlibLevel: number;
  private readonly entryDate: Date;
  private part: OpenPart | null = null;
  /** A part whose sink upload is still opening; abort() waits for it to clean itself up. */
  private opening: Promise<OpenPart> | null = null;
  private nextPartNumber = 1;
  private busy: string | null = null;
  private aborted = false;
  private aborting: Promise<void> | null = null;
  private readonly closed: PartRecord[] = [];

  constructor(options: ArchiveWriterOptions) {
    // Checked here, not only when the first part opens: a bad level fails before any work starts.
    const level = checkDeflateLevel(options.zlibLevel ?? DEFAULT_DEFLATE_LEVEL, 'zlibLevel');
    this.sink = options.sink;
    this.partFileName = options.partFileName;
    this.zlibLevel = level;
    this.entryDate = options.entryDate ?? new Date();
  }

  /** Compressed bytes the current part has emitted so far (0 when no part is open). Grows during an entry. */
  get partBytes(): number {
    return this.part?.zip.bytesWritten ?? 0;
  }

  /** Number of the open part, or of the part the next entry will open. */
  get partNumber(): number {
    return this.part?.number ?? this.nextPartNumber;
  }

  /** Parts committed so far, in order. */
  get parts(): readonly PartRecord[] {
    return this.closed;
  }

  /**
   * Adds one file to the current part (opening the part first if needed), hashing and counting its
   * uncompressed bytes as they flow. Resolves once the data was fully consumed into the zip.
   * A Readable source is read with backpressure; it is destroyed if the entry fails.
   * `store: true` keeps the entry uncompressed: for content that is compressed already (an .xlsx file
   * is itself a zip), deflating it again costs CPU and saves next to nothing.
   */
  async addEntry(
    path: string,
    data: EntrySource,
    entryOptions: { store?: boolean } = {},
  ): Promise<EntryRecord> {
    try {
      this.begin('addEntry');
    } catch (error) {
      destroySource(data);
      throw error;
    }
    try {
      const part = await this.ensurePart();
      return await this.append(part, path, data, entryOptions.store === true);
    } catch (error) {
      destroySource(data);
      await this.abort();
      throw asArchiveError(error, `could not add ${path} to the archive`);
    } finally {
      this.busy = null;
    }
  }

  /**
   * Adds the part's final entries (built from the part's number and file name: the manifest must name
   * its own part), finalizes the zip, waits until the sink has every byte, commits it and returns it.
   * Opens an empty part first if none is open, so a caller can always end with a last part.
   */
  async closePart(
    finalEntries: (part: { number: number; fileName: string }) => FinalEntry[],
  ): Promise<PartRecord> {
    this.begin('closePart');
    try {
      const part = await this.ensurePart();
      for (const entry of finalEntries({ number: part.number, fileName: part.fileName })) {
        await this.append(part, entry.path, entry.data);
      }
      await Promise.race([part.zip.finalize(), part.failed]);
      await Promise.race([part.done, part.failed]);
      // Every byte is in the sink: from here on the part is complete, and either commits or is discarded.
      this.part = null;
      const { location } = await part.upload.commit().catch(async (error: unknown) => {
        await part.upload.abort().catch(ignore);
        throw error;
      });
      const record: PartRecord = {
        number: part.number,
        fileName: part.fileName,
        location,
        bytes: part.zip.bytesWritten,
        sha256: part.zip.sha256(),
      };
      this.nextPartNumber += 1;
      this.closed.push(record);
      return record;
    } catch (error) {
      await this.abort();
      throw asArchiveError(error, `could not write archive part ${this.partNumber}`);
    } finally {
      this.busy = null;
    }
  }

  /**
   * Aborts the open part: stops the zip stream, tears down the stream chain and aborts the upload, so
   * nothing of it is committed. Parts already committed stay. Idempotent; the writer is unusable after.
   */
  abort(): Promise<void> {
    this.aborted = true;
    this.aborting ??= this.abortPart();
    return this.aborting;
  }

  private async abortPart(): Promise<void> {
    // A part still opening sees `aborted` once its upload exists and aborts that upload itself:
    // wait for it, so that when abort() resolves nothing of the part is left (no temp file either).
    await this.opening?.catch(ignore);
    const part = this.part;
    this.part = null;
    if (!part) return;
    part.zip.destroy(new ArchiveError(`archive part ${part.number} aborted`));
    await part.done.catch(ignore);
    await part.upload.abort();
  }

  private begin(operation: string): void {
    if (this.aborted) throw new ArchiveError(`${operation}: the archive writer was aborted`);
    if (this.busy) {
      throw new ArchiveError(`${operation} called while ${this.busy} is still running: await each call`);
    }
    this.busy = operation;
  }

  private ensurePart(): Promise<OpenPart> {
    if (this.part) return Promise.resolve(this.part);
    this.opening ??= this.openPart().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async openPart(): Promise<OpenPart> {
    const number = this.nextPartNumber;
    const fileName = this.partFileName(number);
    const upload = await this.sink.openPart(fileName);
    if (this.aborted) {
      // abort() ran while the sink was opening the part: nothing must stay behind.
      upload.stream.destroy();
      await upload.abort();
      throw new ArchiveError(`archive part ${number} aborted`);
    }
    const zip = new ZipStream({ level: this.zlibLevel, date: this.entryDate, hashOutput: true });
    // The chain reports failures through `done`; these listeners only keep late errors (after the
    // chain was torn down) from crashing the process.
    zip.on('error', ignore);
    upload.stream.on('error', ignore);
    const done = pipeline(zip, upload.stream);
    const failed = new Promise<never>((_resolve, reject) => {
      done.catch(reject);
    });
    failed.catch(ignore);
    const part: OpenPart = { number, fileName, upload, zip, done, failed, paths: new Set() };
    // A sink failure between calls (the zip still draining its buffer) aborts the upload right away.
    done.catch(() => {
      if (this.part === part) void this.abort().catch(ignore);
    });
    this.part = part;
    return part;
  }

  private async append(part: OpenPart, path: string, data: EntrySource, store = false): Promise<EntryRecord> {
    checkEntryPath(path);
    if (part.paths.has(path)) throw new ArchiveError(`${path} is already in archive part ${part.number}`);
    part.paths.add(path);
    if (typeof data !== 'string' && !Buffer.isBuffer(data)) data.on('error', ignore);
    const written = await Promise.race([part.zip.addEntry(path, data, { store, sha256: true }), part.failed]);
    return { path, bytes: written.bytes, sha256: written.sha256 as string };
  }
}

/** Entry paths are relative, forward-slashed and free of `.`/`..` segments: unzip must not escape its folder. */
function checkEntryPath(path: string): void {
  const segments = path.split('/');
  const bad =
    path.length === 0 ||
    path.includes('\\') ||
    path.includes('\u0000') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad) throw new ArchiveError(`invalid entry path ${JSON.stringify(path)}`);
}

function destroySource(data: EntrySource): void {
  if (typeof data !== 'string' && !Buffer.isBuffer(data)) data.destroy();
}

function asArchiveError(error: unknown, message: string): ArchiveError {
  if (error instanceof ArchiveError) return error;
  const detail = error instanceof Error ? `: ${error.message}` : '';
  return new ArchiveError(`${message}${detail}`, { cause: error });
}
