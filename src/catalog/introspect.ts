/**
 * Reads the shape of a source database (tables, columns, keys, row estimates) through the
 * `SourceDatabase.query` port: information_schema for MySQL/MariaDB, pg_catalog for PostgreSQL
 * (it also sees materialized views, partitions, generated columns and domain base types, which
 * information_schema hides or flattens). The result is plain data: discovery works on it without
 * a database, which keeps most of the catalog logic testable in isolation.
 */
import { placeholder } from '../sources/sql.ts';
import type { SourceDatabase, Statement } from '../sources/types.ts';
import { CatalogError } from './errors.ts';
import { mapMysqlType, mapPostgresType } from './type-map.ts';
import type { Dialect, LogicalType } from './types.ts';

export type TableKind = 'table' | 'partitioned' | 'view' | 'materialized-view' | 'foreign' | 'other';

export interface ColumnInfo {
  name: string;
  sourceType: string;
  type: LogicalType;
  nullable: boolean;
  generated: boolean;
  /** False when the source user may not SELECT the column (PostgreSQL column privileges). */
  readable: boolean;
}

export interface TableInfo {
  schema: string;
  name: string;
  kind: TableKind;
  /** Set for a partition (PostgreSQL declarative partitioning): the table it is a partition of. */
  partitionOf: { schema: string; name: string } | null;
  /** False when the source user may not SELECT from the table. */
  readable: boolean;
  /** Columns in ordinal order. */
  columns: ColumnInfo[];
  primaryKey: string[];
  rowEstimate: number | null;
}

export interface ForeignKeyInfo {
  name: string;
  schema: string;
  table: string;
  /** Paired with `refColumns` by position (composite keys keep their declared order). */
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
}

/** What discovery needs to know about a database: its tables and the foreign keys between them. */
export interface SchemaInfo {
  tables: TableInfo[];
  foreignKeys: ForeignKeyInfo[];
}

type Row = Record<string, unknown>;

function text(row: Row, key: string): string {
  const value = row[key];
  if (typeof value === 'string') return value;
  if (value instanceof Buffer) return value.toString('utf8');
  if (value === null || value === undefined) throw new CatalogError(`introspection returned no ${key}`);
  return String(value);
}

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

function bool(value: unknown): boolean {
  return (
    value === true || value === 1 || value === '1' || value === 't' || value === 'true' || value === 'YES'
  );
}

function inList(dialect: Dialect, count: number, first = 1): string {
  return Array.from({ length: count }, (_, i) => placeholder(dialect, first + i)).join(', ');
}

async function run(source: SourceDatabase, statement: Statement, what: string): Promise<Row[]> {
  try {
    return await source.query<Row>(statement);
  } catch (error) {
    throw new CatalogError(`cannot read ${what} from the source database: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

const key = (schema: string, name: string) => `${schema}\u0000${name}`;

function groupForeignKeys(rows: Row[]): ForeignKeyInfo[] {
  const byName = new Map<string, ForeignKeyInfo>();
  for (const row of rows) {
    const schema = text(row, 'schema_name');
    const table = text(row, 'table_name');
    const id = `${key(schema, table)}\u0000${text(row, 'constraint_name')}`;
    let fk = byName.get(id);
    if (!fk) {
      fk = {
        name: text(row, 'constraint_name'),
        schema,
        table,
        columns: [],
        refSchema: text(row, 'ref_schema'),
        refTable: text(row, 'ref_table'),
        refColumns: [],
      };
      byName.set(id, fk);
    }
    // Rows arrive ordered by position inside the constraint: the pairs stay aligned.
    fk.columns.push(text(row, 'column_name'));
    fk.refColumns.push(text(row, 'ref_column'));
  }
  return [...byName.values()];
}

function attach(
  tables: Map<string, TableInfo>,
  columnRows: Row[],
  pkRows: Row[],
  map: (row: Row) => ColumnInfo,
) {
  for (const row of columnRows) {
    tables.get(key(text(row, 'schema_name'), text(row, 'table_name')))?.columns.push(map(row));
  }
  for (const row of pkRows) {
    tables
      .get(key(text(row, 'schema_name'), text(row, 'table_name')))
      ?.primaryKey.push(text(row, 'column_name'));
  }
}

const RELKINDS: Record<string, TableKind> = {
  r: 'table',
  p: 'partitioned',
  v: 'view',
  m: 'materialized-view',
  f: 'foreign',
};

/** Introspects PostgreSQL schemas through pg_catalog. */
async function introspectPostgres(source: SourceDatabase, schemas: string[]): Promise<SchemaInfo> {
  const where = `n.nspname IN (${inList('postgres', schemas.length)})`;
  const tableRows = await run(
    source,
    {
      sql: `SELECT n.nspname AS schema_name, c.relname AS table_name, c.relkind::text AS relkind,
  CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS reltuples,
  has_table_privilege(c.oid, 'SELECT') AS readable,
  pn.nspname AS parent_schema, p.relname AS parent_name
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_inherits i ON c.relispartition AND i.inhrelid = c.oid
LEFT JOIN pg_class p ON p.oid = i.inhparent
LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace
WHERE ${where} AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
ORDER BY n.nspname, c.relname`,
      params: schemas,
    },
    'tables',
  );
  const columnRows = await run(
    source,
    {
      sql: `SELECT n.nspname AS schema_name, c.relname AS table_name, a.attname AS column_name,
  NOT a.attnotnull AS nullable, a.attgenerated <> '' AS generated,
  format_type(a.atttypid, a.atttypmod) AS source_type,
  CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod)
       ELSE format_type(a.atttypid, a.atttypmod) END AS base_type,
  has_column_privilege(c.oid, a.attnum, 'SELECT') AS readable
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
WHERE ${where} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY n.nspname, c.relname, a.attnum`,
      params: schemas,
    },
    'columns',
  );
  const pkRows = await run(
    source,
    {
      sql: `SELECT n.nspname AS schema_name, c.relname AS table_name, a.attname AS column_name
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
WHERE ${where} AND con.contype = 'p'
ORDER BY n.nspname, c.relname, k.ord`,
      params: schemas,
    },
    'primary keys',
  );
  // conparentid = 0 keeps the constraint declared on a partitioned table and drops its per-partition clones.
  const fkRows = await run(
    source,
    {
      sql: `SELECT con.conname AS constraint_name, n.nspname AS schema_name, c.relname AS table_name,
  a.attname AS column_name, rn.nspname AS ref_schema, rc.relname AS ref_table, ra.attname AS ref_column
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class rc ON rc.oid = con.confrelid
JOIN pg_namespace rn ON rn.oid = rc.relnamespace
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refattnum, ord)
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refattnum
WHERE ${where} AND con.contype = 'f' AND con.conparentid = 0
ORDER BY n.nspname, c.relname, con.conname, k.ord`,
      params: schemas,
    },
    'foreign keys',
  );

  const tables = new Map<string, TableInfo>();
  for (const row of tableRows) {
    const parentName = row.parent_name;
    tables.set(key(text(row, 'schema_name'), text(row, 'table_name')), {
      schema: text(row, 'schema_name'),
      name: text(row, 'table_name'),
      kind: RELKINDS[text(row, 'relkind')] ?? 'other',
      partitionOf:
        typeof parentName === 'string' ? { schema: text(row, 'parent_schema'), name: parentName } : null,
      readable: bool(row.readable),
      columns: [],
      primaryKey: [],
      rowEstimate: num(row.reltuples),
    });
  }
  attach(tables, columnRows, pkRows, (row) => ({
    name: text(row, 'column_name'),
    sourceType: text(row, 'source_type'),
    type: mapPostgresType(text(row, 'base_type')),
    nullable: bool(row.nullable),
    generated: bool(row.generated),
    readable: bool(row.readable),
  }));
  sumPartitionEstimates(tables);
  return { tables: [...tables.values()], foreignKeys: groupForeignKeys(fkRows) };
}

/** A partitioned table holds no rows itself: its estimate is the sum over its (sub)partitions. */
function sumPartitionEstimates(tables: Map<string, TableInfo>): void {
  const rootOf = (table: TableInfo): TableInfo => {
    let current = table;
    for (let depth = 0; current.partitionOf && depth < 32; depth += 1) {
      const parent = tables.get(key(current.partitionOf.schema, current.partitionOf.name));
      if (!parent) break;
      current = parent;
    }
    return current;
  };
  const sums = new Map<TableInfo, number>();
  for (const table of tables.values()) {
    if (!table.partitionOf || table.kind === 'partitioned') continue;
    const root = rootOf(table);
    sums.set(root, (sums.get(root) ?? 0) + (table.rowEstimate ?? 0));
  }
  for (const table of tables.values()) {
    if (table.kind === 'partitioned' && !table.partitionOf) table.rowEstimate = sums.get(table) ?? 0;
  }
}

const MYSQL_KINDS: Record<string, TableKind> = {
  'BASE TABLE': 'table',
  VIEW: 'view',
  'SYSTEM VIEW': 'view',
};

/** Introspects MySQL/MariaDB databases through information_schema. */
async function introspectMysql(source: SourceDatabase, schemas: string[]): Promise<SchemaInfo> {
  const where = (column: string) => `${column} IN (${inList('mysql', schemas.length)})`;
  const tableRows = await run(
    source,
    {
      sql: `SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, TABLE_TYPE AS table_type,
  TABLE_ROWS AS table_rows
FROM information_schema.TABLES WHERE ${where('TABLE_SCHEMA')} ORDER BY TABLE_SCHEMA, TABLE_NAME`,
      params: schemas,
    },
    'tables',
  );
  const columnRows = await run(
    source,
    {
      sql: `SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, COLUMN_NAME AS column_name,
  IS_NULLABLE AS is_nullable, COLUMN_TYPE AS column_type, EXTRA AS extra
FROM information_schema.COLUMNS WHERE ${where('TABLE_SCHEMA')}
ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
      params: schemas,
    },
    'columns',
  );
  const pkRows = await run(
    source,
    {
      sql: `SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, COLUMN_NAME AS column_name
FROM information_schema.KEY_COLUMN_USAGE
WHERE ${where('TABLE_SCHEMA')} AND CONSTRAINT_NAME = 'PRIMARY'
ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
      params: schemas,
    },
    'primary keys',
  );
  const fkRows = await run(
    source,
    {
      sql: `SELECT CONSTRAINT_NAME AS constraint_name, TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name,
  COLUMN_NAME AS column_name, REFERENCED_TABLE_SCHEMA AS ref_schema, REFERENCED_TABLE_NAME AS ref_table,
  REFERENCED_COLUMN_NAME AS ref_column
FROM information_schema.KEY_COLUMN_USAGE
WHERE ${where('TABLE_SCHEMA')} AND REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
      params: schemas,
    },
    'foreign keys',
  );
  const jsonColumns = await mariaDbJsonColumns(source, schemas);

  const tables = new Map<string, TableInfo>();
  for (const row of tableRows) {
    tables.set(key(text(row, 'schema_name'), text(row, 'table_name')), {
      schema: text(row, 'schema_name'),
      name: text(row, 'table_name'),
      kind: MYSQL_KINDS[text(row, 'table_type')] ?? 'other',
      partitionOf: null,
      readable: true, // information_schema only lists what the user may see
      columns: [],
      primaryKey: [],
      rowEstimate: num(row.table_rows),
    });
  }
  attach(tables, columnRows, pkRows, (row) => {
    const isJson = jsonColumns.has(
      `${key(text(row, 'schema_name'), text(row, 'table_name'))}\u0000${text(row, 'column_name')}`,
    );
    return {
      name: text(row, 'column_name'),
      sourceType: isJson ? 'json' : text(row, 'column_type'),
      type: isJson ? 'json' : mapMysqlType(text(row, 'column_type')),
      nullable: text(row, 'is_nullable') === 'YES',
      // Not `DEFAULT_GENERATED`: that is MySQL 8's flag for an expression default, not a computed column.
      generated: /\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.test(String(row.extra ?? '')),
      readable: true,
    };
  });
  return { tables: [...tables.values()], foreignKeys: groupForeignKeys(fkRows) };
}

/**
 * MariaDB's JSON type is LONGTEXT with a `json_valid(col)` check: find those checks so the columns
 * are typed json, as declared. MySQL has a real JSON type and needs none of this.
 */
async function mariaDbJsonColumns(source: SourceDatabase, schemas: string[]): Promise<Set<string>> {
  const version = await run(source, { sql: 'SELECT VERSION() AS version', params: [] }, 'the server version');
  if (!/mariadb/i.test(String(version[0]?.version ?? ''))) return new Set();
  const rows = await run(
    source,
    {
      sql: `SELECT CONSTRAINT_SCHEMA AS schema_name, TABLE_NAME AS table_name, CHECK_CLAUSE AS check_clause
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA IN (${inList('mysql', schemas.length)}) AND CHECK_CLAUSE LIKE 'json\\_valid(%'`,
      params: schemas,
    },
    'check constraints',
  );
  const columns = new Set<string>();
  for (const row of rows) {
    const match = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(text(row, 'check_clause').trim());
    if (match?.[1]) {
      columns.add(
        `${key(text(row, 'schema_name'), text(row, 'table_name'))}\u0000${match[1].replaceAll('``', '`')}`,
      );
    }
  }
  return columns;
}

/**
 * Reads tables, columns, primary keys, foreign keys and row estimates of the given schemas
 * (PostgreSQL) or databases (MySQL).
 *
 * @throws CatalogError when the source cannot be read.
 */
export async function introspect(source: SourceDatabase, schemas: string[]): Promise<SchemaInfo> {
  if (schemas.length === 0) throw new CatalogError('no schema to introspect');
  return source.dialect === 'postgres'
    ? introspectPostgres(source, schemas)
    : introspectMysql(source, schemas);
}

/** The schemas to read when the config names none: `public`, or the database of the MySQL connection. */
export async function defaultSchemas(source: SourceDatabase): Promise<string[]> {
  if (source.dialect === 'postgres') return ['public'];
  const rows = await run(source, { sql: 'SELECT DATABASE() AS name', params: [] }, 'the current database');
  const name = rows[0]?.name;
  if (typeof name !== 'string' || name === '') {
    throw new CatalogError(
      'the MySQL source URL names no database: add it to the URL or list it under `schemas`',
    );
  }
  return [name];
}

/**
 * Schema mode: finds one schema (PostgreSQL) or database (MySQL) whose name fits the template, to
 * read the tables every tenant has. System schemas never match.
 */
export async function findTenantSchema(source: SourceDatabase, template: string): Promise<string | null> {
  const [prefix = '', suffix = ''] = template.split('{tenant}');
  const escapeLike = (value: string) => value.replace(/[\\%_]/g, '\\$&');
  const pattern = `${escapeLike(prefix)}%${escapeLike(suffix)}`;
  const sql =
    source.dialect === 'postgres'
      ? `SELECT nspname AS name FROM pg_namespace
WHERE nspname LIKE $1 AND nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public')
ORDER BY nspname LIMIT 1`
      : `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA
WHERE SCHEMA_NAME LIKE ? AND SCHEMA_NAME NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
ORDER BY SCHEMA_NAME LIMIT 1`;
  const rows = await run(source, { sql, params: [pattern] }, 'schemas');
  const name = rows[0]?.name;
  return typeof name === 'string' ? name : null;
}
