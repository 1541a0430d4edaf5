/**
 * GNU gettext PO files, the format translation teams and their tools (Poedit, Weblate,
 * Crowdin, memoQ) read. Only what the catalogue needs: a header, `msgctxt` naming the
 * key, `msgid`/`msgid_plural` carrying the English, `msgstr` or `msgstr[N]` the
 * translation, and `#.` comments for the translator. One line per string, no wrapping.
 */

/** One message of a PO file. */
export type PoMessage = {
  /** `#.` lines: notes for the translator. */
  comments: string[];
  /** `#,` flags such as `fuzzy`. */
  flags: string[];
  context: string;
  id: string;
  idPlural: string | null;
  /** One string, or one per plural form when `idPlural` is set. */
  strings: string[];
};

/** A whole PO file: the header's fields and the messages. */
export type PoFile = { headers: Record<string, string>; messages: PoMessage[] };

/** Writes a PO file; `parsePo(writePo(x))` gives `x` back. */
export function writePo(file: PoFile): string {
  const header = Object.entries(file.headers)
    .map(([name, value]) => `"${quote(`${name}: ${value}\n`)}"`)
    .join('\n');
  const parts = [`msgid ""\nmsgstr ""\n${header}`];
  for (const m of file.messages) {
    const lines = [
      ...m.comments.map((c) => `#. ${c}`),
      ...(m.flags.length > 0 ? [`#, ${m.flags.join(', ')}`] : []),
      `msgctxt "${quote(m.context)}"`,
      `msgid "${quote(m.id)}"`,
    ];
    if (m.idPlural === null) lines.push(`msgstr "${quote(m.strings[0] ?? '')}"`);
    else {
      lines.push(`msgid_plural "${quote(m.idPlural)}"`);
      m.strings.forEach((s, i) => {
        lines.push(`msgstr[${i}] "${quote(s)}"`);
      });
    }
    parts.push(lines.join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

/** A PO file that cannot be read: names the line. */
export class PoSyntaxError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
  }
}

type Field = 'msgctxt' | 'msgid' | 'msgid_plural' | 'msgstr';

/** Reads a PO file. Continuation lines (`"..."` after a keyword) are joined. */
export function parsePo(text: string): PoFile {
  const messages: PoMessage[] = [];
  let headers: Record<string, string> = {};
  let current = fresh();
  let field: { name: Field; index: number } | null = null;
  let started = false;

  const finish = () => {
    if (!started) return;
    if (
      current.context === '' &&
      current.id === '' &&
      messages.length === 0 &&
      !current.seenContext
    )
      headers = parseHeader(current.strings[0] ?? '');
    else messages.push(toMessage(current));
    current = fresh();
    field = null;
    started = false;
  };

  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '') {
      finish();
      return;
    }
    if (line.startsWith('#')) {
      if (started && field !== null && field.name === 'msgstr') finish();
      if (line.startsWith('#.')) current.comments.push(line.slice(2).trim());
      else if (line.startsWith('#,'))
        current.flags.push(
          ...line
            .slice(2)
            .split(',')
            .map((f) => f.trim())
            .filter((f) => f !== ''),
        );
      return;
    }
    const keyword = /^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$/.exec(line);
    if (keyword) {
      const name = keyword[1] as Field;
      if ((name === 'msgctxt' || name === 'msgid') && started && field?.name === 'msgstr') finish();
      started = true;
      const value = unquote(keyword[3] ?? '', lineNo);
      const idx = keyword[2] === undefined ? 0 : Number(keyword[2]);
      field = { name, index: idx };
      if (name === 'msgctxt') {
        current.context = value;
        current.seenContext = true;
      } else if (name === 'msgid') current.id = value;
      else if (name === 'msgid_plural') current.idPlural = value;
      else current.strings[idx] = value;
      return;
    }
    if (line.startsWith('"')) {
      if (field === null) throw new PoSyntaxError(lineNo, 'a quoted line must follow a keyword');
      const value = unquote(line, lineNo);
      if (field.name === 'msgctxt') current.context += value;
      else if (field.name === 'msgid') current.id += value;
      else if (field.name === 'msgid_plural') current.idPlural = (current.idPlural ?? '') + value;
      else current.strings[field.index] = (current.strings[field.index] ?? '') + value;
      return;
    }
    throw new PoSyntaxError(lineNo, `cannot read ${JSON.stringify(line.slice(0, 40))}`);
  });
  finish();
  return { headers, messages };
}

type Draft = PoMessage & { seenContext: boolean };

function fresh(): Draft {
  return {
    comments: [],
    flags: [],
    context: '',
    id: '',
    idPlural: null,
    strings: [],
    seenContext: false,
  };
}

function toMessage(d: Draft): PoMessage {
  const strings = Array.from({ length: d.strings.length }, (_, i) => d.strings[i] ?? '');
  return {
    comments: d.comments,
    flags: d.flags,
    context: d.context,
    id: d.id,
    idPlural: d.idPlural,
    strings,
  };
}

function parseHeader(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function quote(text: string): string {
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('\n', '\\n')
    .replaceAll('\t', '\\t')
    .replaceAll('\r', '\\r');
}

function unquote(quoted: string, lineNo: number): string {
  if (!quoted.endsWith('"') || quoted.length < 2)
    throw new PoSyntaxError(lineNo, 'a string must end with a double quote');
  const body = quoted.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i += 1) {
    const ch = body[i];
    if (ch === '"') throw new PoSyntaxError(lineNo, 'a double quote inside a string needs \\"');
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    i += 1;
    if (next === 'n') out += '\n';
    else if (next === 't') out += '\t';
    else if (next === 'r') out += '\r';
    else if (next === '"' || next === '\\') out += next;
    else throw new PoSyntaxError(lineNo, `unknown escape \\${next ?? ''}`);
  }
  return out;
}
