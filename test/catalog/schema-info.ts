/** Hand-written schema information for tests of the pure catalog core (no database involved). */
import type { ColumnInfo, ForeignKeyInfo, SchemaInfo, TableInfo } from '../../src/catalog/introspect.ts';
import type { LogicalType } from '../../src/catalog/types.ts';

/** `name` is NOT NULL integer; `name?` nullable; `name:type` for another logical type (`name?:text`). */
function column(spec: string): ColumnInfo {
  const [rawName = '', type = 'integer'] = spec.split(':');
  const nullable = rawName.endsWith('?');
  const name = nullable ? rawName.slice(0, -1) : rawName;
  return { name, sourceType: type, type: type as LogicalType, nullable, generated: false, readable: true };
}

export function table(
  name: string,
  columns: string[],
  options: Partial<Omit<TableInfo, 'name' | 'columns'>> = {},
): TableInfo {
  const parsed = columns.map(column);
  return {
    schema: 'public',
    name,
    kind: 'table',
    partitionOf: null,
    readable: true,
    columns: parsed,
    primaryKey: parsed[0]?.name === 'id' ? ['id'] : [],
    rowEstimate: 10,
    ...options,
  };
}

/** `fk('tasks.project_id', 'projects.id')`; composite: `fk('a.x,y', 'b.x,y')`. */
export function fk(from: string, to: string, schema = 'public'): ForeignKeyInfo {
  const [table = '', columns = ''] = from.split('.');
  const [refTable = '', refColumns = ''] = to.split('.');
  return {
    name: `${table}_${columns}_fkey`,
    schema,
    table,
    columns: columns.split(','),
    refSchema: schema,
    refTable,
    refColumns: refColumns.split(','),
  };
}

export function info(tables: TableInfo[], foreignKeys: ForeignKeyInfo[] = []): SchemaInfo {
  return { tables, foreignKeys };
}
