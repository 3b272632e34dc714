import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/archive/errors.ts';
import { buildManifest, parseManifest, serializeManifest } from '../../src/archive/manifest.ts';
import type { Manifest } from '../../src/archive/types.ts';
import { catalog, projectsTable, tasksTable } from './fixtures.ts';

function sample(overrides: Partial<Parameters<typeof buildManifest>[0]> = {}): Manifest {
  return buildManifest({
    tenant: 'acme',
    jobId: null,
    createdAt: '2025-06-30T12:00:05.000Z',
    snapshotTakenAt: '2025-06-30T12:00:00.123456Z',
    generatorVersion: '0.1.0',
    catalog,
    tables: [
      { table: projectsTable, rows: 3 },
      { table: tasksTable, rows: 5 },
    ],
    formats: ['csv', 'xlsx'],
    csvProfile: 'excel',
    part: { number: 1, fileName: 'handover-acme-20250630T120000Z.zip', isLast: true },
    deadline: null,
    files: [
      {
        path: 'csv/projects.csv',
        bytes: 120,
        sha256: 'a'.repeat(64),
        format: 'csv',
        table: 'projects',
        rows: 3,
        chunk: 1,
      },
      {
        path: 'xlsx/projects.xlsx',
        bytes: 5120,
        sha256: 'b'.repeat(64),
        format: 'xlsx',
        table: 'projects',
        rows: 3,
        chunk: 1,
        sheets: ['projects'],
      },
    ],
    warnings: [{ code: 'cell-truncated', table: 'tasks', column: 'title', message: 'cut' }],
    ...overrides,
  });
}

describe('manifest.json', () => {
  it('says how values are encoded, with the BOM and apostrophe rule only in the excel profile', () => {
    const excel = sample();
    const raw = sample({ csvProfile: 'raw' });

    expect(excel.encoding.null).toBe('empty field; empty string is ""');
    expect(excel.encoding.binary).toBe('base64');
    expect(excel.encoding.timestamps).toMatch(/^ISO 8601/);
    expect(excel.encoding.csv).toMatch(/^RFC 4180, UTF-8 with a byte order mark \(BOM\), LF line ends/);
    expect(excel.encoding.csv).toContain('apostrophe');
    expect(raw.encoding.csv).toMatch(/^RFC 4180, UTF-8, LF line ends/);
    expect(raw.encoding.csv).not.toContain('BOM');
  });

  it('describes tables from the catalog: scope, columns, exclusions and uncovered tables', () => {
    const manifest = sample();

    expect(manifest.tables[0]).toMatchObject({
      name: 'projects',
      scope: 'company_id = tenant',
      rows: 3,
      excludedColumns: [{ name: 'api_token', reason: 'secret (default rule: *_token)' }],
    });
    expect(manifest.tables[0]?.columns.find((c) => c.name === 'name_lower')).toEqual({
      name: 'name_lower',
      type: 'text',
      sourceType: 'text',
      nullable: true,
      generated: true,
    });
    expect(manifest.uncoveredTables.map((t) => t.name)).toEqual(['sessions', 'audit_blobs']);
  });

  it('round-trips through its text form', () => {
    const manifest = sample();

    expect(parseManifest(serializeManifest(manifest))).toEqual(manifest);
  });

  it('writes keys in the same order whatever order the object was built in', () => {
    const manifest = sample();
    const shuffled = Object.fromEntries(Object.entries(manifest).reverse()) as unknown as Manifest;

    const text = serializeManifest(shuffled);

    expect(text).toBe(serializeManifest(manifest));
    expect(text.split('\n').slice(0, 3)).toEqual(['{', '  "formatVersion": 1,', '  "generator": {']);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('names every invalid field when parsing', () => {
    const broken = JSON.parse(serializeManifest(sample()));
    broken.files[1].sha256 = 'xyz';
    broken.files[0].rows = 1.5;
    broken.part.number = 0;
    delete broken.tenant;

    let error: unknown;
    try {
      parseManifest(JSON.stringify(broken));
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).issues).toEqual(
      expect.arrayContaining([
        'files[1].sha256: expected 64 lowercase hex characters',
        'files[0].rows: must be a whole number',
        'part.number: must be 1 or more',
        expect.stringMatching(/^tenant: /),
      ]),
    );
  });

  it('refuses a file listed twice, or listed under a table it does not describe', () => {
    const broken = JSON.parse(serializeManifest(sample()));
    broken.files.push({ ...broken.files[0] });
    broken.files[1].table = 'ghosts';

    expect(() => parseManifest(JSON.stringify(broken))).toThrow(
      /files\[2\]\.path: csv\/projects\.csv is listed twice/,
    );
    expect(() => parseManifest(JSON.stringify(broken))).toThrow(
      /files\[1\]\.table: table ghosts is not in tables/,
    );
  });

  it('refuses a newer format version with a message that says so', () => {
    const future = { ...JSON.parse(serializeManifest(sample())), formatVersion: 2 };

    expect(() => parseManifest(JSON.stringify(future))).toThrow(
      /format version 2; this handover reads version 1/,
    );
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseManifest('{"formatVersion": 1,')).toThrow(/manifest.json is not valid JSON/);
  });
});
