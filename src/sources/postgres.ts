/**
 * PostgreSQL source adapter (also used for the embedded demo database served by pglite-socket).
 *
 * Values never go through JavaScript Number or Date: snapshot reads keep every value as the text the
 * server sent, and the session settings below make that text canonical (see projection.ts).
 */
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import Cursor from 'pg-cursor';
import { messageOf, redact, SourceError, safeCause } from './errors.ts';
import { inlineParams } from './postgres-literal.ts';
import { describeTarget, parseSourceUrl, type SourceUrl } from './source-url.ts';
import type { Snapshot, SourceDatabase, Statement, TextRow } from './types.ts';

export interface PostgresSourceOptions {
  /**
   * Connections in the pool (default 4). The embedded database served by pglite-socket accepts one
   * connection: use 1. A snapshot holds its connection until closed, and `query()` waits for a free
   * one, so with 1 connection do not await `query()` while a snapshot is open.
   */
  poolSize?: number;
  /** How long to wait for a connection to open, in milliseconds (default 30 000). */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity (default `handover`). */
  applicationName?: string;
}

/** Every connection gets these before first use; projection.ts relies on them. */
const SESSION_SETTINGS = [
  "SET TimeZone = 'UTC'",
  "SET DateStyle = 'ISO, YMD'",
  "SET IntervalStyle = 'iso_8601'",
  'SET extra_float_digits = 3',
  "SET client_encoding = 'UTF8'",
].join('; ');

const TAKEN_AT_SQL = `SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Rows per cursor read. Small batches die young in the V8 heap: at 1,000 rows (with wide text) a batch
 * outlived two scavenges, got promoted, and old-space garbage lifted a 1M-row XLSX export to ~290 MB
 * RSS; at 250, with the next read always in flight, it peaked at ~190 MB and ran faster (measured here).
 */
const DEFAULT_BATCH_SIZE = 250;

/**
 * Waits before retrying a connection the server closed at once. The embedded database (pglite-socket)
 * refuses a connection while it still counts one that was just dropped; PostgreSQL says
 * `too many clients` (53300) the same way.
 */
const BUSY_RETRY_DELAYS_MS = [25, 50, 100, 200, 400, 800];

const asText = (value: string): string => value;

/** Snapshot reads: every value stays the text the server sent. */
const TEXT_TYPES: pg.CustomTypesConfig = { getTypeParser: () => asText };

/** Date/time types (and their arrays) whose default parsing would go through a JS Date or object. */
const DATE_TIME_OIDS = new Set([1082, 1083, 1114, 1184, 1186, 1266, 1182, 1183, 1115, 1185, 1187, 1270]);

/** `query()` rows: pg's usual parsing (booleans, 32-bit integers, JSON) except date/time types, kept as text. */
const INTROSPECTION_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    DATE_TIME_OIDS.has(oid) ? asText : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Opens a pool on a PostgreSQL database. Connections are made lazily, so a wrong address is reported by
 * the first `query()` or `openSnapshot()`, as a SourceError naming host:port/database.
 *
 * @example
 * const source = createPostgresSource('postgres://reader:secret@db.internal:5432/app');
 * const snapshot = await source.openSnapshot();
 * for await (const rows of snapshot.streamRows({ sql: 'SELECT id::text FROM invoices', params: [] })) { … }
 * await snapshot.close();
 */
export function createPostgresSource(url: string, options: PostgresSourceOptions = {}): SourceDatabase {
  const target = parseSourceUrl(url, 5432);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 30_000,
    application_name: options.applicationName ?? 'handover',
    types: INTROSPECTION_TYPES,
    onConnect: (client) => client.query(SESSION_SETTINGS),
  });
  // An idle connection that drops is removed by the pool; the next checkout opens a new one.
  pool.on('error', () => {});

  async function acquire(): Promise<pg.PoolClient> {
    for (const delay of [...BUSY_RETRY_DELAYS_MS, -1]) {
      try {
        return await pool.connect();
      } catch (error) {
        if (delay < 0 || !isBusyServer(error)) throw connectionError(target, error);
        await sleep(delay);
      }
    }
    throw new SourceError('connection', `could not connect to PostgreSQL at ${describeTarget(target)}`);
  }

  return {
    dialect: 'postgres',

    async query<T extends Record<string, unknown>>(statement: Statement): Promise<T[]> {
      const client = await acquire();
      let failure: SourceError | undefined;
      try {
        const result = await client.query<T>({ text: statement.sql, values: statement.params });
        return result.rows;
      } catch (error) {
        failure = toSourceError(target, error);
        throw failure;
      } finally {
        // A failed connection must not go back to the pool; a failed statement leaves it usable.
        client.release(failure && failure.code !== 'query' ? failure : undefined);
      }
    },

    async openSnapshot(): Promise<Snapshot> {
      const client = await acquire();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        // The first statement of a REPEATABLE READ transaction fixes its snapshot: this one.
        const result = await client.query<string[]>({
          text: TAKEN_AT_SQL,
          rowMode: 'array',
          types: TEXT_TYPES,
        });
        const takenAt = result.rows[0]?.[0];
        if (takenAt === undefined) throw new Error('the server did not report its clock');
        return new PostgresSnapshot(client, target, takenAt);
      } catch (error) {
        client.release(error instanceof Error ? error : new Error(messageOf(error)));
        throw toSourceError(target, error);
      }
    },

    async close(): Promise<void> {
      await pool.end();
    },
  };
}

class PostgresSnapshot implements Snapshot {
  private closed = false;
  /** The connection can no longer be trusted: close() drops it. */
  private broken: Error | undefined;
  /** A statement failed: the transaction is aborted, nothing more can be read, close() rolls back. */
  private aborted: Error | undefined;
  /** Cursors and COPY streams started and not yet finished. */
  private running = 0;
  private ended = false;
  private readonly onClientError = (error: Error) => {
    this.broken ??= error;
  };
  private readonly onClientEnd = () => {
    this.ended = true;
  };

  constructor(
    private readonly client: pg.PoolClient,
    private readonly target: SourceUrl,
    readonly takenAt: string,
  ) {
    client.on('error', this.onClientError);
    client.once('end', this.onClientEnd);
  }

  async *streamRows(statement: Statement, options: { batchSize?: number } = {}): AsyncIterable<TextRow[]> {
    this.assertUsable();
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const cursor = this.client.query(
      new Cursor<TextRow>(statement.sql, statement.params, { rowMode: 'array', types: TEXT_TYPES }),
    );
    this.running += 1;
    let failed = false;
    // One batch is always on its way while the consumer works on the previous one: the server keeps
    // producing rows instead of idling for a round trip per batch, and batches stay small.
    let next: Promise<TextRow[]> | undefined = cursor.read(batchSize);
    try {
      for (;;) {
        let rows: TextRow[];
        try {
          rows = await next;
        } catch (error) {
          failed = true;
          next = undefined;
          this.recordFailure(error);
          throw toSourceError(this.target, error);
        }
        if (rows.length === 0) {
          next = undefined;
          return;
        }
        next = cursor.read(batchSize);
        // Settled here or in `finally`: never an unhandled rejection while the consumer holds a batch.
        next.catch(() => undefined);
        yield rows;
      }
    } finally {
      // Also reached when the consumer stops early: the read in flight must finish before the portal
      // closes, and closing the portal keeps the transaction usable. A failed cursor is already finished.
      if (next) {
        await next.then(
          () => undefined,
          () => {
            failed = true;
          },
        );
      }
      if (!failed) await cursor.close();
      this.running -= 1;
    }
  }

  copyCsv(statement: Statement): { stream: Readable; rowCount: () => number } {
    this.assertUsable();
    // COPY takes no bind parameters: they are inlined as quoted literals.
    const select = inlineParams(statement.sql, statement.params).trim().replace(/;+$/, '');
    const stream = this.client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT csv)`));
    this.running += 1;
    stream.once('end', () => {
      this.running -= 1;
    });
    stream.once('error', (error: Error) => {
      // A statement error ends the COPY cleanly; anything else (a consumer's destroy(err)) leaves the
      // connection mid-COPY, and close() drops it.
      if (!isConnectionFailure(error)) this.running -= 1;
      this.recordFailure(error);
    });
    return { stream, rowCount: () => stream.rowCount };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const abandoned = this.running > 0 ? new Error('a read was abandoned before its end') : undefined;
    const reason = this.broken ?? abandoned;
    try {
      if (reason) {
        // A connection mid-COPY or mid-cursor cannot take a ROLLBACK: dropping it ends the transaction.
        await this.drop(reason);
        return;
      }
      try {
        await this.client.query('ROLLBACK');
        this.client.release();
      } catch (error) {
        // Nothing was written in a read-only transaction; a connection that fails here is simply dropped.
        await this.drop(error instanceof Error ? error : new Error(messageOf(error)));
      }
    } finally {
      this.client.removeListener('error', this.onClientError);
      this.client.removeListener('end', this.onClientEnd);
    }
  }

  /** Closes the connection and waits until it is closed, so a single-connection server can take the next one. */
  private async drop(reason: Error): Promise<void> {
    const ended = this.ended
      ? Promise.resolve()
      : new Promise<void>((resolve) => this.client.once('end', () => resolve()));
    this.client.release(reason);
    await ended;
  }

  private recordFailure(error: unknown): void {
    const failure = error instanceof Error ? error : new Error(messageOf(error));
    if (isConnectionFailure(error)) this.broken ??= failure;
    else this.aborted ??= failure;
  }

  private assertUsable(): void {
    if (this.closed) throw new SourceError('usage', 'this snapshot is closed');
    const failure = this.broken ?? this.aborted;
    if (failure) {
      throw new SourceError('usage', `this snapshot can no longer be read: ${failure.message}`, {
        cause: failure,
      });
    }
  }
}

/** The server closed a new connection at once: it is (briefly) at its connection limit. */
function isBusyServer(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return error.code === '53300';
  if (!(error instanceof Error)) return false;
  return (
    /Connection terminated unexpectedly/.test(error.message) ||
    (error as { code?: unknown }).code === 'ECONNRESET'
  );
}

/** SQLSTATE classes that mean the connection, not the statement, failed. */
function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError)) return true;
  const code = error.code ?? '';
  return code.startsWith('08') || code.startsWith('28') || code.startsWith('57P') || code === '3D000';
}

function connectionError(target: SourceUrl, error: unknown): SourceError {
  return new SourceError(
    'connection',
    `could not connect to PostgreSQL at ${describeTarget(target)}: ${redact(messageOf(error), target.password)}`,
    { cause: safeCause(error, target.password) },
  );
}

function toSourceError(target: SourceUrl, error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  if (isConnectionFailure(error)) {
    return new SourceError(
      'connection',
      `lost the connection to PostgreSQL at ${describeTarget(target)}: ${redact(messageOf(error), target.password)}`,
      { cause: safeCause(error, target.password) },
    );
  }
  return new SourceError(
    'query',
    `PostgreSQL at ${describeTarget(target)} refused a statement: ${redact(messageOf(error), target.password)}`,
    { cause: safeCause(error, target.password) },
  );
}
