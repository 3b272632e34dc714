import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TABLES } from '../../src/demo/schema.ts';
import { DEMO_SEED_VERSION, DEMO_TENANTS, seedDemo } from '../../src/demo/seed.ts';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.ts';
import { tenantCounts } from './tenant-counts.ts';

// Small enough for a shared 2-core machine; acme still gets every kind of row.
const SCALE = 0.01;
const TENANTS_WITH_DATA = ['acme', 'globex', 'initech'];

let database: TestDatabase;
let client: pg.Client;

async function scalar<T>(sql: string, params: unknown[] = []): Promise<T> {
  const result = await client.query(sql, params);
  return Object.values(result.rows[0] ?? {})[0] as T;
}

/** Counts per tenant of the rows matching `where` in a table with a company_id column. */
async function countsPerTenant(table: string, where: string): Promise<Record<string, number>> {
  const result = await client.query<{ company_id: string; n: string }>(
    `SELECT company_id, count(*) AS n FROM ${table} WHERE ${where} GROUP BY company_id`,
  );
  return Object.fromEntries(result.rows.map((row) => [row.company_id, Number(row.n)]));
}

/** One checksum per table over every row's text form: equal checksums, equal data. */
const CHECKSUMS_SQL = DEMO_TABLES.map(
  (table) =>
    `SELECT '${table}' AS name, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM ${table} t`,
).join('\nUNION ALL\n');

async function checksums(
  query: (sql: string) => Promise<{ rows: unknown[] }>,
): Promise<Record<string, string>> {
  const result = await query(CHECKSUMS_SQL);
  return Object.fromEntries(
    (result.rows as { name: string; sum: string }[]).map((row) => [row.name, row.sum]),
  );
}

beforeAll(async () => {
  database = await createPostgresDatabase('handover_demo_seed');
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await seedDemo((sql) => client.query(sql), { scale: SCALE });
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe('the demo data set on PostgreSQL', () => {
  it('holds the documented tenants, acme far larger than the small ones', async () => {
    const counts = await tenantCounts((sql) => client.query(sql));

    expect([...counts.keys()].sort()).toEqual(DEMO_TENANTS.map((tenant) => tenant.id).sort());
    const total = (tenant: string) => counts.get(tenant)?.total ?? 0;
    expect(total('acme')).toBeGreaterThan(1_000);
    for (const small of ['globex', 'initech']) {
      expect(total(small)).toBeGreaterThanOrEqual(200);
      expect(total(small)).toBeLessThan(1_000);
    }
    // Most of acme's rows sit in its three big tables.
    const acme = counts.get('acme') ?? {};
    const big = (acme.timesheets ?? 0) + (acme.tasks ?? 0) + (acme.invoice_lines ?? 0);
    expect(big / total('acme')).toBeGreaterThan(0.8);
    expect(await scalar('SELECT value FROM demo_meta WHERE key = $1', ['seed_version'])).toBe(
      DEMO_SEED_VERSION,
    );
  });

  it('has emoji, CR/LF, lone CR and formula-looking text in every tenant with data', async () => {
    const emoji = await countsPerTenant('timesheets', `note LIKE '%👩🏽‍💻%'`);
    const crlf = await countsPerTenant('timesheets', `note LIKE '%' || chr(13) || chr(10) || '%'`);
    const loneCr = await countsPerTenant('timesheets', `note ~ '\\r[^\\n]'`);
    const formulas: Record<string, number>[] = [];
    for (const lead of ['=', '+', '-', '@']) {
      formulas.push(await countsPerTenant('timesheets', `left(note, 1) = '${lead}'`));
    }
    const hyperlink = await countsPerTenant('timesheets', `note = '=HYPERLINK("http://x")'`);

    for (const tenant of TENANTS_WITH_DATA) {
      expect(emoji[tenant], `emoji in ${tenant}`).toBeGreaterThan(0);
      expect(crlf[tenant], `CR/LF in ${tenant}`).toBeGreaterThan(0);
      expect(loneCr[tenant], `lone CR in ${tenant}`).toBeGreaterThan(0);
      expect(hyperlink[tenant], `=HYPERLINK in ${tenant}`).toBeGreaterThan(0);
      for (const counts of formulas) expect(counts[tenant]).toBeGreaterThan(0);
    }
    const quotedCommaAccent = await countsPerTenant(
      'clients',
      `name LIKE '%"%' AND name LIKE '%,%' AND name LIKE '%ë%'`,
    );
    for (const tenant of TENANTS_WITH_DATA) expect(quotedCommaAccent[tenant]).toBeGreaterThan(0);
  });

  it('keeps NULL and the empty string apart in the same column', async () => {
    const nulls = await countsPerTenant('clients', 'vat_id IS NULL');
    const empties = await countsPerTenant('clients', `vat_id = ''`);
    const nullNotes = await countsPerTenant('timesheets', 'note IS NULL');
    const emptyNotes = await countsPerTenant('timesheets', `note = ''`);

    for (const tenant of TENANTS_WITH_DATA) {
      expect(nulls[tenant]).toBeGreaterThan(0);
      expect(empties[tenant]).toBeGreaterThan(0);
      expect(nullNotes[tenant]).toBeGreaterThan(0);
      expect(emptyNotes[tenant]).toBeGreaterThan(0);
    }
    expect(await scalar(`SELECT count(*)::int FROM users WHERE locale IS NULL`)).toBeGreaterThan(0);
    expect(await scalar(`SELECT count(*)::int FROM users WHERE locale = ''`)).toBeGreaterThan(0);
  });

  it('stores numbers a float would round, exactly', async () => {
    const total = await scalar<string>(`SELECT total::text FROM invoices WHERE number = '=ACME-0001'`);
    const cents = await scalar<string>(`SELECT max(amount_cents)::text FROM invoices`);
    const unitPrice = await scalar<string>(`SELECT max(unit_price)::text FROM invoice_lines`);
    const beyondFloat = await scalar<number>(
      `SELECT count(*)::int FROM invoice_lines
       WHERE length(regexp_replace(quantity::text, '[^0-9]', '', 'g')) > 17 AND quantity::float8::numeric <> quantity`,
    );

    expect(total).toBe('12345678901234567890.1234567890');
    expect(cents).toBe('9223372036854775807');
    expect(unitPrice).toBe('12345678901234567890.123456789012345678');
    expect(beyondFloat).toBeGreaterThan(0);
    expect(await scalar(`SELECT min(amount_cents)::text FROM invoices`)).toBe('-9223372036854775808');
  });

  it('has timestamps written in several offsets, with microseconds', async () => {
    const utc = await scalar<string>(
      `SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM timesheets
       WHERE company_id = 'globex' AND note = '=HYPERLINK("http://x")' ORDER BY id DESC LIMIT 1`,
    );
    const withMicros = await scalar<number>(
      `SELECT count(*)::int FROM timesheets WHERE extract(microseconds FROM started_at)::int % 1000 <> 0`,
    );

    // Written as 2025-03-14 09:26:53.589793+05:30.
    expect(utc).toBe('2025-03-14T03:56:53.589793Z');
    expect(withMicros).toBeGreaterThan(0);
  });

  it('has nested unicode JSON, binary with zero bytes, arrays, empty arrays and intervals', async () => {
    expect(await scalar(`SELECT settings #>> '{nested,emoji}' FROM companies WHERE id = 'acme'`)).toBe('🚀');
    expect(
      await scalar(`SELECT count(*)::int FROM clients WHERE address #>> '{nested,ключ,0}' = 'значение'`),
    ).toBe(3);
    // json (not jsonb) keeps duplicate keys exactly as written.
    expect(
      await scalar(`SELECT count(*)::int FROM invoices WHERE metadata::text LIKE '%"a":"ünï 🚀",  "a":2%'`),
    ).toBe(3);
    expect(
      await scalar(`SELECT count(*)::int FROM invoices WHERE position('\\x00'::bytea IN pdf) > 0`),
    ).toBeGreaterThan(0);
    expect(await scalar(`SELECT count(*)::int FROM expenses WHERE receipt = '\\x'::bytea`)).toBeGreaterThan(
      0,
    );
    expect(await scalar(`SELECT count(*)::int FROM tasks WHERE tags = '{}'`)).toBeGreaterThan(0);
    expect(
      await scalar(`SELECT count(*)::int FROM tasks WHERE array_position(tags, NULL) IS NOT NULL`),
    ).toBeGreaterThan(0);
    expect(await scalar(`SELECT count(*)::int FROM tasks WHERE estimate < interval '0'`)).toBeGreaterThan(0);
  });

  it('keeps every reference inside its own tenant', async () => {
    const crossTenant = await scalar<number>(`
      SELECT (SELECT count(*) FROM projects p JOIN clients c ON c.id = p.client_id WHERE c.company_id <> p.company_id)
           + (SELECT count(*) FROM invoices i JOIN clients c ON c.id = i.client_id WHERE c.company_id <> i.company_id)
           + (SELECT count(*) FROM timesheets s JOIN tasks k ON k.id = s.task_id JOIN projects p ON p.id = k.project_id
              WHERE p.company_id <> s.company_id)
           + (SELECT count(*) FROM timesheets s WHERE NOT EXISTS
               (SELECT 1 FROM company_user m WHERE m.company_id = s.company_id AND m.user_id = s.user_id))
           + (SELECT count(*) FROM tasks k JOIN tasks parent ON parent.id = k.parent_task_id
              WHERE parent.project_id <> k.project_id)
           + (SELECT count(*) FROM expenses e JOIN projects p ON p.id = e.project_id WHERE p.company_id <> e.company_id)
           + (SELECT count(*) FROM attachments a
              LEFT JOIN projects p ON a.attachable_type = 'App\\Models\\Project' AND p.id = a.attachable_id
              LEFT JOIN invoices i ON a.attachable_type = 'App\\Models\\Invoice' AND i.id = a.attachable_id
              LEFT JOIN expenses e ON a.attachable_type = 'App\\Models\\Expense' AND e.id = a.attachable_id
              LEFT JOIN tasks k ON a.attachable_type = 'App\\Models\\Task' AND k.id = a.attachable_id
              LEFT JOIN projects kp ON kp.id = k.project_id
              WHERE coalesce(p.company_id, i.company_id, e.company_id, kp.company_id, '?') <> a.company_id)`);
    const unvalidated = await scalar<number>(
      `SELECT count(*)::int FROM pg_constraint WHERE contype = 'f' AND NOT convalidated`,
    );
    const foreignKeys = await scalar<number>(`SELECT count(*)::int FROM pg_constraint WHERE contype = 'f'`);

    expect(Number(crossTenant)).toBe(0);
    expect(unvalidated).toBe(0);
    expect(foreignKeys).toBeGreaterThanOrEqual(20);
  });

  it('shares users between two tenants and keeps one user in no tenant at all', async () => {
    const shared = await client.query<{ email: string; companies: string[] }>(
      `SELECT u.email, array_agg(m.company_id ORDER BY m.company_id) AS companies
       FROM users u JOIN company_user m ON m.user_id = u.id GROUP BY u.email HAVING count(*) > 1`,
    );
    const byEmail = Object.fromEntries(shared.rows.map((row) => [row.email, row.companies]));

    expect(byEmail['zoe.muller@example.com']).toEqual(['acme', 'globex']);
    expect(byEmail['jose.obrien@example.com']).toEqual(['globex', 'initech']);
    expect(shared.rows.length).toBeGreaterThan(2);
    expect(
      await scalar(
        `SELECT count(*)::int FROM users u WHERE NOT EXISTS (SELECT 1 FROM company_user m WHERE m.user_id = u.id)`,
      ),
    ).toBe(1);
  });

  it('has built-in roles shared by all tenants next to tenant roles', async () => {
    expect(await scalar(`SELECT count(*)::int FROM roles WHERE company_id IS NULL`)).toBe(3);
    expect(await scalar(`SELECT count(DISTINCT company_id)::int FROM roles`)).toBe(DEMO_TENANTS.length);
  });

  it('has an archive table with no way to a tenant, and framework tables with secrets', async () => {
    const columns = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name IN ('audit_log_archive', 'sessions', 'personal_access_tokens')`,
    );
    const archiveForeignKeys = await scalar<number>(
      `SELECT count(*)::int FROM pg_constraint WHERE conrelid = 'audit_log_archive'::regclass AND contype = 'f'`,
    );
    const of = (table: string) =>
      columns.rows.filter((row) => row.table_name === table).map((row) => row.column_name);

    expect(of('audit_log_archive')).not.toContain('company_id');
    expect(archiveForeignKeys).toBe(0);
    expect(of('sessions')).toEqual(expect.arrayContaining(['payload', 'user_id']));
    expect(of('personal_access_tokens')).toContain('token');
    expect(await scalar(`SELECT count(*)::int FROM audit_log_archive`)).toBeGreaterThan(0);
  });

  it('writes the same rows on every run, on PostgreSQL and on PGlite alike', async () => {
    const again = await createPostgresDatabase('handover_demo_seed_again');
    const other = new pg.Client({ connectionString: again.url });
    const embedded = await PGlite.create();
    try {
      await other.connect();
      await seedDemo((sql) => other.query(sql), { scale: SCALE });
      await seedDemo((sql) => embedded.exec(sql), { scale: SCALE });

      const first = await checksums((sql) => client.query(sql));
      expect(await checksums((sql) => other.query(sql))).toEqual(first);
      expect(await checksums((sql) => embedded.query(sql))).toEqual(first);
    } finally {
      await other.end();
      await again.drop();
      await embedded.close();
    }
  });

  it('refuses a scale that is not a positive number', async () => {
    await expect(seedDemo(async () => undefined, { scale: 0 })).rejects.toThrow(/positive/);
    await expect(seedDemo(async () => undefined, { scale: Number.NaN })).rejects.toThrow(/positive/);
  });
});
