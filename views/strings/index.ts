import { cy } from './cy.ts';
import { en } from './en.ts';

/** Every piece of text a page can show; English (`en.ts`) defines the shape. */
export type Strings = typeof en;

/** A language's text: any key may be missing and then falls back to English. */
export type Translation = DeepPartial<Strings>;

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (...args: never[]) => unknown
    ? T[K]
    : T[K] extends object
      ? DeepPartial<T[K]>
      : T[K];
};

/** The languages the portal speaks, as BCP 47 primary tags (also used in `<html lang>`). */
export const LANGUAGES = ['en', 'cy'] as const;

/** One of the portal's languages. */
export type Lang = (typeof LANGUAGES)[number];

/** The language used when nothing asks for another. */
export const DEFAULT_LANG: Lang = 'en';

const TRANSLATIONS: Record<Lang, Translation> = { en, cy };
const merged = new Map<Lang, Strings>();

/** The text for a language, with English filling any gap in the translation. */
export function stringsFor(lang: Lang): Strings {
  let strings = merged.get(lang);
  if (!strings) {
    strings = withFallback(en, TRANSLATIONS[lang]) as Strings;
    merged.set(lang, strings);
  }
  return strings;
}

/** True for a value that names one of the portal's languages. */
export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * Chooses the language for a request: `?lang=` first (the language switch puts it on
 * links), then a language cookie (only ever set after sign-in: no cookie may be set
 * before it, so a signed-out choice travels in the URL), then the browser's
 * Accept-Language, else English.
 */
export function pickLanguage(args: {
  /** The `lang` query parameter, if any. */
  query: string | undefined;
  /** A signed-in person's saved choice, if any. */
  cookie?: string | undefined;
  /** The Accept-Language request header, if any. */
  acceptLanguage: string | undefined;
}): Lang {
  if (isLang(args.query)) return args.query;
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
 * A link that keeps the reader's language: adds `lang=` to an internal href. Pages
 * use it on links when the language came from `?lang=` (see `pickLanguage`), since no
 * cookie remembers a signed-out choice.
 */
export function hrefWithLang(href: string, lang: Lang): string {
  const hashAt = href.indexOf('#');
  const path = hashAt === -1 ? href : href.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : href.slice(hashAt);
  const [base = '', query = ''] = path.split('?', 2);
  const params = new URLSearchParams(query);
  params.set('lang', lang);
  return `${base}?${params.toString()}${hash}`;
}

function withFallback(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(base)) out[key] = withFallback(base[key], override[key]);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
