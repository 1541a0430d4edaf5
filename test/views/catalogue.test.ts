import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  entriesFor,
  exportCatalogue,
  importCatalogue,
} from '../../views/strings/catalogue/catalogue.ts';
import { compileTranslation } from '../../views/strings/catalogue/compile.ts';
import { type CatalogueEntry, catalogueEntries } from '../../views/strings/catalogue/entries.ts';
import {
  catalogueFolder,
  importIntoFolder,
  loadFolder,
  readFolder,
} from '../../views/strings/catalogue/folder.ts';
import { PoSyntaxError, parsePo, writePo } from '../../views/strings/catalogue/po.ts';
import { en } from '../../views/strings/en.ts';
import { stringsFor, translationGaps } from '../../views/strings/index.ts';

/** A small English table shaped like the real one, for the machinery's own tests. */
const sample = {
  title: 'Inbox',
  pageOf: (page: number, pages: number) => `Page ${page} of ${pages}`,
  files: (n: number) => (n === 1 ? '1 file' : `${n} files`),
  ends: (when: Date) => `Ends ${String(when)}`,
  topic: (f: { orgName: string; days: number }) => ({
    title: 'Privacy',
    paragraphs: [`${f.orgName} keeps it for ${f.days} days.`, 'No cookies.'],
    links: [{ text: 'Help', href: '/help' }],
  }),
};

describe('catalogue entries', () => {
  it('reads every string of the English table, functions as templates with named values', () => {
    const entries = catalogueEntries(sample);
    expect(entries).toEqual<CatalogueEntry[]>([
      { key: 'title', kind: 'text', source: 'Inbox' },
      { key: 'pageOf', kind: 'text', source: 'Page {page} of {pages}' },
      {
        key: 'files',
        kind: 'plural',
        source: '{n} file',
        sourcePlural: '{n} files',
        param: 'n',
      },
      { key: 'ends', kind: 'text', source: 'Ends {when}' },
      { key: 'topic.title', kind: 'text', source: 'Privacy' },
      { key: 'topic.paragraphs.0', kind: 'text', source: '{orgName} keeps it for {days} days.' },
      { key: 'topic.paragraphs.1', kind: 'text', source: 'No cookies.' },
      // Addresses are not words: `href` is copied, never translated.
      { key: 'topic.links.0.text', kind: 'text', source: 'Help' },
    ]);
  });

  it('reads the real English table: no value lost to a sentinel, every plural found', () => {
    const entries = entriesFor(en);
    expect(entries.length).toBeGreaterThan(1000);
    const broken = entries.filter((e) =>
      /undefined|\[object|NaN|function/.test(e.kind === 'text' ? e.source : e.sourcePlural),
    );
    expect(broken.map((e) => e.key)).toEqual([]);
    const plurals = entries.filter((e) => e.kind === 'plural').map((e) => e.key);
    expect(plurals).toContain('mailbox.inbox.attachmentCount');
    expect(plurals).toContain('admin.durations.minutes');
    // Text that only prints a value is not mistaken for a plural.
    expect(plurals).not.toContain('components.pagination.pageNumber');
  });
});

describe('PO files', () => {
  it('round-trip: escapes, plurals, comments and the header', () => {
    const file = {
      headers: { Language: 'cy', 'Plural-Forms': 'nplurals=6; plural=0;' },
      messages: [
        {
          comments: ['Keep {name}.'],
          flags: [],
          context: 'a.b',
          id: 'Say "hi"\\ to {name}\n\tnow',
          idPlural: null,
          strings: ['Dywedwch “helô” wrth {name}'],
        },
        {
          comments: [],
          flags: ['fuzzy'],
          context: 'c',
          id: '{n} file',
          idPlural: '{n} files',
          strings: ['0', '1', '2', '3', '4', '5'],
        },
      ],
    };
    expect(parsePo(writePo(file))).toEqual(file);
  });

  it('joins continuation lines as other tools write them', () => {
    const po =
      'msgid ""\nmsgstr ""\n"Language: cy\\n"\n\nmsgctxt "k"\nmsgid ""\n"Long "\n"text"\nmsgstr ""\n"Testun "\n"hir"\n';
    const parsed = parsePo(po);
    expect(parsed.headers).toEqual({ Language: 'cy' });
    expect(parsed.messages[0]).toMatchObject({
      context: 'k',
      id: 'Long text',
      strings: ['Testun hir'],
    });
  });

  it('names the line of a syntax error', () => {
    expect(() => parsePo('msgctxt "a"\nmsgid "b\nmsgstr ""\n')).toThrow(PoSyntaxError);
    expect(() => parsePo('msgctxt "a"\nmsgid "b"\nmsgstr "c\\q"\n')).toThrow(/line 3/);
  });
});

describe('import checks', () => {
  const po = (body: string) => `msgid ""\nmsgstr ""\n"Language: cy\\n"\n\n${body}\n`;

  it('refuses unknown keys, lost or stray placeholders and incomplete plurals, each named', () => {
    const { catalogue, problems } = importCatalogue({
      english: sample,
      lang: 'cy',
      text: po(
        [
          'msgctxt "nope"\nmsgid "x"\nmsgstr "y"',
          'msgctxt "pageOf"\nmsgid ""\nmsgstr "Tudalen {page}"',
          'msgctxt "title"\nmsgid ""\nmsgstr "Mewnflwch {name}"',
          'msgctxt "files"\nmsgid ""\nmsgid_plural ""\nmsgstr[0] "dim"\nmsgstr[1] "{n} ffeil"',
        ].join('\n\n'),
      ),
    });
    expect(catalogue.size).toBe(0);
    expect(problems).toEqual([
      { key: 'nope', problem: 'no such string' },
      { key: 'pageOf', problem: 'keep {pages}' },
      { key: 'title', problem: '{name} is not a value this text has' },
      { key: 'files', problem: 'give all 6 plural forms' },
    ]);
  });

  it('refuses a file for another language, and leaves empty translations out', () => {
    const other = importCatalogue({
      english: sample,
      lang: 'cy',
      text: 'msgid ""\nmsgstr ""\n"Language: fr\\n"\n',
    });
    expect(other.problems).toEqual([{ key: '(header)', problem: 'the file is for fr, not cy' }]);
    const skipped = importCatalogue({
      english: sample,
      lang: 'cy',
      text: po(
        '#, fuzzy\nmsgctxt "title"\nmsgid ""\nmsgstr "Mewnflwch"\n\nmsgctxt "topic.title"\nmsgid ""\nmsgstr ""',
      ),
    });
    expect(skipped).toEqual({
      catalogue: new Map(),
      fuzzy: new Map([['title', 'Mewnflwch']]),
      problems: [],
    });
  });

  it('holds back for review what was translated from English that has since changed', () => {
    const read = importCatalogue({
      english: sample,
      lang: 'cy',
      text: po(
        [
          'msgctxt "title"\nmsgid "Your inbox"\nmsgstr "Eich mewnflwch"',
          'msgctxt "topic.title"\nmsgid "Privacy"\nmsgstr "Preifatrwydd"',
        ].join('\n\n'),
      ),
    });
    expect(read.catalogue).toEqual(new Map([['topic.title', 'Preifatrwydd']]));
    expect(read.fuzzy).toEqual(new Map([['title', 'Eich mewnflwch']]));
    // Exported for the translator: today's English, their old Welsh, marked fuzzy.
    const exported = exportCatalogue({
      english: sample,
      lang: 'cy',
      catalogue: read.catalogue,
      fuzzy: read.fuzzy,
      untranslatedOnly: true,
    });
    expect(exported).toContain('#, fuzzy\nmsgctxt "title"\nmsgid "Inbox"\nmsgstr "Eich mewnflwch"');
    expect(exported).not.toContain('topic.title');
  });
});

describe('compiled translations', () => {
  const catalogue = new Map<string, string | string[]>([
    ['title', 'Mewnflwch'],
    ['pageOf', 'Tudalen {page} o {pages}'],
    [
      'files',
      ['Dim ffeiliau', '{n} ffeil', '{n} ffeil', '{n} ffeil', '{n} o ffeiliau', '{n} ffeil'],
    ],
    ['ends', 'Yn dod i ben {when}'],
    ['topic.title', 'Preifatrwydd'],
    ['topic.paragraphs.0', 'Mae {orgName} yn ei gadw am {days} diwrnod.'],
    ['topic.paragraphs.1', 'Dim cwcis.'],
    ['topic.links.0.text', 'Cymorth'],
  ]);

  it('fills values, formats numbers and dates for the language, and keeps addresses', () => {
    const { strings, fallbacks } = compileTranslation(sample, catalogue, 'cy');
    expect(fallbacks).toEqual([]);
    expect(strings.title).toBe('Mewnflwch');
    expect(strings.pageOf(1200, 3)).toBe('Tudalen 1,200 o 3');
    expect(strings.ends(new Date('2026-03-27T12:00:00Z'))).toBe('Yn dod i ben 27 Mawrth 2026');
    expect(strings.topic({ orgName: 'Cyngor Gwynedd', days: 30 })).toEqual({
      title: 'Preifatrwydd',
      paragraphs: ['Mae Cyngor Gwynedd yn ei gadw am 30 diwrnod.', 'Dim cwcis.'],
      links: [{ text: 'Cymorth', href: '/help' }],
    });
  });

  it('chooses each of the six Welsh plural forms with Intl.PluralRules', () => {
    const { strings } = compileTranslation(sample, catalogue, 'cy');
    expect([0, 1, 2, 3, 6, 4].map((n) => strings.files(n))).toEqual([
      'Dim ffeiliau',
      '1 ffeil',
      '2 ffeil',
      '3 ffeil',
      '6 o ffeiliau',
      '4 ffeil',
    ]);
  });

  it('keeps a part-translated function whole in English and lists every gap', () => {
    const partial = new Map(catalogue);
    partial.delete('topic.paragraphs.1');
    partial.delete('title');
    const { strings, fallbacks } = compileTranslation(sample, partial, 'cy');
    expect(fallbacks).toEqual(['title', 'topic']);
    expect(strings.title).toBe('Inbox');
    expect(strings.topic({ orgName: 'X', days: 2 }).title).toBe('Privacy');
  });
});

describe('the Welsh catalogue', () => {
  /** Text that is rightly the same in both languages: names, and values alone. */
  const SAME_IN_WELSH = new Set([
    // Language names are written in their own language.
    'common.languageNames.en',
    'common.languageNames.cy',
    // Mail clients everywhere, Welsh ones too, write and recognise these prefixes.
    'mailbox.reply.subjectPrefix',
    'mailbox.forward.asNew.subjectPrefix',
    // Units, as Welsh GOV.UK pages write them.
    'mailbox.sizes.kb',
    'mailbox.sizes.mb',
    'mailbox.sizes.gb',
  ]);
  const isOnlyValues = (text: string) =>
    text.replace(/\{\w+\}/g, '').replace(/[\s(),:·<>–-]/g, '') === '';

  it('has no problems, nothing waiting for review and no gaps: no Welsh page shows English', () => {
    const { problems, fuzzy } = loadFolder(en, 'cy', catalogueFolder('cy'));
    expect(problems).toEqual([]);
    expect([...fuzzy.keys()]).toEqual([]);
    expect(translationGaps('cy')).toEqual([]);
  });

  it('says nothing in English: no translation is the English text itself', () => {
    const { catalogue } = loadFolder(en, 'cy', catalogueFolder('cy'));
    const same = entriesFor(en)
      .filter((e) => e.kind === 'text' && catalogue.get(e.key) === e.source)
      .filter((e) => e.kind === 'text' && !SAME_IN_WELSH.has(e.key) && !isOnlyValues(e.source))
      .map((e) => e.key);
    expect(same).toEqual([]);
  });

  it('round-trips through export and import without loss', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'sealpost-cy-'));
    cpSync(catalogueFolder('cy'), folder, { recursive: true });
    const before = loadFolder(en, 'cy', folder).catalogue;
    const exported = exportCatalogue({ english: en, lang: 'cy', catalogue: before });
    const imported = importIntoFolder({ english: en, lang: 'cy', folder, text: exported });
    expect(imported).toEqual({
      ok: true,
      summary: {
        read: before.size,
        changed: 0,
        untranslated: entriesFor(en).length - before.size,
        review: 0,
      },
    });
    const after = loadFolder(en, 'cy', folder).catalogue;
    expect(after).toEqual(before);
    expect(exportCatalogue({ english: en, lang: 'cy', catalogue: after })).toBe(exported);
    // The folder is left canonical: one file per area, each as an export writes it.
    for (const { name, text } of readFolder(folder))
      expect(text).toBe(
        exportCatalogue({
          english: en,
          lang: 'cy',
          catalogue: after,
          area: name.replace(/\.po$/, ''),
        }),
      );
  });

  it('is the catalogue the pages use', () => {
    const { catalogue } = loadFolder(en, 'cy', catalogueFolder('cy'));
    expect(stringsFor('cy').layout.skipLink).toBe(catalogue.get('layout.skipLink'));
    expect(readFileSync(path.join(catalogueFolder('cy'), 'layout.po'), 'utf8')).toContain(
      'msgctxt "layout.skipLink"',
    );
  });
});
