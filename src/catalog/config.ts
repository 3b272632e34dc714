/**
 * The handover config file (YAML or JSON): where the source is, how tenants are told apart, what to
 * leave out, and the relations the schema does not declare. Every key has a default, so an empty
 * file (or none) is a valid config. Validation errors name the key path and what was expected:
 * `config.yml: tenancy.column: expected a string`.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.ts';

const SOURCE_PROTOCOLS = ['postgres:', 'postgresql:', 'mysql:', 'mariadb:'];

const name = z.string().min(1);
const names = z.array(name);

const sourceUrl = z.string().refine(
  (value) => {
    try {
      return SOURCE_PROTOCOLS.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  // The URL itself is never echoed: it may carry a password.
  { message: 'expected a postgres://, postgresql://, mysql:// or mariadb:// URL' },
);

const relation = z
  .strictObject({
    table: name,
    columns: names.min(1),
    refTable: name,
    refColumns: names.min(1),
  })
  .refine((value) => value.columns.length === value.refColumns.length, {
    message: 'expected as many refColumns as columns',
    path: ['refColumns'],
  });

const polymorphic = z.strictObject({
  table: name,
  typeColumn: name,
  idColumn: name,
  /** Value of the type column -> table it points at, e.g. `App\Models\Invoice: invoices`. */
  types: z.record(z.string(), name),
});

const schema = z.strictObject({
  source: z
    .strictObject({
      url: sourceUrl.optional(),
    })
    .prefault({}),
  tenancy: z
    .strictObject({
      mode: z.enum(['column', 'schema']).default('column'),
      column: name.default('company_id'),
      /** Schema (PostgreSQL) or database (MySQL) of one tenant in schema mode; `{tenant}` is replaced. */
      schemaTemplate: name
        .refine((value) => value.split('{tenant}').length === 2, {
          message: 'expected a name containing {tenant} once, e.g. tenant_{tenant}',
        })
        .default('{tenant}'),
      /** Rows whose (nullable) tenant column is NULL are shared by all tenants: exported with each, or not. */
      sharedRows: z.enum(['include', 'exclude']).default('include'),
    })
    .prefault({}),
  /** Schemas to introspect. Absent: `public` on PostgreSQL, the URL's database on MySQL. */
  schemas: names.min(1).optional(),
  exclude: z
    .strictObject({
      useDefaults: z.boolean().default(true),
      tables: names.default([]),
      columns: names.default([]),
    })
    .prefault({}),
  include: z
    .strictObject({
      /** Reference tables exported entirely (only when they hold no tenant data). */
      wholeTables: names.default([]),
      /** Tables a default rule would leave out but the operator wants (e.g. a domain table named `jobs`). */
      tables: names.default([]),
      /** Columns a default rule would leave out but the operator wants (`table.column`, globs ok). */
      columns: names.default([]),
    })
    .prefault({}),
  relations: z.array(relation).default([]),
  polymorphic: z.array(polymorphic).default([]),
  export: z
    .strictObject({
      formats: z
        .array(z.enum(['csv', 'xlsx']))
        .min(1)
        .default(['csv', 'xlsx']),
      csvProfile: z.enum(['excel', 'raw']).default('excel'),
      partSizeMb: z.number().positive().default(1024),
      maxRowsPerSheet: z.number().int().min(1).max(1_048_575).default(1_048_575),
    })
    .prefault({}),
});

/** The validated config, every default filled in. */
export type HandoverConfig = z.infer<typeof schema>;
export type ConfiguredRelation = HandoverConfig['relations'][number];
export type ConfiguredPolymorphic = HandoverConfig['polymorphic'][number];

/** The config of an empty file. */
export const DEFAULT_CONFIG: HandoverConfig = Object.freeze(schema.parse({}));

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(key))) out += `[${JSON.stringify(String(key))}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of keys to values',
  record: 'a mapping of keys to values',
};

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${ARTICLE[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `'${key}'`).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string') return 'expected a non-empty string';
      if (issue.origin === 'array') return `expected a list of at least ${issue.minimum} item(s)`;
      return `expected a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `expected a list of at most ${issue.maximum} item(s)`;
      return `expected a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    default:
      return issue.message;
  }
}

/**
 * Validates a parsed config value (from YAML, JSON or code) and fills in the defaults.
 * `origin` prefixes every message, usually the file name. `null`/`undefined` is an empty config.
 *
 * @example parseConfig({ tenancy: { column: 'tenant_id' } }, 'handover.yml').tenancy.column // 'tenant_id'
 * @throws ConfigError naming each bad key path and what was expected there.
 */
export function parseConfig(value: unknown, origin: string): HandoverConfig {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues: ConfigIssue[] = result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: describeIssue(issue),
  }));
  throw new ConfigError(origin, issues, { cause: result.error });
}

/**
 * Reads and validates a YAML or JSON config file (JSON is a subset of YAML, so one parser reads both).
 *
 * @throws ConfigError when the file cannot be read, is not valid YAML/JSON, or fails validation.
 */
export async function loadConfig(path: string): Promise<HandoverConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [{ path: '', message: `cannot read the config file (${code ?? 'error'})` }], {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(path, [{ path: '', message: `not valid YAML or JSON: ${detail}` }], {
      cause: error,
    });
  }
  return parseConfig(value, path);
}
