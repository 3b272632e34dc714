/**
 * A minimal `SourceDatabase` for catalog tests: `dialect` and `query()` over `pg` / `mysql2`, nothing
 * else. The real adapters live in src/sources; this one keeps the catalog tests independent of them.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Dialect } from '../../src/catalog/types.ts';
import type { SourceDatabase, Statement } from '../../src/sources/types.ts';

function notUsed(): never {
  throw new Error('not used in this test');
}

export interface QuerySource extends SourceDatabase {
  /** Runs a statement and returns its rows (the same as `query`, named for readability in tests). */
  rows<T extends Record<string, unknown>>(statement: Statement): Promise<T[]>;
}

/** Opens a query-only source on a PostgreSQL or MariaDB URL. */
export async function openQuerySource(dialect: Dialect, url: string): Promise<QuerySource> {
  if (dialect === 'postgres') {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const query = async <T extends Record<string, unknown>>(statement: Statement): Promise<T[]> => {
      const result = await pool.query(statement.sql, statement.params);
      return result.rows as T[];
    };
    return {
      dialect,
      query,
      rows: query,
      openSnapshot: notUsed,
      close: () => pool.end(),
    };
  }
  const pool = mysql.createPool({
    uri: url,
    connectionLimit: 2,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
  });
  const query = async <T extends Record<string, unknown>>(statement: Statement): Promise<T[]> => {
    const [rows] = await pool.query(statement.sql, statement.params);
    return rows as T[];
  };
  return {
    dialect,
    query,
    rows: query,
    openSnapshot: notUsed,
    close: () => pool.end(),
  };
}
