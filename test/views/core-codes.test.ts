/**
 * Core returns codes; the string tables word them (issue 22). Every password-problem,
 * send-issue, address, domain and create-staff code core can return has non-empty words
 * in English and in Welsh, and so does every piece of text a data export writes. Welsh
 * is checked for these keys (views/strings/cy/zz-codes.po, zz-codes2.po), not for the
 * whole catalogue.
 */
import { describe, expect, it } from 'vitest';
import type { DomainListProblem } from '../../core/access/allowed-domains.ts';
import { parseDomainList } from '../../core/access/allowed-domains.ts';
import {
  CREATE_STAFF_ISSUE_CODES,
  type CreateStaffIssue,
} from '../../core/accounts/create-staff.ts';
import {
  DOMAIN_PROBLEM_CODES,
  type DomainProblem,
  EMAIL_PROBLEM_CODES,
  type EmailProblem,
  normaliseEmail,
} from '../../core/accounts/email.ts';
import {
  PASSWORD_PROBLEM_CODES,
  type PasswordProblem,
} from '../../core/accounts/password-policy.ts';
import { SEND_ISSUE_CODES, type SendIssue } from '../../core/messages/send-message.ts';
import {
  createStaffIssueText,
  domainListProblemText,
  domainProblemText,
  emailProblemText,
  sendIssueText,
} from '../../views/codes.ts';
import { passwordProblemText } from '../../views/pages/auth/shared.tsx';
import { LANGUAGES, stringsFor } from '../../views/strings/index.ts';

const PASSWORD_SAMPLES: Record<PasswordProblem['code'], PasswordProblem> = {
  empty: { code: 'empty' },
  'too-short': { code: 'too-short', min: 15, length: 9 },
  'too-long': { code: 'too-long', max: 256 },
  common: { code: 'common' },
  repeated: { code: 'repeated' },
  'contains-email': { code: 'contains-email' },
  'contains-word': { code: 'contains-word', word: 'Barnet' },
};

const SEND_SAMPLES: Record<SendIssue['code'], SendIssue> = {
  'recipient-invalid': {
    code: 'recipient-invalid',
    address: 'ann@',
    problem: { code: 'domain', problem: { code: 'empty' } },
  },
  'no-recipients': { code: 'no-recipients' },
  'too-many-recipients': { code: 'too-many-recipients', max: 100 },
  'subject-missing': { code: 'subject-missing' },
  'subject-too-long': { code: 'subject-too-long', max: 300 },
  'subject-not-one-line': { code: 'subject-not-one-line' },
  'body-too-long': { code: 'body-too-long' },
  'access-end-past': { code: 'access-end-past' },
  'access-end-too-late': { code: 'access-end-too-late', latest: new Date('2031-03-03T12:00Z') },
  'too-many-files': { code: 'too-many-files', max: 10 },
  'too-large': { code: 'too-large', maxBytes: 25 * 1024 * 1024 },
  infected: { code: 'infected', fileName: 'invoice.pdf' },
  'nobody-to-reply-to': { code: 'nobody-to-reply-to' },
};

const DOMAIN_SAMPLES: Record<DomainProblem['code'], DomainProblem> = {
  empty: { code: 'empty' },
  'no-dot': { code: 'no-dot' },
  'too-long': { code: 'too-long', max: 253 },
  'numeric-end': { code: 'numeric-end' },
  'label-too-long': { code: 'label-too-long', max: 63 },
  'empty-label': { code: 'empty-label' },
  character: { code: 'character', character: { kind: 'shown', char: '_' } },
  hyphen: { code: 'hyphen' },
  'not-idn': { code: 'not-idn' },
};

const EMAIL_SAMPLES: Record<EmailProblem['code'], EmailProblem> = {
  'not-one-line': { code: 'not-one-line' },
  'angle-brackets': { code: 'angle-brackets' },
  empty: { code: 'empty' },
  spaces: { code: 'spaces' },
  'control-character': { code: 'control-character' },
  'too-long': { code: 'too-long', max: 254 },
  'no-at': { code: 'no-at' },
  'several-at': { code: 'several-at' },
  'local-empty': { code: 'local-empty' },
  'local-too-long': { code: 'local-too-long', max: 64 },
  'local-dot-at-end': { code: 'local-dot-at-end' },
  'local-two-dots': { code: 'local-two-dots' },
  'local-character': { code: 'local-character', character: { kind: 'invisible' } },
  domain: { code: 'domain', problem: { code: 'character', character: { kind: 'space' } } },
};

const STAFF_SAMPLES: Record<CreateStaffIssue['code'], CreateStaffIssue> = {
  'email-invalid': { code: 'email-invalid', problem: { code: 'no-at' } },
  'email-taken': { code: 'email-taken' },
  'name-missing': { code: 'name-missing' },
  'name-invalid': { code: 'name-invalid', max: 100 },
};

const DOMAIN_LIST_SAMPLES: DomainListProblem[] = [
  { code: 'wildcard', item: '*.camden.gov.uk' },
  { code: 'not-a-domain', item: 'localhost', problem: { code: 'no-dot' } },
];

/** Every string leaf of a (part of a) string table. */
function leaves(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (typeof node === 'object' && node !== null) return Object.values(node).flatMap(leaves);
  return [];
}

describe('core codes have words in every language', () => {
  for (const lang of LANGUAGES) {
    // Read inside each test, so a broken catalogue fails them rather than hiding them.
    const strings = new Proxy({} as ReturnType<typeof stringsFor>, {
      get: (_, key) => stringsFor(lang)[key as keyof ReturnType<typeof stringsFor>],
    });

    it(`${lang}: every password problem`, () => {
      for (const code of PASSWORD_PROBLEM_CODES) {
        const text = passwordProblemText(strings, PASSWORD_SAMPLES[code]);
        expect(text.trim(), code).not.toBe('');
        if (lang !== 'en') {
          const english = passwordProblemText(stringsFor('en'), PASSWORD_SAMPLES[code]);
          expect(text, `${code} is still English`).not.toBe(english);
        }
      }
    });

    it(`${lang}: every send issue`, () => {
      for (const code of SEND_ISSUE_CODES) {
        const text = sendIssueText(strings, SEND_SAMPLES[code]);
        expect(text.trim(), code).not.toBe('');
        if (lang !== 'en') {
          const english = sendIssueText(stringsFor('en'), SEND_SAMPLES[code]);
          expect(text, `${code} is still English`).not.toBe(english);
        }
      }
    });

    /** Non-empty words, and (in a language other than English) not the English. */
    const worded = (label: string, text: string, english: string) => {
      expect(text.trim(), label).not.toBe('');
      if (lang !== 'en') expect(text, `${label} is still English`).not.toBe(english);
    };

    it(`${lang}: every address and domain problem, and every character name`, () => {
      const en = stringsFor('en');
      for (const code of EMAIL_PROBLEM_CODES) {
        const p = EMAIL_SAMPLES[code];
        worded(code, emailProblemText(strings, p), emailProblemText(en, p));
      }
      for (const code of DOMAIN_PROBLEM_CODES) {
        const p = DOMAIN_SAMPLES[code];
        for (const of of ['whole', 'after-at'] as const)
          worded(`${of} ${code}`, domainProblemText(strings, p, of), domainProblemText(en, p, of));
      }
      for (const character of [
        { kind: 'space' },
        { kind: 'invisible' },
        { kind: 'shown', char: '_' },
      ] as const) {
        const p: DomainProblem = { code: 'character', character };
        worded(character.kind, domainProblemText(strings, p), domainProblemText(en, p));
      }
      for (const p of DOMAIN_LIST_SAMPLES)
        worded(p.code, domainListProblemText(strings, p), domainListProblemText(en, p));
    });

    it(`${lang}: every create-staff issue, an interrupted job run and a too-large form`, () => {
      const en = stringsFor('en');
      for (const code of CREATE_STAFF_ISSUE_CODES) {
        const issue = STAFF_SAMPLES[code];
        worded(code, createStaffIssueText(strings, issue), createStaffIssueText(en, issue));
      }
      worded('interrupted', strings.admin.jobs.interrupted, en.admin.jobs.interrupted);
      worded('formTooLarge', strings.errors.answers.formTooLarge, en.errors.answers.formTooLarge);
    });

    it(`${lang}: the words of a data export and the plain error answers`, () => {
      const english = new Set(leaves(stringsFor('en').dataExport));
      for (const text of leaves(strings.dataExport)) {
        expect(text.trim()).not.toBe('');
        if (lang !== 'en') expect(english.has(text), `still English: ${text}`).toBe(false);
      }
      const answers = strings.errors.answers;
      for (const text of [answers.notFound, answers.serverError('abc'), answers.repairing('abc')])
        expect(text.trim()).not.toBe('');
      if (lang !== 'en')
        expect(answers.notFound).not.toBe(stringsFor('en').errors.answers.notFound);
    });
  }

  it('keeps the English wording core used to write (tests and people rely on it)', () => {
    const en = stringsFor('en');
    expect(passwordProblemText(en, PASSWORD_SAMPLES['too-short'])).toBe(
      'Your password must be at least 15 characters long. It has 9.',
    );
    expect(sendIssueText(en, SEND_SAMPLES['subject-missing'])).toBe('Enter a subject.');
    expect(sendIssueText(en, SEND_SAMPLES['too-large'])).toBe(
      'The files must be 25 MB or smaller in total, text aside. Choose smaller files.',
    );
    expect(en.auth.newPassword.advice).toContain('Use at least 15 characters, and up to 256.');
  });

  it('words every refusal of an address as core used to, in English', () => {
    const en = stringsFor('en');
    const said = (raw: string) => {
      const result = normaliseEmail(raw);
      if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
      return emailProblemText(en, result.problem);
    };
    for (const [raw, words] of [
      ['', 'it is empty.'],
      ['jo.example.org', 'it needs an @, as in name@example.org.'],
      ['jo@@example.org', 'it has more than one @.'],
      ['@example.org', 'there is nothing before the @.'],
      ['jo@', 'the part after the @ is empty.'],
      ['jo@localhost', 'the part after the @ needs a dot, as in example.org.'],
      ['jo@example..org', 'the part after the @ has two dots in a row, or starts with a dot.'],
      ['.jo@example.org', 'the part before the @ cannot start or end with a dot.'],
      ['jo..bloggs@example.org', 'the part before the @ has two dots in a row.'],
      ['jo bloggs@example.org', 'it cannot contain spaces.'],
      [
        'jo@-example.org',
        'the part after the @ cannot have a hyphen at either end or next to a dot.',
      ],
      ['jo@example.123', 'the part after the @ must end in a name such as .uk, not a number.'],
      ['jo@xn--a.example', 'the part after the @ is not a valid international domain name.'],
      ['jo@exa_mple.org', 'the part after the @ cannot contain "_".'],
      ['jo,bloggs@example.org', 'the part before the @ cannot contain ",".'],
      ['jo\u200b@example.org', 'the part before the @ cannot contain an invisible character.'],
      ['jo@exam\u200bple.org', 'the part after the @ cannot contain an invisible character.'],
      ['jo\u0000@example.org', 'it contains an invisible control character.'],
      ['jo@example.org\r\nBcc: x@example.org', 'it must be on one line.'],
      ['<jo@example.org>', 'enter just the address, without < or >.'],
      [`${'a'.repeat(300)}@example.org`, 'the part before the @ is longer than 64 characters.'],
      [`${'a'.repeat(1_000_000)}@example.org`, 'it is longer than 254 characters.'],
    ] as const) {
      expect(said(raw), raw.slice(0, 40)).toBe(words);
    }
    expect(sendIssueText(en, SEND_SAMPLES['recipient-invalid'])).toBe(
      '"ann@" is not a valid email address: the part after the @ is empty.',
    );
    const list = parseDomainList('barnet.gov.uk, localhost, *.camden.gov.uk, bad_domain.org');
    expect(list.ok ? [] : list.problems.map((p) => domainListProblemText(en, p))).toEqual([
      '"localhost" is not a domain: the domain needs a dot, as in example.org.',
      '"*.camden.gov.uk": enter the domain without "*." and turn on "allow subdomains" to admit the names under it.',
      '"bad_domain.org" is not a domain: the domain cannot contain "_".',
    ]);
    expect(createStaffIssueText(en, STAFF_SAMPLES['name-invalid'])).toBe(
      'The name must be one line of at most 100 characters, without < or >.',
    );
    expect(createStaffIssueText(en, STAFF_SAMPLES['email-taken'])).toBe(
      'An account with this email address already exists.',
    );
  });
});
