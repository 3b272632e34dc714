/**
 * A small professional-services schema with everything discovery must handle: multi-hop paths,
 * a composite foreign key, a self-reference, a membership table, reference data, a table with no
 * path, framework and secret tables/columns, a relation with no foreign key, a nullable tenant
 * column with shared rows, a polymorphic pair. Two tenants: `acme` (exported) and `globex` (canary
 * rows at every level that must never show up in acme's export).
 */
import { parseConfig } from '../../src/catalog/config.ts';
import type { Dialect } from '../../src/catalog/types.ts';

const POSTGRES_DDL = `
CREATE TYPE project_status AS ENUM ('active', 'done');
CREATE TABLE companies (id text PRIMARY KEY, name text NOT NULL, api_key text);
CREATE TABLE currencies (code char(3) PRIMARY KEY, name text NOT NULL);
CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL);
CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL, display_name text,
  password text, remember_token text, two_factor_secret text);
CREATE TABLE company_user (company_id text NOT NULL REFERENCES companies (id),
  user_id integer NOT NULL REFERENCES users (id), role text, PRIMARY KEY (company_id, user_id));
CREATE TABLE clients (id integer PRIMARY KEY, company_id text NOT NULL REFERENCES companies (id),
  name text NOT NULL, country_code char(2) REFERENCES countries (code));
CREATE TABLE projects (id integer PRIMARY KEY, company_id text NOT NULL REFERENCES companies (id),
  client_id integer REFERENCES clients (id), name text NOT NULL, status project_status NOT NULL DEFAULT 'active',
  budget numeric(20, 6), settings jsonb);
CREATE TABLE tasks (id integer PRIMARY KEY, project_id integer NOT NULL REFERENCES projects (id),
  parent_id integer REFERENCES tasks (id), assignee_id integer REFERENCES users (id), title text NOT NULL,
  tags text[], due_at timestamptz);
CREATE TABLE invoices (id integer PRIMARY KEY, company_id text NOT NULL REFERENCES companies (id),
  number text NOT NULL, currency_code char(3) NOT NULL REFERENCES currencies (code), total numeric(20, 6) NOT NULL,
  total_cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED, UNIQUE (company_id, id));
CREATE TABLE timesheets (id integer PRIMARY KEY, task_id integer NOT NULL REFERENCES tasks (id),
  invoice_id integer REFERENCES invoices (id), user_id integer REFERENCES users (id), minutes integer NOT NULL,
  ssn text);
CREATE TABLE invoice_lines (id integer PRIMARY KEY, invoice_id integer NOT NULL REFERENCES invoices (id),
  description text, amount numeric(20, 6));
CREATE TABLE line_taxes (line_id integer NOT NULL REFERENCES invoice_lines (id), tax text NOT NULL, rate numeric);
-- Composite key declared in the other column order than the unique key: pairing must follow the declaration.
CREATE TABLE payments (id integer PRIMARY KEY, invoice_id integer NOT NULL, invoice_company_id text NOT NULL,
  amount numeric(20, 6), FOREIGN KEY (invoice_id, invoice_company_id) REFERENCES invoices (id, company_id));
CREATE TABLE expenses (id integer PRIMARY KEY, project_id integer REFERENCES projects (id), amount numeric);
CREATE TABLE roles (id integer PRIMARY KEY, company_id text REFERENCES companies (id), name text NOT NULL);
CREATE TABLE comments (id integer PRIMARY KEY, project_ref integer NOT NULL, body text);
CREATE TABLE attachments (id integer PRIMARY KEY, attachable_type text NOT NULL, attachable_id integer NOT NULL,
  filename text);
CREATE TABLE audit_events (id integer PRIMARY KEY, payload text);
CREATE TABLE internal_notes (id integer PRIMARY KEY, company_id text NOT NULL REFERENCES companies (id), note text);
CREATE TABLE activity_log (id integer PRIMARY KEY, company_id text NOT NULL, action text);
CREATE TABLE migrations (id integer PRIMARY KEY, migration text);
CREATE TABLE sessions (id text PRIMARY KEY, user_id integer, payload text);
CREATE TABLE personal_access_tokens (id integer PRIMARY KEY, tokenable_type text, tokenable_id integer, token text);
CREATE TABLE oauth_clients (id integer PRIMARY KEY, secret text);
CREATE VIEW invoice_totals AS SELECT company_id, sum(total) AS total FROM invoices GROUP BY company_id;
CREATE TABLE events (id integer NOT NULL, company_id text NOT NULL, happened_on date NOT NULL, kind text,
  PRIMARY KEY (id, happened_on)) PARTITION BY RANGE (happened_on);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
`;

const MYSQL_DDL = `
CREATE TABLE companies (id varchar(40) PRIMARY KEY, name varchar(200) NOT NULL, api_key varchar(100));
CREATE TABLE currencies (code char(3) PRIMARY KEY, name varchar(100) NOT NULL);
CREATE TABLE countries (code char(2) PRIMARY KEY, name varchar(100) NOT NULL);
CREATE TABLE users (id int PRIMARY KEY, email varchar(200) NOT NULL, display_name varchar(200),
  password varchar(200), remember_token varchar(100), two_factor_secret text, is_admin tinyint(1) NOT NULL DEFAULT 0);
CREATE TABLE company_user (company_id varchar(40) NOT NULL, user_id int NOT NULL, role varchar(40),
  PRIMARY KEY (company_id, user_id), FOREIGN KEY (company_id) REFERENCES companies (id),
  FOREIGN KEY (user_id) REFERENCES users (id));
CREATE TABLE clients (id int PRIMARY KEY, company_id varchar(40) NOT NULL, name varchar(200) NOT NULL,
  country_code char(2), FOREIGN KEY (company_id) REFERENCES companies (id),
  FOREIGN KEY (country_code) REFERENCES countries (code));
CREATE TABLE projects (id int PRIMARY KEY, company_id varchar(40) NOT NULL, client_id int, name varchar(200) NOT NULL,
  status enum('active', 'done') NOT NULL DEFAULT 'active', budget decimal(20, 6), settings json,
  FOREIGN KEY (company_id) REFERENCES companies (id), FOREIGN KEY (client_id) REFERENCES clients (id));
CREATE TABLE tasks (id int PRIMARY KEY, project_id int NOT NULL, parent_id int, assignee_id int,
  title varchar(200) NOT NULL, due_at timestamp NULL, created datetime(6),
  FOREIGN KEY (project_id) REFERENCES projects (id), FOREIGN KEY (parent_id) REFERENCES tasks (id),
  FOREIGN KEY (assignee_id) REFERENCES users (id));
CREATE TABLE invoices (id int PRIMARY KEY, company_id varchar(40) NOT NULL, number varchar(40) NOT NULL,
  currency_code char(3) NOT NULL, total decimal(20, 6) NOT NULL,
  total_cents bigint AS (total * 100) STORED, UNIQUE KEY invoice_company (company_id, id),
  FOREIGN KEY (company_id) REFERENCES companies (id), FOREIGN KEY (currency_code) REFERENCES currencies (code));
CREATE TABLE timesheets (id int PRIMARY KEY, task_id int NOT NULL, invoice_id int, user_id int,
  minutes int NOT NULL, ssn varchar(20), FOREIGN KEY (task_id) REFERENCES tasks (id),
  FOREIGN KEY (invoice_id) REFERENCES invoices (id), FOREIGN KEY (user_id) REFERENCES users (id));
CREATE TABLE invoice_lines (id int PRIMARY KEY, invoice_id int NOT NULL, description text,
  amount decimal(20, 6), FOREIGN KEY (invoice_id) REFERENCES invoices (id));
CREATE TABLE line_taxes (line_id int NOT NULL, tax varchar(20) NOT NULL, rate decimal(8, 4),
  FOREIGN KEY (line_id) REFERENCES invoice_lines (id));
CREATE TABLE payments (id int PRIMARY KEY, invoice_id int NOT NULL, invoice_company_id varchar(40) NOT NULL,
  amount decimal(20, 6), FOREIGN KEY (invoice_company_id, invoice_id) REFERENCES invoices (company_id, id));
CREATE TABLE expenses (id int PRIMARY KEY, project_id int, amount decimal(20, 6),
  FOREIGN KEY (project_id) REFERENCES projects (id));
CREATE TABLE roles (id int PRIMARY KEY, company_id varchar(40), name varchar(100) NOT NULL,
  FOREIGN KEY (company_id) REFERENCES companies (id));
CREATE TABLE comments (id int PRIMARY KEY, project_ref int NOT NULL, body text);
CREATE TABLE attachments (id int PRIMARY KEY, attachable_type varchar(100) NOT NULL, attachable_id int NOT NULL,
  filename varchar(200));
CREATE TABLE audit_events (id int PRIMARY KEY, payload text);
CREATE TABLE internal_notes (id int PRIMARY KEY, company_id varchar(40) NOT NULL, note text,
  FOREIGN KEY (company_id) REFERENCES companies (id));
CREATE TABLE activity_log (id int PRIMARY KEY, company_id varchar(40) NOT NULL, action varchar(100));
CREATE TABLE migrations (id int PRIMARY KEY, migration varchar(200));
CREATE TABLE sessions (id varchar(100) PRIMARY KEY, user_id int, payload text);
CREATE TABLE personal_access_tokens (id int PRIMARY KEY, tokenable_type varchar(100), tokenable_id int,
  token varchar(64));
CREATE TABLE oauth_clients (id int PRIMARY KEY, secret varchar(100));
CREATE VIEW invoice_totals AS SELECT company_id, sum(total) AS total FROM invoices GROUP BY company_id;
`;

/** Rows of both tenants. Ids of acme rows are < 100, globex rows >= 100 (shared rows: 0). */
const SEED = `
INSERT INTO companies (id, name, api_key) VALUES ('acme', 'Acme', 'k-acme'), ('globex', 'Globex', 'k-globex');
INSERT INTO currencies (code, name) VALUES ('EUR', 'Euro'), ('USD', 'US dollar'), ('GBP', 'Pound');
INSERT INTO countries (code, name) VALUES ('FR', 'France'), ('DE', 'Germany');
INSERT INTO users (id, email, display_name, password) VALUES
  (1, 'alice@acme.test', 'Alice', 'x'), (3, 'carol@both.test', 'Carol', 'x'),
  (102, 'bob@globex.test', 'Bob', 'x'), (104, 'dave@globex.test', 'Dave', 'x');
INSERT INTO company_user (company_id, user_id, role) VALUES
  ('acme', 1, 'owner'), ('acme', 3, 'member'), ('globex', 102, 'owner'), ('globex', 3, 'member');
INSERT INTO clients (id, company_id, name, country_code) VALUES (1, 'acme', 'Client A', 'FR'), (101, 'globex', 'Client G', 'DE');
INSERT INTO projects (id, company_id, client_id, name) VALUES (1, 'acme', 1, 'Website'), (101, 'globex', 101, 'Rocket');
INSERT INTO tasks (id, project_id, parent_id, assignee_id, title) VALUES
  (1, 1, NULL, 1, 'Design'), (2, 1, 1, 3, 'Design review'), (101, 101, NULL, 104, 'Launch');
INSERT INTO invoices (id, company_id, number, currency_code, total) VALUES
  (1, 'acme', 'A-1', 'EUR', 100.5), (101, 'globex', 'G-1', 'USD', 999);
INSERT INTO timesheets (id, task_id, invoice_id, user_id, minutes) VALUES
  (1, 2, NULL, 3, 30), (2, 1, 101, 1, 10), (101, 101, 101, 104, 60);
INSERT INTO invoice_lines (id, invoice_id, description, amount) VALUES
  (1, 1, 'Design', 60), (2, 1, 'Review', 40.5), (101, 101, 'Launch', 999);
INSERT INTO line_taxes (line_id, tax, rate) VALUES (1, 'VAT', 0.2), (101, 'VAT', 0.19);
INSERT INTO payments (id, invoice_id, invoice_company_id, amount) VALUES (1, 1, 'acme', 100.5), (101, 101, 'globex', 999);
INSERT INTO expenses (id, project_id, amount) VALUES (1, 1, 12), (2, NULL, 7), (101, 101, 99);
INSERT INTO roles (id, company_id, name) VALUES (0, NULL, 'built-in admin'), (1, 'acme', 'acme reviewer'),
  (101, 'globex', 'globex auditor');
INSERT INTO comments (id, project_ref, body) VALUES (1, 1, 'Looks good'), (101, 101, 'Ship it');
INSERT INTO attachments (id, attachable_type, attachable_id, filename) VALUES
  (1, 'App\\\\Models\\\\Invoice', 1, 'a.pdf'), (2, 'App\\\\Models\\\\Project', 1, 'p.png'),
  (101, 'App\\\\Models\\\\Invoice', 101, 'g.pdf'), (102, 'App\\\\Models\\\\Project', 101, 'g.png'),
  (103, 'App\\\\Models\\\\User', 1, 'avatar.png');
INSERT INTO internal_notes (id, company_id, note) VALUES (1, 'acme', 'churn risk');
INSERT INTO activity_log (id, company_id, action) VALUES (1, 'acme', 'login'), (101, 'globex', 'login');
`;

const POSTGRES_SEED = `${SEED}
INSERT INTO events (id, company_id, happened_on, kind) VALUES
  (1, 'acme', '2024-03-01', 'signup'), (2, 'acme', '2025-03-01', 'renewal'), (101, 'globex', '2025-05-01', 'signup');
ANALYZE;
`;

/** The schema + seed script for a dialect. */
export function fixtureSql(dialect: Dialect): string {
  // The seed writes `\\` for one backslash, as MySQL strings want; PostgreSQL strings take it literally.
  return dialect === 'postgres' ? POSTGRES_DDL + POSTGRES_SEED.replaceAll('\\\\', '\\') : MYSQL_DDL + SEED;
}

/** The config an operator of this app would write. */
export const fixtureConfig = parseConfig(
  {
    exclude: { tables: ['internal_notes'], columns: ['timesheets.ssn', '*.api_key'] },
    include: { wholeTables: ['countries'] },
    relations: [{ table: 'comments', columns: ['project_ref'], refTable: 'projects', refColumns: ['id'] }],
  },
  'fixture config',
);

/** The same config, with the attachments' polymorphic pair mapped to tables. */
export const fixtureConfigWithPolymorphic = parseConfig(
  {
    ...fixtureConfig,
    polymorphic: [
      {
        table: 'attachments',
        typeColumn: 'attachable_type',
        idColumn: 'attachable_id',
        types: { 'App\\Models\\Invoice': 'invoices', 'App\\Models\\Project': 'projects' },
      },
    ],
  },
  'fixture config',
);

/** The column whose values identify a table's rows in the tests: the first primary-key column unless named here. */
export const KEY_COLUMN: Record<string, string> = { company_user: 'user_id', line_taxes: 'line_id' };

/**
 * The key values (see KEY_COLUMN, as text) acme's export must contain, per table.
 * Everything else is another tenant's, or not acme's to take.
 */
export const ACME_ROWS: Record<string, string[]> = {
  companies: ['acme'],
  currencies: ['EUR'],
  countries: ['DE', 'FR'],
  users: ['1', '3'],
  company_user: ['1', '3'],
  clients: ['1'],
  projects: ['1'],
  tasks: ['1', '2'],
  invoices: ['1'],
  timesheets: ['1', '2'],
  invoice_lines: ['1', '2'],
  line_taxes: ['1'],
  payments: ['1'],
  expenses: ['1'],
  roles: ['0', '1'],
  comments: ['1'],
  activity_log: ['1'],
};

/** The same for globex (a second tenant shares user 3 with acme, and its dave is only assigned a task). */
export const GLOBEX_ROWS: Record<string, string[]> = {
  companies: ['globex'],
  currencies: ['USD'],
  users: ['102', '104', '3'],
  company_user: ['102', '3'],
  tasks: ['101'],
  timesheets: ['101'],
  payments: ['101'],
  comments: ['101'],
  line_taxes: ['101'],
  roles: ['0', '101'],
};
