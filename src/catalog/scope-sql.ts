/**
 * The SQL that selects exactly one tenant's rows of one catalog table.
 *
 * Every identifier comes from the catalog and is quoted by the dialect; the tenant id and every
 * other value travel only as parameters. Paths and references are EXISTS semi-joins, so a row is
 * returned at most once whatever the joined tables hold. Rows come in primary-key order so two
 * exports of the same data are byte-identical.
 */
import { quoteIdent, quoteTable } from '../sources/sql.ts';
import type { Statement } from '../sources/types.ts';
import { ScopeError } from './errors.ts';
import type { Catalog, CatalogTable, Relation, Scope } from './types.ts';

export interface ScopedSelectInput {
  catalog: Catalog;
  table: CatalogTable;
  /** Output expressions, already written against alias `t0` (e.g. `"t0"."name"`), in column order. */
  projection: string[];
  tenant: string;
}

export type ScopedCountInput = Omit<ScopedSelectInput, 'projection'>;

/** Schema mode: the characters a tenant id may have before it becomes part of a schema name. */
const SAFE_TENANT = /^[A-Za-z0-9_-]{1,63}$/;
/** An integer written the one way the database prints it back: no `+`, no leading zeros, no `-0`. */
const INTEGER_TENANT = /^(?:0|-?[1-9]\d*)$/;
/** PostgreSQL truncates identifiers to 63 bytes; a silently truncated schema name could be another tenant's. */
const MAX_SCHEMA_NAME = 63;

// Placeholders are written as markers first and numbered at the end, so their order in the text
// (which MySQL's positional `?` depends on) never depends on the order the pieces were built in.
// NUL never occurs in SQL text here: quoteIdent refuses identifiers that contain it.
const MARK = '\u0000';
const TENANT_SLOT = 0;

const SIGNED_BITS: [RegExp, number][] = [
  [/^tinyint\b/, 8],
  [/^(?:smallint|int2)\b/, 16],
  [/^mediumint\b/, 24],
  [/^(?:bigint|int8|bigserial)\b/, 64],
  [/^(?:int|integer|int4|serial)\b/, 32],
];

/**
 * The values an integer column holds, from its declared type (`smallint`, `int(10) unsigned`...);
 * for a type not recognised (a domain), the range of its logical type.
 */
export function integerRange(type: 'integer' | 'bigint', sourceType: string): [bigint, bigint] {
  const declared = sourceType.trim().toLowerCase();
  const bits = BigInt(
    SIGNED_BITS.find(([pattern]) => pattern.test(declared))?.[1] ?? (type === 'bigint' ? 64 : 32),
  );
  if (/\bunsigned\b/.test(declared)) return [0n, 2n ** bits - 1n];
  return [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n];
}

class ScopedSql {
  private readonly values: unknown[];
  private aliases = 0;
  private readonly tenantSchema: string | null;

  constructor(
    private readonly catalog: Catalog,
    private readonly tenant: string,
  ) {
    this.values = [tenant];
    this.tenantSchema = catalog.tenancy === 'schema' ? schemaForTenant(catalog, tenant) : null;
  }

  private get dialect() {
    return this.catalog.dialect;
  }

  /** Builds `FROM ... WHERE ...` for the table (alias `t0`). */
  fromWhere(table: CatalogTable): string {
    const condition = this.belongs(table.scope, 't0', table, new Set([key(table.schema, table.name)]));
    return `FROM ${this.table(table.schema, table.name)} AS t0${condition ? ` WHERE ${condition}` : ''}`;
  }

  orderBy(table: CatalogTable): string {
    if (table.primaryKey.length === 0) return '';
    return ` ORDER BY ${table.primaryKey.map((column) => this.column('t0', column)).join(', ')}`;
  }

  /** Numbers the markers: PostgreSQL reuses `$1` for the tenant, MySQL repeats the value for each `?`. */
  finish(sql: string): Statement {
    const params: unknown[] = [];
    const numbers = new Map<number, number>();
    if (this.dialect === 'postgres' && sql.includes(`${MARK}${TENANT_SLOT}${MARK}`)) {
      params.push(this.tenant);
      numbers.set(TENANT_SLOT, 1);
    }
    const text = sql.replace(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'), (_, slot: string) => {
      const index = Number(slot);
      const value = this.values[index];
      if (this.dialect === 'mysql') {
        params.push(value);
        return '?';
      }
      let number = numbers.get(index);
      if (number === undefined) {
        params.push(value);
        number = params.length;
        numbers.set(index, number);
      }
      return `$${number}`;
    });
    return { sql: text, params };
  }

  private param(value: unknown): string {
    this.values.push(value);
    return `${MARK}${this.values.length - 1}${MARK}`;
  }

  private alias(): string {
    this.aliases += 1;
    return `t${this.aliases}`;
  }

  private table(schema: string | undefined, name: string): string {
    return quoteTable(this.dialect, this.tenantSchema ?? schema ?? '', name);
  }

  private column(alias: string, name: string): string {
    return `${quoteIdent(this.dialect, alias)}.${quoteIdent(this.dialect, name)}`;
  }

  private asText(expression: string): string {
    return this.dialect === 'postgres' ? `CAST(${expression} AS text)` : `CAST(${expression} AS CHAR)`;
  }

  /** `to.refColumns = from.columns`, pairwise, as text when discovery found the types differ. */
  private joinCondition(relation: Relation, fromAlias: string, toAlias: string): string {
    return relation.columns
      .map((column, i) => {
        let left = this.column(toAlias, relation.refColumns[i] ?? '');
        let right = this.column(fromAlias, column);
        if (relation.compareAsText) {
          left = this.asText(left);
          right = this.asText(right);
        }
        return `${left} = ${right}`;
      })
      .join(' AND ');
  }

  /** The tenant comparison on `alias.column`; NULL rows too when they are shared rows. */
  private tenantCondition(alias: string, column: string, includeShared: boolean, owner: TableRef): string {
    this.checkTenant(owner, column);
    const target = this.column(alias, column);
    const equal = `${target} = ${MARK}${TENANT_SLOT}${MARK}`;
    return includeShared ? `(${equal} OR ${target} IS NULL)` : equal;
  }

  /**
   * An integer tenant column only ever compares to an integer the column can hold, written as the
   * database writes it: MySQL would turn `'7abc'` into 7, both databases read `01` as tenant 1 (whose
   * archive would then be labelled `01`), and PostgreSQL fails the whole export on an out-of-range value.
   */
  private checkTenant(owner: TableRef, column: string): void {
    const table = this.find(owner.schema, owner.name);
    const found = table?.columns.find((candidate) => candidate.name === column);
    if (!found || (found.type !== 'integer' && found.type !== 'bigint')) return;
    const shown = JSON.stringify(this.tenant.slice(0, 80));
    const where = `${owner.name}.${column}`;
    if (!/^[-+]?\d+$/.test(this.tenant)) {
      throw new ScopeError(`tenant id ${shown} is not an integer, but ${where} holds integers`);
    }
    if (!INTEGER_TENANT.test(this.tenant)) {
      const plain = BigInt(this.tenant).toString();
      throw new ScopeError(`tenant id ${shown} is not written as ${where} stores it: use "${plain}"`);
    }
    const [min, max] = integerRange(found.type, found.sourceType);
    const value = BigInt(this.tenant);
    if (value < min || value > max) {
      throw new ScopeError(
        `tenant id ${shown} is out of range for ${where} (${found.sourceType}: ${min} to ${max})`,
      );
    }
  }

  private find(schema: string | undefined, name: string): CatalogTable | undefined {
    return this.catalog.tables.find(
      (table) => table.name === name && (schema === undefined || table.schema === schema),
    );
  }

  /** `EXISTS (...)` following `hops` from `alias` to the table holding the tenant column. */
  private pathExists(alias: string, hops: Relation[], tenantColumn: string, includeShared: boolean): string {
    const first = hops[0];
    if (!first) throw new ScopeError('a scope path has no hops');
    const aliases = hops.map(() => this.alias());
    const firstAlias = aliases[0] ?? '';
    let from = `${this.table(first.refSchema, first.refTable)} AS ${quoteIdent(this.dialect, firstAlias)}`;
    hops.slice(1).forEach((hop, i) => {
      const previous = aliases[i] ?? '';
      const current = aliases[i + 1] ?? '';
      from += ` JOIN ${this.table(hop.refSchema, hop.refTable)} AS ${quoteIdent(this.dialect, current)} ON ${this.joinCondition(hop, previous, current)}`;
    });
    const last = hops[hops.length - 1] ?? first;
    const lastAlias = aliases[aliases.length - 1] ?? firstAlias;
    const tenant = this.tenantCondition(lastAlias, tenantColumn, includeShared, {
      schema: last.refSchema,
      name: last.refTable,
    });
    return `EXISTS (SELECT 1 FROM ${from} WHERE ${this.joinCondition(first, alias, firstAlias)} AND ${tenant})`;
  }

  /** The condition that makes a row of `owner` (read as `alias`) one of the tenant's; null = every row. */
  private belongs(scope: Scope, alias: string, owner: TableRef, visiting: Set<string>): string | null {
    switch (scope.kind) {
      case 'whole':
        return null;
      case 'tenant-column':
        return this.tenantCondition(alias, scope.column, scope.includeShared, owner);
      case 'path':
        return this.pathExists(alias, scope.hops, scope.tenantColumn, scope.includeShared ?? false);
      case 'polymorphic': {
        const alternatives = scope.targets.map(
          (target) =>
            `(${this.column(alias, scope.typeColumn)} = ${this.param(target.type)} AND ${this.pathExists(
              alias,
              target.hops,
              target.tenantColumn,
              target.includeShared ?? false,
            )})`,
        );
        return alternatives.length > 0 ? `(${alternatives.join(' OR ')})` : '1 = 0';
      }
      case 'referenced': {
        const alternatives = scope.by.map((relation) => {
          const referencing = this.find(relation.schema, relation.table);
          const id = key(relation.schema ?? '', relation.table);
          if (!referencing || visiting.has(id)) {
            throw new ScopeError(
              `cannot scope ${owner.name}: it is referenced by ${relation.table}, which is ${referencing ? 'part of a reference loop' : 'not in the catalog'}`,
            );
          }
          const inner = this.alias();
          const condition = this.belongs(referencing.scope, inner, referencing, new Set([...visiting, id]));
          const join = this.joinCondition(relation, inner, alias);
          return `EXISTS (SELECT 1 FROM ${this.table(referencing.schema, referencing.name)} AS ${quoteIdent(this.dialect, inner)} WHERE ${join}${condition ? ` AND ${condition}` : ''})`;
        });
        return alternatives.length > 0 ? `(${alternatives.join(' OR ')})` : '1 = 0';
      }
    }
  }
}

interface TableRef {
  schema?: string | undefined;
  name: string;
}

function key(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}

/** Schema mode: the tenant's schema name, refusing tenant ids that are not plain names. */
function schemaForTenant(catalog: Catalog, tenant: string): string {
  if (!SAFE_TENANT.test(tenant)) {
    throw new ScopeError(
      'schema mode: a tenant id must be 1-63 letters, digits, _ or - to name a schema; ' +
        `got ${JSON.stringify(tenant.slice(0, 80))}`,
    );
  }
  const name = (catalog.schemaTemplate ?? '{tenant}').replace('{tenant}', tenant);
  if (Buffer.byteLength(name) > MAX_SCHEMA_NAME) {
    throw new ScopeError(
      `schema mode: the schema name for tenant ${tenant} is longer than ${MAX_SCHEMA_NAME} bytes`,
    );
  }
  return name;
}

/**
 * Builds the SELECT that returns one tenant's rows of `table`, in primary-key order.
 *
 * @example
 * buildScopedSelect({ catalog, table: invoiceLines, projection: ['"t0"."id"'], tenant: 'acme' })
 * // { sql: 'SELECT "t0"."id" FROM "public"."invoice_lines" AS t0 WHERE EXISTS (SELECT 1 FROM
 * //   "public"."invoices" AS "t1" WHERE "t1"."id" = "t0"."invoice_id" AND "t1"."company_id" = $1)
 * //   ORDER BY "t0"."id"', params: ['acme'] }
 * @throws ScopeError for an empty projection, a tenant id unfit for the tenant column or schema name.
 */
export function buildScopedSelect(input: ScopedSelectInput): Statement {
  if (input.projection.length === 0) throw new ScopeError(`nothing to select from ${input.table.name}`);
  const sql = new ScopedSql(input.catalog, input.tenant);
  const body = sql.fromWhere(input.table);
  return sql.finish(`SELECT ${input.projection.join(', ')} ${body}${sql.orderBy(input.table)}`);
}

/**
 * Counts the rows `buildScopedSelect` returns for the same table and tenant (column `row_count`).
 * PostgreSQL returns the count as text (bigint); MySQL as a number.
 */
export function buildScopedCount(input: ScopedCountInput): Statement {
  const sql = new ScopedSql(input.catalog, input.tenant);
  return sql.finish(`SELECT count(*) AS row_count ${sql.fromWhere(input.table)}`);
}
