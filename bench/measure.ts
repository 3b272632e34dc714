/**
 * Runs one command as a separate process tree and measures it: wall time, the exact peak RSS of the
 * largest process (the kernel's own high-water mark, reported by GNU time from wait4's rusage), and
 * the sampled peak of the whole tree's summed RSS (a `psql | zip` pipeline is several processes).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export interface Measurement {
  wallMs: number;
  exitCode: number;
  /** Peak RSS of the largest single process of the tree, exact (GNU time `%M`), or sampled without GNU time. */
  peakRssBytes: number;
  /** Highest sum of VmRSS over every process of the tree, sampled every `sampleMs`. */
  treePeakRssBytes: number;
  /** Last few KiB of stderr (an error message from the command). */
  stderrTail: string;
  stdoutTail: string;
}

export interface MeasureOptions {
  cwd?: string;
  /** Extra environment variables for the command (added to this process's environment). */
  env?: Record<string, string>;
  /** Sampling period of the process tree (ms). */
  sampleMs?: number;
  /** Kill the tree after this long. */
  timeoutMs?: number;
}

const TAIL_BYTES = 4096;
const running = new Set<number>();

/** Kills every process tree still running (on Ctrl-C): each was started in its own process group. */
export function killRunning(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

function keepTail(tail: string, chunk: Buffer): string {
  const next = tail + chunk.toString('utf8');
  return next.length > TAIL_BYTES ? next.slice(-TAIL_BYTES) : next;
}

async function readProcFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    // The process exited between listing and reading: it simply no longer counts.
    return null;
  }
}

/** The pid and all its descendants, found through /proc/<pid>/task/<tid>/children. */
async function processTree(root: number): Promise<number[]> {
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift();
    if (pid === undefined) break;
    found.push(pid);
    const tasks = await readProcFile(`/proc/${pid}/task/${pid}/children`);
    if (tasks === null) continue;
    for (const child of tasks.split(' ')) {
      const childPid = Number(child);
      if (Number.isInteger(childPid) && childPid > 0) queue.push(childPid);
    }
  }
  return found;
}

function statusKiB(status: string, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] ? Number(match[1]) : 0;
}

interface TreeSample {
  rssKiB: number;
  /** Per pid, the highest VmHWM seen (the fallback when GNU time is missing). */
  hwmKiB: Map<number, number>;
}

async function sampleTree(root: number, hwm: Map<number, number>, skipRoot: boolean): Promise<TreeSample> {
  let rssKiB = 0;
  for (const pid of await processTree(root)) {
    if (skipRoot && pid === root) continue;
    const status = await readProcFile(`/proc/${pid}/status`);
    if (status === null) continue;
    rssKiB += statusKiB(status, 'VmRSS');
    hwm.set(pid, Math.max(hwm.get(pid) ?? 0, statusKiB(status, 'VmHWM')));
  }
  return { rssKiB, hwmKiB: hwm };
}

/** GNU time writes `Command exited with non-zero status N` before the format line; %M is the last line. */
function parseTimeOutput(text: string): number | null {
  const lines = text.trim().split('\n');
  const last = Number(lines[lines.length - 1]);
  return Number.isFinite(last) ? last : null;
}

/**
 * Runs `command` (argv, no shell: pass `['bash', '-c', ...]` for a pipeline) and measures it.
 *
 * @example await measure(['bash', '-c', 'set -o pipefail; psql ... | zip -q -6 out.zip -'])
 */
export async function measure(command: string[], options: MeasureOptions = {}): Promise<Measurement> {
  const [program, ...args] = command;
  if (program === undefined) throw new Error('measure: empty command');
  const useTime = existsSync(GNU_TIME);
  const scratch = await mkdtemp(join(tmpdir(), 'handover-measure-'));
  const timeFile = join(scratch, 'rusage');
  const argv = useTime ? [GNU_TIME, '-f', '%M', '-o', timeFile, program, ...args] : [program, ...args];
  const sampleMs = options.sampleMs ?? 100;

  const started = performance.now();
  // Own process group: the whole tree can be killed on timeout or Ctrl-C.
  const child = spawn(argv[0] ?? program, argv.slice(1), {
    cwd: options.cwd,
    env: options.env ? { ...process.env, ...options.env } : process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) {
    await rm(scratch, { recursive: true, force: true });
    throw new Error(`could not start ${program}`);
  }
  running.add(pid);

  let stderrTail = '';
  let stdoutTail = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail = keepTail(stderrTail, chunk);
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutTail = keepTail(stdoutTail, chunk);
  });

  let treePeakKiB = 0;
  const hwm = new Map<number, number>();
  let sampling = false;
  const sampler = setInterval(() => {
    if (sampling) return;
    sampling = true;
    sampleTree(pid, hwm, useTime)
      .then((sample) => {
        treePeakKiB = Math.max(treePeakKiB, sample.rssKiB);
      })
      .finally(() => {
        sampling = false;
      });
  }, sampleMs);
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }, options.timeoutMs);

  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  if (timer) clearTimeout(timer);
  running.delete(pid);

  let peakKiB = Math.max(0, ...hwm.values());
  if (useTime) {
    const reported = parseTimeOutput(await readProcFile(timeFile).then((text) => text ?? ''));
    if (reported !== null) peakKiB = reported;
  }
  await rm(scratch, { recursive: true, force: true });
  return {
    wallMs,
    exitCode,
    peakRssBytes: peakKiB * 1024,
    treePeakRssBytes: Math.max(treePeakKiB, peakKiB) * 1024,
    stderrTail,
    stdoutTail,
  };
}
