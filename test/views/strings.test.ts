import { describe, expect, it } from 'vitest';
import { cy } from '../../views/strings/cy.ts';
import { en } from '../../views/strings/en.ts';
import {
  fromAcceptLanguage,
  hrefWithLang,
  pickLanguage,
  stringsFor,
} from '../../views/strings/index.ts';

describe('pickLanguage', () => {
  it('takes ?lang= first, then the cookie, then Accept-Language, else English', () => {
    expect(pickLanguage({ query: 'cy', cookie: 'en', acceptLanguage: 'en' })).toBe('cy');
    expect(pickLanguage({ query: undefined, cookie: 'cy', acceptLanguage: 'en' })).toBe('cy');
    expect(pickLanguage({ query: undefined, acceptLanguage: 'cy-GB,en;q=0.5' })).toBe('cy');
    expect(pickLanguage({ query: undefined, acceptLanguage: undefined })).toBe('en');
  });

  it('ignores values it does not speak', () => {
    expect(pickLanguage({ query: 'fr', cookie: 'xx', acceptLanguage: 'de' })).toBe('en');
    expect(pickLanguage({ query: '<script>', acceptLanguage: 'cy' })).toBe('cy');
  });
});

describe('fromAcceptLanguage', () => {
  it('honours q-values and regions, and q=0 means no', () => {
    expect(fromAcceptLanguage('en-GB,en;q=0.9,cy;q=0.8')).toBe('en');
    expect(fromAcceptLanguage('fr,cy;q=0.9,en;q=0.8')).toBe('cy');
    expect(fromAcceptLanguage('en;q=0.2, CY-gb;q=0.7')).toBe('cy');
    expect(fromAcceptLanguage('cy;q=0,en;q=0.1')).toBe('en');
    expect(fromAcceptLanguage('fr, de')).toBeNull();
    expect(fromAcceptLanguage('')).toBeNull();
  });
});

describe('stringsFor', () => {
  it('fills gaps in a translation with English', () => {
    const welsh = stringsFor('cy');
    expect(welsh.layout.skipLink).toBe(cy.layout?.skipLink);
    expect(welsh.errors.serverError.reference('x')).toBe(en.errors.serverError.reference('x'));
    expect(welsh.common.languageNames).toEqual({ en: 'English', cy: 'Cymraeg' });
  });

  it('gives a Welsh key for nothing English lacks (the type checks it; this checks the shape)', () => {
    const walk = (translation: unknown, english: unknown, path: string): string[] => {
      if (typeof translation !== 'object' || translation === null) return [];
      return Object.entries(translation).flatMap(([key, value]) => {
        const base = (english as Record<string, unknown>)[key];
        if (base === undefined) return [`${path}${key}`];
        if (typeof value !== typeof base) return [`${path}${key} (type)`];
        return walk(value, base, `${path}${key}.`);
      });
    };
    expect(walk(cy, en, '')).toEqual([]);
  });
});

describe('hrefWithLang', () => {
  it('adds or replaces lang= and keeps the rest of the link', () => {
    expect(hrefWithLang('/inbox', 'cy')).toBe('/inbox?lang=cy');
    expect(hrefWithLang('/inbox?page=2#top', 'cy')).toBe('/inbox?page=2&lang=cy#top');
    expect(hrefWithLang('/inbox?lang=en', 'cy')).toBe('/inbox?lang=cy');
  });
});
