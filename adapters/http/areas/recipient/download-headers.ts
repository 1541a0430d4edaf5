import { safeFileName } from '../../../../core/shared/file-names.ts';

/**
 * Content types a browser may be told as they are. Anything else is sent as
 * `application/octet-stream`: a file named `.pdf` that says `text/html` must never be
 * rendered by the browser as a page of ours. `nosniff` stops the browser guessing.
 */
export const SAFE_DOWNLOAD_TYPES = new Set([
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/rtf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'application/zip',
]);

/** The content type to send for a stored one: itself if allowlisted (without parameters), else opaque bytes. */
export function downloadContentType(stored: string): string {
  const base = stored.split(';')[0]?.trim().toLowerCase() ?? '';
  return SAFE_DOWNLOAD_TYPES.has(base) ? base : 'application/octet-stream';
}

/**
 * `Content-Disposition: attachment` with both forms of the name (RFC 6266): an ASCII
 * `filename` for old browsers (anything else becomes `_`) and the UTF-8 `filename*`.
 */
export function contentDisposition(name: string): string {
  const safe = safeFileName(name);
  const ascii = safe.replace(/[^\x20-\x7e]|[%;]/g, '_');
  const encoded = encodeURIComponent(safe).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Every header of an attachment download. */
export function attachmentHeaders(download: {
  name: string;
  contentType: string;
  size: number;
}): Record<string, string> {
  return {
    'Content-Type': downloadContentType(download.contentType),
    'Content-Disposition': contentDisposition(download.name),
    'Content-Length': String(download.size),
    'X-Content-Type-Options': 'nosniff',
    // Someone's file must not stay in a shared or browser cache.
    'Cache-Control': 'no-store',
  };
}
