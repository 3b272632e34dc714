import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDemo, startEmbeddedDemo } from '../../src/demo/embedded.ts';
import { DemoDatabaseError } from '../../src/demo/errors.ts';
import { DEMO_SEED_VERSION, DEMO_TENANTS } from '../../src/demo/seed.ts';

const SCALE = 0.005;

let parent: string;
let dataDir: string;

/** Starts the demo in the test's directory, collecting its progress messages. */
async function start(): Promise<{ demo: EmbeddedDemo; messages: string[] }> {
  const messages: string[] = [];
  const demo = await startEmbeddedDemo({
    dataDir,
    scale: SCALE,
    onProgress: (message) => messages.push(message),
  });
  return { demo, messages };
}

/** Runs `work` with a `pg` client connected to the demo, then disconnects. */
async function withClient<T>(demo: EmbeddedDemo, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: demo.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function metaValue(client: pg.Client, key: string): Promise<string | undefined> {
  const result = await client.query<{ value: string }>('SELECT value FROM demo_meta WHERE key = $1', [key]);
  return result.rows[0]?.value;
}

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'handover-demo-'));
  dataDir = join(parent, 'demo-db');
});

afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe('the embedded demo database', () => {
  it('seeds on first start and serves the tenants to the pg driver', async () => {
    const { demo, messages } = await start();
    try {
      expect(demo.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      const companies = await withClient(demo, async (client) => {
        // A marker the next start must still find: proof it did not seed again.
        await client.query(`INSERT INTO demo_meta (key, value) VALUES ('test_marker', 'kept')`);
        expect(await metaValue(client, 'seed_version')).toBe(DEMO_SEED_VERSION);
        const result = await client.query<{ id: string }>('SELECT id FROM companies ORDER BY id');
        return result.rows.map((row) => row.id);
      });

      expect(companies).toEqual(DEMO_TENANTS.map((tenant) => tenant.id).sort());
      expect(messages.some((message) => message.startsWith('Seeding'))).toBe(true);
    } finally {
      await demo.stop();
    }
  });

  it('refuses connections once stopped, and stopping twice is harmless', async () => {
    const { demo } = await start();
    await demo.stop();
    await demo.stop();

    const client = new pg.Client({ connectionString: demo.url });
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED/);
  });

  it('keeps the seeded data across restarts without seeding again', async () => {
    const { demo, messages } = await start();
    try {
      const [marker, version] = await withClient(demo, async (client) => [
        await metaValue(client, 'test_marker'),
        await metaValue(client, 'seed_version'),
      ]);

      expect(messages.some((message) => message.startsWith('Seeding'))).toBe(false);
      expect(marker).toBe('kept');
      expect(version).toBe(DEMO_SEED_VERSION);
    } finally {
      await demo.stop();
    }
  });

  it('streams COPY CSV through the socket with CR/LF and quotes intact', async () => {
    const { demo } = await start();
    try {
      const csv = await withClient(demo, async (client) => {
        const stream = client.query(
          copyTo(
            `COPY (SELECT note FROM timesheets WHERE company_id = 'initech' AND (note LIKE 'Zoë:%' OR note LIKE '%only CR%')
              ORDER BY id) TO STDOUT (FORMAT csv)`,
          ),
        );
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      });

      expect(csv).toBe(
        '"\tstarts with a tab\r\nthen CRLF\ronly CR\nonly LF"\n"Zoë: ""Grüße"", l\'été, 你好, 🚀, 👩🏽‍💻"\n',
      );
    } finally {
      await demo.stop();
    }
  });

  it('takes over a lock left behind by a process that died', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(`${dataDir}.lock`, String(dead));

    const { demo } = await start();
    await demo.stop();
  });

  it('refuses a second start on the same directory while the first one runs', async () => {
    const { demo } = await start();
    try {
      const second = startEmbeddedDemo({ dataDir, scale: SCALE, lockTimeoutMs: 0 });

      await expect(second).rejects.toThrow(DemoDatabaseError);
      await expect(second).rejects.toThrow(/in use by process/);
    } finally {
      await demo.stop();
    }
  });

  it('seeds again from scratch when the last seed did not complete', async () => {
    const first = await start();
    try {
      // As if the process had died before writing the seed_version row.
      await withClient(first.demo, (client) =>
        client.query(`DELETE FROM demo_meta WHERE key = 'seed_version'`),
      );
    } finally {
      await first.demo.stop();
    }

    const { demo, messages } = await start();
    try {
      const [marker, version, tenants] = await withClient(demo, async (client) => [
        await metaValue(client, 'test_marker'),
        await metaValue(client, 'seed_version'),
        (await client.query('SELECT count(*)::int AS n FROM companies')).rows[0]?.n,
      ]);

      expect(messages.some((message) => message.startsWith('Seeding'))).toBe(true);
      expect(marker).toBeUndefined();
      expect(version).toBe(DEMO_SEED_VERSION);
      expect(tenants).toBe(DEMO_TENANTS.length);
    } finally {
      await demo.stop();
    }
  });
});
