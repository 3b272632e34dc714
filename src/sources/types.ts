import type { Readable } from 'node:stream';
import type { CatalogColumn, Dialect } from '../catalog/types.ts';

/** A parameterized statement. Identifiers inside `sql` are quoted by the dialect; values go in `params`. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * One row as canonical text values, in the order of the columns that were selected.
 * `null` is SQL NULL; every other value is the canonical text of DESIGN.md (exact decimals,
 * ISO 8601 timestamps, `true`/`false`, JSON text, base64 binary).
 */
export type TextRow = (string | null)[];

/**
 * An open, read-only, repeatable-read transaction: every read through it sees one consistent snapshot.
 * PostgreSQL: `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY`;
 * MySQL: `START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY`.
 */
export interface Snapshot {
  /** When the snapshot was taken, as the database server's clock says (ISO 8601, UTC). */
  readonly takenAt: string;
  /** Streams the rows of a SELECT whose every output column is already canonical text. Memory stays bounded. */
  streamRows(statement: Statement, options?: { batchSize?: number }): AsyncIterable<TextRow[]>;
  /**
   * PostgreSQL only: streams `COPY (<select>) TO STDOUT (FORMAT csv, HEADER false)` bytes.
   * Returns undefined when the source cannot do it (MySQL); callers then encode rows themselves.
   * `rowCount()` is valid once the stream has ended.
   */
  copyCsv?(statement: Statement): { stream: Readable; rowCount: () => number };
  /** Ends the transaction (rollback: nothing was written) and releases the connection. */
  close(): Promise<void>;
}

/** Port to a tenant's source database. Adapters: postgres (also the embedded demo database), mysql. */
export interface SourceDatabase {
  readonly dialect: Dialect;
  /** Runs a read-only query outside any export snapshot (introspection, counts). Rows as plain objects. */
  query<T extends Record<string, unknown>>(statement: Statement): Promise<T[]>;
  openSnapshot(): Promise<Snapshot>;
  close(): Promise<void>;
}

/**
 * SQL text for one column's canonical text value, e.g. for a PostgreSQL timestamptz:
 * `to_char("t0"."created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.
 */
export type ProjectColumn = (qualifiedColumn: string, column: CatalogColumn) => string;
