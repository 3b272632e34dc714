/**
 * Seeds the demo database: schema, reference data, the tenants of DEMO_TENANTS with their bulk rows
 * (set-based SQL) and awkward rows (explicit INSERTs), framework tables, and last of all the
 * `seed_version` row that marks the seed complete. Deterministic: no randomness and no clock, so
 * two seeds at the same scale hold the same rows.
 */
import { awkwardTenantSteps } from './awkward.ts';
import { bulkTenantSteps, MODEL_TYPES, type RoleIds, type SeedStep } from './bulk.ts';
import { DEMO_IDENTITY_TABLES, DEMO_SCHEMA_SQL } from './schema.ts';
import { IdAllocator, lit, valuesList } from './sql-text.ts';
import { DEMO_TENANTS, INITECH_SUBSCRIPTION_ENDED_AT, tenantVolume } from './tenants.ts';

export { DEMO_TENANTS, type DemoTenant } from './tenants.ts';

/** Bump when the data set changes: an embedded database seeded by another version is seeded again. */
export const DEMO_SEED_VERSION = '1';

export interface SeedDemoOptions {
  /**
   * Multiplies acme's bulk volume (default 1: about 115,000 rows). The small tenants keep their size.
   * Tests use a small scale such as 0.01.
   */
  scale?: number;
  /** Called before each step with what it is about to do, e.g. `acme: timesheets`. */
  onStep?: (label: string) => void;
}

/** Runs one SQL script (possibly several statements, no parameters) in one and the same session. */
export type RunSql = (sql: string) => Promise<unknown>;

/**
 * Creates the demo schema in an empty database and fills it.
 *
 * @param run executes a multi-statement script, e.g. `(sql) => client.query(sql)` with a `pg.Client`
 *   or `(sql) => pglite.exec(sql)`. Every call must go to the same session.
 * @example
 * const db = await PGlite.create();
 * await seedDemo((sql) => db.exec(sql), { scale: 0.01 });
 */
export async function seedDemo(run: RunSql, options: SeedDemoOptions = {}): Promise<void> {
  const scale = options.scale ?? 1;
  for (const step of demoSeedSteps(scale)) {
    options.onStep?.(step.label);
    await run(step.sql);
  }
}

/** The seed as a list of SQL scripts, in order. The last one writes the `seed_version` row. */
export function demoSeedSteps(scale = 1): SeedStep[] {
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new RangeError(`demo scale must be a positive number, got ${scale}`);
  }
  const ids = new IdAllocator();

  const builtIn = ids.take('roles', 3);
  const roleIds = (custom: number): RoleIds => ({
    owner: builtIn,
    admin: builtIn + 1,
    member: builtIn + 2,
    custom,
  });
  const customRoles = new Map(DEMO_TENANTS.map((tenant) => [tenant.id, ids.take('roles')]));
  const customRole = (tenant: string) => customRoles.get(tenant) ?? builtIn + 2;

  // People known by name, some of them members of two companies; `orphan` belongs to none and
  // must never appear in any export.
  const people = {
    zoe: ids.take('users'),
    jose: ids.take('users'),
    priya: ids.take('users'),
    smith: ids.take('users'),
    orphan: ids.take('users'),
    alice: ids.take('users'),
  };

  const steps: SeedStep[] = [
    { label: 'schema', sql: `SET standard_conforming_strings = on;\n${DEMO_SCHEMA_SQL}` },
    {
      label: 'companies, currencies, roles and people',
      sql: referenceSql(
        builtIn,
        DEMO_TENANTS.map((tenant) => [tenant.id, customRole(tenant.id)]),
        people,
        ids.take('personal_access_tokens'),
      ),
    },
  ];

  // Who owns the hand-written rows of each tenant: two of its named members.
  const awkwardMembers: Record<string, { first: number; second: number }> = {
    acme: { first: people.zoe, second: people.priya },
    globex: { first: people.zoe, second: people.jose },
    initech: { first: people.jose, second: people.smith },
  };
  const firstBulkUser = new Map<string, number>();
  for (const tenant of DEMO_TENANTS) {
    const volume = tenantVolume(tenant.id, scale);
    if (!volume) continue;
    const bulk = bulkTenantSteps(tenant.id, volume, ids, roleIds(customRole(tenant.id)));
    steps.push(...bulk.steps);
    firstBulkUser.set(tenant.id, bulk.firstUserId);
    const members = awkwardMembers[tenant.id];
    if (members) {
      steps.push(awkwardTenantSteps(tenant.id, ids, members, { longText: tenant.id === 'acme' }));
    }
  }

  const acmeFirst = firstBulkUser.get('acme');
  if (acmeFirst !== undefined) {
    // Three of acme's bulk users also work for globex: shared users in the bulk too.
    steps.push({
      label: 'shared memberships',
      sql: `INSERT INTO company_user (company_id, user_id, role_id, joined_at)
SELECT 'globex', ${acmeFirst} + g, ${builtIn + 2}, timestamptz '2024-06-01 12:00:00-08:00' + g * interval '1 day'
FROM generate_series(0, ${Math.min(3, tenantVolume('acme', scale)?.users ?? 0) - 1}) AS g`,
    });
  }

  steps.push(
    { label: 'framework tables', sql: frameworkSql(ids) },
    { label: 'sequences', sql: sequencesSql() },
    // Fresh statistics: the catalog reports row estimates from pg_class.reltuples.
    { label: 'statistics', sql: 'ANALYZE' },
    {
      label: 'seed version',
      sql: `INSERT INTO demo_meta (key, value) VALUES ('scale', ${lit(String(scale))});
INSERT INTO demo_meta (key, value) VALUES ('seed_version', ${lit(DEMO_SEED_VERSION)})`,
    },
  );
  return steps;
}

function referenceSql(
  builtIn: number,
  customRoles: [string, number][],
  people: Record<'zoe' | 'jose' | 'priya' | 'smith' | 'orphan' | 'alice', number>,
  zoeTokenId: number,
): string {
  const settings =
    '{"theme": "dark", "greeting": "Grüß Gott 👋", "nested": {"emoji": "🚀", "rtl": "שלום", ' +
    '"quote": "\\"q\\"", "list": [1, 2.5, null, true, "", "=1+1"]}, "week_starts_on": 1}';
  const companies: Record<string, [string, string, string | null]> = {
    // plan, created_at, subscription_ends_at
    acme: ['enterprise', '2019-04-01 09:00:00.123456+02:00', null],
    globex: ['team', '2021-07-15 14:30:00-03:00', null],
    initech: ['starter', '2020-02-29 23:59:59.999999-08:00', INITECH_SUBSCRIPTION_ENDED_AT],
    umbrella: ['trial', '2026-11-01 08:00:00+05:30', null],
  };
  const customRoleNames: Record<string, string> = {
    acme: 'Billing 💶',
    globex: 'Auditor (read-only)',
    initech: 'Contractor, "external"',
    umbrella: 'Tester',
  };
  const user = (
    id: number,
    email: string,
    name: string,
    avatar: string,
    locale: string,
    createdAt: string,
  ) => [
    String(id),
    lit(email),
    lit(name),
    lit(`$2y$10$${email.length}abcdefghijklmnopqrstuv`),
    lit(`remember-${id}-0123456789`),
    avatar,
    locale,
    `${lit(createdAt)}::timestamptz`,
  ];
  const member = (company: string, userId: number, roleId: number, joinedAt: string) => [
    lit(company),
    String(userId),
    String(roleId),
    `${lit(joinedAt)}::timestamptz`,
  ];
  const roleOf = (tenant: string) => customRoles.find(([id]) => id === tenant)?.[1] ?? builtIn + 2;
  const [owner, admin, memberRole] = [builtIn, builtIn + 1, builtIn + 2];

  return `INSERT INTO currencies (code, name, decimals) VALUES
  ('EUR', 'Euro €', 2), ('USD', 'US dollar', 2), ('BRL', 'Real brasileiro', 2), ('JPY', '日本円', 0),
  ('GBP', 'Pound sterling', 2), ('CHF', 'Franken, Schweizer', 2), ('KWD', 'Kuwaiti dinar', 3),
  ('XTS', 'Testing code, used by nobody', 0);
INSERT INTO companies (id, name, plan, created_at, settings, subscription_ends_at) VALUES
  ${valuesList(
    DEMO_TENANTS.map((tenant) => {
      const [plan, createdAt, endsAt] = companies[tenant.id] ?? ['trial', '2026-01-01 00:00:00Z', null];
      return [
        lit(tenant.id),
        lit(tenant.name),
        lit(plan),
        `${lit(createdAt)}::timestamptz`,
        tenant.id === 'acme' ? `${lit(settings)}::jsonb` : `'{}'::jsonb`,
        endsAt === null ? 'NULL' : `${lit(endsAt)}::timestamptz`,
      ];
    }),
  )};
INSERT INTO roles (id, company_id, name, permissions) VALUES
  (${owner}, NULL, 'Owner', ARRAY['*']),
  (${admin}, NULL, 'Admin', ARRAY['export', 'users.manage', 'billing']),
  (${memberRole}, NULL, 'Member', '{}'),
  ${valuesList(
    customRoles.map(([tenant, id]) => [
      String(id),
      lit(tenant),
      lit(customRoleNames[tenant] ?? 'Custom'),
      `ARRAY['invoices.read', 'time, own']`,
    ]),
  )};
INSERT INTO users (id, email, name, password_hash, remember_token, avatar, locale, created_at) VALUES
  ${valuesList([
    user(
      people.zoe,
      'zoe.muller@example.com',
      'Zoë Müller',
      "'\\x89504e470d0a1a0a00000000'::bytea",
      "'de-CH'",
      '2019-04-01 09:15:00.000001+05:30',
    ),
    user(people.jose, 'jose.obrien@example.com', "José O'Brien", 'NULL', "''", '2020-01-01 00:00:00-08:00'),
    user(
      people.priya,
      'priya@example.com',
      '👩🏽‍💻 Priya "Dev" Patel',
      "'\\x'::bytea",
      'NULL',
      '2021-06-30T23:59:60Z',
    ),
    user(people.smith, 'smith@example.com', 'Smith, John', 'NULL', "'en-GB'", '2020-03-01 12:00:00+00'),
    user(
      people.orphan,
      'orphan@example.com',
      'Orphan, No Company',
      'NULL',
      'NULL',
      '2022-02-22 22:22:22.222222Z',
    ),
    user(
      people.alice,
      'alice@umbrella.example',
      '=Alice Umbrella',
      'NULL',
      "'fr-FR'",
      '2026-11-01 08:05:00+05:30',
    ),
  ])};
INSERT INTO company_user (company_id, user_id, role_id, joined_at) VALUES
  ${valuesList([
    member('acme', people.zoe, owner, '2019-04-01 09:15:00+05:30'),
    member('acme', people.priya, roleOf('acme'), '2021-07-01 00:00:00Z'),
    member('globex', people.zoe, memberRole, '2022-01-01 10:00:00-03:00'),
    member('globex', people.jose, admin, '2021-07-15 14:30:00-03:00'),
    member('initech', people.jose, owner, '2020-02-29 23:59:59-08:00'),
    member('initech', people.smith, roleOf('initech'), '2020-03-01 12:00:00+00'),
    member('umbrella', people.alice, owner, '2026-11-01 08:05:00+05:30'),
  ])};
INSERT INTO personal_access_tokens (id, tokenable_type, tokenable_id, name, token, abilities) VALUES
  (${zoeTokenId}, ${lit(MODEL_TYPES.user)}, ${people.zoe}, 'Zoë''s laptop', repeat('ab', 32), '["export"]')`;
}

function frameworkSql(ids: IdAllocator): string {
  const migrations = [
    '2014_10_12_000000_create_users_table',
    '2014_10_12_100000_create_password_resets_table',
    '2019_08_19_000000_create_failed_jobs_table',
    '2019_12_14_000001_create_personal_access_tokens_table',
    '2020_01_01_000000_create_companies_table',
    '2020_01_02_000000_create_projects_and_tasks',
    '2021_03_04_000000_create_invoices_table',
    '2023_05_06_000000_add_attachments',
  ];
  const firstMigration = ids.take('migrations', migrations.length);
  const audit = ids.take('audit_log_archive', 200);
  const failed = ids.take('failed_jobs', 2);
  const names = DEMO_TENANTS.map((tenant) => tenant.name);
  return `INSERT INTO migrations (id, migration, batch) VALUES
  ${valuesList(migrations.map((name, index) => [String(firstMigration + index), lit(name), String(1 + (index >> 2))]))};
INSERT INTO failed_jobs (id, uuid, connection, queue, payload, exception, failed_at) VALUES
  (${failed}, 'b5f1c1de-0000-4000-8000-000000000001', 'redis', 'default',
   '{"job":"SendInvoice","company_id":"acme","invoice":1}', 'RuntimeException: SMTP said "no"' || chr(10) || '#0 {main}',
   '2024-01-02 03:04:05.060708+00'),
  (${failed + 1}, 'b5f1c1de-0000-4000-8000-000000000002', 'redis', 'exports', '{"job":"Export","company_id":"globex"}',
   'Timeout', '2024-02-03 04:05:06+00');
INSERT INTO audit_log_archive (id, happened_at, actor_email, company_name, event, details)
SELECT ${audit} + g,
  timestamptz '2018-01-01 00:00:00+00' + g * interval '1 day 1 hour 0.000001 seconds',
  CASE WHEN g % 5 = 0 THEN NULL ELSE 'user' || g || '@acme.example.com' END,
  (ARRAY[${names.map(lit).join(', ')}])[1 + g % ${names.length}],
  (ARRAY['login', 'invoice.sent', 'project.deleted', 'export.requested'])[1 + g % 4],
  jsonb_build_object('ip', '198.51.100.' || (g % 250), 'n', g)
FROM generate_series(0, 199) AS g`;
}

function sequencesSql(): string {
  return DEMO_IDENTITY_TABLES.map(
    (table) =>
      `SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce((SELECT max(id) FROM ${table}), 0) + 1, false);`,
  ).join('\n');
}
