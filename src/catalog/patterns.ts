/**
 * Simple name globs for the config's exclude/include lists: `*` is any run of characters, `?` one
 * character, everything else literal. Matching ignores case: `Password` in a legacy MySQL schema is
 * as secret as `password`.
 */

const cache = new Map<string, RegExp>();

function toRegExp(glob: string): RegExp {
  let regexp = cache.get(glob);
  if (!regexp) {
    const body = glob
      .split('')
      .map((char) => {
        if (char === '*') return '.*';
        if (char === '?') return '.';
        return char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    regexp = new RegExp(`^${body}$`, 'i');
    cache.set(glob, regexp);
  }
  return regexp;
}

/** True when `name` matches the glob `pattern` (case-insensitive). */
export function matchesGlob(pattern: string, name: string): boolean {
  return toRegExp(pattern).test(name);
}

/**
 * True when a table pattern matches: `oauth_*` matches the bare table name, `billing.audit_*`
 * (with a dot) matches `schema.table`.
 */
export function matchesTable(pattern: string, schema: string, table: string): boolean {
  return pattern.includes('.') ? matchesGlob(pattern, `${schema}.${table}`) : matchesGlob(pattern, table);
}

/**
 * True when a column pattern matches: `users.api_key`, `*.password` or a bare `password` (any table).
 * The table part may itself be a glob (`oauth_*.secret`).
 */
export function matchesColumn(pattern: string, table: string, column: string): boolean {
  const dot = pattern.lastIndexOf('.');
  if (dot < 0) return matchesGlob(pattern, column);
  return matchesGlob(pattern.slice(0, dot), table) && matchesGlob(pattern.slice(dot + 1), column);
}
