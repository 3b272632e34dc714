/**
 * The tenants of the demo database and how much bulk data each one gets. One place states the
 * tenant ids: the README, the CLI and the tests read them from here.
 */

export interface DemoTenant {
  /** The tenant id, as stored in `companies.id` and every `company_id`. */
  id: string;
  /** The company name as stored (awkward characters on purpose). */
  name: string;
  /** One line for people (README, CLI help). */
  description: string;
}

/** When initech's subscription ended: a fixed date, so every seed writes the same bytes. */
export const INITECH_SUBSCRIPTION_ENDED_AT = '2026-11-10T17:00:00.000000Z';

export const DEMO_TENANTS: readonly DemoTenant[] = [
  {
    id: 'acme',
    name: 'Acme Consulting GmbH',
    description:
      'the big one: about 115,000 rows (mostly timesheets, tasks and invoice lines); shares users with globex',
  },
  {
    id: 'globex',
    name: 'Globex São Paulo Ltda. 🚀',
    description: 'small (a few hundred rows); shares users with acme and initech',
  },
  {
    id: 'initech',
    name: 'Initech, "Inc."',
    description: `small (a few hundred rows); a departing customer whose subscription ended ${INITECH_SUBSCRIPTION_ENDED_AT.slice(0, 10)}`,
  },
  {
    id: 'umbrella',
    name: 'Umbrella Labs 🧪',
    description: 'brand new: one member and one custom role, every other table empty for it',
  },
];

/** Bulk (set-based) rows generated for one tenant, on top of its hand-written awkward rows. */
export interface TenantVolume {
  users: number;
  clients: number;
  projects: number;
  tasks: number;
  timesheets: number;
  invoices: number;
  linesPerInvoice: number;
  expenses: number;
  attachments: number;
}

/** acme at scale 1: about 115,000 rows in its tables combined. Multiplied by the `scale` option. */
const ACME_VOLUME: TenantVolume = {
  users: 150,
  clients: 300,
  projects: 1_000,
  tasks: 20_000,
  timesheets: 60_000,
  invoices: 3_000,
  linesPerInvoice: 8,
  expenses: 5_000,
  attachments: 1_000,
};

/** The small tenants keep their size whatever the scale: tests rely on them being small. */
const SMALL_VOLUMES: Record<string, TenantVolume> = {
  globex: {
    users: 12,
    clients: 6,
    projects: 15,
    tasks: 90,
    timesheets: 250,
    invoices: 20,
    linesPerInvoice: 3,
    expenses: 30,
    attachments: 10,
  },
  initech: {
    users: 8,
    clients: 4,
    projects: 8,
    tasks: 50,
    timesheets: 150,
    invoices: 12,
    linesPerInvoice: 3,
    expenses: 20,
    attachments: 6,
  },
};

/**
 * Bulk volume of a tenant at a scale; `undefined` when the tenant gets no bulk rows (umbrella).
 * Every count stays at least 1 so that references between bulk rows always resolve.
 */
export function tenantVolume(tenantId: string, scale: number): TenantVolume | undefined {
  if (tenantId === 'acme') {
    const scaled = (count: number) => Math.max(1, Math.round(count * scale));
    return {
      users: scaled(ACME_VOLUME.users),
      clients: scaled(ACME_VOLUME.clients),
      projects: scaled(ACME_VOLUME.projects),
      tasks: scaled(ACME_VOLUME.tasks),
      timesheets: scaled(ACME_VOLUME.timesheets),
      invoices: scaled(ACME_VOLUME.invoices),
      linesPerInvoice: ACME_VOLUME.linesPerInvoice,
      expenses: scaled(ACME_VOLUME.expenses),
      attachments: scaled(ACME_VOLUME.attachments),
    };
  }
  return SMALL_VOLUMES[tenantId];
}
