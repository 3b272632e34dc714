/** The text `handover catalog` prints: what is exported, how it is scoped, and what is not exported and why. */
import type { Catalog, CatalogTable, UncoveredTable } from './types.ts';

const LABEL_WIDTH = 10;

function line(label: string, value: string): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${value}`;
}

function estimate(rows: number | null): string {
  return rows === null
    ? 'unknown (no statistics yet)'
    : `~${Math.round(rows).toLocaleString('en-US')} (estimate)`;
}

function tableBlock(table: CatalogTable, title: string): string {
  const lines = [title];
  lines.push(line('scope', table.scopeDescription));
  lines.push(line('rows', estimate(table.rowEstimate)));
  lines.push(line('columns', `${table.columns.length} exported`));
  table.excludedColumns.forEach((column, i) => {
    lines.push(line(i === 0 ? 'excluded' : '', `${column.name} (${column.reason})`));
  });
  table.warnings.forEach((warning, i) => {
    lines.push(line(i === 0 ? 'warnings' : '', warning));
  });
  return lines.join('\n');
}

/**
 * Renders the catalog as plain, aligned text for a terminal: one block per exported table (scope,
 * row estimate, exported columns, excluded columns with reasons, warnings), then the tables not
 * exported with their reasons, then warnings about the catalog as a whole.
 */
export function renderCatalogReport(catalog: Catalog): string {
  const schemas = new Set([...catalog.tables, ...catalog.uncovered].map((table) => table.schema));
  const title = (table: { schema: string; name: string }) =>
    schemas.size > 1 ? `${table.schema}.${table.name}` : table.name;

  const tenancy =
    catalog.tenancy === 'schema'
      ? `one schema per tenant (${catalog.schemaTemplate ?? '{tenant}'})`
      : `shared tables, tenant column ${catalog.tenantColumn}`;
  const out: string[] = [
    `Catalog (${catalog.dialect}, ${tenancy})`,
    `${catalog.tables.length} table${catalog.tables.length === 1 ? '' : 's'} exported, ` +
      `${catalog.uncovered.length} not exported`,
    '',
  ];

  for (const table of catalog.tables) out.push(tableBlock(table, title(table)), '');

  out.push('Not exported');
  if (catalog.uncovered.length === 0) out.push('  (none)');
  const width = Math.max(0, ...catalog.uncovered.map((table) => title(table).length)) + 2;
  const byKind = (kind: UncoveredTable['kind']) => catalog.uncovered.filter((table) => table.kind === kind);
  // Unreachable tables first: they are the ones an operator may need to act on.
  for (const table of [...byKind('unreachable'), ...byKind('excluded')]) {
    out.push(`  ${title(table).padEnd(width)}${table.reason}`);
  }

  if (catalog.warnings.length > 0) {
    out.push('', 'Warnings');
    for (const warning of catalog.warnings) out.push(`  - ${warning}`);
  }
  return out.join('\n');
}
