/** Checks, before anything is loaded or timed, that every tool a run needs is there. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { GNU_TIME } from './measure.ts';

const run = promisify(execFile);

const INSTALL_HINT: Record<string, string> = {
  zip: 'apt-get install zip',
  psql: 'apt-get install postgresql-client',
  mysql: 'apt-get install mariadb-client',
  bash: 'apt-get install bash',
};

/** Throws one message naming every missing command and how to install it. */
export async function requireCommands(names: string[]): Promise<void> {
  const missing: string[] = [];
  for (const name of names) {
    try {
      await run('bash', ['-c', `command -v ${name}`]);
    } catch {
      missing.push(`${name} (${INSTALL_HINT[name] ?? 'install it'})`);
    }
  }
  if (missing.length > 0) {
    throw new Error(`the benchmark needs these commands on PATH: ${missing.join(', ')}`);
  }
}

/** GNU time gives the exact peak RSS; without it the harness falls back to sampling /proc. */
export function hasGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

/** Runs `<prefix> --help`: a clear error now beats a failure after loading a million rows. */
export async function requireHandoverCli(prefix: string[], cwd: string): Promise<void> {
  const [program, ...args] = prefix;
  if (program === undefined) throw new Error('--handover: empty command');
  try {
    await run(program, [...args, '--help'], { cwd, timeout: 60_000 });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new Error(`handover CLI not runnable (${prefix.join(' ')} --help): ${detail.slice(0, 2000)}`, {
      cause: error,
    });
  }
}

/**
 * The first line of `<command> --version` (or of `args`) matching `pattern`, for the results file;
 * null when it cannot be run.
 */
export async function versionOf(
  command: string,
  args = ['--version'],
  pattern = /\d+\.\d+/,
): Promise<string | null> {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 10_000 });
    const lines = `${stdout}\n${stderr}`.split('\n').map((line) => line.trim());
    return lines.find((line) => pattern.test(line)) ?? null;
  } catch {
    return null;
  }
}
