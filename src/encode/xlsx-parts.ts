/**
 * The fixed parts of an .xlsx package (Office Open XML, ECMA-376): content types, relationships,
 * workbook, styles, and the start and end of a worksheet. The sheet data itself is streamed by
 * xlsx.ts. No shared strings table: every text cell is an inline string, so memory does not grow
 * with the number of distinct strings.
 */
import type { CatalogColumn } from '../catalog/types.ts';
import { columnWidth, NUMBER_FORMATS, STYLE, xmlAttribute } from './xlsx-cells.ts';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PACKAGE_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

/** Excel's limit on sheet names. */
export const SHEET_NAME_MAX_CHARS = 31;
/** Characters Excel refuses in sheet names. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not allowed in names
const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\\u0000-\u001f]/g;

/** Zip entry name of the n-th (1-based) worksheet. */
export function sheetPath(n: number): string {
  return `xl/worksheets/sheet${n}.xml`;
}

/**
 * The name of the n-th (1-based) sheet of a table: `name`, `name (2)`, `name (3)`..., at most 31
 * characters (the base is shortened, never the suffix), Excel's forbidden characters `[]:*?/\`
 * replaced by `_`, no apostrophe at either end, and not Excel's reserved name `History`.
 *
 * @example sheetName('invoice_lines', 2) // 'invoice_lines (2)'
 * @example sheetName('a/b:c', 1) // 'a_b_c'
 */
export function sheetName(base: string, n: number): string {
  const suffix = n === 1 ? '' : ` (${n})`;
  let name = base.replace(SHEET_NAME_FORBIDDEN, '_');
  const room = SHEET_NAME_MAX_CHARS - suffix.length;
  if (name.length > room) {
    const code = name.charCodeAt(room - 1);
    name = name.slice(0, code >= 0xd800 && code <= 0xdbff ? room - 1 : room);
  }
  name = name.replace(/^'/, '_').replace(/'$/, '_');
  if (name.length === 0) name = 'Sheet';
  name += suffix;
  return name.toLowerCase() === 'history' ? `${name.slice(0, SHEET_NAME_MAX_CHARS - 1)}_` : name;
}

/** `[Content_Types].xml` for a workbook with `sheets` worksheets. */
export function contentTypesXml(sheets: number): string {
  let overrides = `<Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/>`;
  for (let n = 1; n <= sheets; n += 1) {
    overrides += `<Override PartName="/${sheetPath(n)}" ContentType="${CT}.worksheet+xml"/>`;
  }
  return `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${overrides}</Types>`;
}

/** `_rels/.rels`: the package's entry point. */
export function packageRelsXml(): string {
  return `${XML_DECLARATION}<Relationships xmlns="${NS_PACKAGE_REL}"><Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
}

/** `xl/workbook.xml`: the sheet list, in order. */
export function workbookXml(names: string[]): string {
  const sheets = names
    .map((name, i) => `<sheet name="${xmlAttribute(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join('');
  return `${XML_DECLARATION}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><workbookPr/><bookViews><workbookView activeTab="0"/></bookViews><sheets>${sheets}</sheets></workbook>`;
}

/** `xl/_rels/workbook.xml.rels`: sheets are rId1..rIdN, styles rId(N+1). */
export function workbookRelsXml(sheets: number): string {
  let rels = '';
  for (let n = 1; n <= sheets; n += 1) {
    rels += `<Relationship Id="rId${n}" Type="${NS_REL}/worksheet" Target="worksheets/sheet${n}.xml"/>`;
  }
  rels += `<Relationship Id="rId${sheets + 1}" Type="${NS_REL}/styles" Target="styles.xml"/>`;
  return `${XML_DECLARATION}<Relationships xmlns="${NS_PACKAGE_REL}">${rels}</Relationships>`;
}

/**
 * `xl/styles.xml`. Cell formats (`cellXfs`), in the order of `STYLE`: default, bold header, date,
 * timestamp, timestamptz (UTC), then one `0.00`-like format per decimal scale in `decimalScales`.
 */
export function stylesXml(decimalScales: number[]): string {
  const formats: string[] = [
    NUMBER_FORMATS.date,
    NUMBER_FORMATS.timestamp,
    NUMBER_FORMATS.timestamptz,
    ...decimalScales.map((scale) => `0.${'0'.repeat(scale)}`),
  ];
  const numFmts = formats
    .map((code, i) => `<numFmt numFmtId="${164 + i}" formatCode="${xmlAttribute(code)}"/>`)
    .join('');
  const xf = (numFmtId: number, fontId = 0) =>
    `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="0" borderId="0" xfId="0"${fontId ? ' applyFont="1"' : ''}${numFmtId ? ' applyNumberFormat="1"' : ''}/>`;
  const cellXfs = [xf(0), xf(0, 1), ...formats.map((_, i) => xf(164 + i))];
  // The order above must match STYLE (header = 1, date = 2, ...).
  if (cellXfs.length !== STYLE.firstDecimal + decimalScales.length)
    throw new Error('style table out of order');
  const font = (bold: boolean) =>
    `<font>${bold ? '<b/>' : ''}<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>`;
  return `${XML_DECLARATION}<styleSheet xmlns="${NS_MAIN}"><numFmts count="${formats.length}">${numFmts}</numFmts><fonts count="2">${font(false)}${font(true)}</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="${cellXfs.length}">${cellXfs.join('')}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;
}

/** Start of a worksheet up to `<sheetData>`: header row frozen, date columns wide enough to show. */
export function sheetStartXml(columns: CatalogColumn[], selected: boolean): string {
  const cols = columns
    .map((column, i) => `<col min="${i + 1}" max="${i + 1}" width="${columnWidth(column)}" customWidth="1"/>`)
    .join('');
  return `${XML_DECLARATION}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><sheetViews><sheetView${selected ? ' tabSelected="1"' : ''} workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>${cols.length > 0 ? `<cols>${cols}</cols>` : ''}<sheetData>`;
}

export const SHEET_END_XML = '</sheetData></worksheet>';

/** Spreadsheet column letters of a 0-based index: 0 -> A, 25 -> Z, 26 -> AA. */
export function columnLetters(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}
