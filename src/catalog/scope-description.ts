/** One readable line per scope, for the catalog report, the manifest and README.txt. */
import type { Relation, Scope } from './types.ts';

function columns(names: string[]): string {
  return names.length === 1 ? (names[0] ?? '') : `(${names.join(', ')})`;
}

function hops(path: Relation[], tenantColumn: string): string {
  const last = path[path.length - 1];
  const steps = path.map((hop) => `${columns(hop.columns)} -> ${hop.refTable}`).join(', ');
  return `via ${steps}; ${last ? `${last.refTable}.` : ''}${tenantColumn} = tenant`;
}

/**
 * Describes how a table's rows are restricted to one tenant.
 *
 * @example describeScope({ kind: 'tenant-column', column: 'company_id', includeShared: false }) // 'company_id = tenant'
 */
export function describeScope(scope: Scope): string {
  switch (scope.kind) {
    case 'tenant-column':
      return scope.includeShared
        ? `${scope.column} = tenant, and shared rows where ${scope.column} is NULL`
        : `${scope.column} = tenant`;
    case 'path':
      return hops(scope.hops, scope.tenantColumn) + (scope.includeShared ? ' (or a shared row)' : '');
    case 'referenced':
      return `only rows referenced by ${scope.by.map((r) => `${r.table}.${columns(r.columns)}`).join(', ')}`;
    case 'whole':
      return `whole table (${scope.reason})`;
    case 'polymorphic':
      return `via ${scope.typeColumn}/${scope.idColumn}: ${scope.targets
        .map((target) => `${target.type} -> ${target.hops[0]?.refTable ?? '?'}`)
        .join(', ')}`;
  }
}
