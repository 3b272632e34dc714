/**
 * Manual measurement, not a test: seeds the embedded demo database at the default scale in a
 * temporary directory and prints how long it took and the rows per tenant.
 *
 *   npx tsx test/demo/measure-default-seed.ts [scale]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedDemo } from '../../src/demo/embedded.ts';
import { tenantCounts } from './tenant-counts.ts';

const scale = Number(process.argv[2] ?? '1');
const parent = await mkdtemp(join(tmpdir(), 'handover-demo-measure-'));
try {
  const started = performance.now();
  const demo = await startEmbeddedDemo({
    dataDir: join(parent, 'demo-db'),
    scale,
    onProgress: (message) => console.log(message),
  });
  console.log(
    `startEmbeddedDemo (create + seed + listen): ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const client = new pg.Client({ connectionString: demo.url });
  await client.connect();
  const counts = await tenantCounts((sql) => client.query(sql));
  await client.end();
  await demo.stop();

  const restarted = performance.now();
  const again = await startEmbeddedDemo({ dataDir: join(parent, 'demo-db'), scale });
  console.log(`second start (already seeded): ${((performance.now() - restarted) / 1000).toFixed(1)} s`);
  await again.stop();

  console.table(Object.fromEntries(counts));
} finally {
  await rm(parent, { recursive: true, force: true });
}
