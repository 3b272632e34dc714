/**
 * The catalog: which tables of a source database hold a tenant's data, how each one is scoped
 * to a tenant, which columns are left out and why, and which tables are NOT exported and why.
 * It is produced by discovery (src/catalog/discover.ts) and consumed by the export engine,
 * the archive (manifest, schema.sql) and the `handover catalog` report.
 */

/** Source database dialects handover reads. The embedded demo database speaks `postgres`. */
export type Dialect = 'postgres' | 'mysql';

/**
 * Portable column types. Every source type maps to one of these; the mapping decides how a value
 * is written to CSV (as canonical text) and to XLSX (as a typed cell).
 */
export type LogicalType =
  | 'integer' // fits in 53 bits: smallint, integer, mediumint, year
  | 'bigint' // 64-bit integers, always carried as text (never through a float)
  | 'decimal' // exact numeric, carried as text
  | 'float' // real, double precision
  | 'boolean'
  | 'text' // char, varchar, text, citext, enum labels, anything without a better mapping
  | 'uuid'
  | 'date' // YYYY-MM-DD
  | 'time' // HH:MM:SS[.ffffff][offset]
  | 'timestamp' // without time zone: YYYY-MM-DDTHH:MM:SS.ffffff (no offset exists to print)
  | 'timestamptz' // with time zone: YYYY-MM-DDTHH:MM:SS.ffffffZ (normalised to UTC)
  | 'interval' // ISO 8601 duration
  | 'json' // JSON text
  | 'binary' // base64, no line breaks
  | 'array'; // JSON array text

export interface CatalogColumn {
  name: string;
  /** The type as the source database names it, e.g. `numeric(20,6)`, `timestamp with time zone`. */
  sourceType: string;
  type: LogicalType;
  nullable: boolean;
  /** Generated/computed column: exported as a value, marked in schema.sql and the manifest. */
  generated: boolean;
}

export interface ExcludedColumn {
  name: string;
  reason: string;
}

/** A foreign key (or a configured relation) from `table.columns` to `refTable.refColumns`. */
export interface Relation {
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  /** `foreign-key` when declared in the schema, `configured` when given in the config file. */
  origin: 'foreign-key' | 'configured';
  nullable: boolean;
  /** Schema of `table` / `refTable` (set by discovery; needed when several schemas are introspected). */
  schema?: string;
  refSchema?: string;
  /**
   * Set by discovery when the two sides have different column types (a configured relation or a
   * polymorphic id stored as text): the scoped SQL then compares them as text instead of failing.
   */
  compareAsText?: boolean;
}

/**
 * How the rows of one table are restricted to one tenant.
 * - `tenant-column`: the table has the tenant column. `includeShared` also exports rows where the
 *   column is NULL (rows shared by all tenants, e.g. built-in roles) when the column is nullable.
 * - `path`: the table reaches a tenant-column table through one or more relations (many-to-one hops).
 *   `hops[0].from` is this table; the last hop's `to` has the tenant column.
 * - `referenced`: the table has no way down to a tenant, but tenant rows point at it (users through a
 *   membership table, currencies used by invoices): only rows referenced by an exported row are kept.
 * - `whole`: exported entirely (reference data named in the config, or schema-per-tenant mode).
 */
export type Scope =
  | { kind: 'tenant-column'; column: string; includeShared: boolean }
  | {
      kind: 'path';
      hops: Relation[];
      tenantColumn: string;
      /** Rows whose path ends at a shared row (NULL tenant column) are exported too. Absent = false. */
      includeShared?: boolean;
    }
  | { kind: 'referenced'; by: Relation[] }
  | { kind: 'whole'; reason: string }
  | {
      kind: 'polymorphic';
      /** `attachable_type` + `attachable_id`: the type column says which table the id column points at. */
      typeColumn: string;
      idColumn: string;
      /** One alternative per configured type; rows of any other type are not exported. */
      targets: PolymorphicTarget[];
    };

/**
 * One type of a polymorphic link: rows whose type column equals `type` belong to the tenant when the
 * row their id points at does. `hops[0]` goes from the polymorphic table (id column) to the target
 * table; later hops are the target's own path; the last hop's `to` has `tenantColumn`.
 */
export interface PolymorphicTarget {
  type: string;
  hops: Relation[];
  tenantColumn: string;
  includeShared?: boolean;
}

export interface CatalogTable {
  /** Schema (PostgreSQL) or database (MySQL) holding the table. */
  schema: string;
  name: string;
  /** Exported columns, in ordinal order. Excluded columns are not in this list. */
  columns: CatalogColumn[];
  excludedColumns: ExcludedColumn[];
  primaryKey: string[];
  scope: Scope;
  /** One line for people: "company_id = tenant", "via invoices.invoice_id -> invoices.company_id". */
  scopeDescription: string;
  /** Planner estimate (pg_class.reltuples / information_schema.tables.table_rows); null if unknown. */
  rowEstimate: number | null;
  /** Things an operator should know about this table (nullable path, no primary key, view...). */
  warnings: string[];
}

/** A table that exists in the source and is not exported, with the reason. Nothing is dropped silently. */
export interface UncoveredTable {
  schema: string;
  name: string;
  reason: string;
  /** `excluded` = by config or default rule; `unreachable` = no path to a tenant was found. */
  kind: 'excluded' | 'unreachable';
}

export interface Catalog {
  dialect: Dialect;
  tenancy: 'column' | 'schema';
  tenantColumn: string;
  /** Schema mode only: the tenant's schema (PostgreSQL) or database (MySQL) name, `{tenant}` replaced. */
  schemaTemplate?: string;
  /** Tables to export, in an order where referenced tables come before the tables that point at them. */
  tables: CatalogTable[];
  uncovered: UncoveredTable[];
  warnings: string[];
}
