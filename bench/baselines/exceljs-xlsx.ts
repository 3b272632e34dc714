/**
 * The XLSX baseline: what a developer writes following exceljs's documentation. Rows are read with
 * pg-cursor (1,000 at a time, pg's default type parsing) and written through the streaming
 * WorkbookWriter with `worksheet.addRow(values).commit()`, one sheet per 1,048,575 data rows so the
 * file stays valid past Excel's row limit. Run as its own process by the benchmark:
 *
 *   node --import tsx bench/baselines/exceljs-xlsx.ts --source URL --tenant ID --out FILE.xlsx
 */
import { Command } from 'commander';
import ExcelJS from 'exceljs';
import pg from 'pg';
import Cursor from 'pg-cursor';

const EXCEL_DATA_ROWS = 1_048_575;
const BATCH = 1000;

/** Parsed JSON (objects, arrays) would be misread by exceljs as rich text or formulas: write its text. */
function cell(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    return JSON.stringify(value);
  }
  return value;
}

async function main(): Promise<void> {
  const options = new Command()
    .requiredOption('--source <url>', 'PostgreSQL URL')
    .requiredOption('--tenant <id>', 'tenant id (company_id value)')
    .requiredOption('--out <file>', 'XLSX file to write')
    .parse(process.argv)
    .opts<{ source: string; tenant: string; out: string }>();

  const client = new pg.Client({ connectionString: options.source });
  await client.connect();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: options.out });
  const cursor = client.query(
    new Cursor<Record<string, unknown>>('SELECT * FROM bench_rows WHERE company_id = $1', [options.tenant]),
  );
  let sheet: ExcelJS.Worksheet | null = null;
  let sheetRows = 0;
  let sheets = 0;
  for (;;) {
    const rows = await cursor.read(BATCH);
    if (rows.length === 0) break;
    for (const row of rows) {
      if (sheet === null || sheetRows === EXCEL_DATA_ROWS) {
        sheet?.commit();
        sheets += 1;
        sheet = workbook.addWorksheet(sheets === 1 ? 'bench_rows' : `bench_rows (${sheets})`);
        sheet.addRow(Object.keys(row)).commit();
        sheetRows = 0;
      }
      sheet.addRow(Object.values(row).map(cell)).commit();
      sheetRows += 1;
    }
  }
  await cursor.close();
  sheet?.commit();
  await workbook.commit();
  await client.end();
}

await main();
