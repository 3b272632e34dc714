/**
 * Per-tenant row counts of the demo database, computed with SQL the way an export scopes them:
 * tenant-column tables by `company_id`, tasks through projects, invoice lines through invoices,
 * users through memberships, currencies by use, built-in roles shared by everyone.
 */

/** One row per tenant: `company_id` and one count (as text, as `pg` returns bigint) per table. */
export const TENANT_COUNTS_SQL = `
SELECT c.id AS company_id,
  1 AS companies,
  (SELECT count(*) FROM company_user WHERE company_id = c.id) AS company_user,
  (SELECT count(*) FROM users u WHERE u.id IN (SELECT user_id FROM company_user WHERE company_id = c.id)) AS users,
  (SELECT count(*) FROM roles WHERE company_id = c.id OR company_id IS NULL) AS roles,
  (SELECT count(*) FROM currencies WHERE code IN (
     SELECT currency_code FROM clients WHERE company_id = c.id
     UNION SELECT currency_code FROM invoices WHERE company_id = c.id)) AS currencies,
  (SELECT count(*) FROM clients WHERE company_id = c.id) AS clients,
  (SELECT count(*) FROM projects WHERE company_id = c.id) AS projects,
  (SELECT count(*) FROM tasks k JOIN projects p ON p.id = k.project_id WHERE p.company_id = c.id) AS tasks,
  (SELECT count(*) FROM timesheets WHERE company_id = c.id) AS timesheets,
  (SELECT count(*) FROM invoices WHERE company_id = c.id) AS invoices,
  (SELECT count(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.company_id = c.id)
    AS invoice_lines,
  (SELECT count(*) FROM expenses WHERE company_id = c.id) AS expenses,
  (SELECT count(*) FROM attachments WHERE company_id = c.id) AS attachments
FROM companies c
ORDER BY c.id`;

export type TenantCounts = Record<string, number>;

/** Runs TENANT_COUNTS_SQL through `query` and returns, per tenant id, table -> count (plus `total`). */
export async function tenantCounts(
  query: (sql: string) => Promise<{ rows: Record<string, unknown>[] }>,
): Promise<Map<string, TenantCounts>> {
  const result = await query(TENANT_COUNTS_SQL);
  const byTenant = new Map<string, TenantCounts>();
  for (const row of result.rows) {
    const counts: TenantCounts = {};
    let total = 0;
    for (const [key, value] of Object.entries(row)) {
      if (key === 'company_id') continue;
      counts[key] = Number(value);
      total += Number(value);
    }
    counts.total = total;
    byTenant.set(String(row.company_id), counts);
  }
  return byTenant;
}
