import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ArchiveError } from './errors.ts';
import type { PartSink, PartUpload } from './types.ts';

/**
 * A {@link PartSink} writing each part to `<dir>/<fileName>`. Bytes go to a hidden temp file
 * `.<fileName>.partial` (flushed to disk before closing) that is renamed on commit and deleted on
 * abort: a crash or failure never leaves a file that looks like a complete archive.
 *
 * @example
 * const writer = new ArchiveWriter({ sink: createDirectorySink('exports'), partFileName: (n) => `a-${n}.zip` });
 */
export function createDirectorySink(dir: string): PartSink {
  const directory = resolve(dir);
  return {
    async openPart(fileName: string): Promise<PartUpload> {
      checkFileName(fileName);
      await mkdir(directory, { recursive: true });
      const finalPath = join(directory, fileName);
      const partialPath = join(directory, `.${fileName}.partial`);
      const stream = createWriteStream(partialPath, { flush: true });
      await once(stream, 'open');
      const closed = once(stream, 'close').then(
        () => undefined,
        () => undefined,
      );
      let settled = false;
      return {
        stream,
        async commit() {
          if (settled) throw new ArchiveError(`${fileName} was already committed or aborted`);
          settled = true;
          if (!stream.writableFinished) {
            await rm(partialPath, { force: true });
            throw new ArchiveError(`${fileName} cannot be committed: its data was not completely written`);
          }
          try {
            await closed;
            await rename(partialPath, finalPath);
          } catch (error) {
            await rm(partialPath, { force: true });
            throw error;
          }
          return { location: finalPath };
        },
        async abort() {
          if (settled) return;
          settled = true;
          stream.destroy();
          await closed;
          await rm(partialPath, { force: true });
        },
      };
    },
  };
}

/** A part's file name is a plain name inside the directory: no separators, no dot-files, no `..`. */
function checkFileName(fileName: string): void {
  if (
    fileName.length === 0 ||
    /[/\\]/.test(fileName) ||
    fileName.includes('\u0000') ||
    fileName.startsWith('.')
  ) {
    throw new ArchiveError(`invalid archive file name ${JSON.stringify(fileName)}`);
  }
}
