/**
 * Tables (spreadsheets, CSV) as text in which each value carries its column's
 * heading: `Order: 4968550189`, `NHS Number: 943 476 5919`. In a table the words
 * that say what a number is are at the top of its column, not beside it; the DLP
 * detectors read the label in front of a number, so it is put there.
 */

/** True when `row` reads as column headings: some words, no long numbers. */
function isHeading(row: string[]): boolean {
  return (
    row.length > 1 &&
    row.some((cell) => /\p{L}{2}/u.test(cell)) &&
    row.every((cell) => !/\d{4}/.test(cell))
  );
}

/** Rows of cells as lines of tab-separated cells, each value after its column heading when the first row has them. */
export function rowsToText(rows: string[][]): string {
  const heading = rows[0];
  if (!heading || !isHeading(heading)) return rows.map((row) => row.join('\t')).join('\n');
  const names = heading.map((cell) => cell.trim());
  const lines = [names.join('\t')];
  for (const row of rows.slice(1)) {
    lines.push(
      row
        .map((cell, i) => {
          const name = names[i];
          return name && cell.trim() !== '' ? `${name}: ${cell}` : cell;
        })
        .join('\t'),
    );
  }
  return lines.join('\n');
}

/**
 * The delimiter of CSV text (comma, semicolon, tab) when its first lines split
 * into the same number of fields (two or more) by it, or null when it is not a table.
 */
export function sniffDelimiter(text: string): string | null {
  const lines = text
    .slice(0, 8192)
    .split(/\r?\n/)
    .slice(0, 6)
    .filter((l) => l.trim() !== '');
  if (lines.length < 2) return null;
  for (const delimiter of [',', '\t', ';']) {
    const counts = lines.slice(0, -1).map((line) => line.split(delimiter).length);
    const first = counts[0] ?? 0;
    if (first >= 2 && counts.every((c) => c === first)) return delimiter;
  }
  return null;
}

/** Parses CSV (RFC 4180 quoting) into rows of cells, in one pass. */
export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** CSV text with each value after its column heading, or the text as it is when it is not a table. */
export function csvToText(text: string): string {
  const delimiter = sniffDelimiter(text);
  return delimiter ? rowsToText(parseCsv(text, delimiter)) : text;
}
