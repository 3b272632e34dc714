/**
 * Discovery: which tables hold a tenant's data and how each is scoped to one tenant.
 *
 * 1. Introspect the source (tables, columns, keys) - `introspect.ts`.
 * 2. Leave out excluded tables and columns (config + default rules), partitions, unreadable things.
 * 3. Anchor tables: those with the tenant column, and the tenant table itself (what the tenant
 *    column's foreign key points at, e.g. `companies`).
 * 4. Every other table: the shortest many-to-one path to an anchor (fewest nullable hops first,
 *    then fewest hops), else configured polymorphic links, else `include.wholeTables`, else
 *    "referenced": only the rows exported tables point at (users through company_user, currencies).
 * 5. Whatever is left is reported as not exported, with the reason. Nothing is dropped silently.
 */
import type { SourceDatabase } from '../sources/types.ts';
import type { ConfiguredPolymorphic, ConfiguredRelation, HandoverConfig } from './config.ts';
import { DEFAULT_EXCLUDED_COLUMNS, DEFAULT_EXCLUDED_TABLES } from './defaults.ts';
import { CatalogError } from './errors.ts';
import {
  type ColumnInfo,
  defaultSchemas,
  findTenantSchema,
  introspect,
  type SchemaInfo,
  type TableInfo,
} from './introspect.ts';
import { matchesColumn, matchesTable } from './patterns.ts';
import { describeScope } from './scope-description.ts';
import type {
  Catalog,
  CatalogTable,
  Dialect,
  ExcludedColumn,
  LogicalType,
  PolymorphicTarget,
  Relation,
  Scope,
  UncoveredTable,
} from './types.ts';

export interface DiscoverOptions {
  /**
   * Schema mode: the tenant whose schema is read. Without it, the first schema (or MySQL database)
   * that fits `tenancy.schemaTemplate` stands for all tenants (or the first of `schemas`, if set).
   */
  tenant?: string;
}

/**
 * Reads the source database and builds the catalog of what one tenant's export contains.
 *
 * @example
 * const catalog = await discoverCatalog(source, await loadConfig('handover.yml'));
 * console.log(renderCatalogReport(catalog));
 * @throws CatalogError when the source cannot be introspected or schema mode finds no tenant schema.
 */
export async function discoverCatalog(
  source: SourceDatabase,
  config: HandoverConfig,
  options: DiscoverOptions = {},
): Promise<Catalog> {
  let schemas: string[];
  if (config.tenancy.mode === 'schema') {
    const template = config.tenancy.schemaTemplate;
    const found = options.tenant
      ? template.replace('{tenant}', options.tenant)
      : (config.schemas?.[0] ?? (await findTenantSchema(source, template)));
    if (!found) {
      throw new CatalogError(
        `schema mode: no ${source.dialect === 'postgres' ? 'schema' : 'database'} named like '${template}' was found`,
      );
    }
    schemas = [found];
  } else {
    schemas = config.schemas ?? (await defaultSchemas(source));
  }
  return buildCatalog(await introspect(source, schemas), config, source.dialect);
}

type Node = TableInfo & { id: string };

const idOf = (schema: string, name: string) => `${schema}.${name}`;

/** Logical types that compare as numbers with each other. */
const NUMERIC = new Set<LogicalType>(['integer', 'bigint', 'decimal', 'float']);

function sameComparable(a: LogicalType | undefined, b: LogicalType | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a === b || (NUMERIC.has(a) && NUMERIC.has(b));
}

const WHOLE_REASON = 'listed in include.wholeTables';

/** Why a relation that is not a plain table is not exported by default. */
const NOT_A_TABLE: Partial<Record<TableInfo['kind'], string>> = {
  view: 'view: its rows come from other tables',
  'materialized-view': 'materialized view: its rows come from other tables',
  foreign: 'foreign table: its rows live in another database',
  other: 'not a table (a sequence or system object)',
};
const SCHEMA_REASON = "schema per tenant: every row of the tenant's schema";

/**
 * The pure core of discovery: builds the catalog from introspected schema information and the config.
 * Deterministic: the same input always gives the same catalog (tables sorted, ties broken by name).
 */
export function buildCatalog(info: SchemaInfo, config: HandoverConfig, dialect: Dialect): Catalog {
  return new CatalogBuilder(info, config, dialect).build();
}

class CatalogBuilder {
  private readonly nodes = new Map<string, Node>();
  private readonly byName = new Map<string, Node[]>();
  private readonly uncovered: UncoveredTable[] = [];
  private readonly warnings: string[] = [];
  /** Tables that are not exported themselves (excluded) but can still carry a scope path. */
  private readonly excluded = new Set<string>();
  private readonly tableWarnings = new Map<string, string[]>();
  private relations: Relation[] = [];
  private readonly tenantColumn: string;

  constructor(
    private readonly info: SchemaInfo,
    private readonly config: HandoverConfig,
    private readonly dialect: Dialect,
  ) {
    this.tenantColumn = config.tenancy.column;
  }

  build(): Catalog {
    this.collectNodes();
    const scopes = this.config.tenancy.mode === 'schema' ? this.schemaScopes() : this.columnScopes();
    const tables: CatalogTable[] = [];
    for (const node of this.sortedNodes()) {
      if (this.excluded.has(node.id)) continue;
      const scope = scopes.get(node.id);
      if (!scope) continue;
      tables.push(this.catalogTable(node, scope));
    }
    const catalog: Catalog = {
      dialect: this.dialect,
      tenancy: this.config.tenancy.mode,
      tenantColumn: this.tenantColumn,
      tables: orderByDependencies(tables, this.relations),
      uncovered: this.uncovered.sort((a, b) => idOf(a.schema, a.name).localeCompare(idOf(b.schema, b.name))),
      warnings: this.warnings,
    };
    if (this.config.tenancy.mode === 'schema') catalog.schemaTemplate = this.config.tenancy.schemaTemplate;
    return catalog;
  }

  // --- tables -------------------------------------------------------------------------------

  private warn(node: Node, message: string): void {
    const list = this.tableWarnings.get(node.id) ?? [];
    if (!list.includes(message)) list.push(message);
    this.tableWarnings.set(node.id, list);
  }

  private uncover(node: TableInfo, kind: UncoveredTable['kind'], reason: string): void {
    this.uncovered.push({ schema: node.schema, name: node.name, kind, reason });
  }

  private sortedNodes(): Node[] {
    return [...this.nodes.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  private inWholeTables(table: TableInfo): boolean {
    return this.config.include.wholeTables.some((pattern) => matchesTable(pattern, table.schema, table.name));
  }

  /** Why a table is left out, or null. The operator's own rules come first, then the defaults. */
  private exclusionReason(table: TableInfo): string | null {
    if (this.config.exclude.tables.some((pattern) => matchesTable(pattern, table.schema, table.name))) {
      return 'config exclude.tables';
    }
    if (!this.config.exclude.useDefaults) return null;
    if (this.config.include.tables.some((pattern) => matchesTable(pattern, table.schema, table.name)))
      return null;
    const rule = DEFAULT_EXCLUDED_TABLES.find((candidate) =>
      matchesTable(candidate.pattern, table.schema, table.name),
    );
    return rule ? rule.reason : null;
  }

  /** Registers every table discovery may scope or traverse; reports partitions, views and excluded tables. */
  private collectNodes(): void {
    const seenNames = new Map<string, string[]>();
    for (const table of this.info.tables) {
      const id = idOf(table.schema, table.name);
      if (table.partitionOf) {
        this.uncover(
          table,
          'excluded',
          `partition of ${table.partitionOf.name}: its rows are exported with ${table.partitionOf.name}`,
        );
        continue;
      }
      const isView = table.kind !== 'table' && table.kind !== 'partitioned';
      if (isView && !this.inWholeTables(table)) {
        this.uncover(
          table,
          'excluded',
          `${NOT_A_TABLE[table.kind] ?? 'not a table'}; list it in include.wholeTables to export it`,
        );
        continue;
      }
      if (!table.readable) {
        this.uncover(table, 'excluded', 'the source user may not read it (no SELECT privilege)');
        continue;
      }
      const node: Node = { ...table, id };
      this.nodes.set(id, node);
      const list = this.byName.get(table.name) ?? [];
      list.push(node);
      this.byName.set(table.name, list);
      seenNames.set(table.name, [...(seenNames.get(table.name) ?? []), table.schema]);
      const reason = this.exclusionReason(table);
      if (reason) {
        this.excluded.add(id);
        this.uncover(table, 'excluded', reason);
        if (
          table.columns.some((column) => column.name === this.tenantColumn) &&
          reason.startsWith('default')
        ) {
          this.warnings.push(
            `${table.name} has ${this.tenantColumn} but a default rule leaves it out (${reason}); ` +
              'list it under include.tables to export it',
          );
        }
      } else if (isView) {
        this.warn(node, `${table.kind.replace('-', ' ')}: exported as it reads at the snapshot`);
      }
    }
    for (const [name, schemas] of seenNames) {
      if (schemas.length > 1) {
        this.warnings.push(`table name ${name} exists in several schemas (${schemas.join(', ')})`);
      }
    }
    this.relations = this.collectRelations();
    this.warnUnmatchedPatterns();
  }

  /** A config pattern that matches nothing is most likely a typo: say so instead of ignoring it. */
  private warnUnmatchedPatterns(): void {
    const tables = this.info.tables;
    const lists: [string, string[]][] = [
      ['exclude.tables', this.config.exclude.tables],
      ['include.tables', this.config.include.tables],
      ['include.wholeTables', this.config.include.wholeTables],
    ];
    for (const [where, patterns] of lists) {
      for (const pattern of patterns) {
        if (!tables.some((table) => matchesTable(pattern, table.schema, table.name))) {
          this.warnings.push(`config ${where}: ${pattern} matches no table`);
        }
      }
    }
    const columnLists: [string, string[]][] = [
      ['exclude.columns', this.config.exclude.columns],
      ['include.columns', this.config.include.columns],
    ];
    for (const [where, patterns] of columnLists) {
      for (const pattern of patterns) {
        const found = tables.some((table) =>
          table.columns.some((column) => matchesColumn(pattern, table.name, column.name)),
        );
        if (!found) this.warnings.push(`config ${where}: ${pattern} matches no column`);
      }
    }
  }

  /** Resolves a table name from the config: `name` or `schema.name`. */
  private resolveTable(name: string, where: string): Node | null {
    const dot = name.indexOf('.');
    const candidates =
      dot > 0
        ? [this.nodes.get(name)].filter((node): node is Node => node !== undefined)
        : (this.byName.get(name) ?? []);
    if (candidates.length === 1 && candidates[0]) return candidates[0];
    this.warnings.push(
      candidates.length === 0
        ? `config ${where}: table ${name} not found; ignored`
        : `config ${where}: table name ${name} is ambiguous, write it as schema.table; ignored`,
    );
    return null;
  }

  private column(node: Node, name: string): ColumnInfo | undefined {
    return node.columns.find((column) => column.name === name);
  }

  // --- relations ----------------------------------------------------------------------------

  private collectRelations(): Relation[] {
    const relations: Relation[] = [];
    const introspected = new Set(this.info.tables.map((table) => table.schema));
    for (const fk of this.info.foreignKeys) {
      const from = this.nodes.get(idOf(fk.schema, fk.table));
      const to = this.nodes.get(idOf(fk.refSchema, fk.refTable));
      if (from && !introspected.has(fk.refSchema)) {
        // A key into a schema that was not introspected cannot carry a scope: say so.
        this.warnings.push(
          `${fk.table}.${fk.columns.join(', ')} refers to ${fk.refSchema}.${fk.refTable}, outside the schemas read; ` +
            'add its schema under schemas to follow it',
        );
      }
      if (!from || !to) continue;
      relations.push(this.relation(from, fk.columns, to, fk.refColumns, 'foreign-key'));
    }
    this.config.relations.forEach((configured, index) => {
      const relation = this.configuredRelation(configured, `relations[${index}]`);
      if (relation) relations.push(relation);
    });
    return relations.sort((a, b) => relationKey(a).localeCompare(relationKey(b)));
  }

  private relation(
    from: Node,
    columns: string[],
    to: Node,
    refColumns: string[],
    origin: Relation['origin'],
  ): Relation {
    const relation: Relation = {
      table: from.name,
      columns,
      refTable: to.name,
      refColumns,
      origin,
      nullable: columns.some((name) => this.column(from, name)?.nullable ?? true),
      schema: from.schema,
      refSchema: to.schema,
    };
    const mismatched = columns.some(
      (name, i) => !sameComparable(this.column(from, name)?.type, this.column(to, refColumns[i] ?? '')?.type),
    );
    if (mismatched) relation.compareAsText = true;
    return relation;
  }

  private configuredRelation(configured: ConfiguredRelation, where: string): Relation | null {
    const from = this.resolveTable(configured.table, `${where}.table`);
    const to = this.resolveTable(configured.refTable, `${where}.refTable`);
    if (!from || !to) return null;
    const missing = [
      ...configured.columns.filter((name) => !this.column(from, name)).map((name) => `${from.name}.${name}`),
      ...configured.refColumns.filter((name) => !this.column(to, name)).map((name) => `${to.name}.${name}`),
    ];
    if (missing.length > 0) {
      this.warnings.push(`config ${where}: column ${missing.join(', ')} not found; ignored`);
      return null;
    }
    return this.relation(from, configured.columns, to, configured.refColumns, 'configured');
  }

  // --- scopes -------------------------------------------------------------------------------

  private schemaScopes(): Map<string, Scope> {
    const scopes = new Map<string, Scope>();
    for (const node of this.nodes.values()) scopes.set(node.id, { kind: 'whole', reason: SCHEMA_REASON });
    return scopes;
  }

  private sharedRows(node: Node, column: string): boolean {
    return (this.column(node, column)?.nullable ?? false) && this.config.tenancy.sharedRows === 'include';
  }

  /** Tables with the tenant column, and the tenant table(s) their tenant column points at. */
  private anchors(): Map<string, { column: string; includeShared: boolean }> {
    const anchors = new Map<string, { column: string; includeShared: boolean }>();
    for (const node of this.nodes.values()) {
      if (this.column(node, this.tenantColumn)) {
        anchors.set(node.id, {
          column: this.tenantColumn,
          includeShared: this.sharedRows(node, this.tenantColumn),
        });
      }
    }
    const withoutKey: string[] = [];
    // A snapshot of the keys: tenant tables added below must not be visited as tenant-column tables.
    for (const id of [...anchors.keys()]) {
      const node = this.nodes.get(id);
      if (!node) continue;
      const keys = this.relations.filter(
        (r) =>
          idOf(r.schema ?? '', r.table) === id &&
          r.columns.length === 1 &&
          r.columns[0] === this.tenantColumn,
      );
      if (keys.length === 0 && !this.excluded.has(id)) withoutKey.push(node.name);
      for (const relation of keys) {
        const target = idOf(relation.refSchema ?? '', relation.refTable);
        const refColumn = relation.refColumns[0];
        if (!anchors.has(target) && refColumn)
          anchors.set(target, { column: refColumn, includeShared: false });
      }
    }
    if (withoutKey.length > 0) {
      this.warnings.push(
        `note: ${this.tenantColumn} has no foreign key in ${withoutKey.sort().join(', ')}; ` +
          'rows are matched by its value, which is fine',
      );
    }
    return anchors;
  }

  private columnScopes(): Map<string, Scope> {
    const scopes = new Map<string, Scope>();
    const anchors = this.anchors();
    const paths = shortestPaths(this.nodes, this.relations, new Set(anchors.keys()));
    const pathScope = (id: string): Scope | null => {
      const hops = paths.get(id);
      const last = hops?.[hops.length - 1];
      if (!hops || !last) return null;
      const anchor = anchors.get(idOf(last.refSchema ?? '', last.refTable));
      if (!anchor) return null;
      const scope: Scope = { kind: 'path', hops, tenantColumn: anchor.column };
      if (anchor.includeShared) scope.includeShared = true;
      return scope;
    };

    const polymorphic = new Map<string, ConfiguredPolymorphic>();
    this.config.polymorphic.forEach((entry, index) => {
      const node = this.resolveTable(entry.table, `polymorphic[${index}].table`);
      if (node) polymorphic.set(node.id, entry);
    });

    for (const node of this.sortedNodes()) {
      const anchor = anchors.get(node.id);
      const whole = this.inWholeTables(node);
      let scope: Scope | null = null;
      if (anchor) {
        scope = { kind: 'tenant-column', column: anchor.column, includeShared: anchor.includeShared };
        this.noteTenantColumn(node, anchor.column);
      } else {
        const configured = polymorphic.get(node.id);
        if (configured) scope = this.polymorphicScope(node, configured, anchors, pathScope);
        if (!scope) scope = pathScope(node.id);
      }
      if (scope && whole) {
        this.warn(
          node,
          `listed in include.wholeTables but it holds tenant data: only the tenant's rows are exported (${scope.kind})`,
        );
      }
      if (!scope && whole) scope = { kind: 'whole', reason: WHOLE_REASON };
      if (scope) scopes.set(node.id, scope);
    }
    this.referencedScopes(scopes);
    for (const node of this.sortedNodes()) {
      const scope = scopes.get(node.id);
      if (!scope || scope.kind === 'polymorphic') continue;
      for (const pair of polymorphicPairs(node)) {
        this.warn(
          node,
          `polymorphic pair ${pair.type}/${pair.id} recognised; not needed: ${describeScope(scope)}`,
        );
      }
    }

    for (const node of this.sortedNodes()) {
      if (scopes.has(node.id) || this.excluded.has(node.id)) continue;
      const pairs = polymorphicPairs(node);
      let reason = `no foreign-key path to a table with ${this.tenantColumn}; add a relation in the config or include it whole`;
      if (pairs.length > 0 && !polymorphic.has(node.id)) {
        const named = pairs.map((pair) => `${pair.type}/${pair.id}`).join(', ');
        reason += `; it has a polymorphic pair (${named}): map its types under the config key polymorphic`;
        this.warnings.push(
          `${node.name} has the polymorphic pair ${named} and is not exported: ` +
            'map its types to tables under the config key polymorphic',
        );
      }
      this.uncover(node, 'unreachable', reason);
    }
    return scopes;
  }

  private noteTenantColumn(node: Node, column: string): void {
    if (column !== this.tenantColumn || !this.column(node, column)?.nullable) return;
    this.warn(
      node,
      this.config.tenancy.sharedRows === 'include'
        ? `${column} is nullable: rows where it is NULL are treated as shared by all tenants and exported with every tenant (tenancy.sharedRows: include)`
        : `${column} is nullable: rows where it is NULL are not exported (tenancy.sharedRows: exclude)`,
    );
  }

  private polymorphicScope(
    node: Node,
    configured: ConfiguredPolymorphic,
    anchors: Map<string, { column: string; includeShared: boolean }>,
    pathScope: (id: string) => Scope | null,
  ): Scope | null {
    const typeColumn = this.column(node, configured.typeColumn);
    const idColumn = this.column(node, configured.idColumn);
    if (!typeColumn || !idColumn) {
      this.warnings.push(
        `config polymorphic: ${node.name} has no column ${!typeColumn ? configured.typeColumn : configured.idColumn}; ignored`,
      );
      return null;
    }
    const targets: PolymorphicTarget[] = [];
    const unscoped: string[] = [];
    for (const [type, tableName] of Object.entries(configured.types).sort(([a], [b]) => a.localeCompare(b))) {
      const target = this.resolveTable(tableName, `polymorphic ${node.name}.types`);
      if (!target) continue;
      if (target.primaryKey.length !== 1 || !target.primaryKey[0]) {
        unscoped.push(`${type} (${target.name} has no single-column primary key)`);
        continue;
      }
      const first = this.relation(node, [idColumn.name], target, [target.primaryKey[0]], 'configured');
      const anchor = anchors.get(target.id);
      const rest = pathScope(target.id);
      if (anchor) {
        targets.push({
          type,
          hops: [first],
          tenantColumn: anchor.column,
          ...(anchor.includeShared ? { includeShared: true } : {}),
        });
      } else if (rest?.kind === 'path') {
        targets.push({
          type,
          hops: [first, ...rest.hops],
          tenantColumn: rest.tenantColumn,
          ...(rest.includeShared ? { includeShared: true } : {}),
        });
      } else {
        unscoped.push(`${type} (${target.name} does not belong to a tenant)`);
      }
    }
    if (unscoped.length > 0) {
      this.warn(node, `rows of polymorphic type ${unscoped.join(', ')} are not exported`);
    }
    if (targets.length === 0) return null;
    this.warn(
      node,
      `polymorphic ${typeColumn.name}/${idColumn.name}: rows of types other than ${targets
        .map((target) => target.type)
        .join(', ')} are not exported`,
    );
    return { kind: 'polymorphic', typeColumn: typeColumn.name, idColumn: idColumn.name, targets };
  }

  /**
   * Tables nothing scopes yet but exported rows point at: export exactly the rows pointed at.
   * Rounds: a table is only referenced by tables scoped in an earlier round, so scopes never loop.
   */
  private referencedScopes(scopes: Map<string, Scope>): void {
    for (;;) {
      const exported = new Set([...scopes.keys()].filter((id) => !this.excluded.has(id)));
      const found = new Map<string, Relation[]>();
      for (const node of this.sortedNodes()) {
        if (scopes.has(node.id) || this.excluded.has(node.id)) continue;
        const by = this.relations.filter(
          (r) =>
            idOf(r.refSchema ?? '', r.refTable) === node.id &&
            exported.has(idOf(r.schema ?? '', r.table)) &&
            idOf(r.schema ?? '', r.table) !== node.id,
        );
        if (by.length > 0) found.set(node.id, by);
      }
      if (found.size === 0) return;
      for (const [id, by] of found) scopes.set(id, { kind: 'referenced', by });
    }
  }

  // --- columns and the final table ------------------------------------------------------------

  private columnExclusion(node: Node, column: ColumnInfo): string | null {
    if (!column.readable) return 'the source user may not read it (no SELECT privilege)';
    if (this.config.exclude.columns.some((pattern) => matchesColumn(pattern, node.name, column.name))) {
      return 'config exclude.columns';
    }
    if (!this.config.exclude.useDefaults) return null;
    if (this.config.include.columns.some((pattern) => matchesColumn(pattern, node.name, column.name)))
      return null;
    // The tenant column and keys are never secrets, whatever their name.
    if (column.name === this.tenantColumn || node.primaryKey.includes(column.name)) return null;
    const rule = DEFAULT_EXCLUDED_COLUMNS.find((candidate) =>
      matchesColumn(candidate.pattern, node.name, column.name),
    );
    return rule ? rule.reason : null;
  }

  private catalogTable(node: Node, scope: Scope): CatalogTable {
    const columns: CatalogTable['columns'] = [];
    const excludedColumns: ExcludedColumn[] = [];
    for (const column of node.columns) {
      const reason = this.columnExclusion(node, column);
      if (reason) excludedColumns.push({ name: column.name, reason });
      else {
        columns.push({
          name: column.name,
          sourceType: column.sourceType,
          type: column.type,
          nullable: column.nullable,
          generated: column.generated,
        });
      }
    }
    const warnings = [...(this.tableWarnings.get(node.id) ?? [])];
    if (node.primaryKey.length === 0) {
      warnings.push('no primary key: rows are exported in no particular order');
    }
    if (scope.kind === 'path') {
      const nullable = scope.hops.filter((hop) => hop.nullable);
      if (nullable.length > 0) {
        warnings.push(
          `rows where ${nullable
            .map((hop) => `${hop.table}.${hop.columns.join(', ')}`)
            .join(' or ')} is NULL are not exported (nullable foreign key on the path)`,
        );
      }
    }
    const generated = columns.filter((column) => column.generated).map((column) => column.name);
    if (generated.length > 0) {
      warnings.push(
        `generated column${generated.length > 1 ? 's' : ''} ${generated.join(', ')}: exported as values`,
      );
    }
    if (node.kind === 'partitioned') {
      const count = this.info.tables.filter(
        (t) => t.partitionOf?.schema === node.schema && t.partitionOf.name === node.name,
      ).length;
      warnings.push(`partitioned table: exported once through the parent (${count} partitions)`);
    }
    if (columns.length === 0) warnings.push('every column is excluded: only the row count is meaningful');
    return {
      schema: node.schema,
      name: node.name,
      columns,
      excludedColumns,
      primaryKey: [...node.primaryKey],
      scope,
      scopeDescription: describeScope(scope),
      rowEstimate: node.rowEstimate,
      warnings,
    };
  }
}

function relationKey(relation: Relation): string {
  return `${relation.schema ?? ''}.${relation.table}(${relation.columns.join(',')})->${relation.refSchema ?? ''}.${relation.refTable}(${relation.refColumns.join(',')})|${relation.origin}`;
}

/** Columns that look like a polymorphic link: `<x>_type` next to `<x>_id`. */
export function polymorphicPairs(table: { columns: { name: string }[] }): { type: string; id: string }[] {
  const names = new Set(table.columns.map((column) => column.name));
  const pairs: { type: string; id: string }[] = [];
  for (const name of names) {
    const match = /^(.+)_type$/.exec(name);
    if (match && names.has(`${match[1]}_id`)) pairs.push({ type: name, id: `${match[1]}_id` });
  }
  return pairs;
}

/**
 * Multi-source Dijkstra from the anchors over reversed many-to-one relations. Cost is lexicographic:
 * fewest nullable hops first (a NOT NULL path exports every row), then fewest hops. Self-references
 * are ignored; a shortest path never repeats a table, so scopes can never loop.
 */
function shortestPaths(
  nodes: Map<string, Node>,
  relations: Relation[],
  anchors: Set<string>,
): Map<string, Relation[]> {
  const from = (r: Relation) => idOf(r.schema ?? '', r.table);
  const to = (r: Relation) => idOf(r.refSchema ?? '', r.refTable);
  const incoming = new Map<string, Relation[]>();
  for (const relation of relations) {
    if (from(relation) === to(relation)) continue;
    const list = incoming.get(to(relation)) ?? [];
    list.push(relation);
    incoming.set(to(relation), list);
  }
  const cost = new Map<string, [number, number]>();
  const next = new Map<string, Relation>();
  const done = new Set<string>();
  for (const id of anchors) if (nodes.has(id)) cost.set(id, [0, 0]);
  const less = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  for (;;) {
    // Ids in sorted order and a strict comparison: equal costs are broken by name, deterministically.
    let current: string | null = null;
    let best: [number, number] | null = null;
    for (const id of [...cost.keys()].sort()) {
      const value = cost.get(id);
      if (done.has(id) || !value) continue;
      if (!best || less(value, best)) {
        current = id;
        best = value;
      }
    }
    if (current === null || best === null) break;
    done.add(current);
    for (const relation of incoming.get(current) ?? []) {
      const source = from(relation);
      if (anchors.has(source) || done.has(source)) continue;
      const candidate: [number, number] = [best[0] + (relation.nullable ? 1 : 0), best[1] + 1];
      const known = cost.get(source);
      if (!known || less(candidate, known)) {
        cost.set(source, candidate);
        next.set(source, relation);
      }
    }
  }
  const paths = new Map<string, Relation[]>();
  for (const id of next.keys()) {
    const hops: Relation[] = [];
    let at = id;
    for (let relation = next.get(at); relation; relation = next.get(at)) {
      hops.push(relation);
      at = to(relation);
      if (hops.length > nodes.size) throw new CatalogError('internal error: scope path loops');
    }
    paths.set(id, hops);
  }
  return paths;
}

/**
 * Orders tables so that a referenced table comes before the tables that point at it (Kahn's
 * algorithm, ties and cycles broken by name, so the order is stable).
 */
function orderByDependencies(tables: CatalogTable[], relations: Relation[]): CatalogTable[] {
  const id = (table: CatalogTable) => idOf(table.schema, table.name);
  const present = new Set(tables.map(id));
  const dependsOn = new Map<string, Set<string>>(tables.map((table) => [id(table), new Set<string>()]));
  for (const relation of relations) {
    const from = idOf(relation.schema ?? '', relation.table);
    const to = idOf(relation.refSchema ?? '', relation.refTable);
    if (from !== to && present.has(from) && present.has(to)) dependsOn.get(from)?.add(to);
  }
  const byId = new Map(tables.map((table) => [id(table), table]));
  const ordered: CatalogTable[] = [];
  const placed = new Set<string>();
  const remaining = [...byId.keys()].sort();
  const blockers = (key: string) => [...(dependsOn.get(key) ?? [])].filter((dep) => !placed.has(dep)).length;
  while (placed.size < remaining.length) {
    // The first table with no unplaced dependency; in a cycle, the one with the fewest.
    let pick: string | null = null;
    for (const key of remaining) {
      if (placed.has(key)) continue;
      if (pick === null || blockers(key) < blockers(pick)) pick = key;
    }
    if (pick === null) break;
    placed.add(pick);
    const table = byId.get(pick);
    if (table) ordered.push(table);
  }
  return ordered;
}
