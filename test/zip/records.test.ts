import { afterEach, describe, expect, it } from 'vitest';
import {
  type CentralEntry,
  centralDirectoryHeader,
  dataDescriptor,
  dosDateTime,
  endOfCentralDirectory,
  localFileHeader,
  METHOD_DEFLATE,
} from '../../src/zip/records.ts';

const GIB = 1024 ** 3;
const MAX_32 = 0xffffffff;

function entry(overrides: Partial<CentralEntry> = {}): CentralEntry {
  return {
    name: Buffer.from('données/été.csv', 'utf8'),
    method: METHOD_DEFLATE,
    dosTime: 0x6000,
    dosDate: 0x5821,
    crc32: 0xdeadbeef,
    compressedSize: 1234,
    uncompressedSize: 5678,
    offset: 42,
    forceZip64: false,
    ...overrides,
  };
}

/** The DOS fields decoded the way every reader does it (no time zone). */
function decodeDos(dosDate: number, dosTime: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${1980 + (dosDate >> 9)}-${two((dosDate >> 5) & 15)}-${two(dosDate & 31)}T${two(dosTime >> 11)}:${two(
    (dosTime >> 5) & 63,
  )}:${two((dosTime & 31) * 2)}`;
}

/** A central directory header, field by field (APPNOTE 4.3.12), with its extra fields split. */
function parseCentral(record: Buffer) {
  expect(record.readUInt32LE(0)).toBe(0x02014b50);
  const nameLength = record.readUInt16LE(28);
  const extraLength = record.readUInt16LE(30);
  expect(record.length).toBe(46 + nameLength + extraLength);
  const extras = new Map<number, Buffer>();
  for (let at = 46 + nameLength; at < record.length; ) {
    const id = record.readUInt16LE(at);
    const size = record.readUInt16LE(at + 2);
    extras.set(id, record.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  return {
    versionNeeded: record.readUInt16LE(6),
    flags: record.readUInt16LE(8),
    crc32: record.readUInt32LE(16),
    compressedSize: record.readUInt32LE(20),
    uncompressedSize: record.readUInt32LE(24),
    offset: record.readUInt32LE(42),
    name: record.subarray(46, 46 + nameLength).toString('utf8'),
    extras,
  };
}

/** The Zip64 extended information field's 64-bit values, in order. */
function zip64Values(field: Buffer | undefined): number[] {
  if (!field) throw new Error('no Zip64 extra field');
  const values: number[] = [];
  for (let at = 0; at < field.length; at += 8) values.push(Number(field.readBigUInt64LE(at)));
  return values;
}

describe('dosDateTime', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it.each([
    ['2024-02-29T23:59:59.999Z', '2024-02-29T23:59:58'],
    ['2025-06-30T12:00:00.000Z', '2025-06-30T12:00:00'],
    ['1980-01-01T00:00:01.000Z', '1980-01-01T00:00:00'],
    ['2107-12-31T23:59:59.000Z', '2107-12-31T23:59:58'],
  ])('encodes %s as %s, in UTC, whatever the time zone', (iso, expected) => {
    for (const tz of ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles']) {
      process.env.TZ = tz;
      const { dosDate, dosTime } = dosDateTime(new Date(iso));
      expect(decodeDos(dosDate, dosTime), tz).toBe(expected);
    }
  });

  it('clamps dates the format cannot hold', () => {
    const early = dosDateTime(new Date('1970-01-01T00:00:00Z'));
    expect(decodeDos(early.dosDate, early.dosTime)).toBe('1980-01-01T00:00:00');
    const late = dosDateTime(new Date('2200-05-05T05:05:05Z'));
    expect(decodeDos(late.dosDate, late.dosTime)).toBe('2107-12-31T23:59:58');
  });
});

describe('localFileHeader', () => {
  it('announces a data descriptor and a UTF-8 name, with CRC and sizes left at zero', () => {
    const header = localFileHeader(entry());
    expect(header.readUInt32LE(0)).toBe(0x04034b50);
    expect(header.readUInt16LE(6)).toBe(0x0808);
    expect(header.readUInt16LE(8)).toBe(METHOD_DEFLATE);
    expect(header.readUInt32LE(14)).toBe(0);
    expect(header.readUInt32LE(18)).toBe(0);
    expect(header.readUInt32LE(22)).toBe(0);
    expect(header.subarray(30).toString('utf8')).toBe('données/été.csv');
    expect(header.readUInt16LE(26)).toBe(Buffer.byteLength('données/été.csv'));
  });
});

describe('dataDescriptor', () => {
  it('has 32-bit sizes when they fit', () => {
    const record = dataDescriptor(entry());
    expect(record.length).toBe(16);
    expect(record.readUInt32LE(0)).toBe(0x08074b50);
    expect(record.readUInt32LE(4)).toBe(0xdeadbeef);
    expect(record.readUInt32LE(8)).toBe(1234);
    expect(record.readUInt32LE(12)).toBe(5678);
  });

  it.each([
    { what: 'uncompressed size above 4 GiB', compressedSize: 2 * GIB, uncompressedSize: 5 * GIB + 7 },
    { what: 'compressed size above 4 GiB', compressedSize: 4 * GIB + 1, uncompressedSize: 4 * GIB + 2 },
    { what: 'size of exactly 0xFFFFFFFF', compressedSize: 10, uncompressedSize: MAX_32 },
  ])('has 64-bit sizes with an $what', ({ compressedSize, uncompressedSize }) => {
    const record = dataDescriptor(entry({ compressedSize, uncompressedSize }));
    expect(record.length).toBe(24);
    expect(record.readUInt32LE(0)).toBe(0x08074b50);
    expect(record.readUInt32LE(4)).toBe(0xdeadbeef);
    expect(Number(record.readBigUInt64LE(8))).toBe(compressedSize);
    expect(Number(record.readBigUInt64LE(16))).toBe(uncompressedSize);
  });

  it('has 64-bit sizes when Zip64 is forced', () => {
    const record = dataDescriptor(entry({ forceZip64: true }));
    expect(record.length).toBe(24);
    expect(Number(record.readBigUInt64LE(8))).toBe(1234);
    expect(Number(record.readBigUInt64LE(16))).toBe(5678);
  });
});

describe('centralDirectoryHeader', () => {
  it('is classic when everything fits', () => {
    const parsed = parseCentral(centralDirectoryHeader(entry()));
    expect(parsed).toMatchObject({
      versionNeeded: 20,
      flags: 0x0808,
      crc32: 0xdeadbeef,
      compressedSize: 1234,
      uncompressedSize: 5678,
      offset: 42,
      name: 'données/été.csv',
    });
    expect(parsed.extras.size).toBe(0);
  });

  it('moves sizes above 4 GiB to the Zip64 field', () => {
    const parsed = parseCentral(
      centralDirectoryHeader(entry({ compressedSize: 4 * GIB + 3, uncompressedSize: 6 * GIB + 5 })),
    );
    expect(parsed.versionNeeded).toBe(45);
    expect(parsed.compressedSize).toBe(MAX_32);
    expect(parsed.uncompressedSize).toBe(MAX_32);
    expect(parsed.offset).toBe(42);
    // Uncompressed first, then compressed (APPNOTE 4.5.3); no offset, it fits.
    expect(zip64Values(parsed.extras.get(0x0001))).toEqual([6 * GIB + 5, 4 * GIB + 3]);
  });

  it('moves an offset above 4 GiB to the Zip64 field', () => {
    const parsed = parseCentral(centralDirectoryHeader(entry({ offset: 7 * GIB + 11 })));
    expect(parsed.versionNeeded).toBe(45);
    expect(parsed.compressedSize).toBe(1234);
    expect(parsed.uncompressedSize).toBe(5678);
    expect(parsed.offset).toBe(MAX_32);
    expect(zip64Values(parsed.extras.get(0x0001))).toEqual([7 * GIB + 11]);
  });

  it('holds sizes and offset in the Zip64 field when all overflow', () => {
    const parsed = parseCentral(
      centralDirectoryHeader(entry({ compressedSize: 5 * GIB, uncompressedSize: 9 * GIB, offset: 8 * GIB })),
    );
    expect([parsed.compressedSize, parsed.uncompressedSize, parsed.offset]).toEqual([MAX_32, MAX_32, MAX_32]);
    expect(zip64Values(parsed.extras.get(0x0001))).toEqual([9 * GIB, 5 * GIB, 8 * GIB]);
  });

  it('writes every value in the Zip64 field when Zip64 is forced', () => {
    const parsed = parseCentral(centralDirectoryHeader(entry({ forceZip64: true })));
    expect([parsed.compressedSize, parsed.uncompressedSize, parsed.offset]).toEqual([MAX_32, MAX_32, MAX_32]);
    expect(zip64Values(parsed.extras.get(0x0001))).toEqual([5678, 1234, 42]);
  });
});

describe('endOfCentralDirectory', () => {
  it('is the classic 22-byte record when everything fits', () => {
    const record = endOfCentralDirectory({
      entries: 3,
      directorySize: 300,
      directoryOffset: 1000,
      forceZip64: false,
    });
    expect(record.length).toBe(22);
    expect(record.readUInt32LE(0)).toBe(0x06054b50);
    expect(record.readUInt16LE(8)).toBe(3);
    expect(record.readUInt16LE(10)).toBe(3);
    expect(record.readUInt32LE(12)).toBe(300);
    expect(record.readUInt32LE(16)).toBe(1000);
    expect(record.readUInt16LE(20)).toBe(0); // no comment
  });

  it.each([
    { what: 'a directory offset above 4 GiB', entries: 12, directorySize: 900, directoryOffset: 6 * GIB + 1 },
    { what: 'a directory above 4 GiB', entries: 3, directorySize: 4 * GIB + 9, directoryOffset: 100 },
    {
      what: 'more than 65,535 entries',
      entries: 70_000,
      directorySize: 5_000_000,
      directoryOffset: 9_000_000,
    },
    { what: 'exactly 65,535 entries', entries: 0xffff, directorySize: 5_000_000, directoryOffset: 9_000_000 },
  ])('adds the Zip64 record and locator for $what', ({ entries, directorySize, directoryOffset }) => {
    const records = endOfCentralDirectory({ entries, directorySize, directoryOffset, forceZip64: false });
    expect(records.length).toBe(56 + 20 + 22);

    const zip64 = records.subarray(0, 56);
    expect(zip64.readUInt32LE(0)).toBe(0x06064b50);
    expect(Number(zip64.readBigUInt64LE(4))).toBe(44);
    expect(zip64.readUInt16LE(14)).toBe(45);
    expect(Number(zip64.readBigUInt64LE(24))).toBe(entries);
    expect(Number(zip64.readBigUInt64LE(32))).toBe(entries);
    expect(Number(zip64.readBigUInt64LE(40))).toBe(directorySize);
    expect(Number(zip64.readBigUInt64LE(48))).toBe(directoryOffset);

    const locator = records.subarray(56, 76);
    expect(locator.readUInt32LE(0)).toBe(0x07064b50);
    // The Zip64 record starts right after the central directory.
    expect(Number(locator.readBigUInt64LE(8))).toBe(directoryOffset + directorySize);
    expect(locator.readUInt32LE(16)).toBe(1);

    const end = records.subarray(76);
    expect(end.readUInt32LE(0)).toBe(0x06054b50);
    expect(end.readUInt16LE(8)).toBe(0xffff);
    expect(end.readUInt16LE(10)).toBe(0xffff);
    expect(end.readUInt32LE(12)).toBe(MAX_32);
    expect(end.readUInt32LE(16)).toBe(MAX_32);
  });

  it('adds the Zip64 records when forced', () => {
    const records = endOfCentralDirectory({
      entries: 1,
      directorySize: 10,
      directoryOffset: 20,
      forceZip64: true,
    });
    expect(records.length).toBe(56 + 20 + 22);
    expect(Number(records.readBigUInt64LE(32))).toBe(1);
  });
});
