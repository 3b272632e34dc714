import type { ExportFormat } from '../archive/types.ts';

/**
 * Path of one table's file inside the archive. The first chunk is `csv/<table>.csv`; when a table
 * spans several parts, later chunks are `csv/<table>.0002.csv` and so on.
 * Table names are made safe for every file system (anything outside `[A-Za-z0-9._-]` becomes `_`);
 * `qualified` disambiguates two tables that sanitise to the same name.
 */
export function tableFilePath(format: ExportFormat, baseName: string, chunk: number): string {
  const suffix = chunk === 1 ? '' : `.${String(chunk).padStart(4, '0')}`;
  return `${format}/${baseName}${suffix}.${format}`;
}

/** Gives every table a distinct, file-system-safe base name (stable: same catalog, same names). */
export function assignFileBaseNames(tables: { schema: string; name: string }[]): Map<string, string> {
  const used = new Set<string>();
  const names = new Map<string, string>();
  for (const table of tables) {
    const safe = table.name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'table';
    let candidate = safe;
    if (used.has(candidate.toLowerCase())) {
      candidate = `${table.schema.replace(/[^A-Za-z0-9_-]/g, '_')}.${safe}`;
    }
    let n = 2;
    const base = candidate;
    while (used.has(candidate.toLowerCase())) candidate = `${base}_${n++}`;
    used.add(candidate.toLowerCase());
    names.set(tableKey(table), candidate);
  }
  return names;
}

export function tableKey(table: { schema: string; name: string }): string {
  return `${table.schema}.${table.name}`;
}
