// Spreadsheet-safe CSV cells. A text cell that begins with = + - @, a tab
// or a line break is run as a formula by Excel and LibreOffice (CSV
// injection: =HYPERLINK(...), @SUM(...)); a leading apostrophe makes it
// plain text. Only text columns pass through here: a number such as -3.2
// in a numeric column stays a number.

const FORMULA_START = /^[=+\-@\t\r\n]/;

export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A nullable text cell: empty when null, neutralised otherwise. */
export function textCell(text: string | null | undefined): string {
  return text === null || text === undefined ? '' : neutraliseCell(text);
}
