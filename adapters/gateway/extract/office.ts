import { type UnzipFileInfo, unzipSync } from 'fflate';
import { attributeOf, walkMarkup, xmlToText } from './markup-text.ts';
import { rowsToText } from './table-text.ts';

/** The limits on reading one zip-based file (OOXML, ODF, or a plain .zip). */
export const ZIP_LIMITS = {
  /** Entries listed in one archive; more is not an office file anyone wrote. */
  maxEntries: 10_000,
  /** The declared uncompressed size of one part that is read. */
  maxPartBytes: 32 * 1024 * 1024,
  /** The declared uncompressed size of all parts read from one archive. */
  maxTotalBytes: 48 * 1024 * 1024,
  /** Deflate reaches about 1:1000 at best; XML compresses well, but not beyond this. */
  maxRatio: 200,
};

/** What reading a zip-based file gave: its text, and whether any of it could not be read. */
export type ZipResult = { text: string | null; unreadable: boolean };

const UNREADABLE: ZipResult = { text: null, unreadable: true };

/** Reads a nested file (a plain zip's entries) through the caller's dispatcher. */
export type ReadNested = (
  name: string,
  bytes: Uint8Array,
) => Promise<{ text: string | null; unreadable: boolean }>;

type Listing = Map<string, UnzipFileInfo>;

function list(bytes: Uint8Array): Listing | null {
  const entries: Listing = new Map();
  try {
    // The filter sees each entry's declared sizes from the central directory and
    // keeps none: this pass inflates nothing.
    unzipSync(bytes, {
      filter: (file) => {
        if (entries.size < ZIP_LIMITS.maxEntries + 1) entries.set(file.name, file);
        return false;
      },
    });
  } catch {
    return null;
  }
  return entries;
}

/**
 * Inflates the named parts after checking their declared sizes: a part larger than
 * the limits, or compressed past any ratio real documents reach, marks the whole
 * file as a zip bomb before a byte is inflated. fflate inflates each part into a
 * buffer of its declared size, so a part that lies about its size cannot grow past it.
 */
function inflate(
  bytes: Uint8Array,
  names: string[],
  listing: Listing,
): Map<string, Uint8Array> | 'bomb' {
  let total = 0;
  for (const name of names) {
    const info = listing.get(name);
    if (!info) continue;
    total += info.originalSize;
    const isTooDense =
      info.originalSize > 1024 * 1024 && info.originalSize > info.size * ZIP_LIMITS.maxRatio;
    if (info.originalSize > ZIP_LIMITS.maxPartBytes || isTooDense) return 'bomb';
  }
  if (total > ZIP_LIMITS.maxTotalBytes) return 'bomb';
  const wanted = new Set(names);
  const files = unzipSync(bytes, { filter: (file) => wanted.has(file.name) });
  return new Map(Object.entries(files));
}

const utf8 = new TextDecoder('utf-8');

function byNumber(a: string, b: string): number {
  const n = (s: string) => Number(/(\d+)\.xml$/.exec(s)?.[1] ?? 0);
  return n(a) - n(b) || a.localeCompare(b);
}

const WORD = {
  breaks: new Set(['w:p', 'w:br', 'w:cr', 'w:tr']),
  tabs: new Set(['w:tab', 'w:tc']),
};
const POWERPOINT = { breaks: new Set(['a:p', 'a:br']), tabs: new Set(['a:tc']) };
const OPEN_DOCUMENT = {
  breaks: new Set(['text:p', 'text:h', 'text:line-break', 'table:table-row']),
  tabs: new Set(['text:tab', 'table:table-cell']),
  spaces: new Set(['text:s']),
};

/** The text of each shared string of a workbook, in order. */
function sharedStrings(xml: string): string[] {
  const strings: string[] = [];
  let current: string[] | null = null;
  let inText = false;
  walkMarkup(xml, {
    isXml: true,
    onText: (s) => {
      if (current && inText) current.push(s);
    },
    onTag: (tag) => {
      if (tag.name === 'si') {
        if (!tag.isClose) current = [];
        else if (current) {
          strings.push(current.join(''));
          current = null;
        }
      } else if (tag.name === 't') {
        inText = !tag.isClose && !tag.isSelfClosing;
      }
      return undefined;
    },
  });
  return strings;
}

/** A worksheet as rows of cell values, shared strings looked up. */
function sheetRows(xml: string, shared: string[]): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell: string[] = [];
  let cellType: string | null = null;
  let reading = false;
  walkMarkup(xml, {
    isXml: true,
    onText: (s) => {
      if (!reading) return;
      cell.push(cellType === 's' ? (shared[Number(s)] ?? '') : s);
    },
    onTag: (tag) => {
      if (tag.name === 'c') {
        if (!tag.isClose) {
          cellType = attributeOf(tag.raw, 't');
          cell = [];
        }
        if (tag.isClose || tag.isSelfClosing) row.push(cell.join(''));
      } else if (tag.name === 'v' || tag.name === 't') {
        reading = !tag.isClose && !tag.isSelfClosing;
      } else if (tag.name === 'row' && (tag.isClose || tag.isSelfClosing)) {
        rows.push(row);
        row = [];
      }
      return undefined;
    },
  });
  return rows;
}

/** An OpenDocument spreadsheet's tables as rows of cell text. */
function odsRows(xml: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell: string[] | null = null;
  walkMarkup(xml, {
    isXml: true,
    onText: (s) => cell?.push(s),
    onTag: (tag) => {
      if (tag.name === 'table:table-cell' || tag.name === 'table:covered-table-cell') {
        if (!tag.isClose) cell = [];
        if ((tag.isClose || tag.isSelfClosing) && cell) {
          row.push(cell.join(''));
          cell = null;
        }
      } else if (tag.name === 'text:p' && tag.isClose) cell?.push('\n');
      else if (tag.name === 'table:table-row' && tag.isClose) {
        rows.push(row);
        row = [];
      } else if (tag.name === 'table:table' && tag.isClose) rows.push([]);
      return undefined;
    },
  });
  return rows.map((r) => r.map((c) => c.trim()));
}

function text(parts: Map<string, Uint8Array>, name: string): string {
  const bytes = parts.get(name);
  return bytes ? utf8.decode(bytes) : '';
}

/**
 * The text of a zip-based file: Word (.docx: body, headers, footers, notes,
 * comments), Excel (.xlsx: every sheet, shared strings resolved), PowerPoint
 * (.pptx: slides and notes), OpenDocument (.odt, .ods, .odp), or a plain zip
 * (each entry read through `readNested`). Null when `bytes` are not a zip at all.
 */
export async function readZip(
  bytes: Uint8Array,
  readNested: ReadNested | null,
): Promise<ZipResult | null> {
  const listing = list(bytes);
  if (!listing) return null;
  if (listing.size > ZIP_LIMITS.maxEntries) return UNREADABLE;
  const names = [...listing.keys()];
  try {
    if (listing.has('word/document.xml')) {
      const wanted = names
        .filter((n) =>
          /^word\/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/.test(n),
        )
        .sort((a, b) =>
          a === 'word/document.xml' ? -1 : b === 'word/document.xml' ? 1 : byNumber(a, b),
        );
      const parts = inflate(bytes, wanted, listing);
      if (parts === 'bomb') return UNREADABLE;
      return {
        unreadable: false,
        text: wanted.map((n) => xmlToText(text(parts, n), WORD)).join('\n'),
      };
    }
    if (listing.has('xl/workbook.xml')) {
      const sheets = names.filter((n) => /^xl\/worksheets\/[^/]+\.xml$/.test(n)).sort(byNumber);
      const parts = inflate(bytes, ['xl/sharedStrings.xml', ...sheets], listing);
      if (parts === 'bomb') return UNREADABLE;
      const shared = sharedStrings(text(parts, 'xl/sharedStrings.xml'));
      const texts = sheets.map((n) => rowsToText(sheetRows(text(parts, n), shared)));
      return { unreadable: false, text: texts.join('\n') };
    }
    if (listing.has('ppt/presentation.xml')) {
      const slides = names
        .filter((n) => /^ppt\/(slides|notesSlides)\/[^/]+\.xml$/.test(n))
        .sort(byNumber);
      const parts = inflate(bytes, slides, listing);
      if (parts === 'bomb') return UNREADABLE;
      return {
        unreadable: false,
        text: slides.map((n) => xmlToText(text(parts, n), POWERPOINT)).join('\n'),
      };
    }
    if (listing.has('content.xml') && listing.has('mimetype')) {
      const parts = inflate(bytes, ['mimetype', 'content.xml', 'styles.xml'], listing);
      if (parts === 'bomb') return UNREADABLE;
      const content = text(parts, 'content.xml');
      const isSpreadsheet = text(parts, 'mimetype').includes('spreadsheet');
      const body = isSpreadsheet ? rowsToText(odsRows(content)) : xmlToText(content, OPEN_DOCUMENT);
      // Headers and footers of a text document live in styles.xml.
      const pages = xmlToText(text(parts, 'styles.xml'), OPEN_DOCUMENT);
      return { unreadable: false, text: `${body}\n${pages}` };
    }
    if (!readNested) return UNREADABLE;
    const files = names.filter((n) => !n.endsWith('/'));
    const parts = inflate(bytes, files, listing);
    if (parts === 'bomb') return UNREADABLE;
    const texts: string[] = [];
    let unreadable = false;
    for (const name of files) {
      const part = parts.get(name);
      if (!part) continue;
      const read = await readNested(name, part);
      if (read.text) texts.push(read.text);
      if (read.unreadable) unreadable = true;
    }
    return { text: texts.join('\n'), unreadable };
  } catch {
    // A part that will not inflate, or an encrypted entry.
    return UNREADABLE;
  }
}
