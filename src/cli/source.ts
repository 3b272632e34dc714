import type { HandoverConfig } from '../catalog/config.ts';
import { openSource } from '../sources/open-source.ts';
import type { SourceDatabase } from '../sources/types.ts';

export interface ResolvedSource {
  source: SourceDatabase;
  /** For people: "embedded demo database" or the URL without its password. */
  description: string;
  close(): Promise<void>;
}

/** Hides the password of a database URL so it can be printed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * The database to export from: `--source`, else the config's `source.url`, else the embedded demo
 * database (started here, seeded on first use, stopped by `close`).
 */
export async function resolveSource(
  sourceUrl: string | undefined,
  config: HandoverConfig,
  onStatus: (message: string) => void,
): Promise<ResolvedSource> {
  const url = sourceUrl ?? config.source?.url;
  if (url) {
    const source = openSource(url);
    return { source, description: redactUrl(url), close: () => source.close() };
  }
  // PGlite (WebAssembly, ~40 MB resident) is loaded only when the embedded database is used.
  const { startEmbeddedDemo } = await import('../demo/embedded.ts');
  const demo = await startEmbeddedDemo({ onProgress: onStatus });
  // The embedded server takes one connection at a time: one pooled connection serves every query.
  const source = openSource(demo.url, { poolSize: 1 });
  return {
    source,
    description: 'embedded demo database',
    async close() {
      await source.close();
      await demo.stop();
    },
  };
}
