import { readCatalogue } from './catalogue/catalogue.ts';
import { compileTranslation } from './catalogue/compile.ts';
import { welshCatalogueFiles } from './cy.ts';
import { en } from './en.ts';

/** Every piece of text a page can show; English (`en.ts`) defines the shape. */
export type Strings = typeof en;

/** The languages the portal speaks, as BCP 47 primary tags (also used in `<html lang>`). */
export const LANGUAGES = ['en', 'cy'] as const;

/** One of the portal's languages. */
export type Lang = (typeof LANGUAGES)[number];

/** The language used when nothing asks for another. */
export const DEFAULT_LANG: Lang = 'en';

/** Where each language's catalogue comes from (English is the table itself). */
const CATALOGUE_FILES: Record<Exclude<Lang, 'en'>, () => Array<{ name: string; text: string }>> = {
  cy: welshCatalogueFiles,
};

type Compiled = { strings: Strings; fallbacks: string[] };
const compiled = new Map<Lang, Compiled>();

function compiledFor(lang: Lang): Compiled {
  let found = compiled.get(lang);
  if (!found) {
    if (lang === 'en') found = { strings: en, fallbacks: [] };
    else {
      const read = readCatalogue({ english: en, lang, files: CATALOGUE_FILES[lang]() });
      // A broken catalogue stops the start with every problem named, not a page later.
      if (read.problems.length > 0)
        throw new Error(
          `the ${lang} string catalogue has problems: ${read.problems
            .map((p) => `${p.key}: ${p.problem}`)
            .join('; ')}`,
        );
      found = compileTranslation(en, read.catalogue, lang);
    }
    compiled.set(lang, found);
  }
  return found;
}

/** The text for a language, with English filling any gap in its catalogue. */
export function stringsFor(lang: Lang): Strings {
  return compiledFor(lang).strings;
}

/**
 * Compiles every language's catalogue now, so a broken one (a lost `{value}`, a missing
 * plural form) stops `sealpost serve` at start, naming each problem, rather than failing
 * the first Welsh page. About 50 ms.
 */
export function compileAllLanguages(): void {
  for (const lang of LANGUAGES) compiledFor(lang);
}

/**
 * The keys a language's catalogue lacks, shown in English on its pages. Empty for a
 * complete translation: a test holds Welsh to that.
 */
export function translationGaps(lang: Lang): string[] {
  return compiledFor(lang).fallbacks;
}

/** True for a value that names one of the portal's languages. */
export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * Chooses the language for a request, first match wins:
 * 1. `?lang=`: an explicit choice in the URL (the language switch and the links of a
 *    page in another language put it there);
 * 2. the signed-in account's saved language (`account.language`, set by the switch);
 * 3. the `sealpost_lang` cookie, set only when a person chooses with the switch (never
 *    from a link or from Accept-Language), so a signed-out choice lasts;
 * 4. the browser's Accept-Language;
 * 5. English.
 * Values that name none of our languages are skipped.
 */
export function pickLanguage(args: {
  /** The `lang` query parameter, if any. */
  query: string | undefined;
  /** The signed-in account's saved language, if any. */
  account?: string | null | undefined;
  /** The `sealpost_lang` cookie, if any. */
  cookie?: string | undefined;
  /** The Accept-Language request header, if any. */
  acceptLanguage: string | undefined;
}): Lang {
  if (isLang(args.query)) return args.query;
  if (isLang(args.account)) return args.account;
  if (isLang(args.cookie)) return args.cookie;
  return fromAcceptLanguage(args.acceptLanguage) ?? DEFAULT_LANG;
}

/**
 * The supported language the browser prefers most, from a header such as
 * `cy-GB,cy;q=0.9,en;q=0.8`; null when it names none of ours. Region subtags are
 * ignored (`cy-GB` is Welsh); `q=0` means "not this one".
 */
export function fromAcceptLanguage(header: string | undefined): Lang | null {
  if (!header) return null;
  let best: { lang: Lang; q: number } | null = null;
  for (const part of header.split(',')) {
    const [range = '', ...params] = part.trim().split(';');
    const primary = range.trim().toLowerCase().split('-')[0];
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number.parseFloat(qParam.slice(2)) : 1;
    if (!isLang(primary) || !(q > 0)) continue;
    // Ties keep the earlier entry: browsers list their first choice first.
    if (!best || q > best.q) best = { lang: primary, q };
  }
  return best?.lang ?? null;
}

/**
 * A link that keeps the reader's language: adds (or replaces) `lang=` on an internal
 * href, keeping the rest of its query and its fragment. Pages use it on links, and
 * redirects on their targets, when the language came from `?lang=` (see
 * `pickLanguage`): a choice made from a link is remembered by nothing else.
 */
export function hrefWithLang(href: string, lang: Lang): string {
  const hashAt = href.indexOf('#');
  const path = hashAt === -1 ? href : href.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : href.slice(hashAt);
  const queryAt = path.indexOf('?');
  const base = queryAt === -1 ? path : path.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : path.slice(queryAt + 1));
  params.set('lang', lang);
  return `${base}?${params.toString()}${hash}`;
}
