import { type CatalogueEntry, catalogueEntries, placeholdersOf } from './entries.ts';
import { type PoFile, type PoMessage, parsePo, writePo } from './po.ts';
import { parameterNames, renderWith } from './sentinel.ts';

/**
 * A language's translations by key: a string, or one string per plural form in the
 * order of `PLURAL_FORMS` for that language. Placeholders are written `{name}`.
 */
export type Catalogue = Map<string, string | string[]>;

/** How each language forms plurals: CLDR categories in gettext's index order. */
export const PLURAL_FORMS: Record<string, { categories: Intl.LDMLPluralRule[]; header: string }> = {
  en: { categories: ['one', 'other'], header: 'nplurals=2; plural=(n != 1);' },
  cy: {
    categories: ['zero', 'one', 'two', 'few', 'many', 'other'],
    header: 'nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n==3 ? 3 : n==6 ? 4 : 5);',
  },
};

/** A number for each plural category, to show translators what each form is for. */
const EXAMPLES: Record<Intl.LDMLPluralRule, number> = {
  zero: 0,
  one: 1,
  two: 2,
  few: 3,
  many: 6,
  other: 10,
};

/** The English table's entries, computed once. */
const entriesOf = new WeakMap<object, CatalogueEntry[]>();
export function entriesFor(english: object): CatalogueEntry[] {
  let found = entriesOf.get(english);
  if (!found) {
    found = catalogueEntries(english);
    entriesOf.set(english, found);
  }
  return found;
}

/** The top-level area an entry belongs to: also the name of its `.po` file. */
export function areaOf(key: string): string {
  return key.split('.', 1)[0] ?? key;
}

/**
 * A PO file of every entry (or one area's), English as `msgid`, the translation as
 * `msgstr` (empty where there is none yet, which tools show as untranslated).
 */
export function exportCatalogue(args: {
  english: object;
  lang: string;
  catalogue: Catalogue;
  /** Translations waiting for review (the English changed, or a translator was unsure). */
  fuzzy?: Catalogue;
  area?: string;
  /** Only what still needs a translator: untranslated and waiting for review. */
  untranslatedOnly?: boolean;
}): string {
  const forms = pluralFormsOf(args.lang);
  const messages: PoMessage[] = [];
  for (const entry of entriesFor(args.english)) {
    if (args.area !== undefined && areaOf(entry.key) !== args.area) continue;
    const value = args.catalogue.get(entry.key);
    if (args.untranslatedOnly && value !== undefined) continue;
    const review = value === undefined ? args.fuzzy?.get(entry.key) : undefined;
    const message = toPoMessage(entry, value ?? review, forms.categories, args.english);
    if (review !== undefined) message.flags.push('fuzzy');
    messages.push(message);
  }
  const file: PoFile = {
    headers: {
      'Project-Id-Version': 'Sealpost',
      Language: args.lang,
      'MIME-Version': '1.0',
      'Content-Type': 'text/plain; charset=UTF-8',
      'Content-Transfer-Encoding': '8bit',
      'Plural-Forms': forms.header,
    },
    messages,
  };
  return writePo(file);
}

function toPoMessage(
  entry: CatalogueEntry,
  value: string | string[] | undefined,
  categories: Intl.LDMLPluralRule[],
  english: object,
): PoMessage {
  const comments: string[] = [];
  if (entry.kind === 'text') {
    const names = placeholdersOf(entry.source);
    if (names.length > 0)
      comments.push(`Keep ${names.map((n) => `{${n}}`).join(', ')}: a value goes there.`);
    return {
      comments,
      flags: [],
      context: entry.key,
      id: entry.source,
      idPlural: null,
      strings: [typeof value === 'string' ? value : ''],
    };
  }
  comments.push(
    `{${entry.param}} is a number and chooses the form: ${categories
      .map((c, i) => `[${i}] ${c} (e.g. ${EXAMPLES[c]})`)
      .join(', ')}.`,
  );
  const zero = englishWithZero(entry, english);
  if (zero !== null) comments.push(`In English, with 0: ${zero}`);
  const strings = categories.map((_, i) => (Array.isArray(value) ? (value[i] ?? '') : ''));
  return {
    comments,
    flags: [],
    context: entry.key,
    id: entry.source,
    idPlural: entry.sourcePlural,
    strings,
  };
}

/** The English an entry gives for 0 when it differs from the usual plural. */
function englishWithZero(
  entry: Extract<CatalogueEntry, { kind: 'plural' }>,
  english: object,
): string | null {
  const fn = lookup(english, entry.key);
  if (typeof fn !== 'function') return null;
  const params = parameterNames(fn as (...args: never[]) => unknown);
  const zero = String(
    renderWith(fn as (...args: never[]) => unknown, params, { [entry.param]: 0 }),
  );
  return zero === entry.sourcePlural.replaceAll(`{${entry.param}}`, '0') ? null : zero;
}

/** The value at a dotted key of a table, if any. */
export function lookup(table: unknown, key: string): unknown {
  let node: unknown = table;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A problem found in a PO file, named by its key. */
export type ImportProblem = { key: string; problem: string };

/**
 * Reads a PO file into a catalogue, checking each message against the English table:
 * known key, the same kind, the English placeholders kept, every plural form present.
 * Empty translations are left out (untranslated), not stored as empty text. A message
 * marked `fuzzy`, or whose `msgid` is not the English as it is now (the English changed
 * since it was translated), goes to `fuzzy`: kept for the translator, never shown.
 */
export function importCatalogue(args: { english: object; lang: string; text: string }): {
  catalogue: Catalogue;
  fuzzy: Catalogue;
  problems: ImportProblem[];
} {
  const forms = pluralFormsOf(args.lang);
  const entries = new Map(entriesFor(args.english).map((e) => [e.key, e]));
  const file = parsePo(args.text);
  const catalogue: Catalogue = new Map();
  const fuzzy: Catalogue = new Map();
  const problems: ImportProblem[] = [];
  const language = file.headers.Language;
  if (language !== undefined && language !== args.lang)
    problems.push({ key: '(header)', problem: `the file is for ${language}, not ${args.lang}` });
  for (const message of file.messages) {
    const key = message.context;
    const entry = entries.get(key);
    if (!entry) {
      problems.push({ key, problem: 'no such string' });
      continue;
    }
    const target = needsReview(entry, message) ? fuzzy : catalogue;
    if (entry.kind === 'text') {
      if (message.idPlural !== null) {
        problems.push({ key, problem: 'is not a plural' });
        continue;
      }
      const text = message.strings[0] ?? '';
      if (text === '') continue;
      const missing = differ(placeholdersOf(entry.source), placeholdersOf(text));
      if (missing) problems.push({ key, problem: missing });
      else target.set(key, text);
      continue;
    }
    if (message.idPlural === null) {
      problems.push({ key, problem: `is a plural: give ${forms.categories.length} forms` });
      continue;
    }
    if (message.strings.every((s) => s === '')) continue;
    if (message.strings.length !== forms.categories.length || message.strings.includes('')) {
      problems.push({ key, problem: `give all ${forms.categories.length} plural forms` });
      continue;
    }
    const allowed = new Set([
      ...placeholdersOf(entry.source),
      ...placeholdersOf(entry.sourcePlural),
    ]);
    const stray = message.strings.flatMap(placeholdersOf).find((name) => !allowed.has(name));
    if (stray) {
      problems.push({ key, problem: `{${stray}} is not a value this text has` });
      continue;
    }
    target.set(key, message.strings);
  }
  return { catalogue, fuzzy, problems };
}

/** Marked fuzzy, or translated from English other than today's (an empty msgid says nothing). */
function needsReview(entry: CatalogueEntry, message: PoMessage): boolean {
  if (message.flags.includes('fuzzy')) return true;
  if (message.id !== '' && message.id !== entry.source) return true;
  if (entry.kind === 'plural' && message.idPlural !== '' && message.idPlural !== entry.sourcePlural)
    return true;
  return false;
}

function differ(english: string[], translated: string[]): string | null {
  const lost = english.filter((n) => !translated.includes(n));
  if (lost.length > 0) return `keep ${lost.map((n) => `{${n}}`).join(', ')}`;
  const stray = translated.filter((n) => !english.includes(n));
  if (stray.length > 0)
    return `${stray.map((n) => `{${n}}`).join(', ')} is not a value this text has`;
  return null;
}

function pluralFormsOf(lang: string): { categories: Intl.LDMLPluralRule[]; header: string } {
  const forms = PLURAL_FORMS[lang];
  if (!forms) throw new Error(`no plural rules are known for ${lang}`);
  return forms;
}

/** Reads the PO text of several files into one catalogue (later files win). */
export function readCatalogue(args: {
  english: object;
  lang: string;
  files: Array<{ name: string; text: string }>;
}): { catalogue: Catalogue; fuzzy: Catalogue; problems: ImportProblem[] } {
  const catalogue: Catalogue = new Map();
  const fuzzy: Catalogue = new Map();
  const problems: ImportProblem[] = [];
  for (const file of args.files) {
    const read = importCatalogue({ english: args.english, lang: args.lang, text: file.text });
    for (const [key, value] of read.catalogue) {
      catalogue.set(key, value);
      fuzzy.delete(key);
    }
    for (const [key, value] of read.fuzzy) if (!catalogue.has(key)) fuzzy.set(key, value);
    for (const p of read.problems)
      problems.push({ key: `${file.name}: ${p.key}`, problem: p.problem });
  }
  return { catalogue, fuzzy, problems };
}
