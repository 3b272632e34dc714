import { XLSX_MAX_CELL_CHARS, XLSX_MAX_DATA_ROWS_PER_SHEET } from '../encode/types.ts';
import type { Manifest } from './types.ts';

const WIDTH = 78;

/**
 * README.txt for people: what the archive is, which part this is, how to open and read the files,
 * what was left out and why, warnings, the download deadline, and how to check the archive.
 * Rendered from the part's manifest only, so the two always agree.
 */
export function renderReadme(manifest: Manifest): string {
  const sections = [
    title(manifest),
    about(manifest),
    deadline(manifest),
    contents(manifest),
    totals(manifest),
    csvHelp(manifest),
    xlsxHelp(manifest),
    values(manifest),
    notExported(manifest),
    warnings(manifest),
    checking(manifest),
  ].filter((s): s is string => s !== null);
  return `${sections.join('\n\n')}\n`;
}

function title(m: Manifest): string {
  const text = `handover export of tenant ${m.tenant}`;
  return `${text}\n${'='.repeat(text.length)}`;
}

function about(m: Manifest): string {
  const lines = [
    wrap(
      `This archive holds a copy of the data of tenant "${m.tenant}", read from one consistent snapshot of its ${dialectName(m)} database taken at ${m.snapshotTakenAt} (UTC). Every table reflects that same moment.`,
    ),
    `Created: ${m.createdAt}${m.jobId ? `   Job: ${m.jobId}` : ''}`,
    `File:    ${m.part.fileName} (part ${m.part.number})`,
    '',
  ];
  if (m.part.isLast && m.part.number === 1) {
    lines.push(wrap('This is the only part: the whole export is in this file.'));
  } else if (m.part.isLast) {
    lines.push(
      wrap(
        `This is part ${m.part.number}, the LAST part: the export has ${m.part.number} parts in all. ${m.part.number === 2 ? 'Part 1 is a separate zip file' : `Parts 1 to ${m.part.number - 1} are separate zip files`}; keep them together with this one.`,
      ),
    );
  } else {
    lines.push(
      wrap(
        `This is part ${m.part.number} of an export split into several parts (separate zip files). More parts follow this one; the last part's README says that it is the last. Each part can be opened on its own; you need all of them for the complete data.`,
      ),
    );
  }
  return lines.join('\n');
}

function deadline(m: Manifest): string | null {
  if (!m.deadline) return null;
  return section(
    'DOWNLOAD DEADLINE',
    wrap(
      `The subscription has ended. This export can be downloaded until ${m.deadline} (UTC). After that date the data is deleted and cannot be recovered: download every part and keep a copy now.`,
      2,
    ),
  );
}

function contents(m: Manifest): string {
  const lines = [
    ...fileLegend(m),
    '',
    table(
      ['File', 'Rows', 'Size', 'Table'],
      m.files.map((f) => [f.path, formatCount(f.rows), formatBytes(f.bytes), f.table]),
      [false, true, true, false],
    ),
  ];
  if (m.files.length === 0) lines.push('  (no data files in this part)');
  if (m.files.some((f) => f.chunk > 1) || !m.part.isLast || m.part.number > 1) {
    lines.push(
      '',
      wrap(
        "A table whose rows continue in a later part has further files there, named like csv/<table>.0002.csv; together they hold all of the table's rows, each file with its own header line.",
        2,
      ),
    );
  }
  return section('CONTENTS OF THIS PART', lines.join('\n'));
}

function fileLegend(m: Manifest): string[] {
  const lines = [
    '  README.txt      this file',
    '  manifest.json   machine-readable description: tables, columns and types, row',
    '                  counts, size and SHA-256 checksum of every file',
    '  schema.sql      CREATE TABLE statements for the exported tables',
  ];
  if (m.formats.includes('csv')) lines.push('  csv/            one CSV file per table');
  if (m.formats.includes('xlsx')) lines.push('  xlsx/           one Excel workbook per table');
  return lines;
}

/** Per-table totals are only final in the last part (earlier parts are written before later tables). */
function totals(m: Manifest): string | null {
  if (!m.part.isLast) return null;
  const body = table(
    ['Table', 'Rows', 'How its rows were chosen'],
    m.tables.map((t) => [t.name, formatCount(t.rows), t.scope]),
    [false, true, false],
  );
  const all = m.tables.reduce((sum, t) => sum + t.rows, 0);
  const whole = m.part.number > 1 ? ` (all ${m.part.number} parts)` : '';
  return section(
    `TABLES IN THE WHOLE EXPORT${whole}`,
    `${body}\n\n  ${m.tables.length} tables, ${formatCount(all)} rows in all.`,
  );
}

function csvHelp(m: Manifest): string | null {
  if (!m.formats.includes('csv')) return null;
  const paragraphs = [
    `Format: ${m.encoding.csv}. The first line of every file names the columns.`,
    'Excel: use Data > From Text/CSV (Get Data), choose File origin "65001: Unicode (UTF-8)" and Delimiter "Comma". Opening a file by double-clicking makes Excel guess the types of the columns: it may drop leading zeros and round long numbers.',
    'LibreOffice Calc: open the file, choose Character set "Unicode (UTF-8)", separated by "Comma", string delimiter the double quote, and tick "Format quoted field as text" to keep values as written.',
  ];
  if (m.csvProfile === 'excel') {
    paragraphs.push(
      `Profile "excel": every file starts with a UTF-8 byte order mark, so that Excel reads accents and emoji right even when a file is opened by double-clicking. Text that starts with = + - @, a tab or a line break is written with a leading apostrophe ('), so that a spreadsheet shows it as text instead of running it as a formula. That apostrophe is not part of the data: to get the exact value back (e.g. before loading a file into a database), remove one leading apostrophe from a text value made of one or more apostrophes followed by = + - @, a tab or a line break. A value that really began with an apostrophe followed by such a character was written with one more apostrophe, so this is always exact.`,
    );
  } else {
    paragraphs.push(
      'Profile "raw": every value is written exactly as stored. A spreadsheet may treat text starting with = + - @ as a formula; import such columns as text.',
    );
  }
  return section('OPENING THE CSV FILES', paragraphs.map((p) => wrap(p, 2)).join('\n\n'));
}

function xlsxHelp(m: Manifest): string | null {
  if (!m.formats.includes('xlsx')) return null;
  const text = `Each workbook holds one table: a header row, then one row per record. Numbers, dates and booleans are typed cells. A table with more than ${formatCount(XLSX_MAX_DATA_ROWS_PER_SHEET)} rows continues on further sheets ("<table> (2)" and so on). Text longer than ${formatCount(XLSX_MAX_CELL_CHARS)} characters (Excel's limit) is cut in the workbook and listed under WARNINGS; the CSV file keeps it whole. Open with Excel, LibreOffice Calc, Numbers or Google Sheets.`;
  return section('OPENING THE XLSX FILES', wrap(text, 2));
}

function values(m: Manifest): string {
  const rows: [string, string][] = [
    ['NULL (no value)', m.encoding.null],
    ['Dates and times', m.encoding.timestamps],
    ['Numbers', 'exact: decimals and large integers are never rounded'],
    ['Booleans', 'true / false'],
    ['JSON and arrays', 'JSON text'],
    ['Binary data', `${m.encoding.binary} (one line, no breaks)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const body = rows.map(([k, v]) => hanging(`  ${k.padEnd(width)}  `, v)).join('\n');
  return section('HOW VALUES ARE WRITTEN', body);
}

function notExported(m: Manifest): string {
  const lines: string[] = [];
  const columns = m.tables.flatMap((t) => t.excludedColumns.map((c) => `${t.name}.${c.name}: ${c.reason}`));
  lines.push('  Columns left out:');
  lines.push(...(columns.length ? columns.map((c) => hanging('    - ', c)) : ['    (none)']));
  lines.push('  Tables not exported:');
  const tables = m.uncoveredTables.map(
    (t) =>
      `${t.schema ? `${t.schema}.` : ''}${t.name} (${t.kind === 'excluded' ? 'excluded' : 'no link to the tenant'}): ${t.reason}`,
  );
  lines.push(...(tables.length ? tables.map((t) => hanging('    - ', t)) : ['    (none)']));
  return section('NOT EXPORTED, AND WHY', lines.join('\n'));
}

function warnings(m: Manifest): string | null {
  if (m.warnings.length === 0) return null;
  return section('WARNINGS', m.warnings.map((w) => hanging('  - ', w.message)).join('\n'));
}

function checking(m: Manifest): string {
  const stem = m.part.fileName.replace(/(-part-\d+)?\.zip$/i, '');
  const lines = [
    wrap(
      'manifest.json lists the size and SHA-256 checksum of every data file in this part. To check the zip, every checksum and every CSV row count, run (Node.js 20 or later):',
      2,
    ),
    '',
    `      npx handover verify ${m.part.fileName}`,
    '',
    wrap(
      'Give all the parts of an export at once to also check that none is missing and that the row totals add up:',
      2,
    ),
    '',
    `      npx handover verify ${stem}*.zip`,
  ];
  return section('CHECKING THIS ARCHIVE', lines.join('\n'));
}

// --- text helpers -----------------------------------------------------------------------------------

function section(heading: string, body: string): string {
  return `${heading}\n${'-'.repeat(heading.length)}\n${body}`;
}

function dialectName(m: Manifest): string {
  return m.dialect === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB';
}

/** Greedy word wrap at {@link WIDTH} columns with an indent; single words longer than a line stay whole. */
function wrap(text: string, indent = 0): string {
  return hanging(' '.repeat(indent), text);
}

/** First line starts with `lead`; continuation lines are indented to line up under the text. */
function hanging(lead: string, text: string): string {
  const pad = ' '.repeat(lead.length);
  const lines: string[] = [];
  let line = lead;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = pad + word;
    } else {
      line = empty ? line + word : `${line} ${word}`;
    }
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

function table(headers: string[], rows: string[][], rightAligned: boolean[]): string {
  const clean = rows.map((row) => row.map((cell) => cell.replace(/\p{Cc}+/gu, ' ')));
  const widths = headers.map((h, i) => Math.max(h.length, ...clean.map((r) => (r[i] ?? '').length)));
  const render = (cells: string[]) =>
    `  ${cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        return rightAligned[i] ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')}`.trimEnd();
  return [render(headers), render(widths.map((w) => '-'.repeat(w))), ...clean.map(render)].join('\n');
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
