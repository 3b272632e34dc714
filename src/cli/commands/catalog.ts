import { loadConfig, parseConfig } from '../../catalog/config.ts';
import { discoverCatalog } from '../../catalog/discover.ts';
import { renderCatalogReport } from '../../catalog/report.ts';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { resolveSource } from '../source.ts';

export interface CatalogOptions {
  config?: string;
  source?: string;
  json?: boolean;
}

/** `handover catalog`: prints how every table is scoped, exclusions, and the tables not exported. */
export async function runCatalog(options: CatalogOptions, io: CliIo): Promise<number> {
  const config = options.config ? await loadConfig(options.config) : parseConfig({}, 'defaults');
  const resolved = await resolveSource(options.source, config, (message) => io.err(`${message}\n`));
  try {
    const catalog = await discoverCatalog(resolved.source, config);
    io.out(
      options.json
        ? `${JSON.stringify(catalog, null, 2)}\n`
        : `Source: ${resolved.description}\n\n${renderCatalogReport(catalog)}\n`,
    );
    return EXIT.ok;
  } finally {
    await resolved.close();
  }
}
