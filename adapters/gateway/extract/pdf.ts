/** The most pages of one PDF that are read; a longer file is read this far and counted unreadable. */
export const MAX_PDF_PAGES = 300;

type TextItem = { str: string; hasEOL?: boolean; transform?: number[]; width?: number };

/**
 * Lines of a page from pdf.js text items: an item ending a line ends the line;
 * items on one line are joined with a blank when there is a visible gap between
 * them (table cells, columns), and with nothing when one continues the other
 * (a word drawn in several runs).
 */
function pageText(items: TextItem[]): string {
  const out: string[] = [];
  let lastEnd: number | null = null;
  let lastY: number | null = null;
  for (const item of items) {
    if (typeof item.str !== 'string') continue;
    const x = item.transform?.[4];
    const y = item.transform?.[5];
    const size = Math.abs(item.transform?.[0] ?? 10) || 10;
    if (lastEnd !== null && x !== undefined && y !== undefined) {
      if (lastY !== null && Math.abs(y - lastY) > size * 0.5) out.push('\n');
      else if (x - lastEnd > size * 0.15) out.push(' ');
    }
    out.push(item.str);
    if (item.hasEOL) {
      out.push('\n');
      lastEnd = null;
    } else {
      lastEnd = x !== undefined ? x + (item.width ?? 0) : null;
    }
    lastY = y ?? lastY;
  }
  return out.join('');
}

/**
 * The text layer of a PDF (what a scan's OCR or a word processor put there),
 * through pdf.js (unpdf's build for servers: no worker, no canvas, no eval).
 * Unreadable when pdf.js cannot open it (damaged, or a password is needed), when it
 * has more than MAX_PDF_PAGES pages (the rest is not read), and when its pages hold
 * no text at all: a scan without a text layer, which nothing here can look into.
 */
export async function readPdf(
  bytes: Uint8Array,
): Promise<{ text: string | null; unreadable: boolean }> {
  const { getDocumentProxy } = await import('unpdf');
  let document: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js takes ownership of the buffer it is given; a copy leaves the caller's intact.
    document = await getDocumentProxy(new Uint8Array(bytes), {
      verbosity: 0,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: false,
    });
  } catch {
    return { text: null, unreadable: true };
  }
  try {
    const pages = Math.min(document.numPages, MAX_PDF_PAGES);
    const texts: string[] = [];
    for (let n = 1; n <= pages; n++) {
      const page = await document.getPage(n);
      const content = await page.getTextContent();
      texts.push(pageText(content.items as TextItem[]));
      page.cleanup();
    }
    const text = texts.join('\n');
    const isEmpty = text.trim().length === 0;
    return {
      text: isEmpty ? null : text,
      unreadable: isEmpty || document.numPages > MAX_PDF_PAGES,
    };
  } catch {
    return { text: null, unreadable: true };
  } finally {
    await document.destroy().catch(() => {});
  }
}
