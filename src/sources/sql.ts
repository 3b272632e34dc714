import type { Dialect } from '../catalog/types.ts';

/**
 * Quotes an identifier for the dialect. Identifiers only ever come from the catalog (which read them
 * from information_schema), but they are still quoted so that any name, however odd, is safe.
 *
 * @example quoteIdent('postgres', 'order') // "order"
 * @example quoteIdent('mysql', 'we`ird') // `we``ird`
 */
export function quoteIdent(dialect: Dialect, name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL character');
  return dialect === 'postgres' ? `"${name.replaceAll('"', '""')}"` : `\`${name.replaceAll('`', '``')}\``;
}

/** Quotes `schema.table`. */
export function quoteTable(dialect: Dialect, schema: string, table: string): string {
  return `${quoteIdent(dialect, schema)}.${quoteIdent(dialect, table)}`;
}

/** Placeholder for the n-th (1-based) parameter: `$n` for PostgreSQL, `?` for MySQL. */
export function placeholder(dialect: Dialect, n: number): string {
  return dialect === 'postgres' ? `$${n}` : '?';
}
