/**
 * Throwaway databases on the machine's real PostgreSQL and MariaDB servers.
 * Each test file creates its own uniquely named database and drops it afterwards.
 * A server that is not reachable fails the test: it is never a skip.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.HANDOVER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_ADMIN_URL = process.env.HANDOVER_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty PostgreSQL database; `url` connects to it as the trusted superuser. */
export async function createPostgresDatabase(prefix = 'handover_test'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(PG_ADMIN_URL, name),
    async drop() {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Creates an empty MariaDB database; `url` connects to it as root. */
export async function createMysqlDatabase(prefix = 'handover_test'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  const admin = await mysql.createConnection(MYSQL_ADMIN_URL);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(MYSQL_ADMIN_URL, name),
    async drop() {
      const client = await mysql.createConnection(MYSQL_ADMIN_URL);
      try {
        await client.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs a multi-statement SQL script against a PostgreSQL database. */
export async function runPostgres(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** Runs SQL against a MariaDB database (`multipleStatements` on, for schema scripts). */
export async function runMysql(url: string, sql: string, params: unknown[] = []): Promise<unknown> {
  const client = await mysql.createConnection({ uri: url, multipleStatements: true });
  try {
    const [result] = await client.query(sql, params);
    return result;
  } finally {
    await client.end();
  }
}
