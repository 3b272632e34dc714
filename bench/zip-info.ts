/** Reads sizes and the manifest from a finished zip (central directory only, plus one small entry). */
import { text } from 'node:stream/consumers';
import yauzl from 'yauzl';

export interface ZipInfo {
  entries: number;
  /** Size of the zip file itself. */
  zipBytes: number;
  /** Sum of the entries' uncompressed sizes. */
  uncompressedBytes: number;
}

/** Entry count and sizes of one zip file. */
export async function zipInfo(path: string): Promise<ZipInfo> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  try {
    let entries = 0;
    let uncompressedBytes = 0;
    for await (const entry of zip.eachEntry()) {
      entries += 1;
      uncompressedBytes += entry.uncompressedSize;
    }
    return { entries, zipBytes: zip.fileSize, uncompressedBytes };
  } finally {
    zip.close();
  }
}

/** The text of one entry, or null when the zip has no such entry. */
export async function readZipText(path: string, name: string): Promise<string | null> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName === name) return await text(await zip.openReadStreamPromise(entry));
    }
    return null;
  } finally {
    zip.close();
  }
}
