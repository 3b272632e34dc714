/**
 * MySQL / MariaDB source adapter (`mysql2`).
 *
 * Statements run as server-side prepared statements, so parameters are never spliced into SQL text
 * (client-side escaping would depend on the server's NO_BACKSLASH_ESCAPES mode). Snapshot reads turn
 * every value into a string (see `castToText`); the projection (projection.ts) makes that text canonical.
 */
import type { Readable } from 'node:stream';
import type { ExecuteValues, PoolConnection, TypeCastField, TypeCastNext } from 'mysql2';
import mysql from 'mysql2';
import { messageOf, redact, SourceError, safeCause } from './errors.ts';
import { describeTarget, parseSourceUrl, type SourceUrl } from './source-url.ts';
import type { Snapshot, SourceDatabase, Statement, TextRow } from './types.ts';

export interface MysqlSourceOptions {
  /** Connections in the pool (default 4). A snapshot holds one until it is closed. */
  poolSize?: number;
  /** How long to wait for a connection to open, in milliseconds (default 30 000). */
  connectTimeoutMs?: number;
}

/** Every connection gets these before first use; projection.ts relies on them. */
const SESSION_SETTINGS = ["SET time_zone = '+00:00'", 'SET NAMES utf8mb4'];

const TAKEN_AT_SQL = "SELECT DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%dT%H:%i:%s.%fZ')";

/**
 * Rows per batch, and rows mysql2 buffers ahead. Small batches die young in the V8 heap: at 1,000 a
 * 1M-row CSV export peaked at ~230 MB RSS (promoted garbage), at 250 at ~155 MB, as fast (measured here).
 */
const DEFAULT_BATCH_SIZE = 250;

/**
 * Snapshot reads: every value as a string or null. Projected columns already are strings; anything
 * else is converted without a lossy step (JSON kept as text, bytes as base64, numbers as their text).
 */
function castToText(field: TypeCastField, next: TypeCastNext): string | null {
  if (field.type === 'JSON') return field.string('utf8');
  const value = next();
  if (value === null || typeof value === 'string') return value;
  return castValue(value);
}

/**
 * Snapshot rows arrive without a `typeCast`: mysql2 wraps every field in the callback, which cost more
 * than half the CPU of a CSV export (profiled). Projected columns already are strings, so one `typeof`
 * per value suffices; the rare other value (a column nobody projected) goes through castValue.
 */
function toTextRow(row: unknown[]): TextRow {
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (value !== null && typeof value !== 'string') row[i] = castValue(value);
  }
  return row as TextRow;
}

function castValue(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return JSON.stringify(value);
}

/**
 * Opens a pool on a MySQL or MariaDB database (`mysql://` or `mariadb://` URL; `?ssl=true` requires TLS
 * with certificate verification). Connections are made lazily, so a wrong address or password is reported
 * by the first `query()` or `openSnapshot()`, as a SourceError naming host:port/database.
 *
 * `query()` rows use mysql2's usual types with exact settings: integers beyond 2^53, decimals and
 * dates as strings.
 */
export function createMysqlSource(url: string, options: MysqlSourceOptions = {}): SourceDatabase {
  const target = parseSourceUrl(url, 3306);
  const ssl = target.params.get('ssl') ?? target.params.get('sslmode') ?? target.params.get('ssl-mode');
  const pool = mysql.createPool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    connectionLimit: options.poolSize ?? 4,
    connectTimeout: options.connectTimeoutMs ?? 30_000,
    charset: 'utf8mb4',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    // Each table's SELECT is prepared once per connection; keep well under the server-wide
    // max_prepared_stmt_count (16 382 by default) whatever the number of tables.
    maxPreparedStatements: 256,
    ...(ssl && !/^(false|disable|disabled|0)$/i.test(ssl) ? { ssl: { rejectUnauthorized: true } } : {}),
  });
  // Connections that went through SESSION_SETTINGS (the pool reuses connection objects).
  const prepared = new WeakSet<PoolConnection>();

  async function acquire(): Promise<PoolConnection> {
    let connection: PoolConnection;
    try {
      connection = await new Promise<PoolConnection>((resolve, reject) => {
        pool.getConnection((error, conn) => (error ? reject(error) : resolve(conn)));
      });
    } catch (error) {
      throw connectionError(target, error);
    }
    if (!prepared.has(connection)) {
      try {
        for (const sql of SESSION_SETTINGS) await run(connection, sql);
      } catch (error) {
        connection.destroy();
        throw connectionError(target, error);
      }
      prepared.add(connection);
    }
    return connection;
  }

  return {
    dialect: 'mysql',

    async query<T extends Record<string, unknown>>(statement: Statement): Promise<T[]> {
      const connection = await acquire();
      let fatal = false;
      try {
        const rows = await new Promise<unknown>((resolve, reject) => {
          connection.execute(statement.sql, statement.params as ExecuteValues[], (error, result) =>
            error ? reject(error) : resolve(result),
          );
        });
        return Array.isArray(rows) ? (rows as T[]) : [];
      } catch (error) {
        const failure = toSourceError(target, error);
        fatal = failure.code !== 'query';
        throw failure;
      } finally {
        if (fatal) connection.destroy();
        else connection.release();
      }
    },

    async openSnapshot(): Promise<Snapshot> {
      const connection = await acquire();
      try {
        await run(connection, 'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await run(connection, 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
        const rows = await run(connection, TAKEN_AT_SQL);
        const takenAt = Array.isArray(rows) ? (rows[0] as unknown[] | undefined)?.[0] : undefined;
        if (typeof takenAt !== 'string') throw new Error('the server did not report its clock');
        return new MysqlSnapshot(connection, target, takenAt);
      } catch (error) {
        connection.destroy();
        throw toSourceError(target, error);
      }
    },

    async close(): Promise<void> {
      await new Promise<void>((resolve, reject) => pool.end((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * Ends a connection at once. mysql2's destroy() only half-closes the socket: the server would go on
 * sending the rest of an abandoned result, and this process would go on reading it.
 */
function hardClose(connection: PoolConnection): void {
  connection.destroy();
  (connection as unknown as { stream?: { destroy?: () => void } }).stream?.destroy?.();
}

/** Runs a fixed statement (no parameters) with rows as arrays of text. */
function run(connection: PoolConnection, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    connection.query({ sql, rowsAsArray: true, typeCast: castToText }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

class MysqlSnapshot implements Snapshot {
  private closed = false;
  /** Set when the connection or transaction can no longer be trusted: close() then drops the connection. */
  private broken: Error | undefined;
  /** Row streams started and not read to their end. */
  private running = 0;
  private readonly onConnectionError = (error: Error) => {
    this.broken ??= error;
  };

  constructor(
    private readonly connection: PoolConnection,
    private readonly target: SourceUrl,
    readonly takenAt: string,
  ) {
    connection.on('error', this.onConnectionError);
  }

  async *streamRows(statement: Statement, options: { batchSize?: number } = {}): AsyncIterable<TextRow[]> {
    this.assertUsable();
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    let rows: AsyncIterator<unknown>;
    try {
      const command = this.connection.execute(
        { sql: statement.sql, rowsAsArray: true },
        statement.params as ExecuteValues[],
      );
      // The stream reports errors while it is read; once abandoned, a late error must not go unhandled.
      command.on('error', () => {});
      // mysql2 pauses the socket when this buffer is full: memory stays bounded on any row count.
      const stream: Readable = command.stream({ highWaterMark: batchSize });
      rows = stream[Symbol.asyncIterator]();
    } catch (error) {
      throw toSourceError(this.target, error);
    }
    this.running += 1;
    let finished = false;
    try {
      let batch: TextRow[] = [];
      for (;;) {
        let next: IteratorResult<unknown>;
        try {
          next = await rows.next();
        } catch (error) {
          this.broken ??= error instanceof Error ? error : new Error(messageOf(error));
          throw toSourceError(this.target, error);
        }
        if (next.done) break;
        batch.push(toTextRow(next.value as unknown[]));
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
      finished = true;
    } finally {
      if (finished) this.running -= 1;
      // Stopping early: close() drops the connection rather than wait for the unread rows.
      else await rows.return?.();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.broken || this.running > 0) {
        // Ending the connection ends the transaction (nothing was written) and stops the server sending.
        hardClose(this.connection);
        return;
      }
      try {
        await run(this.connection, 'ROLLBACK');
        this.connection.release();
      } catch {
        hardClose(this.connection);
      }
    } finally {
      this.connection.removeListener('error', this.onConnectionError);
    }
  }

  private assertUsable(): void {
    if (this.closed) throw new SourceError('usage', 'this snapshot is closed');
    if (this.broken) {
      throw new SourceError('usage', `this snapshot can no longer be read: ${this.broken.message}`, {
        cause: this.broken,
      });
    }
  }
}

function connectionError(target: SourceUrl, error: unknown): SourceError {
  return new SourceError(
    'connection',
    `could not connect to MySQL at ${describeTarget(target)}: ${redact(messageOf(error), target.password)}`,
    { cause: safeCause(error, target.password) },
  );
}

function toSourceError(target: SourceUrl, error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  if (error instanceof TypeError) {
    // mysql2 refuses some parameter values itself (undefined, functions).
    return new SourceError('usage', `a statement could not be sent to MySQL: ${error.message}`, {
      cause: error,
    });
  }
  // mysql2 marks errors that end the connection as fatal; a statement the server refused carries a SQLSTATE.
  const fatal =
    !(error instanceof Error) || ('fatal' in error && error.fatal === true) || !('sqlState' in error);
  return new SourceError(
    fatal ? 'connection' : 'query',
    fatal
      ? `lost the connection to MySQL at ${describeTarget(target)}: ${redact(messageOf(error), target.password)}`
      : `MySQL at ${describeTarget(target)} refused a statement: ${redact(messageOf(error), target.password)}`,
    { cause: safeCause(error, target.password) },
  );
}
