import { describe, expect, it } from 'vitest';
import { describeCatalogOn, scopedKeys } from './catalog-suite.ts';

describe('catalog on PostgreSQL', () => {
  describeCatalogOn('postgres', (context) => {
    describe('PostgreSQL specifics', () => {
      it('exports a partitioned table once, through its parent, and lists the partitions as not exported', async () => {
        const events = context.table('events');
        expect(events.scope).toMatchObject({ kind: 'tenant-column', column: 'company_id' });
        expect(events.warnings).toContain(
          'partitioned table: exported once through the parent (2 partitions)',
        );
        expect(events.rowEstimate).toBe(3);
        const partitions = context.catalog().uncovered.filter((table) => table.name.startsWith('events_'));
        expect(partitions.map((table) => [table.name, table.kind, table.reason])).toEqual([
          ['events_2024', 'excluded', 'partition of events: its rows are exported with events'],
          ['events_2025', 'excluded', 'partition of events: its rows are exported with events'],
        ]);
        expect((await scopedKeys(context.source(), context.catalog(), events, 'acme')).sort()).toEqual([
          '1',
          '2',
        ]);
      });

      it('maps enums to text and arrays to array, keeping the declared type names', () => {
        const tasks = context.table('tasks').columns;
        expect(tasks.find((column) => column.name === 'tags')).toMatchObject({
          sourceType: 'text[]',
          type: 'array',
        });
        const status = context.table('projects').columns.find((column) => column.name === 'status');
        expect(status).toMatchObject({ sourceType: 'project_status', type: 'text' });
        const budget = context.table('projects').columns.find((column) => column.name === 'budget');
        expect(budget).toMatchObject({ sourceType: 'numeric(20,6)', type: 'decimal' });
      });

      it('reads row estimates from the planner statistics', () => {
        expect(context.table('invoices').rowEstimate).toBe(2);
      });
    });
  });
});
