/**
 * The embedded demo database: PGlite (PostgreSQL compiled to WebAssembly, in this process) persisted
 * in a directory, seeded with the demo data set on first use, and served on 127.0.0.1 through
 * `@electric-sql/pglite-socket` so the ordinary `pg` source code talks to it like to any PostgreSQL.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { DemoDatabaseError } from './errors.ts';
import { acquireLock, type DirectoryLock } from './lock.ts';
import { DEMO_SEED_VERSION, seedDemo } from './seed.ts';

export interface EmbeddedDemoOptions {
  /** Where the database lives. Default: `.handover/demo-db` under the current working directory. */
  dataDir?: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Status lines for people ("Seeding the demo database…"); never row data. */
  onProgress?: (message: string) => void;
  /** Demo volume (see `seedDemo`); a directory seeded at another scale is seeded again. Default 1. */
  scale?: number;
  /**
   * Connections served at once (default 1). PGlite runs one statement at a time, and while one
   * connection is inside a transaction, statements from the others wait until it ends: a client that
   * holds a transaction open on one connection and waits for another would wait forever. A
   * connection over the limit is refused.
   */
  maxConnections?: number;
  /** How long to wait for another process using the same directory (default 120 s). */
  lockTimeoutMs?: number;
}

export interface EmbeddedDemo {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (no password: the socket is local only). */
  url: string;
  /** The directory holding the database. */
  dataDir: string;
  /** Stops the server, closes the database cleanly and releases the directory. Safe to call twice. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * Starts the embedded demo database, seeding it first if the directory holds no complete seed of
 * this version and scale (a run killed halfway through seeding is detected and seeded again).
 *
 * @example
 * const demo = await startEmbeddedDemo({ onProgress: console.error });
 * const client = new pg.Client(demo.url);
 * // ...
 * await demo.stop();
 */
export async function startEmbeddedDemo(options: EmbeddedDemoOptions = {}): Promise<EmbeddedDemo> {
  const dataDir = resolve(options.dataDir ?? join(process.cwd(), '.handover', 'demo-db'));
  const scale = options.scale ?? 1;
  const report = options.onProgress ?? (() => {});
  await mkdir(dataDir, { recursive: true });
  const lock = await acquireLock(`${dataDir}.lock`, options.lockTimeoutMs ?? 120_000, report);

  let db: PGlite | undefined;
  try {
    db = await openDatabase(dataDir);
    await ensureSeeded(db, dataDir, scale, report);
    return await serve(db, dataDir, lock, options);
  } catch (error) {
    if (db && !db.closed) await db.close().catch(() => {});
    await lock.release();
    throw error;
  }
}

async function openDatabase(dataDir: string): Promise<PGlite> {
  try {
    return await PGlite.create(dataDir);
  } catch (error) {
    throw new DemoDatabaseError(
      'start-failed',
      `could not open the demo database in ${dataDir}; delete that directory to start afresh`,
      { cause: error },
    );
  }
}

/** What the directory holds: the seed's version and scale, or undefined when no seed completed. */
async function completedSeed(db: PGlite): Promise<{ version: string; scale: string } | undefined> {
  const table = await db.query<{ name: string | null }>(
    `SELECT to_regclass('public.demo_meta')::text AS name`,
  );
  if (!table.rows[0]?.name) return undefined;
  const rows = await db.query<{ key: string; value: string }>(
    `SELECT key, value FROM demo_meta WHERE key IN ('seed_version', 'scale')`,
  );
  const value = (key: string) => rows.rows.find((row) => row.key === key)?.value;
  const version = value('seed_version');
  if (version === undefined) return undefined;
  return { version, scale: value('scale') ?? '' };
}

async function ensureSeeded(
  db: PGlite,
  dataDir: string,
  scale: number,
  report: (message: string) => void,
): Promise<void> {
  const seed = await completedSeed(db);
  if (seed && seed.version === DEMO_SEED_VERSION && seed.scale === String(scale)) return;

  const started = performance.now();
  report(`Seeding the demo database in ${dataDir} (first run only, a few seconds)…`);
  try {
    // Whatever an earlier, interrupted or older seed left behind goes: this directory is ours alone.
    await db.exec(`DROP SCHEMA IF EXISTS public CASCADE;
CREATE SCHEMA public;
GRANT USAGE ON SCHEMA public TO PUBLIC;`);
    await seedDemo((sql) => db.exec(sql), { scale });
  } catch (error) {
    throw new DemoDatabaseError('seed-failed', `seeding the demo database in ${dataDir} failed`, {
      cause: error,
    });
  }
  report(`Demo database seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function serve(
  db: PGlite,
  dataDir: string,
  lock: DirectoryLock,
  options: EmbeddedDemoOptions,
): Promise<EmbeddedDemo> {
  const server = new PGLiteSocketServer({
    db,
    host: HOST,
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 1,
  });
  try {
    await server.start();
  } catch (error) {
    throw new DemoDatabaseError('start-failed', `could not listen on ${HOST}:${options.port ?? 0}`, {
      cause: error,
    });
  }
  // getServerConn() is `host:port`, the port as the OS assigned it when asked for 0.
  const port = Number(server.getServerConn().split(':').pop());

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres@${HOST}:${port}/postgres`,
    dataDir,
    stop() {
      stopping ??= (async () => {
        try {
          await server.stop();
          // close() waits for statements still queued (such as the ROLLBACK of a client cut off above).
          await db.close();
        } finally {
          await lock.release();
        }
      })();
      return stopping;
    },
  };
}
