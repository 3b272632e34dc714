/**
 * Source column types -> portable `LogicalType`s. The mapping decides how values are written (CSV
 * text, XLSX cell type), so it errs on the side of `text`: a value kept as text is never wrong,
 * only less typed.
 */
import type { LogicalType } from './types.ts';

const POSTGRES: Record<string, LogicalType> = {
  smallint: 'integer',
  int2: 'integer',
  integer: 'integer',
  int: 'integer',
  int4: 'integer',
  smallserial: 'integer',
  serial: 'integer',
  bigint: 'bigint',
  int8: 'bigint',
  bigserial: 'bigint',
  numeric: 'decimal',
  decimal: 'decimal',
  real: 'float',
  float4: 'float',
  'double precision': 'float',
  float8: 'float',
  boolean: 'boolean',
  bool: 'boolean',
  uuid: 'uuid',
  date: 'date',
  time: 'time',
  'time without time zone': 'time',
  'time with time zone': 'time',
  timetz: 'time',
  timestamp: 'timestamp',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  timestamptz: 'timestamptz',
  interval: 'interval',
  json: 'json',
  jsonb: 'json',
  bytea: 'binary',
  array: 'array',
};

/**
 * Maps a PostgreSQL type, as `information_schema.columns.data_type` or `format_type()` names it,
 * to a logical type. Modifiers are ignored (`numeric(20,6)`, `timestamp(3) with time zone`); any
 * `[]` type or `ARRAY` is an array; enums, citext, domains of unknown bases and everything else
 * are text.
 *
 * @example mapPostgresType('timestamp(3) with time zone') // 'timestamptz'
 * @example mapPostgresType('integer[]') // 'array'
 */
export function mapPostgresType(type: string): LogicalType {
  const normalized = type
    .trim()
    .toLowerCase()
    .replace(/^"(.*)"$/, '$1');
  if (normalized.endsWith('[]')) return 'array';
  const bare = normalized
    .replace(/\([^)]*\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (bare.startsWith('interval')) return 'interval'; // `interval year to month`
  return POSTGRES[bare] ?? 'text';
}

const MYSQL: Record<string, LogicalType> = {
  tinyint: 'integer',
  smallint: 'integer',
  mediumint: 'integer',
  int: 'integer',
  integer: 'integer',
  year: 'integer',
  bigint: 'bigint',
  serial: 'bigint',
  decimal: 'decimal',
  numeric: 'decimal',
  dec: 'decimal',
  fixed: 'decimal',
  float: 'float',
  double: 'float',
  real: 'float',
  bool: 'boolean',
  boolean: 'boolean',
  bit: 'binary',
  char: 'text',
  varchar: 'text',
  tinytext: 'text',
  text: 'text',
  mediumtext: 'text',
  longtext: 'text',
  enum: 'text',
  set: 'text',
  uuid: 'uuid', // MariaDB 10.7+
  date: 'date',
  time: 'time',
  datetime: 'timestamp',
  timestamp: 'timestamptz',
  json: 'json',
  binary: 'binary',
  varbinary: 'binary',
  tinyblob: 'binary',
  blob: 'binary',
  mediumblob: 'binary',
  longblob: 'binary',
  // Spatial values come out as WKB bytes, not text.
  geometry: 'binary',
  point: 'binary',
  linestring: 'binary',
  polygon: 'binary',
  multipoint: 'binary',
  multilinestring: 'binary',
  multipolygon: 'binary',
  geometrycollection: 'binary',
  geomcollection: 'binary',
};

/**
 * Maps a MySQL/MariaDB type, as `information_schema.columns.column_type` names it, to a logical type.
 * `tinyint(1)` and `bit(1)` are booleans (the conventional boolean columns); other `bit(n)` are binary;
 * `datetime` has no time zone (timestamp) while `timestamp` is stored as UTC (timestamptz).
 *
 * @example mapMysqlType('bigint(20) unsigned') // 'bigint'
 * @example mapMysqlType('tinyint(1)') // 'boolean'
 */
export function mapMysqlType(columnType: string): LogicalType {
  const normalized = columnType.trim().toLowerCase();
  const match = /^([a-z]+)\s*(?:\(([^)]*)\))?/.exec(normalized);
  const base = match?.[1] ?? normalized;
  const size = match?.[2]?.trim();
  if ((base === 'tinyint' || base === 'bit') && size === '1') return 'boolean';
  // `bit` without a size is bit(1).
  if (base === 'bit' && size === undefined) return 'boolean';
  return MYSQL[base] ?? 'text';
}
