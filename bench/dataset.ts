/**
 * The benchmark data set, described once for both sources.
 *
 * `bench_rows` holds the measured tenant's rows plus ~5% rows of other tenants interleaved
 * (every 21st id), so an export has to filter, as it would in a real shared-schema database.
 * Values are derived from the row id with integer hashing in SQL (set-based, no per-row round trip),
 * and the long text comes from a pool of paragraphs generated here, so both sources hold the same
 * kind of text: words, commas, double quotes, newlines, accents, CJK and emoji.
 */

/** Bump when the table layout or the generated values change: a stored data set is then reloaded. */
export const SCHEMA_VERSION = 1;

/** The tenant whose rows are exported and timed. */
export const BENCH_TENANT = 'bench';

/** Other tenants whose rows are interleaved as noise (never exported). */
export const NOISE_TENANTS = ['noise-1', 'noise-2', 'noise-3'] as const;

/** One noise row every `NOISE_EVERY` ids (ids divisible by it): 1 in 21 is ~5% of the tenant's rows. */
export const NOISE_EVERY = 21;

/** Number of paragraphs in the long-text pool; a row picks one by hashing its id. */
export const PARAGRAPH_COUNT = 1024;

/** Long text is cut to 200..2000 characters (code points) per row. */
export const LONG_TEXT_MIN = 200;
export const LONG_TEXT_MAX = 2000;

/** Rows inserted per INSERT ... SELECT statement (one progress line each). */
export const LOAD_BATCH_ROWS = 100_000;

/**
 * Ids of the whole table: `total` rows of which `rows` are the tenant's.
 * Ids 1..total, every NOISE_EVERY-th id is a noise row; `total` is chosen so exactly `rows` remain.
 */
export function tableLayout(rows: number): { total: number; noise: number } {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`rows must be a positive integer, got ${rows}`);
  const perBlock = NOISE_EVERY - 1;
  const noise = Math.floor((rows - 1) / perBlock);
  return { total: rows + noise, noise };
}

/** The marker stored as the table comment: the data set is reused only when it matches exactly. */
export function datasetMarker(rows: number): string {
  return `handover-bench schema=${SCHEMA_VERSION} tenant=${BENCH_TENANT} rows=${rows}`;
}

/** Name of the database holding a data set of `rows` tenant rows (one per size, so sizes coexist). */
export function benchDatabaseName(rows: number): string {
  return `handover_bench_${rows}`;
}

const WORDS = [
  'invoice',
  'project',
  'client',
  'timesheet',
  'delivery',
  'the',
  'a',
  'of',
  'and',
  'to',
  'with',
  'for',
  'review',
  'meeting',
  'draft',
  'approved',
  'pending',
  'café',
  'naïve',
  'Zürich',
  'São Paulo',
  'Łódź',
  'crème brûlée',
  '東京',
  '日本語のテキスト',
  'Ελληνικά',
  'русский',
  '🚀',
  '✅',
  '👩‍💻',
  '"quoted"',
  'say "hello"',
  "l'été",
  'a, b, c',
  'x;y',
  'tab\there',
  '50%',
  '$1,234.56',
  '€99',
  '=cmd',
  '-minus',
  '+plus',
  '@mention',
  '#tag',
  '<b>bold</b>',
  'back\\slash',
  'line\r\nbreak',
];

/** Deterministic 32-bit PRNG (mulberry32) so every run and both sources get the same paragraphs. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The long-text pool: PARAGRAPH_COUNT paragraphs of at least LONG_TEXT_MAX code points each,
 * sentences of random words with commas, quotes and newlines (LF, some CRLF).
 */
export function paragraphs(): string[] {
  const random = prng(20240605);
  const pick = (): string => WORDS[Math.floor(random() * WORDS.length)] ?? 'word';
  const pool: string[] = [];
  for (let n = 0; n < PARAGRAPH_COUNT; n++) {
    const parts: string[] = [];
    let length = 0;
    while (length < LONG_TEXT_MAX + 50) {
      const words = 6 + Math.floor(random() * 14);
      const sentence: string[] = [];
      for (let w = 0; w < words; w++) sentence.push(random() < 0.12 ? `${pick()},` : pick());
      const first = sentence[0] ?? 'word';
      sentence[0] = first.charAt(0).toUpperCase() + first.slice(1);
      const end = random() < 0.15 ? '\n' : random() < 0.03 ? '\r\n' : ' ';
      const text = `${sentence.join(' ')}.${end}`;
      parts.push(text);
      length += [...text].length;
    }
    pool.push(parts.join(''));
  }
  return pool;
}

/** Column names of `bench_rows`, in table order (shared by both dialects). */
export const BENCH_COLUMNS = [
  'id',
  'company_id',
  'code',
  'title',
  'body',
  'amount',
  'quantity',
  'active',
  'created_at',
  'updated_at',
  'due_on',
  'attributes',
  'note',
] as const;
