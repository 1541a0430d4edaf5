import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseEmail } from '../accounts/email.ts';
import { isAllowedAddress, parseDomainList } from './allowed-domains.ts';

const BARNET = ['barnet.gov.uk'];

function allowed(email: string, allowSubdomains = false, allowedDomains = BARNET): boolean {
  return isAllowedAddress({ email, allowedDomains, allowSubdomains });
}

describe('isAllowedAddress', () => {
  it('admits an address at an allowed domain, whatever its case', () => {
    expect(allowed('a@barnet.gov.uk')).toBe(true);
    expect(allowed('A.Person@BARNET.Gov.UK')).toBe(true);
    expect(allowed('a@barnet.gov.uk', false, ['Barnet.GOV.uk'])).toBe(true);
  });

  it('admits a subdomain only when subdomains are allowed', () => {
    expect(allowed('a@hr.barnet.gov.uk', false)).toBe(false);
    expect(allowed('a@hr.barnet.gov.uk', true)).toBe(true);
    expect(allowed('a@x.y.hr.barnet.gov.uk', true)).toBe(true);
  });

  it('never admits a look-alike that merely ends with the same letters', () => {
    for (const subdomains of [false, true]) {
      expect(allowed('a@evilbarnet.gov.uk', subdomains)).toBe(false);
      expect(allowed('a@evil-barnet.gov.uk', subdomains)).toBe(false);
      expect(allowed('a@barnet.gov.uk.evil.example', subdomains)).toBe(false);
      expect(allowed('a@gov.uk', subdomains)).toBe(false);
      expect(allowed('a@barnet.gov', subdomains)).toBe(false);
    }
  });

  it('never admits a parent domain, even with subdomains allowed', () => {
    expect(allowed('a@barnet.gov.uk', true, ['hr.barnet.gov.uk'])).toBe(false);
  });

  it('handles a trailing dot on either side', () => {
    expect(allowed('a@barnet.gov.uk.')).toBe(true);
    expect(allowed('a@barnet.gov.uk', false, ['barnet.gov.uk.'])).toBe(true);
    expect(allowed('a@hr.barnet.gov.uk.', true, ['barnet.gov.uk.'])).toBe(true);
  });

  it('compares internationalised domains in Punycode, however each side is written', () => {
    expect(allowed('a@bücher.example', false, ['xn--bcher-kva.example'])).toBe(true);
    expect(allowed('a@xn--bcher-kva.example', false, ['Bücher.example'])).toBe(true);
    expect(allowed('a@BÜCHER.example', false, ['bücher.example'])).toBe(true);
    expect(allowed('a@teil.bücher.example', true, ['bücher.example'])).toBe(true);
    expect(allowed('a@bucher.example', false, ['bücher.example'])).toBe(false);
  });

  it('never admits an address that is not valid', () => {
    expect(allowed('barnet.gov.uk')).toBe(false);
    expect(allowed('@barnet.gov.uk')).toBe(false);
    expect(allowed('a@barnet.gov.uk\r\nBcc: x@evil.example')).toBe(false);
    expect(allowed('Evil <a@barnet.gov.uk>')).toBe(false);
    expect(allowed('a@evil.example@barnet.gov.uk')).toBe(false);
    expect(allowed('"a@evil.example"@barnet.gov.uk')).toBe(false);
  });

  it('matches nothing against an empty list or an entry that is not a domain', () => {
    expect(allowed('a@barnet.gov.uk', true, [])).toBe(false);
    expect(allowed('a@uk', true, ['uk'])).toBe(false);
    expect(allowed('a@x.uk', true, [''])).toBe(false);
    expect(allowed('a@x.uk', true, ['.'])).toBe(false);
  });

  it('checks every entry in the list', () => {
    const domains = ['camden.gov.uk', 'barnet.gov.uk'];
    expect(allowed('a@barnet.gov.uk', false, domains)).toBe(true);
    expect(allowed('a@camden.gov.uk', false, domains)).toBe(true);
    expect(allowed('a@enfield.gov.uk', false, domains)).toBe(false);
  });
});

describe('isAllowedAddress: properties', () => {
  // Not `xn--`: that starts a Punycode label, which must decode (UTS #46).
  const label = fc
    .stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/)
    .filter((l) => !l.startsWith('xn--'));
  const domain = fc
    .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,4}$/))
    .map(([labels, top]) => [...labels, top].join('.'));
  const local = fc
    .stringMatching(/^[a-z0-9._+-]{0,12}[a-z0-9]$/)
    .filter((s) => !/^\.|\.\./.test(s));
  // Anything that could come before the allowed domain in a hostile address.
  const prefix = fc.stringMatching(/^[a-z0-9.-]{1,12}$/);

  it('admits x@<allowed> in any case, with or without subdomains', () => {
    fc.assert(
      fc.property(local, domain, fc.boolean(), (x, d, subdomains) => {
        expect(allowed(`${x}@${d.toUpperCase()}`, subdomains, [d])).toBe(true);
      }),
    );
  });

  it('admits x@<prefix><allowed> only when the prefix ends with a dot and subdomains are on', () => {
    fc.assert(
      fc.property(local, prefix, domain, fc.boolean(), (x, p, d, subdomains) => {
        const address = `${x}@${p}${d}`;
        const result = allowed(address, subdomains, [d]);
        // A prefix ending with a dot may still make an invalid address ('a..', '-.'),
        // which must be refused like any other: so admitted means exactly "valid".
        const expected = p.endsWith('.') && subdomains && normaliseEmail(address).ok;
        expect(result).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('admits a valid subdomain whenever subdomains are on', () => {
    fc.assert(
      fc.property(local, label, domain, (x, sub, d) => {
        expect(allowed(`${x}@${sub}.${d}`, true, [d])).toBe(true);
        expect(allowed(`${x}@${sub}.${d}`, false, [d])).toBe(false);
      }),
    );
  });

  it('never admits x@<allowed>.<suffix>', () => {
    fc.assert(
      fc.property(local, domain, domain, fc.boolean(), (x, d, suffix, subdomains) => {
        // 'a.uk' + '.' + 'a.uk' really is a subdomain of a.uk: not the case under test.
        fc.pre(!suffix.endsWith(d));
        expect(allowed(`${x}@${d}.${suffix}`, subdomains, [d])).toBe(false);
      }),
    );
  });
});

describe('parseDomainList', () => {
  it('reads commas, spaces and new lines, normalising and de-duplicating', () => {
    expect(
      parseDomainList(' Barnet.gov.uk, hr.barnet.gov.uk\nbarnet.gov.uk.;bücher.example '),
    ).toEqual({
      ok: true,
      domains: ['barnet.gov.uk', 'hr.barnet.gov.uk', 'xn--bcher-kva.example'],
    });
    expect(parseDomainList('')).toEqual({ ok: true, domains: [] });
  });

  it('forgives a leading @', () => {
    expect(parseDomainList('@barnet.gov.uk')).toEqual({ ok: true, domains: ['barnet.gov.uk'] });
  });

  it('lists every entry that is not a domain, keeping the good ones', () => {
    expect(parseDomainList('barnet.gov.uk, localhost, *.camden.gov.uk, bad_domain.org')).toEqual({
      ok: false,
      domains: ['barnet.gov.uk'],
      problems: [
        { code: 'not-a-domain', item: 'localhost', problem: { code: 'no-dot' } },
        { code: 'wildcard', item: '*.camden.gov.uk' },
        {
          code: 'not-a-domain',
          item: 'bad_domain.org',
          problem: { code: 'character', character: { kind: 'shown', char: '_' } },
        },
      ],
    });
  });
});
