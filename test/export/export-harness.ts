/**
 * Runs the real export pipeline for the end-to-end tests: a real source, the discovered catalog,
 * `exportTenant` into a directory sink, and the parts read back with the test's own zip reader.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDirectorySink } from '../../src/archive/local-sink.ts';
import { parseConfig } from '../../src/catalog/config.ts';
import { discoverCatalog } from '../../src/catalog/discover.ts';
import type { Catalog } from '../../src/catalog/types.ts';
import { exportTenant } from '../../src/export/export-tenant.ts';
import type { ExportRequest, ExportResult } from '../../src/export/types.ts';
import type { SourceDatabase } from '../../src/sources/types.ts';
import { type ArchivePart, readArchive } from '../support/archive-reader.ts';

/** The catalog of a test database with the given config (plain defaults when none). */
export function catalogOf(source: SourceDatabase, config: unknown = {}): Promise<Catalog> {
  return discoverCatalog(source, parseConfig(config, 'test config'));
}

export type ExportOptions = Omit<ExportRequest, 'sink' | 'fileStem' | 'maxPartBytes'> &
  Partial<Pick<ExportRequest, 'fileStem' | 'maxPartBytes'>>;

export interface ExportedArchive {
  result: ExportResult;
  /** Part paths in part order. */
  paths: string[];
  parts: ArchivePart[];
}

/** Exports into `dir` and reads every part back. */
export async function exportInto(dir: string, options: ExportOptions): Promise<ExportedArchive> {
  const result = await exportTenant({
    fileStem: `handover-${options.tenant}`,
    maxPartBytes: 1024 * 1024 * 1024,
    ...options,
    sink: createDirectorySink(dir),
  });
  const paths = result.parts.map((part) => part.location);
  const parts: ArchivePart[] = [];
  for (const path of paths) parts.push(await readArchive(path));
  return { result, paths, parts };
}

/** A fresh temporary directory; `cleanup` removes it. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `handover-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Every file in a directory, hidden ones included. */
export async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}
