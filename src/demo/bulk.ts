/**
 * Set-based SQL that generates a tenant's bulk rows (`INSERT ... SELECT ... FROM generate_series`).
 * Values are pure functions of the row number `g`, so every run writes the same rows, and awkward
 * values recur through the bulk too (every few rows a formula-looking note, a CR/LF, an emoji,
 * a NULL next to an empty string), not only in the hand-written rows.
 */
import { type IdAllocator, lit, textArray } from './sql-text.ts';
import type { TenantVolume } from './tenants.ts';

/** The model names Laravel writes into polymorphic `*_type` columns. */
export const MODEL_TYPES = {
  project: 'App\\Models\\Project',
  invoice: 'App\\Models\\Invoice',
  expense: 'App\\Models\\Expense',
  task: 'App\\Models\\Task',
  user: 'App\\Models\\User',
} as const;

export interface RoleIds {
  owner: number;
  admin: number;
  member: number;
  /** The tenant's own custom role. */
  custom: number;
}

/** One step of the seed: what it does (for progress messages) and its SQL. */
export interface SeedStep {
  label: string;
  sql: string;
}

const FIRST_NAMES = ['Zoë', 'José', 'Ana', 'Björn', 'Chloé', 'Dmitri', 'Émile', 'Fatima', 'Günther', 'Hana'];
const LAST_NAMES = [
  'Müller',
  "O'Brien",
  'da Silva',
  'Nguyễn',
  'Smith, Jr.',
  'Åkesson',
  'García',
  'Øvergaard',
];
const CLIENT_NAMES = [
  'Müller & Söhne',
  'São Paulo Consultoria',
  "Zoë's Café",
  'Smith, Jones & Co.',
  '"Quoted" Ltd',
  'Ñandú S.A.',
  '東京デザイン',
  'Café ☕ Crème',
];
const CITIES = ['München', 'São Paulo', 'Zürich', 'Kraków', 'Reykjavík', 'Montréal'];
/** Indexed by `client % 6`, so an invoice can use its client's currency by arithmetic. */
const CLIENT_CURRENCIES = ['EUR', 'USD', 'BRL', 'JPY', 'GBP', 'CHF'];
const PROJECT_NAMES = [
  'Relaunch 🚀',
  'Audit "2024"',
  'Migration, phase 2',
  'Ünïcödé rollout',
  "Q3 'stretch'",
];
const OFFSETS = ['+05:30', '-08:00', '+00', 'Z'];
const EXPENSE_CATEGORIES = ['Travel ✈️', 'Meals, drinks', 'Software', 'Hôtel'];

/** A SQL CASE choosing by `key % texts.length`, where a `null` entry yields SQL NULL. */
function cycle(key: string, texts: readonly (string | null)[]): string {
  const branches = texts.map((text, index) => `WHEN ${index} THEN ${text === null ? 'NULL' : text}`);
  return `CASE ${key} % ${texts.length} ${branches.join(' ')} END`;
}

/** A `text` at position `expr` (0-based) of a literal array, cycling. */
function pick(values: readonly string[], expr: string): string {
  return `(${textArray(values)})[1 + (${expr}) % ${values.length}]`;
}

/**
 * The statements generating one tenant's bulk rows: users and memberships, clients, projects, tasks
 * (every fifth one an epic with four subtasks), timesheets, invoices and their lines, expenses,
 * attachments, and a few framework rows (sessions, tokens, password resets) for its users.
 */
export function bulkTenantSteps(
  tenant: string,
  volume: TenantVolume,
  ids: IdAllocator,
  roles: RoleIds,
): { steps: SeedStep[]; firstUserId: number } {
  const t = lit(tenant);
  const v = volume;
  const U = ids.take('users', v.users);
  const C = ids.take('clients', v.clients);
  const P = ids.take('projects', v.projects);
  const K = ids.take('tasks', v.tasks);
  const S = ids.take('timesheets', v.timesheets);
  const I = ids.take('invoices', v.invoices);
  const E = ids.take('expenses', v.expenses);
  const A = ids.take('attachments', v.attachments);
  const framework = Math.min(5, v.users);
  const T = ids.take('personal_access_tokens', framework);
  const series = (count: number) => `generate_series(0, ${count - 1}) AS g`;
  const user = (expr: string) => `${U} + (${expr}) % ${v.users}`;
  const crlf = `chr(13) || chr(10)`;

  const steps: SeedStep[] = [
    {
      label: `${tenant}: users`,
      sql: `INSERT INTO users (id, email, name, password_hash, remember_token, avatar, locale, created_at)
SELECT ${U} + g,
  'user' || g || '@' || ${t} || '.example.com',
  ${pick(FIRST_NAMES, 'g')} || ' ' || ${pick(LAST_NAMES, `g / ${FIRST_NAMES.length}`)},
  '$2y$10$' || md5(${t} || '-password-' || g),
  CASE WHEN g % 3 = 0 THEN NULL ELSE md5(${t} || '-remember-' || g) END,
  CASE WHEN g % 10 = 0 THEN decode('89504e470d0a1a0a0000000d' || md5(g::text), 'hex') END,
  ${cycle('g', ['NULL', "''", "'de-DE'", "'pt-BR'", "'ja-JP'"])},
  timestamptz '2023-01-01 00:00:00+00' + g * interval '3 hours 17 minutes 0.000123 seconds'
FROM ${series(v.users)}`,
    },
    {
      label: `${tenant}: memberships`,
      sql: `INSERT INTO company_user (company_id, user_id, role_id, joined_at)
SELECT ${t}, ${U} + g,
  CASE WHEN g = 0 THEN ${roles.owner} WHEN g % 10 = 1 THEN ${roles.admin}
       WHEN g % 17 = 2 THEN ${roles.custom} ELSE ${roles.member} END,
  timestamptz '2023-01-01 09:00:00.000001+00' + g * interval '1 day 00:00:00.000001'
FROM ${series(v.users)}`,
    },
    {
      label: `${tenant}: clients`,
      sql: `INSERT INTO clients (id, company_id, name, vat_id, notes, address, currency_code)
SELECT ${C} + g, ${t},
  ${pick(CLIENT_NAMES, 'g')} || ' #' || g,
  CASE g % 4 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'DE' || lpad(((g::bigint * 7919) % 1000000000)::text, 9, '0') END,
  ${cycle('g', [
    'NULL',
    "''",
    `'Prefers email,' || ${crlf} || 'never phone'`,
    "'=1+1'",
    "'+33 1 23 45 67 89'",
    "'Client since ' || (2000 + g % 25)",
    "'Pays late 😬, \"always\" asks for ''discounts'''",
  ])},
  CASE WHEN g % 9 = 0 THEN NULL ELSE jsonb_build_object(
    'street', 'Rua ' || g || ', Bloco "B"',
    'city', ${pick(CITIES, 'g')},
    'geo', jsonb_build_object('lat', 48.1 + (g % 100) / 1000.0, 'lng', -11.5),
    'tags', jsonb_build_array('vip', g % 2 = 0, NULL)) END,
  ${pick(CLIENT_CURRENCIES, 'g')}
FROM ${series(v.clients)}`,
    },
    {
      label: `${tenant}: projects`,
      sql: `INSERT INTO projects (id, company_id, client_id, name, budget, starts_on, status)
SELECT ${P} + g, ${t}, ${C} + g % ${v.clients},
  ${pick(PROJECT_NAMES, 'g')} || ' #' || g,
  CASE WHEN g % 9 = 0 THEN NULL ELSE round(((g::bigint * 104729) % 100000000)::numeric / 100 + g * 0.0001, 4) END,
  CASE WHEN g % 13 = 0 THEN NULL ELSE date '2022-01-03' + (g % 1200) END,
  (ARRAY['draft', 'active', 'on_hold', 'done', 'cancelled']::project_status[])[1 + g % 5]
FROM ${series(v.projects)}`,
    },
    {
      // Groups of five: an epic, then four subtasks pointing at it, all in the same project.
      label: `${tenant}: tasks`,
      sql: `INSERT INTO tasks (id, project_id, parent_task_id, title, description, estimate, tags, assignee_id)
SELECT ${K} + g, ${P} + (g / 5) % ${v.projects},
  CASE WHEN g % 5 = 0 THEN NULL ELSE ${K} + g - g % 5 END,
  CASE WHEN g % 5 = 0 THEN 'Epic ' || g ELSE 'Subtask ' || g || ' of ' || (g - g % 5) END,
  ${cycle('g', [
    'NULL',
    "''",
    "'Line one' || chr(10) || 'line two, with a comma'",
    "'Says \"hello\" and it''s fine'",
    "'-5 days of slack'",
    "repeat('Details ', 1 + g % 5)",
  ])},
  ${cycle('g', [
    'NULL',
    "interval '-5 days'",
    'make_interval(hours => g % 40, mins => (g * 7) % 60, secs => (g % 1000) / 1000.0)',
    'make_interval(months => g % 3, days => g % 10)',
  ])},
  ${cycle('g', [
    "'{}'::text[]",
    'NULL',
    "ARRAY['backend', 'urgent']",
    `ARRAY['a,b', 'say "hi"', '🚀']`,
    "ARRAY['x', NULL, '']",
  ])},
  CASE WHEN g % 8 = 0 THEN NULL ELSE ${user('g')} END
FROM ${series(v.tasks)}`,
    },
    {
      label: `${tenant}: timesheets`,
      sql: `INSERT INTO timesheets (id, company_id, task_id, user_id, started_at, minutes, billable, note)
SELECT ${S} + g, ${t}, ${K} + g % ${v.tasks}, ${user('g * 31')},
  timestamptz '2023-01-02 08:00:00+00' + g * interval '7 minutes 13.000017 seconds',
  CASE WHEN g % 97 = 0 THEN 0 ELSE 5 + (g * 37) % 475 END,
  g % 3 <> 0,
  ${cycle('g', [
    `'=HYPERLINK("http://x")'`,
    "'-5 days'",
    "'+49 30 1234567'",
    "'@channel standup'",
    `'line1' || ${crlf} || 'line2'`,
    "'lone' || chr(13) || 'CR'",
    "'Kaffee ☕, \"quoted\", ''single'''",
    'NULL',
    "''",
    "chr(9) || 'tab first'",
    "'👩🏽‍💻 pairing with Zoë'",
    `'Worked on task ' || (${K} + g % ${v.tasks})`,
    "'Review, then deploy'",
    "'Call with client (São Paulo)'",
    "'Refactoring'",
    "'Meeting'",
  ])}
FROM ${series(v.timesheets)}`,
    },
    {
      label: `${tenant}: invoices`,
      sql: `INSERT INTO invoices (id, company_id, client_id, public_id, number, issued_on, due_at, currency_code,
  total, amount_cents, pdf, metadata)
SELECT ${I} + g, ${t}, ${C} + g % ${v.clients},
  md5(${t} || '-invoice-' || g)::uuid,
  upper(${t}) || '-' || (2023 + g % 3) || '-' || lpad(g::text, 6, '0'),
  date '2023-01-31' + (g % 1000),
  CASE WHEN g % 11 = 0 THEN NULL
       ELSE ((date '2023-03-02' + (g % 1000))::text || ' 17:00:00.123456' || ${pick(OFFSETS, 'g')})::timestamptz END,
  ${pick(CLIENT_CURRENCIES, `g % ${v.clients}`)},
  round(((g::bigint * 7919) % 10000000)::numeric / 100 + 0.0000000001 * (g % 10), 10),
  CASE WHEN g % 500 = 7 THEN 9223372036854775807 - g ELSE (g::bigint * 7919) % 10000000 END,
  CASE WHEN g % 5 = 0 THEN decode('255044462d312e340a00000000ff' || md5(g::text), 'hex') END,
  CASE WHEN g % 4 = 0 THEN NULL
       ELSE ('{"source": "bulk", "n": ' || g || ', "note": "Grüße 🚀 \\"quoted\\"", "nested": {"ключ": ["значение", null, 1.10]}}')::json END
FROM ${series(v.invoices)}`,
    },
    {
      label: `${tenant}: invoice lines`,
      sql: `INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_price, tax_rate)
SELECT ${I} + i, l,
  ${cycle('(i + l)', [
    "'Consulting, senior'",
    '\'Design "sprint"\'',
    "'=2*3'",
    "'Travel' || chr(13) || chr(10) || 'Munich → São Paulo'",
    "'Licence 🚀'",
    "''",
  ])},
  CASE WHEN (i * ${v.linesPerInvoice} + l) % 50 = 0 THEN 0.1000000000000000000000000001
       ELSE ((i + l) % 40) * 0.25 + 0.25 END,
  round(((i::bigint * 7919 + l * 104729) % 100000000)::numeric / 1000 + 0.000000000000000001 * l, 18),
  (ARRAY[0, 0.07, 0.19, 0.2, 0.055]::real[])[1 + (i + l) % 5]
FROM generate_series(0, ${v.invoices - 1}) AS i, generate_series(1, ${v.linesPerInvoice}) AS l`,
    },
    {
      label: `${tenant}: expenses`,
      sql: `INSERT INTO expenses (id, company_id, project_id, user_id, spent_at, receipt_local_time, amount, receipt,
  category, reimbursed)
SELECT ${E} + g, ${t},
  CASE WHEN g % 4 = 0 THEN NULL ELSE ${P} + g % ${v.projects} END,
  ${user('g * 7')},
  ((date '2023-02-01' + (g % 700))::text || ' 12:34:56.' || lpad(((g::bigint * 7919) % 1000000)::text, 6, '0')
    || ${pick(OFFSETS, 'g + 1')})::timestamptz,
  timestamp '2023-02-01 12:00:00.5' + g * interval '1 hour 1.000001 seconds',
  round(((g::bigint * 7907) % 5000000)::numeric / 100, 2),
  CASE g % 6 WHEN 0 THEN decode('ffd8ffe000104a46494600' || md5(g::text) || '0000', 'hex')
             WHEN 1 THEN '\\x'::bytea END,
  CASE g % 6 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE ${pick(EXPENSE_CATEGORIES, 'g')} END,
  g % 2 = 0
FROM ${series(v.expenses)}`,
    },
    {
      label: `${tenant}: attachments`,
      sql: `INSERT INTO attachments (id, company_id, attachable_type, attachable_id, filename, content, uploaded_at)
SELECT ${A} + g, ${t},
  ${cycle('g', [lit(MODEL_TYPES.project), lit(MODEL_TYPES.invoice), lit(MODEL_TYPES.expense)])},
  CASE g % 3 WHEN 0 THEN ${P} + g % ${v.projects} WHEN 1 THEN ${I} + g % ${v.invoices}
             ELSE ${E} + g % ${v.expenses} END,
  ${cycle('g', ['\'résumé, "final".pdf\'', "'scan ' || g || '.png'", "'=cmd.xlsx'", "'notes.txt'", "'👩🏽‍💻.txt'"])},
  CASE WHEN g % 7 = 0 THEN NULL ELSE decode('00' || md5(${t} || g) || '00', 'hex') END,
  timestamptz '2023-03-01 10:00:00.654321-08:00' + g * interval '5 hours 0.000007 seconds'
FROM ${series(v.attachments)}`,
    },
    {
      label: `${tenant}: sessions and tokens`,
      sql: `INSERT INTO sessions (id, user_id, ip_address, user_agent, payload, last_activity)
SELECT md5(${t} || '-session-' || g), ${U} + g, '203.0.113.' || (g + 1), 'Mozilla/5.0 (X11; Linux x86_64)',
  encode(convert_to('{"_token":"' || md5(${t} || g) || '","cart":"secret"}', 'UTF8'), 'base64'),
  1700000000 + g * 60
FROM ${series(framework)};
INSERT INTO personal_access_tokens (id, tokenable_type, tokenable_id, name, token, abilities, last_used_at, created_at)
SELECT ${T} + g, ${lit(MODEL_TYPES.user)}, ${U} + g, 'CI token ' || g,
  md5(${t} || '-token-a-' || g) || md5(${t} || '-token-b-' || g), '["*"]', NULL,
  timestamptz '2024-01-01 00:00:00+00' + g * interval '1 day'
FROM ${series(framework)};
INSERT INTO password_resets (email, token, created_at)
SELECT 'user' || g || '@' || ${t} || '.example.com', md5(${t} || '-reset-' || g),
  timestamptz '2024-05-01 08:00:00+00' + g * interval '1 hour'
FROM ${series(framework)}`,
    },
  ];
  return { steps, firstUserId: U };
}
