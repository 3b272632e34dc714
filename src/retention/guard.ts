/** The window check the API (create, downloads) and the worker apply before serving a tenant. */
import type { Clock, JobStore } from '../jobs/types.ts';
import { WindowClosedError } from './errors.ts';
import type { RetentionRules, TenantWindow } from './window.ts';
import { isWithinWindow, tenantWindow } from './window.ts';

export interface WindowDeps {
  store: Pick<JobStore, 'getTenant'>;
  clock: Clock;
  rules: RetentionRules;
}

/** Reads the tenant's window as of the clock's now. */
export async function readTenantWindow(deps: WindowDeps, tenant: string): Promise<TenantWindow> {
  return tenantWindow(tenant, await deps.store.getTenant(tenant), deps.clock.now(), deps.rules);
}

/**
 * Throws WindowClosedError (403) once the tenant's deadline has passed or its data was purged.
 * @param what the refused action, as the start of a sentence ("Requesting an export")
 */
export async function assertWindowOpen(
  deps: WindowDeps,
  tenant: string,
  what: string,
): Promise<TenantWindow> {
  const window = await readTenantWindow(deps, tenant);
  const deadline = window.deadline ? new Date(window.deadline) : null;
  if (window.phase === 'purged' || !isWithinWindow(deadline, deps.clock.now())) {
    throw new WindowClosedError(window, what);
  }
  return window;
}
