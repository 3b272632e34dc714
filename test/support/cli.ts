import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

export interface Captured {
  status: number;
  out: string;
  err: string;
}

/** Runs `handover ...args` in-process (not a terminal: no progress bar), capturing what it prints. */
export async function handover(...args: string[]): Promise<Captured> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    interactive: false,
  };
  const status = await main(['node', 'handover', ...args], io);
  return { status, out, err };
}
