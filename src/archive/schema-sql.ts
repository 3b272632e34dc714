import type { CatalogColumn, CatalogTable, Dialect } from '../catalog/types.ts';
import { quoteIdent } from '../sources/sql.ts';

/**
 * schema.sql: portable CREATE TABLE statements for the exported tables, in the catalog's order
 * (referenced tables first). Types are ANSI-style, derived from each column's logical type; the
 * source type follows as a comment, so nothing about the original is lost. Identifiers are always
 * double-quoted (ANSI), whatever the source dialect. Foreign keys are not declared: an export is a
 * tenant's subset, and rows it points at may lie outside it.
 *
 * @example renderSchemaSql(catalog.tables, catalog.dialect)
 */
export function renderSchemaSql(tables: CatalogTable[], dialect: Dialect): string {
  const header = [
    '-- schema.sql, written by handover',
    `-- Portable CREATE TABLE statements for the tables in this export (source dialect: ${dialect}).`,
    '-- Each column keeps its source type as a comment. Foreign keys are not declared: an export holds',
    "-- one tenant's rows, and a row it refers to may belong to a table or scope outside the export.",
    '-- Load the CSV files with your database tool (e.g. PostgreSQL: \\copy "t" FROM \'t.csv\' CSV HEADER).',
    '',
  ];
  return `${[...header, ...tables.map(renderTable)].join('\n')}`;
}

function renderTable(table: CatalogTable): string {
  const lines: string[] = [];
  lines.push(comment(`${table.schema}.${table.name}: ${table.scopeDescription}`));
  for (const excluded of table.excludedColumns) {
    lines.push(comment(`not exported: column ${excluded.name}: ${excluded.reason}`));
  }
  for (const warning of table.warnings) lines.push(comment(`note: ${warning}`));
  lines.push(`CREATE TABLE ${quote(table.name)} (`);

  const exported = new Set(table.columns.map((c) => c.name));
  const keyComplete = table.primaryKey.length > 0 && table.primaryKey.every((k) => exported.has(k));
  const items = table.columns.map((column) => ({
    sql: `  ${quote(column.name)} ${portableType(column)}${column.nullable ? '' : ' NOT NULL'}`,
    note: columnNote(column),
  }));
  if (keyComplete) items.push({ sql: `  PRIMARY KEY (${table.primaryKey.map(quote).join(', ')})`, note: '' });

  items.forEach((item, index) => {
    const comma = index < items.length - 1 ? ',' : '';
    lines.push(item.note ? `${item.sql}${comma} ${comment(item.note)}` : `${item.sql}${comma}`);
  });
  lines.push(');');
  if (table.primaryKey.length === 0) lines.push(comment('no primary key in the source'));
  else if (!keyComplete)
    lines.push(
      comment(`primary key (${table.primaryKey.join(', ')}) not declared: part of it is not exported`),
    );
  lines.push('');
  return lines.join('\n');
}

function columnNote(column: CatalogColumn): string {
  const notes = [column.sourceType];
  if (column.generated) notes.push('generated column in the source; exported as a value');
  if (column.type === 'binary') notes.push('base64 in CSV');
  if (column.type === 'array') notes.push('JSON array in CSV');
  if (column.type === 'interval') notes.push('ISO 8601 duration');
  return notes.join('; ');
}

/** A portable type for a column, keeping length/precision when the source type states it. */
function portableType(column: CatalogColumn): string {
  const source = column.sourceType.toLowerCase();
  const args = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(source);
  const length = args?.[1];
  const scale = args?.[2];
  switch (column.type) {
    case 'integer':
      if (source.includes('unsigned') && !/^(tiny|small)int/.test(source)) return 'BIGINT';
      return /^(tiny|small)int/.test(source) ? 'SMALLINT' : 'INTEGER';
    case 'bigint':
      // MySQL's BIGINT UNSIGNED goes past BIGINT's range.
      return source.includes('unsigned') ? 'NUMERIC(20)' : 'BIGINT';
    case 'decimal':
      if (length && scale) return `NUMERIC(${length},${scale})`;
      return length ? `NUMERIC(${length})` : 'NUMERIC';
    case 'float':
      // DOUBLE PRECISION holds every single-precision value too; only an explicit `real` stays REAL.
      return source === 'real' || source === 'float4' ? 'REAL' : 'DOUBLE PRECISION';
    case 'boolean':
      return 'BOOLEAN';
    case 'text':
      if (length && /^(character varying|varchar|nvarchar)/.test(source)) return `VARCHAR(${length})`;
      if (length && /^(character|char|nchar|bpchar)\b/.test(source)) return `CHAR(${length})`;
      return 'TEXT';
    case 'uuid':
      return 'CHAR(36)';
    case 'date':
      return 'DATE';
    case 'time':
      return source.includes('with time zone') || source === 'timetz' ? 'TIME WITH TIME ZONE' : 'TIME';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'timestamptz':
      return 'TIMESTAMP WITH TIME ZONE';
    case 'interval':
      return 'VARCHAR(64)';
    case 'json':
    case 'array':
      return 'JSON';
    case 'binary':
      return 'BLOB';
  }
}

/** ANSI double-quoted identifier (the same quoting as PostgreSQL's). */
function quote(name: string): string {
  return quoteIdent('postgres', name);
}

/** A one-line SQL comment: line breaks and control characters in names must not end the comment. */
function comment(text: string): string {
  return `-- ${text.replace(/\p{Cc}+/gu, ' ')}`;
}
