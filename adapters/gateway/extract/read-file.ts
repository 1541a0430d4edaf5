import { simpleParser } from 'mailparser';
import { decodeText, hasZeroByte, looksLikeText, sniffUnicode } from './decode-text.ts';
import { htmlToText } from './markup-text.ts';
import { readZip } from './office.ts';
import { readPdf } from './pdf.ts';
import { rtfToText } from './rtf-text.ts';
import { csvToText } from './table-text.ts';

/** One file to read, as the MIME parser decoded it. */
export type ExtractInput = {
  name: string;
  /** The declared MIME type, lower case (may be wrong: a .csv sent as application/vnd.ms-excel). */
  contentType: string;
  /** The charset parameter of the part, if any. */
  charset?: string | undefined;
  /** The decoded bytes, or null when the file was larger than the gateway keeps for reading. */
  bytes: Uint8Array | null;
};

/**
 * What was read of one file. `text` is null when the file holds no text (an image)
 * or none could be read; `unreadable` is true when it should hold text that could
 * not be read, in whole or in part (damaged, encrypted, too large, too deep, too slow).
 */
export type ExtractOutput = { text: string | null; unreadable: boolean };

/** How deep forwarded messages and archives inside each other are read. */
export const MAX_DEPTH = 3;

/** The most text kept from one file; the rest is not read (the file counts as unreadable). */
export const MAX_TEXT_CHARS = 8 * 1024 * 1024;

const NOTHING: ExtractOutput = { text: null, unreadable: false };
const UNREADABLE: ExtractOutput = { text: null, unreadable: true };

const starts = (bytes: Uint8Array, magic: number[], at = 0) =>
  magic.every((b, i) => bytes[at + i] === b);

// Files that hold pictures or sound, never text a sender typed.
function isMedia(bytes: Uint8Array): boolean {
  return (
    starts(bytes, [0x89, 0x50, 0x4e, 0x47]) || // PNG
    starts(bytes, [0xff, 0xd8, 0xff]) || // JPEG
    starts(bytes, [0x47, 0x49, 0x46, 0x38]) || // GIF
    starts(bytes, [0x49, 0x49, 0x2a, 0x00]) || // TIFF
    starts(bytes, [0x4d, 0x4d, 0x00, 0x2a]) ||
    (starts(bytes, [0x52, 0x49, 0x46, 0x46]) && bytes.length > 12) || // RIFF: WebP, WAV, AVI
    starts(bytes, [0x66, 0x74, 0x79, 0x70], 4) || // MP4, MOV, HEIC
    starts(bytes, [0x49, 0x44, 0x33]) || // MP3
    starts(bytes, [0x00, 0x00, 0x01, 0x00]) // ICO
  );
}

// Containers nothing here opens: legacy Office binaries and password-protected
// Office files (OLE2), and archive formats other than zip.
function isClosedContainer(bytes: Uint8Array): boolean {
  return (
    starts(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) ||
    starts(bytes, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) || // 7z
    starts(bytes, [0x52, 0x61, 0x72, 0x21]) || // Rar!
    starts(bytes, [0x1f, 0x8b]) // gzip
  );
}

function isPdf(bytes: Uint8Array): boolean {
  // The header may follow some junk; readers look in the first kilobyte.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-');
}

const DOCUMENT_NAME = /\.(pdf|docx?|docm|dotx|xlsx?|xlsm|pptx?|odt|ods|odp|rtf|zip|eml|msg)$/i;
const DOCUMENT_TYPE =
  /^application\/(pdf|msword|rtf|zip|x-zip-compressed|vnd\.ms-|vnd\.openxmlformats|vnd\.oasis)|^message\//;
const MEDIA_TYPE = /^(image|audio|video|font)\//;

/** True when the sender's name or type says the file is a document, which must hold text. */
function isDeclaredDocument(file: ExtractInput): boolean {
  return DOCUMENT_NAME.test(file.name) || DOCUMENT_TYPE.test(file.contentType);
}

function looksLikeMail(text: string, file: ExtractInput): boolean {
  if (file.contentType === 'message/rfc822' || /\.eml$/i.test(file.name)) return true;
  const head = text.slice(0, 4096);
  // A header block: the first line is a header, and From plus Date or Subject are there.
  return (
    /^[A-Za-z][A-Za-z0-9-]*:[ \t]/.test(head) &&
    /^from:/im.test(head) &&
    /^(date|subject|received|mime-version):/im.test(head)
  );
}

function looksLikeHtml(text: string, file: ExtractInput): boolean {
  if (file.contentType === 'text/html' || /\.html?$/i.test(file.name)) return true;
  const head = text.slice(0, 2048).trimStart().toLowerCase();
  return /^(<!doctype html|<html|<head|<body|<meta|<div|<p[ >]|<table|<span)/.test(head);
}

function capped(text: string | null, unreadable: boolean): ExtractOutput {
  if (text !== null && text.length > MAX_TEXT_CHARS) {
    return { text: text.slice(0, MAX_TEXT_CHARS), unreadable: true };
  }
  return { text, unreadable };
}

/**
 * The text of a forwarded message (message/rfc822): its subject, every text and
 * HTML part, and the text of its own files, read one level deeper.
 */
async function readMessage(bytes: Uint8Array, depth: number): Promise<ExtractOutput> {
  const mail = await simpleParser(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    skipTextToHtml: true,
    skipImageLinks: true,
    skipHtmlToText: true,
    maxHtmlLengthToParse: 20_000_000,
  });
  const texts: string[] = [];
  if (mail.subject) texts.push(mail.subject);
  if (mail.text) texts.push(mail.text);
  if (typeof mail.html === 'string') texts.push(htmlToText(mail.html));
  let unreadable = false;
  for (const attachment of mail.attachments) {
    const read = await readFile(
      {
        name: attachment.filename ?? '',
        contentType: (attachment.contentType ?? 'application/octet-stream').toLowerCase(),
        bytes: attachment.content,
      },
      depth + 1,
    );
    if (read.text) texts.push(read.text);
    if (read.unreadable) unreadable = true;
  }
  return { text: texts.join('\n'), unreadable };
}

/**
 * Reads the text of one file by what its bytes are, whatever its declared type:
 * PDF, Office and OpenDocument files, zips, forwarded messages, RTF, HTML, and
 * text in UTF-8, UTF-16 or Windows-1252 (a .csv sent as application/vnd.ms-excel
 * or application/octet-stream is read as the text it is). Pictures and other
 * binaries give no text and are not unreadable; a file that says it is a document
 * but cannot be opened is unreadable. Never throws.
 */
export async function readFile(file: ExtractInput, depth = 0): Promise<ExtractOutput> {
  const { bytes } = file;
  if (bytes === null) {
    // Too large to read: a picture or film is no loss, anything else might hold text.
    return MEDIA_TYPE.test(file.contentType) ? NOTHING : UNREADABLE;
  }
  if (depth > MAX_DEPTH) return UNREADABLE;
  try {
    if (bytes.length === 0) return NOTHING;
    if (isPdf(bytes)) {
      const read = await readPdf(bytes);
      return capped(read.text, read.unreadable);
    }
    if (starts(bytes, [0x50, 0x4b, 0x03, 0x04]) || starts(bytes, [0x50, 0x4b, 0x05, 0x06])) {
      const read = await readZip(bytes, (name, part) =>
        readFile({ name, contentType: 'application/octet-stream', bytes: part }, depth + 1),
      );
      return read ? capped(read.text, read.unreadable) : UNREADABLE;
    }
    if (isClosedContainer(bytes)) return UNREADABLE;
    if (isMedia(bytes)) return NOTHING;
    if (!sniffUnicode(bytes) && hasZeroByte(bytes)) {
      return isDeclaredDocument(file) ? UNREADABLE : NOTHING;
    }
    const text = decodeText(bytes, file.charset);
    if (!looksLikeText(text)) return isDeclaredDocument(file) ? UNREADABLE : NOTHING;
    if (text.trimStart().startsWith('{\\rtf')) return capped(rtfToText(text), false);
    if (looksLikeMail(text, file)) {
      const read = await readMessage(bytes, depth);
      return capped(read.text, read.unreadable);
    }
    if (looksLikeHtml(text, file)) return capped(htmlToText(text), false);
    // CSV (whatever its declared type) with each value after its column's heading;
    // plain text, JSON, XML, calendar entries: the characters are the text.
    return capped(csvToText(text), false);
  } catch {
    return UNREADABLE;
  }
}
