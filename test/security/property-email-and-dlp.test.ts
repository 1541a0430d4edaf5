import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAllowedAddress } from '../../core/access/allowed-domains.ts';
import { emailKey, normaliseEmail } from '../../core/accounts/email.ts';
import type { InboundMail } from '../../core/gateway/ports.ts';
import { bankAccountDetector, findBankAccounts } from '../../plugins/dlp/bank-account.ts';
import { dlpPolicy } from '../../plugins/dlp/dlp-policy.ts';
import {
  findNhsNumbers,
  isValidNhsNumber,
  nhsCheckDigit,
  nhsNumberDetector,
} from '../../plugins/dlp/nhs-number.ts';
import { findNiNumbers, isValidNiNumber, niNumberDetector } from '../../plugins/dlp/ni-number.ts';
import {
  findCardNumbers,
  isCardNumber,
  isLuhnValid,
  paymentCardDetector,
} from '../../plugins/dlp/payment-card.ts';
import { emailProblemText } from '../../views/codes.ts';
import { LANGUAGES, stringsFor } from '../../views/strings/index.ts';
import { countCases, runsFor } from './support/counts.ts';

/** Text that stresses address parsers: header breaks, brackets, quotes, odd Unicode. */
const hostileAddress = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.emailAddress(),
  fc
    .array(
      fc.constantFrom(
        'a',
        'Z',
        '0',
        '.',
        '..',
        '@',
        '@@',
        '-',
        '_',
        '+',
        '"',
        '<',
        '>',
        '(',
        ')',
        ',',
        ';',
        ':',
        '\\',
        '[',
        ']',
        ' ',
        '\t',
        '\r',
        '\n',
        '\r\n',
        '\u0000',
        '\u00a0',
        '\u200b',
        '\u202e',
        '\uff21',
        '\u0430',
        '\u3002',
        'xn--',
        'barnet',
        'gov',
        'uk',
        'evil',
        'example',
        'Bcc:',
      ),
      { maxLength: 24 },
    )
    .map((parts) => parts.join('')),
);

describe('property: email addresses', () => {
  it('never throws, and what it accepts is one plain, header-safe address, stable under repetition', ({
    task,
  }) => {
    const runs = runsFor(20_000);
    fc.assert(
      fc.property(hostileAddress, (raw) => {
        const result = normaliseEmail(raw);
        if (/[\r\n]/.test(raw)) expect(result.ok).toBe(false);
        if (!result.ok) {
          for (const lang of LANGUAGES)
            expect(emailProblemText(stringsFor(lang), result.problem).length).toBeGreaterThan(0);
          return;
        }
        const { email } = result;
        // biome-ignore lint/suspicious/noControlCharactersInRegex: none may reach a header.
        expect(email).not.toMatch(/[\s<>"(),;:\\[\]\u0000-\u001f\u007f]/u);
        expect(email.split('@')).toHaveLength(2);
        expect(email.length).toBeLessThanOrEqual(254);
        expect(email).toMatch(/^[\x21-\x7e]+$/);
        const again = normaliseEmail(email);
        expect(again).toEqual({ ok: true, email });
        expect(emailKey(email)).toBe(email.toLowerCase());
      }),
      { numRuns: runs },
    );
    countCases(task, 'property: email and allowed domains', runs);
  });

  it('accepts ordinary addresses', ({ task }) => {
    const runs = runsFor(5_000);
    const ordinary = fc
      .tuple(
        fc.stringMatching(/^[a-z0-9]([a-z0-9._+-]{0,20}[a-z0-9])?$/),
        fc.array(
          // `xn--` would start a Punycode label, which must decode (UTS #46).
          fc
            .stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/)
            .filter((l) => !l.startsWith('xn--')),
          { minLength: 1, maxLength: 3 },
        ),
        fc.constantFrom('uk', 'org', 'com', 'gov.uk', 'nhs.net', 'cymru'),
      )
      .filter(([local]) => !local.includes('..'))
      .map(([local, labels, tld]) => `${local}@${labels.join('.')}.${tld}`);
    fc.assert(
      fc.property(ordinary, (address) => {
        expect(normaliseEmail(address)).toEqual({ ok: true, email: address });
      }),
      { numRuns: runs },
    );
    countCases(task, 'property: email and allowed domains', runs);
  });
});

describe('property: the allowed-domain rule', () => {
  // Valid host-name labels. `xn--` starts a Punycode A-label, which must decode (UTS #46
  // refuses `xn--a`), so generated labels never start with it; the test below that
  // looks at A-labels uses real ones.
  const label = fc
    .stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/)
    .filter((l) => !l.startsWith('xn--'));
  const domain = fc
    .array(label, { minLength: 2, maxLength: 4 })
    .map((labels) => labels.join('.'))
    .filter((d) => !/\.[0-9]+$/.test(d));
  const local = fc
    .stringMatching(/^[a-z0-9]([a-z0-9._+-]{0,10}[a-z0-9])?$/)
    .filter((l) => !l.includes('..'));

  it('admits exactly the domain (and, when asked, names under it), by whole labels', ({ task }) => {
    const runs = runsFor(5_000);
    fc.assert(
      fc.property(domain, local, label, fc.boolean(), (entry, who, extra, subdomains) => {
        const allowed = (email: string, entries = [entry]) =>
          isAllowedAddress({ email, allowedDomains: entries, allowSubdomains: subdomains });
        expect(allowed(`${who}@${entry}`)).toBe(true);
        expect(allowed(`${who}@${entry.toUpperCase()}.`)).toBe(true);
        expect(allowed(`${who}@${extra}.${entry}`)).toBe(subdomains);
        // Look-alikes that merely share letters are never admitted.
        expect(allowed(`${who}@${extra}${entry}`)).toBe(false);
        expect(allowed(`${who}@${extra}-${entry}`)).toBe(false);
        expect(allowed(`${who}@${entry}.${extra}.example`)).toBe(false);
        expect(allowed(`${who}@${entry}`, [`${extra}.${entry}`])).toBe(false);
        // Nothing that is not one valid address gets through, however it ends.
        expect(allowed(`${who}@evil.example,${who}@${entry}`)).toBe(false);
        expect(allowed(`${who}@evil.example\r\nBcc: ${who}@${entry}`)).toBe(false);
        expect(allowed(`"${who}@evil.example"@${entry}`)).toBe(false);
        expect(allowed(`${who}@evil.example <${who}@${entry}>`)).toBe(false);
        // A Cyrillic look-alike is another domain.
        expect(allowed(`${who}@${entry.replace(/a/, '\u0430')}`)).toBe(!entry.includes('a'));
      }),
      { numRuns: runs },
    );
    countCases(task, 'property: email and allowed domains', runs * 12);
  });

  it('fails closed for any input', ({ task }) => {
    const runs = runsFor(10_000);
    fc.assert(
      fc.property(hostileAddress, fc.boolean(), (raw, subdomains) => {
        const admitted = isAllowedAddress({
          email: raw,
          allowedDomains: ['barnet.gov.uk'],
          allowSubdomains: subdomains,
        });
        if (!admitted) return;
        const result = normaliseEmail(raw);
        expect(result.ok).toBe(true);
        const host = result.ok ? (result.email.split('@')[1] ?? '') : '';
        expect(host === 'barnet.gov.uk' || (subdomains && host.endsWith('.barnet.gov.uk'))).toBe(
          true,
        );
      }),
      { numRuns: runs },
    );
    countCases(task, 'property: email and allowed domains', runs);
  });
});

// ---- DLP ------------------------------------------------------------------------------

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const nhsNumber = fc
  .array(digit, { minLength: 9, maxLength: 9 })
  .map((d) => d.join(''))
  .filter((nine) => nhsCheckDigit(nine) !== null)
  .map((nine) => `${nine}${nhsCheckDigit(nine)}`)
  .filter((ten) => isValidNhsNumber(ten));
const visa = fc
  .array(digit, { minLength: 14, maxLength: 14 })
  .map((d) => `4${d.join('')}`)
  .map((fifteen) => {
    for (let check = 0; check < 10; check++) {
      if (isLuhnValid(`${fifteen}${check}`)) return `${fifteen}${check}`;
    }
    return '';
  });
const niNumber = fc
  .tuple(
    fc.constantFrom(...'ABCEGHJKLMNPRSTWXYZ'),
    fc.constantFrom(...'ABCEGHJKLMNPRSTWXYZ'),
    fc.array(digit, { minLength: 6, maxLength: 6 }),
    fc.constantFrom('A', 'B', 'C', 'D'),
  )
  .map(([a, b, d, s]) => `${a}${b}${d.join('')}${s}`)
  .filter((v) => isValidNiNumber(v));
/** Text around a number that does not run into it (no digit or letter touching it). */
const around = fc.tuple(
  fc.string({ maxLength: 30 }).map((s) => `${s} `),
  fc.string({ maxLength: 30 }).map((s) => ` ${s}`),
);
const digitsHeavy = fc
  .array(fc.oneof(digit, fc.constantFrom(' ', '-', '\u00a0', '\n', 'A', 'B', 'C', 'D', 'Z', ':')), {
    maxLength: 200,
  })
  .map((parts) => parts.join(''));

describe('property: DLP detectors', () => {
  it('report only numbers that pass their checks, from any text', ({ task }) => {
    const runs = runsFor(10_000);
    fc.assert(
      fc.property(fc.oneof(digitsHeavy, fc.string({ maxLength: 200 })), (text) => {
        for (const found of findNhsNumbers(text)) expect(isValidNhsNumber(found)).toBe(true);
        for (const found of findCardNumbers(text)) expect(isCardNumber(found)).toBe(true);
        for (const found of findNiNumbers(text)) expect(isValidNiNumber(found)).toBe(true);
        for (const found of findBankAccounts(text)) expect(found).toMatch(/^\d{6}:\d{8}$/);
      }),
      { numRuns: runs },
    );
    countCases(task, 'property: DLP detectors', runs);
  });

  it('find a number however it is written and wherever it sits', ({ task }) => {
    const runs = runsFor(3_000);
    fc.assert(
      fc.property(
        nhsNumber,
        visa,
        niNumber,
        around,
        fc.constantFrom('', ' ', '-'),
        (nhs, card, ni, [before, after], sep) => {
          // With its label, as it is written in council mail: any valid ten digits on
          // their own are not taken for one (nhs-number.ts says when they are).
          const nhsText = `NHS number: ${
            sep ? `${nhs.slice(0, 3)}${sep}${nhs.slice(3, 6)}${sep}${nhs.slice(6)}` : nhs
          }`;
          expect(findNhsNumbers(`${before}${nhsText}${after}`)).toContain(nhs);
          const cardText = sep ? card.replace(/(\d{4})(?=\d)/g, `$1${sep}`) : card;
          // Digits right after it may extend it into a longer number that is a valid card
          // too (e.g. 16 + " 723" into 19 digits passing Luhn): then the longest is
          // reported, by design (payment-card.ts). Either way a card is found there.
          const cards = findCardNumbers(`${before}${cardText}${after}`);
          expect(
            cards.some((found) => found.startsWith(card)),
            cards.join(),
          ).toBe(true);
          const niText =
            sep === ' '
              ? `${ni.slice(0, 2)} ${ni.slice(2, 4)} ${ni.slice(4, 6)} ${ni.slice(6, 8)} ${ni.slice(8)}`
              : ni;
          expect(findNiNumbers(`${before}${niText.toLowerCase()}${after}`)).toContain(ni);
        },
      ),
      { numRuns: runs },
    );
    countCases(task, 'property: DLP detectors', runs * 3);
  });

  it('never put a number found into the reasons written to the audit log', async ({ task }) => {
    const policy = dlpPolicy({
      detectors: [
        nhsNumberDetector({ threshold: 1 }),
        niNumberDetector({ threshold: 1 }),
        paymentCardDetector({ threshold: 1 }),
        bankAccountDetector({ threshold: 2 }),
      ],
    });
    const runs = runsFor(1_000);
    await fc.assert(
      fc.asyncProperty(nhsNumber, visa, niNumber, digitsHeavy, async (nhs, card, ni, noise) => {
        const mail = {
          subject: `Re ${ni}`,
          headers: { subject: [`Re ${ni}`] },
          text: `${noise} ${nhs} ${card} sort code 12-34-56 account 12345678`,
          attachments: [],
        } as unknown as InboundMail;
        const decision = await policy.evaluate({ mail } as Parameters<typeof policy.evaluate>[0]);
        expect(decision.action).toBe('encrypt');
        const reasons = decision.reasons.join(' ');
        for (const value of [nhs, card, ni, '12345678', '123456'])
          expect(reasons).not.toContain(value);
        expect(reasons).not.toMatch(/\d{5,}/);
      }),
      { numRuns: runs },
    );
    countCases(task, 'property: DLP detectors', runs);
  });

  it('scan a few megabytes of hostile text in linear time', ({ task }) => {
    const inputs = [
      '1'.repeat(2_000_000),
      '123 456 '.repeat(250_000),
      '4111-'.repeat(400_000),
      'AB 12 34 56 '.repeat(150_000),
      '12-34-56 '.repeat(200_000),
      `${'9'.repeat(13)} `.repeat(140_000),
    ];
    for (const text of inputs) {
      const started = performance.now();
      findNhsNumbers(text);
      findCardNumbers(text);
      findNiNumbers(text);
      findBankAccounts(text);
      const ms = performance.now() - started;
      expect(ms, `${text.slice(0, 12)}… (${text.length} chars)`).toBeLessThan(5_000);
    }
    countCases(task, 'property: DLP detectors', inputs.length);
  });
});
