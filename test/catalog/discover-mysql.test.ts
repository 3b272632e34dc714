import { describe, expect, it } from 'vitest';
import { describeCatalogOn } from './catalog-suite.ts';

describe('catalog on MariaDB', () => {
  describeCatalogOn('mysql', (context) => {
    describe('MySQL specifics', () => {
      it('reads tinyint(1) as boolean, datetime as timestamp and timestamp as timestamptz', () => {
        const users = context.table('users').columns;
        expect(users.find((column) => column.name === 'is_admin')).toMatchObject({
          sourceType: 'tinyint(1)',
          type: 'boolean',
        });
        const tasks = context.table('tasks').columns;
        expect(tasks.find((column) => column.name === 'created')?.type).toBe('timestamp');
        expect(tasks.find((column) => column.name === 'due_at')?.type).toBe('timestamptz');
      });

      it('looks at the database named in the URL', () => {
        expect(new Set(context.catalog().tables.map((table) => table.schema))).toEqual(
          new Set([context.database().name]),
        );
      });

      it('knows a MariaDB JSON column is JSON, although MariaDB stores it as LONGTEXT', () => {
        const settings = context.table('projects').columns.find((column) => column.name === 'settings');
        expect(settings).toMatchObject({ sourceType: 'json', type: 'json' });
      });
    });
  });
});
