import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { createDirectorySink } from '../../archive/local-sink.ts';
import {
  CSV_PROFILES,
  type CsvProfile,
  EXPORT_FORMATS,
  type ExportFormat,
  type PartSink,
} from '../../archive/types.ts';
import { type HandoverConfig, loadConfig, parseConfig } from '../../catalog/config.ts';
import { discoverCatalog } from '../../catalog/discover.ts';
import { exportTenant } from '../../export/export-tenant.ts';
import { UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { createProgressView, formatBytes } from '../progress.ts';
import { resolveSource } from '../source.ts';

export interface ExportOptions {
  tenant: string;
  config?: string;
  source?: string;
  formats?: string;
  profile?: string;
  out?: string;
  tables?: string;
  partSize?: string;
  maxRowsPerSheet?: string;
  quiet?: boolean;
}

/** Tenant ids end up in file names: keep them to characters every file system accepts. */
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/;

/** `handover export`: one tenant's data into zip part(s) under `--out`. */
export async function runExport(options: ExportOptions, io: CliIo): Promise<number> {
  const config = options.config ? await loadConfig(options.config) : parseConfig({}, 'defaults');
  const settings = exportSettings(options, config);
  const say = (text: string) => {
    if (!options.quiet) io.err(`${text}\n`);
  };
  const resolved = await resolveSource(options.source, config, say);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const progress = createProgressView(io, Boolean(options.quiet));
  try {
    say(`Reading the catalog of the ${resolved.description}...`);
    // In schema-per-tenant mode the tenant's own schema is the one introspected.
    const catalog = await discoverCatalog(resolved.source, config, { tenant: options.tenant });
    await mkdir(settings.directory, { recursive: true });
    say(
      `Exporting tenant ${options.tenant}: ${catalog.tables.length} tables, ${settings.formats.join(' + ')}.`,
    );
    const parts = trackCommittedParts(createDirectorySink(settings.directory));
    const result = await exportTenant({
      source: resolved.source,
      catalog,
      tenant: options.tenant,
      formats: settings.formats,
      csvProfile: settings.profile,
      ...(settings.tables ? { tables: settings.tables } : {}),
      sink: parts.sink,
      fileStem: settings.stem,
      maxPartBytes: settings.maxPartBytes,
      ...(settings.maxRowsPerSheet ? { maxRowsPerSheet: settings.maxRowsPerSheet } : {}),
      onProgress: (p) => progress.update(p),
      signal: controller.signal,
    }).catch(async (error: unknown) => {
      // The engine aborts the open part; the parts it committed before are complete zips of an
      // incomplete export, and must not be left looking like a finished one.
      await parts.removeCommitted();
      throw error;
    });
    progress.stop();
    if (!options.quiet) {
      const tables = result.manifest.tables;
      io.out(
        `Exported ${result.rows.toLocaleString('en-US')} rows from ${tables.length} tables of tenant ${options.tenant}` +
          ` (snapshot ${result.manifest.snapshotTakenAt}).\n`,
      );
      for (const part of result.parts)
        io.out(`  ${part.location}  ${formatBytes(part.bytes)}  sha256 ${part.sha256}\n`);
      if (result.manifest.warnings.length > 0) {
        io.out(
          `${result.manifest.warnings.length} warning(s); see README.txt and manifest.json in the archive.\n`,
        );
      }
      const paths = result.parts.map((p) => p.location).join(' ');
      io.out(`Check it: npx handover verify ${paths}\n`);
    }
    return EXIT.ok;
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSigint);
    await resolved.close();
  }
}

/** Wraps a sink to remember the parts it committed, so a failed or interrupted export can remove them. */
function trackCommittedParts(inner: PartSink): { sink: PartSink; removeCommitted: () => Promise<void> } {
  const committed: string[] = [];
  return {
    sink: {
      async openPart(fileName) {
        const upload = await inner.openPart(fileName);
        return {
          stream: upload.stream,
          abort: () => upload.abort(),
          async commit() {
            const record = await upload.commit();
            committed.push(record.location);
            return record;
          },
        };
      },
    },
    async removeCommitted() {
      await Promise.all(committed.map((location) => rm(location, { force: true })));
    },
  };
}

interface ExportSettings {
  formats: ExportFormat[];
  profile: CsvProfile;
  tables: string[] | undefined;
  directory: string;
  stem: string;
  maxPartBytes: number;
  maxRowsPerSheet: number | undefined;
}

/** Validates the command line against the config's defaults; every mistake is a UsageError. */
function exportSettings(options: ExportOptions, config: HandoverConfig): ExportSettings {
  if (!TENANT_ID.test(options.tenant)) {
    throw new UsageError(
      `--tenant "${options.tenant}" is not a valid tenant id: use letters, digits, and . _ @ - (128 characters at most).`,
    );
  }
  const formats = options.formats ? parseList(options.formats, '--formats') : config.export.formats;
  for (const format of formats) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(
        `--formats: unknown format "${format}"; choose from ${EXPORT_FORMATS.join(', ')}.`,
      );
    }
  }
  const profile = options.profile ?? config.export.csvProfile;
  if (!(CSV_PROFILES as readonly string[]).includes(profile)) {
    throw new UsageError(`--profile: unknown profile "${profile}"; choose from ${CSV_PROFILES.join(', ')}.`);
  }
  const partSizeMb = options.partSize
    ? positiveNumber(options.partSize, '--part-size')
    : config.export.partSizeMb;
  const maxRowsPerSheet = options.maxRowsPerSheet
    ? Math.floor(positiveNumber(options.maxRowsPerSheet, '--max-rows-per-sheet'))
    : config.export.maxRowsPerSheet;
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const out = resolve(options.out ?? 'exports');
  const isZip = out.toLowerCase().endsWith('.zip');
  return {
    formats: [...new Set(formats)] as ExportFormat[],
    profile: profile as CsvProfile,
    tables: options.tables ? parseList(options.tables, '--tables') : undefined,
    directory: isZip ? dirname(out) : out,
    stem: isZip ? basename(out).slice(0, -'.zip'.length) : `handover-${options.tenant}-${stamp}`,
    maxPartBytes: Math.round(partSizeMb * 1024 * 1024),
    maxRowsPerSheet,
  };
}

function parseList(value: string, flag: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`${flag}: give at least one value.`);
  return items;
}

function positiveNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag}: expected a positive number, got "${value}".`);
  return n;
}
