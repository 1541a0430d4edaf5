import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DomainProblem,
  type EmailProblem,
  emailDomain,
  emailKey,
  emailLocalPart,
  normaliseDomain,
  normaliseEmail,
} from './email.ts';

function accepted(raw: string): string {
  const result = normaliseEmail(raw);
  if (!result.ok)
    throw new Error(`expected ${JSON.stringify(raw)} to be accepted: ${result.problem.code}`);
  return result.email;
}

function refusal(raw: string): EmailProblem {
  const result = normaliseEmail(raw);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
  return result.problem;
}

/** A problem of the part after the @. */
const afterAt = (problem: DomainProblem): EmailProblem => ({ code: 'domain', problem });
/** A visible character, named as itself. */
const shown = (char: string) => ({ kind: 'shown', char }) as const;

describe('normaliseEmail: what it accepts and how it normalises', () => {
  it('trims, lower-cases the domain and keeps the local part as typed', () => {
    expect(accepted('  Jo.Bloggs@Barnet.GOV.uk\t')).toBe('Jo.Bloggs@barnet.gov.uk');
  });

  it('converts an internationalised domain to Punycode', () => {
    expect(accepted('jo@bücher.example')).toBe('jo@xn--bcher-kva.example');
    expect(accepted('jo@例え.テスト')).toBe('jo@xn--r8jz45g.xn--zckzah');
    expect(accepted('jo@例え。テスト')).toBe('jo@xn--r8jz45g.xn--zckzah');
    expect(accepted('jo@BÜCHER.example')).toBe('jo@xn--bcher-kva.example');
    // Full-width letters mean their ASCII selves (UTS #46), not a look-alike domain.
    expect(accepted('jo@ＥＸＡＭＰＬＥ.com')).toBe('jo@example.com');
  });

  it('treats composed and decomposed accents as one domain', () => {
    expect(accepted('jo@caf\u00e9.fr')).toBe(accepted('jo@cafe\u0301.fr'));
  });

  it('drops one trailing dot from the domain', () => {
    expect(accepted('jo@barnet.gov.uk.')).toBe('jo@barnet.gov.uk');
    expect(refusal('jo@barnet.gov.uk..')).toEqual(afterAt({ code: 'empty-label' }));
  });

  it("accepts every character RFC 5322 allows in a plain local part, O'Brien's too", () => {
    expect(accepted("o'brien@example.org")).toBe("o'brien@example.org");
    expect(accepted("a!#$%&'*+/=?^_`{|}~-z@example.org")).toBe("a!#$%&'*+/=?^_`{|}~-z@example.org");
    expect(accepted('first.middle.last+tag@example.org')).toBe('first.middle.last+tag@example.org');
  });

  it('accepts an address already in Punycode unchanged', () => {
    expect(accepted('jo@xn--bcher-kva.example')).toBe('jo@xn--bcher-kva.example');
  });
});

describe('normaliseEmail: lengths, at their limits', () => {
  const domain = 'example.org';

  it('accepts a 64-character local part and refuses 65', () => {
    expect(accepted(`${'a'.repeat(64)}@${domain}`)).toHaveLength(64 + 1 + domain.length);
    expect(refusal(`${'a'.repeat(65)}@${domain}`)).toEqual({ code: 'local-too-long', max: 64 });
  });

  it('accepts a 254-character address and refuses 255', () => {
    // 64 + 1 + (63 + 1) * 2 + 61 = 254
    const longDomain = (n: number) => `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(n)}.uk`;
    const at254 = `${'a'.repeat(64)}@${longDomain(58)}`;
    expect(at254).toHaveLength(254);
    expect(accepted(at254)).toBe(at254);
    expect(refusal(`${'a'.repeat(64)}@${longDomain(59)}`)).toEqual({ code: 'too-long', max: 254 });
  });

  it('accepts a 63-character label and refuses 64, counting the Punycode form', () => {
    expect(accepted(`a@${'b'.repeat(63)}.uk`)).toBe(`a@${'b'.repeat(63)}.uk`);
    expect(refusal(`a@${'b'.repeat(64)}.uk`)).toEqual(afterAt({ code: 'label-too-long', max: 63 }));
    // 'ü'.repeat(20) is 20 characters but 'xn--' plus 40-odd once encoded: still fine.
    expect(accepted(`a@${'ü'.repeat(20)}.de`)).toMatch(/^a@xn--/);
    // 60 characters typed become more than 63 in Punycode, so it is refused.
    expect(refusal(`a@${'ü'.repeat(60)}.de`)).toEqual(afterAt({ code: 'label-too-long', max: 63 }));
  });

  it('refuses a megabyte of input quickly, without working through it', () => {
    expect(refusal(`${'a'.repeat(1_000_000)}@example.org`)).toEqual({
      code: 'too-long',
      max: 254,
    });
  });
});

describe('normaliseEmail: what it refuses, as codes (views word them)', () => {
  it.each<[string, EmailProblem]>([
    ['', { code: 'empty' }],
    ['   ', { code: 'empty' }],
    ['jo.example.org', { code: 'no-at' }],
    ['jo@@example.org', { code: 'several-at' }],
    ['jo@home@example.org', { code: 'several-at' }],
    ['@example.org', { code: 'local-empty' }],
    ['jo@', afterAt({ code: 'empty' })],
    ['jo@localhost', afterAt({ code: 'no-dot' })],
    ['jo@.example.org', afterAt({ code: 'empty-label' })],
    ['jo@example..org', afterAt({ code: 'empty-label' })],
    ['.jo@example.org', { code: 'local-dot-at-end' }],
    ['jo.@example.org', { code: 'local-dot-at-end' }],
    ['jo..bloggs@example.org', { code: 'local-two-dots' }],
    ['jo bloggs@example.org', { code: 'spaces' }],
    ['jo@exam ple.org', { code: 'spaces' }],
    ['jo\u00a0bloggs@example.org', { code: 'spaces' }],
    ['jo@-example.org', afterAt({ code: 'hyphen' })],
    ['jo@example-.org', afterAt({ code: 'hyphen' })],
    ['jo@example.123', afterAt({ code: 'numeric-end' })],
    // UTS #46 (the platform's, through the DomainNames port): a Punycode label that does
    // not decode, or decodes to something not allowed, is no domain.
    ['jo@xn--a.example', afterAt({ code: 'not-idn' })],
    ['jo@192.168.0.1', afterAt({ code: 'numeric-end' })],
    ['jo@[192.168.0.1]', afterAt({ code: 'character', character: shown('[') })],
    ['jo@exa_mple.org', afterAt({ code: 'character', character: shown('_') })],
    ['jo@😀.org', afterAt({ code: 'character', character: shown('😀') })],
    ['"jo bloggs"@example.org', { code: 'spaces' }],
    ['"jo"@example.org', { code: 'local-character', character: shown('"') }],
    ['jo(comment)@example.org', { code: 'local-character', character: shown('(') }],
    ['josé@example.org', { code: 'local-character', character: shown('é') }],
    ['jo,bloggs@example.org', { code: 'local-character', character: shown(',') }],
  ])('refuses %j: %j', (raw, problem) => {
    expect(refusal(raw)).toEqual(problem);
  });

  it('refuses invisible characters, naming them without echoing them', () => {
    expect(refusal('jo\u200b@example.org')).toEqual({
      code: 'local-character',
      character: { kind: 'invisible' },
    });
    expect(refusal('jo@exam\u200bple.org')).toEqual(
      afterAt({ code: 'character', character: { kind: 'invisible' } }),
    );
    expect(refusal('jo\u0000@example.org')).toEqual({ code: 'control-character' });
  });
});

describe('normaliseEmail: header injection', () => {
  it.each([
    'jo@example.org\r\nBcc: everyone@example.org',
    'jo@example.org\n',
    '\njo@example.org',
    'jo@example.org\r',
    'jo\r\n@example.org',
  ])('refuses a line break anywhere, even where trimming would remove it: %j', (raw) => {
    expect(refusal(raw)).toEqual({ code: 'not-one-line' });
  });

  it.each([
    'Jo Bloggs <jo@example.org>',
    '<jo@example.org>',
    'jo@example.org>',
    'jo<script>@example.org',
  ])('refuses angle brackets anywhere: %j', (raw) => {
    expect(refusal(raw)).toEqual({ code: 'angle-brackets' });
  });

  it('refuses a valid address once any header-breaking character is put anywhere in it', () => {
    const dangerous = fc.constantFrom(
      '\r',
      '\n',
      '<',
      '>',
      '\u0000',
      '\t',
      ' ',
      '"',
      ',',
      ':',
      ';',
    );
    fc.assert(
      fc.property(fc.nat(), dangerous, (at, c) => {
        const address = 'jo.bloggs@barnet.gov.uk';
        const i = at % (address.length + 1);
        // At the very ends, spaces and tabs are trimmed (and harmless), so skip those.
        fc.pre(!((i === 0 || i === address.length) && (c === ' ' || c === '\t')));
        expect(normaliseEmail(address.slice(0, i) + c + address.slice(i)).ok).toBe(false);
      }),
      { numRuns: 1_000 },
    );
  });

  it('never returns an address holding a character that could end or start a header', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (raw) => {
        const result = normaliseEmail(raw);
        if (result.ok) expect(result.email).toMatch(/^[\x21-\x7e]+$/);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('normaliseEmail: properties', () => {
  // Not `xn--`: that starts a Punycode label, which must decode (UTS #46).
  const label = fc
    .stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/)
    .filter((l) => !l.startsWith('xn--'));
  const tld = fc.stringMatching(/^[a-z]{2,6}$/);
  const localPart = fc.stringMatching(/^[A-Za-z0-9_+-]{1,20}(?:\.[A-Za-z0-9_+-]{1,10}){0,2}$/);
  const domain = fc
    .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld)
    .map(([labels, top]) => [...labels, top].join('.'));
  const unicodeLabel = fc
    .array(fc.constantFrom('a', 'b', 'ü', 'é', 'ß', 'д', 'λ', '例', 'テ', '9'), {
      minLength: 1,
      maxLength: 12,
    })
    .map((cs) => cs.join(''));

  it('is idempotent on everything it accepts', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (raw) => {
        const once = normaliseEmail(raw);
        if (once.ok) expect(normaliseEmail(once.email)).toEqual(once);
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(localPart, unicodeLabel, tld, (local, idn, top) => {
        const once = normaliseEmail(`${local}@${idn.toUpperCase()}.${top}`);
        expect(once.ok).toBe(true);
        if (once.ok) expect(normaliseEmail(once.email)).toEqual(once);
      }),
    );
  });

  it('accepts well-formed addresses, keeping the local part and lower-casing the domain', () => {
    fc.assert(
      fc.property(localPart, domain, (local, dom) => {
        expect(normaliseEmail(`${local}@${dom.toUpperCase()}`)).toEqual({
          ok: true,
          email: `${local}@${dom}`,
        });
      }),
    );
  });

  it('gives one key to addresses that differ only in case', () => {
    fc.assert(
      fc.property(localPart, domain, (local, dom) => {
        const upper = accepted(`${local.toUpperCase()}@${dom.toUpperCase()}`);
        const lower = accepted(`${local.toLowerCase()}@${dom}`);
        expect(emailKey(upper)).toBe(emailKey(lower));
      }),
    );
  });
});

describe('emailKey', () => {
  it('is the normalised address in lower case', () => {
    expect(emailKey('Jo.Bloggs@barnet.gov.uk')).toBe('jo.bloggs@barnet.gov.uk');
    expect(emailKey(' Jo.Bloggs@BÜCHER.example ')).toBe('jo.bloggs@xn--bcher-kva.example');
  });

  it('still gives a lower-case key for input it cannot normalise', () => {
    expect(emailKey(' Not An Address ')).toBe('not an address');
  });
});

describe('normaliseDomain and the address helpers', () => {
  it('says why a domain is not one, as a code', () => {
    expect(normaliseDomain('localhost')).toEqual({ ok: false, problem: { code: 'no-dot' } });
    expect(normaliseDomain('Barnet.GOV.uk.')).toEqual({ ok: true, domain: 'barnet.gov.uk' });
  });

  it('splits an address at its @', () => {
    expect(emailDomain('jo@barnet.gov.uk')).toBe('barnet.gov.uk');
    expect(emailLocalPart('jo@barnet.gov.uk')).toBe('jo');
    expect(emailLocalPart('no-at-sign')).toBe('no-at-sign');
  });
});
