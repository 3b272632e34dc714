/**
 * A lock file beside the demo database directory. PGlite does not lock its data directory, and two
 * processes writing the same directory corrupt it (two `handover export` runs in two terminals, or
 * test files running in parallel). The lock holds the owner's pid, so a lock left behind by a
 * crashed process is recognised as stale and taken over.
 */
import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DemoDatabaseError } from './errors.ts';

const POLL_MS = 250;
/** A lock file without a pid is only ever that way for an instant, unless its writer died. */
const EMPTY_LOCK_STALE_MS = 10_000;

export interface DirectoryLock {
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ownerOf(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch {
    return true;
  }
}

/**
 * Takes the lock at `lockPath`, waiting up to `timeoutMs` while another live process holds it.
 * `onWait` is told once who is being waited for.
 */
export async function acquireLock(
  lockPath: string,
  timeoutMs: number,
  onWait: (message: string) => void,
): Promise<DirectoryLock> {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await rm(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await ownerOf(lockPath);
    if (owner !== undefined ? !isAlive(owner) : await olderThan(lockPath, EMPTY_LOCK_STALE_MS)) {
      // The owner crashed (or died between creating the file and writing its pid): take over.
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new DemoDatabaseError(
        'busy',
        `the demo database is in use by process ${owner ?? '(unknown)'} (another handover command?); ` +
          `wait for it to finish, or export from another database with --source`,
      );
    }
    if (!told) {
      onWait(`Waiting for process ${owner ?? '(unknown)'}, which is using the demo database…`);
      told = true;
    }
    await sleep(POLL_MS);
  }
}
