import { describe, expect, it } from 'vitest';
import { en } from '../../views/strings/en.ts';
import {
  fromAcceptLanguage,
  hrefWithLang,
  pickLanguage,
  stringsFor,
} from '../../views/strings/index.ts';

describe('pickLanguage', () => {
  it('takes ?lang= first, then the account, then the cookie, then Accept-Language, else English', () => {
    const all = { query: 'cy', account: 'en', cookie: 'en', acceptLanguage: 'en' };
    expect(pickLanguage(all)).toBe('cy');
    expect(pickLanguage({ ...all, query: undefined, account: 'cy' })).toBe('cy');
    expect(
      pickLanguage({ query: undefined, account: 'en', cookie: 'cy', acceptLanguage: 'cy' }),
    ).toBe('en');
    expect(
      pickLanguage({ query: undefined, account: null, cookie: 'cy', acceptLanguage: 'en' }),
    ).toBe('cy');
    expect(pickLanguage({ query: undefined, acceptLanguage: 'cy-GB,en;q=0.5' })).toBe('cy');
    expect(pickLanguage({ query: undefined, acceptLanguage: undefined })).toBe('en');
  });

  it('ignores values it does not speak', () => {
    expect(pickLanguage({ query: 'fr', account: 'de', cookie: 'xx', acceptLanguage: 'de' })).toBe(
      'en',
    );
    expect(pickLanguage({ query: '<script>', account: 'xx', acceptLanguage: 'cy' })).toBe('cy');
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

describe('hrefWithLang', () => {
  it('adds or replaces lang= and keeps the rest of the link', () => {
    expect(hrefWithLang('/inbox', 'cy')).toBe('/inbox?lang=cy');
    expect(hrefWithLang('/inbox?page=2#top', 'cy')).toBe('/inbox?page=2&lang=cy#top');
    expect(hrefWithLang('/inbox?lang=en', 'cy')).toBe('/inbox?lang=cy');
    expect(hrefWithLang('/sign-in?next=%2Finbox%3Fpage%3D2&x=a?b', 'cy')).toBe(
      '/sign-in?next=%2Finbox%3Fpage%3D2&x=a%3Fb&lang=cy',
    );
  });
});
