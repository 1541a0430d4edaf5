import { cleanLine } from './clean-text.ts';

/** The longest file name offered for download or written into an export. */
export const MAX_FILE_NAME = 120;

/**
 * The one rule for a file name Sealpost offers or writes (downloads, exports, zips): no
 * path separators (a name is never a path), no control or bidirectional-override
 * characters (no `invoice\u202efdp.exe` that reads as a PDF), no quotes or characters
 * Windows forbids, no leading or trailing dots or spaces, at most `MAX_FILE_NAME`
 * characters with the extension kept. Never empty: `fallback` when nothing is left.
 */
export function safeFileName(name: string, fallback = 'download'): string {
  // A line break inside a name joins its halves (a header fold), it does not space them.
  let clean = cleanLine(name.replace(/[\r\n\t]/g, ''))
    .replace(/["'`\\/:*?<>|]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const chars = [...clean];
  if (chars.length > MAX_FILE_NAME) {
    const dot = clean.lastIndexOf('.');
    const extension = dot > 0 && clean.length - dot <= 12 ? clean.slice(dot) : '';
    const keep = MAX_FILE_NAME - [...extension].length;
    clean = `${chars.slice(0, keep).join('').trimEnd()}${extension}`;
  }
  return clean === '' ? fallback : clean;
}
