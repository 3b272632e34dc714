/**
 * Hand-written rows with the values that break naive exporters, written into every tenant that has
 * data: formula triggers (`=`, `+`, `-`, `@`, TAB), CR/LF and lone CR, quotes and commas, accents
 * and emoji (including a ZWJ sequence), NULL next to '' in the same column, numerics beyond float
 * precision, bigints at the ends of their range, timestamps written in several offsets with
 * microseconds, nested JSON (and `json` that keeps duplicate keys and spacing), binary with zero
 * bytes, empty binary, arrays with NULL and empty elements, empty arrays, odd intervals.
 */
import { MODEL_TYPES, type SeedStep } from './bulk.ts';
import { type IdAllocator, lit, typed, valuesList } from './sql-text.ts';

export interface AwkwardMembers {
  /** Two users who are members of the tenant: the rows below are theirs. */
  first: number;
  second: number;
}

const CRLF = '\r\n';
/** Above the 32,767 characters an XLSX cell can hold: the CSV keeps it whole, the XLSX cuts it. */
const LONG_NOTE_LENGTH = 40_000;

function longNote(): string {
  const sentence = 'Long note: Müller said "ok", then left; 🚀 ';
  return sentence.repeat(Math.ceil(LONG_NOTE_LENGTH / sentence.length)).slice(0, LONG_NOTE_LENGTH);
}

/**
 * The awkward rows of one tenant. `longText` adds a note longer than an XLSX cell allows (acme only:
 * one such value is enough to exercise the cut, and it keeps the small tenants small).
 */
export function awkwardTenantSteps(
  tenant: string,
  ids: IdAllocator,
  members: AwkwardMembers,
  options: { longText: boolean },
): SeedStep {
  const t = lit(tenant);
  const { first, second } = members;
  const clients = ids.take('clients', 2);
  const projects = ids.take('projects', 3);
  const tasks = ids.take('tasks', 4);
  const timesheets = ids.take('timesheets', 8);
  const invoices = ids.take('invoices', 2);
  const expenses = ids.take('expenses', 3);
  const attachments = ids.take('attachments', 4);
  const [c1, c2] = [clients, clients + 1];
  const [p1, p2, p3] = [projects, projects + 1, projects + 2];
  const [k1, k2, k3, k4] = [tasks, tasks + 1, tasks + 2, tasks + 3];
  const [i1, i2] = [invoices, invoices + 1];
  const [e1, e2, e3] = [expenses, expenses + 1, expenses + 2];

  // Written as text: a JavaScript number could not carry 12345678901234567890 exactly.
  const address =
    '{"city": "São Paulo", "lines": ["Rua Açaí, 12", "Bloco \\"B\\""], "emoji": "🏙️👩🏽‍💻", "empty": "", ' +
    '"none": null, "nested": {"ключ": ["значение", {"deep": "ünï\\ncode"}], "number": 12345678901234567890.000001}}';
  // `json` (not jsonb) keeps the text as written: duplicate keys, spacing, key order.
  const rawJson =
    '{"b":1, "a":"ünï 🚀",  "a":2, "deep":{"ключ":["значение",null,1.10,12345678901234567890.5]}}';

  const timesheetRows: [string, string, string | null, number][] = [
    ['2025-03-14 09:26:53.589793+05:30', '60', '=HYPERLINK("http://x")', first],
    ['2024-12-31 23:59:59.999999-08:00', '0', '-5 days', first],
    ['2025-01-01 00:00:00.000001+00', '-15', '+SUM(1,2)', second],
    ['2024-02-29T12:00:00.123456Z', '1440', '@handle, please review', second],
    ['1999-12-31 23:59:59.5+14:00', '30', null, first],
    ['2024-03-31 02:30:00.000001+02:00', '45', '', first],
    ['2024-10-27 02:30:00.25-03:00', '5', `\tstarts with a tab${CRLF}then CRLF\ronly CR\nonly LF`, second],
    ['2025-06-01 12:00:00+00:00', '2147483647', 'Zoë: "Grüße", l\'été, 你好, 🚀, 👩🏽‍💻', second],
  ];

  const sql = `INSERT INTO clients (id, company_id, name, vat_id, notes, address, currency_code) VALUES
  ${valuesList([
    [
      String(c1),
      t,
      lit(`Zoë's Café, "São Paulo" 🚀 (${tenant})`),
      lit(''),
      lit(`Call before 9,${CRLF}not after\rlone CR`),
      `${lit(address)}::jsonb`,
      lit('BRL'),
    ],
    [
      String(c2),
      t,
      lit('=HYPERLINK("http://x")'),
      'NULL',
      lit(options.longText ? longNote() : '@admin please check'),
      'NULL',
      lit('JPY'),
    ],
  ])};
INSERT INTO projects (id, company_id, client_id, name, budget, starts_on, status) VALUES
  ${valuesList([
    [String(p1), t, String(c1), lit('-5 days'), '1234567890123456.7891', "'2024-02-29'", "'on_hold'"],
    [String(p2), t, String(c2), lit('+1 (555) 0100 👩🏽‍💻'), 'NULL', 'NULL', "'cancelled'"],
    [
      String(p3),
      t,
      String(c1),
      lit('Budget at the very top'),
      '9999999999999999.9999',
      "'1970-01-01'",
      "'done'",
    ],
  ])};
INSERT INTO tasks (id, project_id, parent_task_id, title, description, estimate, tags, assignee_id) VALUES
  ${valuesList([
    [String(k1), String(p1), 'NULL', lit('Épopée "root" task'), lit(''), 'NULL', 'NULL', String(first)],
    [
      String(k2),
      String(p1),
      String(k1),
      lit('Child, with a comma'),
      'NULL',
      typed('1 year 2 mons 3 days 04:05:06.789012', 'interval'),
      "'{}'::text[]",
      String(second),
    ],
    [
      String(k3),
      String(p1),
      String(k2),
      lit(`multi${CRLF}line grandchild`),
      lit("=cmd|' /C calc'!A0"),
      typed('-5 days', 'interval'),
      `ARRAY['a,b', 'say "hi"', 'it''s', '🚀', NULL, '']`,
      'NULL',
    ],
    [
      String(k4),
      String(p2),
      'NULL',
      lit('@mention'),
      lit('-'),
      typed('3 mons -2 days -00:00:00.000001', 'interval'),
      `ARRAY['']`,
      String(first),
    ],
  ])};
INSERT INTO timesheets (id, company_id, task_id, user_id, started_at, minutes, billable, note) VALUES
  ${valuesList(
    timesheetRows.map(([startedAt, minutes, note, user], index) => [
      String(timesheets + index),
      t,
      String([k1, k2, k3, k4][index % 4]),
      String(user),
      typed(startedAt, 'timestamptz'),
      minutes,
      index % 2 === 0 ? 'true' : 'false',
      lit(note),
    ]),
  )};
INSERT INTO invoices (id, company_id, client_id, public_id, number, issued_on, due_at, currency_code,
  total, amount_cents, pdf, metadata) VALUES
  ${valuesList([
    [
      String(i1),
      t,
      String(c1),
      `md5(${t} || '-awkward-invoice-1')::uuid`,
      lit(`=${tenant.toUpperCase()}-0001`),
      "'2024-02-29'",
      typed('2025-06-30 23:59:59.999999+05:30', 'timestamptz'),
      lit('EUR'),
      '12345678901234567890.1234567890',
      '9223372036854775807',
      "'\\x255044462d00000a00ff00'::bytea",
      `${lit(rawJson)}::json`,
    ],
    [
      String(i2),
      t,
      String(c2),
      `md5(${t} || '-awkward-invoice-2')::uuid`,
      lit(`${tenant.toUpperCase()}-"0002", draft`),
      "'1970-01-01'",
      'NULL',
      lit('JPY'),
      '0.0000000001',
      '-9223372036854775808',
      "'\\x'::bytea",
      'NULL',
    ],
  ])};
INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_price, tax_rate) VALUES
  ${valuesList([
    [
      String(i1),
      '1',
      lit('Consulting, "senior"'),
      '0.1000000000000000000000000001',
      '12345678901234567890.123456789012345678',
      '0.19',
    ],
    [String(i1), '2', lit(`Line with CR/LF${CRLF}second line`), '3', '0.000000000000000001', '0'],
    [String(i1), '3', lit('=1+2'), '1', '-99.5', '0.07'],
    [String(i1), '4', lit(''), '0', '0', '1e-7'],
    [String(i2), '1', lit('🚀 Launch, ünïcödé'), '1.5', '100', '0.2'],
  ])};
INSERT INTO expenses (id, company_id, project_id, user_id, spent_at, receipt_local_time, amount, receipt,
  category, reimbursed) VALUES
  ${valuesList([
    [
      String(e1),
      t,
      'NULL',
      String(first),
      typed('2025-03-14 18:45:00.000001+05:30', 'timestamptz'),
      "'2024-02-29 23:59:59.999999'",
      '999999999999.99',
      "'\\x00000000ff00'::bytea",
      'NULL',
      'true',
    ],
    [
      String(e2),
      t,
      String(p1),
      String(second),
      typed('2024-11-03 01:30:00.5-08:00', 'timestamptz'),
      'NULL',
      '-0.01',
      "'\\x'::bytea",
      lit(''),
      'false',
    ],
    [
      String(e3),
      t,
      String(p2),
      String(first),
      typed('2024-07-01T07:00:00.000100Z', 'timestamptz'),
      "'2024-07-01 09:00:00'",
      '0.10',
      'NULL',
      lit('Taxi, "airport" ✈️'),
      'false',
    ],
  ])};
INSERT INTO attachments (id, company_id, attachable_type, attachable_id, filename, content, uploaded_at) VALUES
  ${valuesList([
    [
      String(attachments),
      t,
      lit(MODEL_TYPES.project),
      String(p1),
      lit('résumé, "final".pdf'),
      "'\\x000102'::bytea",
      typed('2024-01-01 00:00:00+05:30', 'timestamptz'),
    ],
    [
      String(attachments + 1),
      t,
      lit(MODEL_TYPES.invoice),
      String(i1),
      lit("=cmd|' /C calc'!A0.xlsx"),
      'NULL',
      typed('2024-01-01 00:00:00-08:00', 'timestamptz'),
    ],
    [
      String(attachments + 2),
      t,
      lit(MODEL_TYPES.expense),
      String(e1),
      lit(`receipt${CRLF}.jpg`),
      "'\\x'::bytea",
      typed('2024-01-01 00:00:00Z', 'timestamptz'),
    ],
    [
      String(attachments + 3),
      t,
      lit(MODEL_TYPES.task),
      String(k3),
      lit('spec 🚀.md'),
      "'\\x00'::bytea",
      typed('2024-01-01 00:00:00.999999+00', 'timestamptz'),
    ],
  ])}`;
  return { label: `${tenant}: awkward rows`, sql };
}
