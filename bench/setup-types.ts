/** What both source setups take and return. */
import type { Dialect } from '../src/catalog/types.ts';

export interface SetupOptions {
  /** Server URL with a user allowed to create databases (its path is ignored for MySQL). */
  adminUrl: string;
  /** Tenant rows to hold. */
  rows: number;
  /** Database name; `handover_bench_<rows>` by default. */
  database?: string;
  /** Drop and reload even when a matching data set exists. */
  fresh?: boolean;
  /** Progress lines (loading a million rows takes a while). */
  log?: (line: string) => void;
}

export interface BenchDataset {
  dialect: Dialect;
  database: string;
  /** Connection URL of the benchmark database (what `handover export --source` gets). */
  url: string;
  /** The bench tenant's rows. */
  rows: number;
  /** Rows of other tenants interleaved in the same table. */
  noise: number;
  total: number;
  reused: boolean;
  loadSeconds: number;
}
