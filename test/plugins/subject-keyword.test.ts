import { describe, expect, it } from 'vitest';
import type { InboundMail } from '../../core/gateway/ports.ts';
import { ConfigurationError } from '../../core/shared/errors.ts';
import { subjectKeywordPlugin } from '../../plugins/subject-keyword/manifest.ts';
import { leadingTagsEnd, replyPrefixEnd } from '../../plugins/subject-keyword/reply-prefix.ts';
import { subjectKeywordPolicy } from '../../plugins/subject-keyword/subject-keyword-policy.ts';

function mailWithSubject(subject: string): InboundMail {
  return {
    from: 'officer@council.gov.uk',
    to: ['resident@example.com'],
    subject,
    headers: {},
    text: 'Hello',
    attachments: [],
  };
}

const policy = subjectKeywordPolicy({ keywords: ['zixencrypt', '[secure]', 'secure:'] });
const evaluate = (subject: string) => policy.evaluate({ mail: mailWithSubject(subject) });

describe('subject keyword policy', () => {
  it.each([
    ['Re: ZixEncrypt case notes', 'Re: case notes', 'zixencrypt'],
    ['Re: zixencrypt Case', 'Re: Case', 'zixencrypt'],
    ['Case notes zixencrypt', 'Case notes', 'zixencrypt'],
    ['zixencrypt: Case notes', 'Case notes', 'zixencrypt'],
    ['(zixencrypt) Case', 'Case', 'zixencrypt'],
    ['[secure] Case notes', 'Case notes', '[secure]'],
    ['Case [SECURE] notes', 'Case notes', '[secure]'],
    ['Case notes[secure]', 'Case notes', '[secure]'],
    ['Secure: Case notes', 'Case notes', 'secure:'],
    ['SECURE:Case notes', 'Case notes', 'secure:'],
    ['Re: Secure: Case notes', 'Re: Case notes', 'secure:'],
    ['RE: FW: Fwd: secure: Case', 'RE: FW: Fwd: Case', 'secure:'],
    ['Re[2]: secure: Case', 'Re[2]: Case', 'secure:'],
    // Bracketed tags a gateway or list adds, among the prefixes, in any order.
    ['RE: [EXTERNAL] secure: Case', 'RE: [EXTERNAL] Case', 'secure:'],
    ['[EXTERNAL] RE: Secure: Case', '[EXTERNAL] RE: Case', 'secure:'],
    ['[Ext] [list] Fwd: secure:Case', '[Ext] [list] Fwd: Case', 'secure:'],
    // An underscore joins, it does not make a longer word.
    ['zixencrypt_Care plan', 'Care plan', 'zixencrypt'],
    ['Care_zixencrypt', 'Care', 'zixencrypt'],
    ['[secure]_Care plan', 'Care plan', '[secure]'],
    // Full-width letters read as what they look like (NFKC).
    ['\uff3b\uff53\uff45\uff43\uff55\uff52\uff45\uff3d Care plan', 'Care plan', '[secure]'],
    [
      '\uff5a\uff49\uff58\uff45\uff4e\uff43\uff52\uff59\uff50\uff54 Assessment',
      'Assessment',
      'zixencrypt',
    ],
    [
      'Re: \uff33\uff25\uff23\uff35\uff32\uff25: notes \u00e9t\u00e9',
      'Re: notes \u00e9t\u00e9',
      'secure:',
    ],
  ])('encrypts %j as %j, giving the keyword as the reason', async (subject, stripped, keyword) => {
    expect(await evaluate(subject)).toEqual({
      action: 'encrypt',
      reasons: [`subject keyword "${keyword}"`],
      subject: stripped,
    });
  });

  it.each([
    'nozixencryptx',
    'zixencrypted notes',
    'Case notes',
    'Insecure: notes', // not at the start: a word ending in "secure:"
    'Notes secure: later', // the prefix keyword only counts at the start
    'Secure notes', // no colon
    'RE: [EXTERNAL] Notes secure: later', // after a tag, but not at the start of the text
    'RE: [EXTERNAL secure: notes', // an unclosed bracket is not a tag
    '[secure notes]',
    '',
  ])('abstains on %j', async (subject) => {
    expect(await evaluate(subject)).toEqual({ action: 'abstain', reasons: [] });
  });

  it('finds a keyword in any Subject header, tidying the one shown', async () => {
    const mail = {
      ...mailWithSubject('Care plan'),
      headers: { subject: ['Care plan', '[secure] Care plan'] },
    };
    expect(await policy.evaluate({ mail })).toEqual({
      action: 'encrypt',
      reasons: ['subject keyword "[secure]"'],
      subject: 'Care plan',
    });
  });

  it('names every keyword that matched and strips them all', async () => {
    expect(await evaluate('Secure: [secure] zixencrypt Case')).toEqual({
      action: 'encrypt',
      reasons: [
        'subject keyword "[secure]"',
        'subject keyword "secure:"',
        'subject keyword "zixencrypt"',
      ],
      subject: 'Case',
    });
  });

  it('leaves the brackets alone when a plain keyword equals a bracketed one', async () => {
    const both = subjectKeywordPolicy({ keywords: ['secure', '[secure]'] });
    const decision = await both.evaluate({ mail: mailWithSubject('[secure] Case') });
    expect(decision).toMatchObject({ action: 'encrypt', subject: 'Case' });
  });

  it('treats keyword characters literally', async () => {
    const odd = subjectKeywordPolicy({ keywords: ['(encrypt)', 'c++'] });
    expect(await odd.evaluate({ mail: mailWithSubject('Plan (encrypt) now') })).toMatchObject({
      subject: 'Plan now',
    });
    expect(await odd.evaluate({ mail: mailWithSubject('cxx notes') })).toMatchObject({
      action: 'abstain',
    });
  });

  it('refuses keywords that cannot work', () => {
    expect(() => subjectKeywordPolicy({ keywords: ['two words'] })).toThrow(ConfigurationError);
    expect(() => subjectKeywordPolicy({ keywords: ['  '] })).toThrow(ConfigurationError);
    expect(() => subjectKeywordPolicy({ keywords: ['[]'] })).toThrow(ConfigurationError);
  });

  it('finds where the subject proper starts after reply prefixes', () => {
    expect(replyPrefixEnd('Re: Fwd:  Notes')).toBe(10);
    expect(replyPrefixEnd('Notes')).toBe(0);
    expect(replyPrefixEnd('Regarding: notes')).toBe(0);
  });

  it('finds where the subject proper starts after prefixes and bracketed tags', () => {
    expect(leadingTagsEnd('RE: [EXTERNAL] Notes')).toBe(15);
    expect(leadingTagsEnd('[EXTERNAL] Re: Notes')).toBe(15);
    expect(leadingTagsEnd('Notes [EXTERNAL]')).toBe(0);
    expect(leadingTagsEnd('[] Notes')).toBe(0);
  });

  it('copes with a long, hostile subject', async () => {
    expect((await evaluate(`${'[x] '.repeat(50_000)}[${'y'.repeat(100_000)}`)).action).toBe(
      'abstain',
    );
    const subject = `Re:${' '.repeat(200_000)}x${' secure:'.repeat(10_000)}`;
    expect((await evaluate(subject)).action).toBe('abstain');
  });
});

describe('subject keyword plugin', () => {
  it('loads only when keywords are configured', () => {
    expect(subjectKeywordPlugin.isConfigured({})).toBe(false);
    expect(subjectKeywordPlugin.isConfigured({ subjectKeywords: [] })).toBe(false);
    expect(subjectKeywordPlugin.isConfigured({ subjectKeywords: ['zixencrypt'] })).toBe(true);
  });
});
