/**
 * The binary records of a streamed zip file (PKWARE APPNOTE 6.3.x): local file headers followed by
 * data descriptors, because sizes and CRC are known only once an entry's data has gone out, then
 * the central directory and its end records, with Zip64 fields wherever a size, an offset or the
 * entry count does not fit the classic 32/16-bit fields.
 *
 * Every function here is pure: it returns the bytes of one record.
 */

export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

/** General purpose flags: bit 3 (sizes and CRC follow in a data descriptor), bit 11 (UTF-8 names). */
const FLAGS = 0x0008 | 0x0800;
/** "Version needed to extract": 2.0 for deflate and data descriptors, 4.5 for Zip64. */
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
/** "Version made by": Unix (3) in the high byte, so the external attributes carry Unix permissions. */
const MADE_BY_UNIX = 3 << 8;
/** A regular file, rw-r--r--, in the high 16 bits of the external attributes (as Info-ZIP writes it). */
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;

const MAX_32 = 0xffffffff;
const MAX_16 = 0xffff;

/** What the central directory needs to know about one entry once its data is written. */
export interface CentralEntry {
  name: Buffer;
  method: number;
  dosTime: number;
  dosDate: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the entry's local header from the start of the zip file. */
  offset: number;
  /** Write Zip64 fields even when the values fit (tests use it to exercise the Zip64 layout). */
  forceZip64: boolean;
}

/** Whether an entry's sizes need the Zip64 layout (data descriptor and central directory). */
export function sizesNeedZip64(
  entry: Pick<CentralEntry, 'compressedSize' | 'uncompressedSize' | 'forceZip64'>,
): boolean {
  return entry.forceZip64 || entry.compressedSize >= MAX_32 || entry.uncompressedSize >= MAX_32;
}

/**
 * MS-DOS date and time fields for `date` in UTC, 2-second resolution, clamped to the range the
 * format can hold (1980 to 2107). UTC rather than local time, so an archive does not depend on the
 * time zone of the machine that wrote it.
 */
export function dosDateTime(date: Date): { dosDate: number; dosTime: number } {
  const year = date.getUTCFullYear();
  if (year < 1980) return { dosDate: (1 << 5) | 1, dosTime: 0 };
  if (year > 2107) return { dosDate: (127 << 9) | (12 << 5) | 31, dosTime: (23 << 11) | (59 << 5) | 29 };
  return {
    dosDate: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
    dosTime: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
  };
}

/**
 * Local file header with CRC and sizes left at zero: they follow the data in a data descriptor
 * (flag bit 3). No Zip64 extra field here: readers take sizes from the central directory, which
 * has them, and from the data descriptor, which is 64-bit when the entry needed it.
 */
export function localFileHeader(
  entry: Pick<CentralEntry, 'name' | 'method' | 'dosTime' | 'dosDate'>,
): Buffer {
  const header = Buffer.alloc(30 + entry.name.length);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(VERSION_DEFAULT, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt16LE(entry.dosTime, 10);
  header.writeUInt16LE(entry.dosDate, 12);
  // crc-32, compressed size, uncompressed size: 0 (in the data descriptor); extra field length: 0.
  header.writeUInt16LE(entry.name.length, 26);
  entry.name.copy(header, 30);
  return header;
}

/** Data descriptor after an entry's data, with the signature; 64-bit sizes for a Zip64 entry. */
export function dataDescriptor(entry: CentralEntry): Buffer {
  if (sizesNeedZip64(entry)) {
    const record = Buffer.alloc(24);
    record.writeUInt32LE(0x08074b50, 0);
    record.writeUInt32LE(entry.crc32 >>> 0, 4);
    record.writeBigUInt64LE(BigInt(entry.compressedSize), 8);
    record.writeBigUInt64LE(BigInt(entry.uncompressedSize), 16);
    return record;
  }
  const record = Buffer.alloc(16);
  record.writeUInt32LE(0x08074b50, 0);
  record.writeUInt32LE(entry.crc32 >>> 0, 4);
  record.writeUInt32LE(entry.compressedSize, 8);
  record.writeUInt32LE(entry.uncompressedSize, 12);
  return record;
}

/** One central directory file header, with a Zip64 extended information field when needed. */
export function centralDirectoryHeader(entry: CentralEntry): Buffer {
  const zip64Sizes = sizesNeedZip64(entry);
  const zip64Offset = entry.forceZip64 || entry.offset >= MAX_32;
  // The Zip64 extra field holds, in this order, only the values whose classic field reads 0xFFFFFFFF.
  const extraValues: number[] = [];
  if (zip64Sizes) extraValues.push(entry.uncompressedSize, entry.compressedSize);
  if (zip64Offset) extraValues.push(entry.offset);
  const extraLength = extraValues.length > 0 ? 4 + 8 * extraValues.length : 0;
  const zip64 = extraLength > 0;

  const header = Buffer.alloc(46 + entry.name.length + extraLength);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(MADE_BY_UNIX | (zip64 ? VERSION_ZIP64 : VERSION_DEFAULT), 4);
  header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 6);
  header.writeUInt16LE(FLAGS, 8);
  header.writeUInt16LE(entry.method, 10);
  header.writeUInt16LE(entry.dosTime, 12);
  header.writeUInt16LE(entry.dosDate, 14);
  header.writeUInt32LE(entry.crc32 >>> 0, 16);
  header.writeUInt32LE(zip64Sizes ? MAX_32 : entry.compressedSize, 20);
  header.writeUInt32LE(zip64Sizes ? MAX_32 : entry.uncompressedSize, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt16LE(extraLength, 30);
  // comment length, disk number start, internal attributes: 0.
  header.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
  header.writeUInt32LE(zip64Offset ? MAX_32 : entry.offset, 42);
  entry.name.copy(header, 46);
  if (zip64) {
    let at = 46 + entry.name.length;
    header.writeUInt16LE(0x0001, at);
    header.writeUInt16LE(8 * extraValues.length, at + 2);
    at += 4;
    for (const value of extraValues) {
      header.writeBigUInt64LE(BigInt(value), at);
      at += 8;
    }
  }
  return header;
}

/**
 * The records that end a zip file: Zip64 end of central directory record and locator when the entry
 * count, the directory's size or its offset overflow the classic fields (or `forceZip64`), then the
 * classic end of central directory record, with 0xFFFF/0xFFFFFFFF where the Zip64 record holds the value.
 */
export function endOfCentralDirectory(options: {
  entries: number;
  directorySize: number;
  directoryOffset: number;
  forceZip64: boolean;
}): Buffer {
  const { entries, directorySize, directoryOffset } = options;
  const zip64 =
    options.forceZip64 || entries >= MAX_16 || directorySize >= MAX_32 || directoryOffset >= MAX_32;
  const records: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4); // size of the rest of this record
    record.writeUInt16LE(MADE_BY_UNIX | VERSION_ZIP64, 12);
    record.writeUInt16LE(VERSION_ZIP64, 14);
    // number of this disk, disk where the central directory starts: 0.
    record.writeBigUInt64LE(BigInt(entries), 24);
    record.writeBigUInt64LE(BigInt(entries), 32);
    record.writeBigUInt64LE(BigInt(directorySize), 40);
    record.writeBigUInt64LE(BigInt(directoryOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(directoryOffset + directorySize), 8);
    locator.writeUInt32LE(1, 16); // total number of disks
    records.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? MAX_16 : entries, 8);
  end.writeUInt16LE(zip64 ? MAX_16 : entries, 10);
  end.writeUInt32LE(zip64 ? MAX_32 : directorySize, 12);
  end.writeUInt32LE(zip64 ? MAX_32 : directoryOffset, 16);
  records.push(end);
  return Buffer.concat(records);
}
