import { formatVerifyReport, verifyArchives } from '../../archive/verify.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';

/** `handover verify ARCHIVE...`: exit 0 when every part is intact and complete, 1 otherwise. */
export async function runVerify(
  archives: string[],
  options: { quiet?: boolean },
  io: CliIo,
): Promise<number> {
  const report = await verifyArchives(archives);
  const text = formatVerifyReport(report, { quiet: Boolean(options.quiet) });
  if (report.ok) {
    if (text) io.out(text.endsWith('\n') ? text : `${text}\n`);
    return EXIT.ok;
  }
  io.err(text.endsWith('\n') ? text : `${text}\n`);
  return EXIT.verifyFailed;
}
