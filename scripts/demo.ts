/**
 * `npm run demo`: the main job, end to end, over HTTP. Starts the local stack in-process (emulators,
 * embedded demo database, real handlers), then as a user of tenant `acme`: requests an export,
 * follows its progress, downloads every part through the 302 into ./exports/, verifies the archive
 * and prints a summary. Exits 0 only if the archive verifies.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { formatVerifyReport, verifyArchives } from '../src/archive/verify.ts';
import { issueLocalToken } from '../src/auth/local-tokens.ts';
import { readLocalModeSettings } from '../src/config/service-config.ts';
import { LOCAL_AUDIENCE, LOCAL_AUTH_SECRET, LOCAL_ISSUER } from '../src/local/environment.ts';
import { startLocalStack } from '../src/local/local-stack.ts';

const OUT_DIR = resolve('exports');
const settings = readLocalModeSettings();

interface PublicJob {
  id: string;
  status: string;
  attempts: number;
  rows: number | null;
  progress: {
    tablesDone: number;
    tablesTotal: number;
    rowsDone: number;
    rowsEstimated: number;
    bytes: number;
    currentTable: string | null;
    percent: number | null;
  };
  parts: { number: number; fileName: string; bytes: number; sha256: string; download: string }[];
  error: { code: string; message: string } | null;
}

function fail(message: string): never {
  console.error(`demo failed: ${message}`);
  process.exit(1);
}

/** A local stack already serving on PORT (`npm start`): reused, since both would open the demo database. */
async function runningStack(): Promise<{ url: string; acmeToken: string } | null> {
  const url = `http://localhost:${settings.port}`;
  try {
    const response = await fetch(`${url}/openapi.json`, { signal: AbortSignal.timeout(1000) });
    const doc = (await response.json()) as { info?: { title?: string } };
    if (doc.info?.title !== 'handover') return null;
  } catch {
    return null;
  }
  const acmeToken = await issueLocalToken(
    {
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      secret: LOCAL_AUTH_SECRET,
      algorithms: ['HS256'],
      jwksUrl: null,
      tenantClaim: 'tenant',
      rolesClaim: 'roles',
      clockToleranceSeconds: 5,
    },
    { subject: 'alice@acme.example', tenant: 'acme', roles: ['export'], expiresIn: 3600 },
  );
  return { url, acmeToken };
}

const started = Date.now();
const reused = await runningStack();
const stack = reused
  ? {
      url: reused.url,
      tokens: { acme: reused.acmeToken },
      sourceDescription: 'the running npm start',
      stop: async () => undefined,
    }
  : await (async () => {
      console.log('Starting the local stack (emulators, demo database, API, worker)...');
      return startLocalStack({
        port: 0,
        sourceUrl: settings.sourceUrl,
        configPath: settings.configPath,
        // The demo shows one export; daily backups would queue ahead of it.
        schedules: false,
        onStatus: (message) => console.log(`  · ${message}`),
      });
    })();
let exitCode = 1;
try {
  const auth = { authorization: `Bearer ${stack.tokens.acme}` };
  console.log(`API at ${stack.url}; source: ${stack.sourceDescription}\n`);

  console.log('POST /v1/exports {"formats":["csv","xlsx"]} as alice@acme.example (tenant acme)');
  const created = await fetch(`${stack.url}/v1/exports`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `demo-${started}` },
    body: JSON.stringify({ formats: ['csv', 'xlsx'] }),
  });
  const queued = (await created.json()) as PublicJob;
  if (created.status !== 202) fail(`expected 202, got ${created.status}: ${JSON.stringify(queued)}`);
  console.log(`  -> ${created.status} job ${queued.id} (${queued.status})`);

  let job = queued;
  let lastLine = '';
  const deadline = Date.now() + 10 * 60_000;
  while (job.status === 'queued' || job.status === 'running') {
    if (Date.now() > deadline) fail('the export did not finish within 10 minutes');
    await new Promise((r) => setTimeout(r, 500));
    const response = await fetch(`${stack.url}/v1/exports/${queued.id}`, { headers: auth });
    job = (await response.json()) as PublicJob;
    const p = job.progress;
    const line = `  ${job.status.padEnd(9)} ${String(p.percent ?? 0).padStart(3)}%  tables ${p.tablesDone}/${p.tablesTotal}  rows ${p.rowsDone}/${p.rowsEstimated}${p.currentTable ? `  (${p.currentTable})` : ''}`;
    if (line !== lastLine) console.log(line);
    lastLine = line;
  }
  if (job.status !== 'succeeded') fail(`export ${job.status}: ${job.error?.code} ${job.error?.message}`);

  await mkdir(OUT_DIR, { recursive: true });
  const paths: string[] = [];
  for (const part of job.parts) {
    const redirect = await fetch(`${stack.url}${part.download}`, { headers: auth, redirect: 'manual' });
    const location = redirect.headers.get('location');
    if (redirect.status !== 302 || !location)
      fail(`download of part ${part.number}: expected 302, got ${redirect.status}`);
    console.log(`GET ${part.download} -> 302 (short-lived presigned URL)`);
    const archive = await fetch(location);
    if (!archive.ok) fail(`fetching part ${part.number} from storage: ${archive.status}`);
    const bytes = Buffer.from(await archive.arrayBuffer());
    const path = join(OUT_DIR, part.fileName);
    await writeFile(path, bytes);
    paths.push(path);
    console.log(`  saved ${path} (${bytes.length} bytes)`);
  }

  const report = await verifyArchives(paths);
  console.log(`\n${formatVerifyReport(report)}`);
  const manifest = report.archives.at(-1)?.manifest;
  console.log(`
Summary
  tenant     acme
  job        ${job.id} (${job.status}, attempt ${job.attempts})
  tables     ${manifest?.tables.length ?? '?'}   rows ${job.rows ?? '?'}
  parts      ${job.parts.map((p) => `${p.fileName} (${p.bytes} B)`).join(', ')}
  verified   ${report.ok ? 'yes' : 'NO'}
  time       ${((Date.now() - started) / 1000).toFixed(1)} s`);
  exitCode = report.ok ? 0 : 1;
} finally {
  await stack.stop();
}
process.exit(exitCode);
