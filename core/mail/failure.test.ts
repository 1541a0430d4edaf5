import { describe, expect, it } from 'vitest';
import {
  asMailFailure,
  decodeMailFailure,
  encodeMailFailure,
  failureDetail,
  MAIL_FAILURE_CODES,
  type MailFailure,
  mailFailure,
} from './failure.ts';

describe('mail failures as codes in `lastError`', () => {
  it('round-trips every code, with and without a detail, and a gave-up', () => {
    const cases: MailFailure[] = [
      ...MAIL_FAILURE_CODES.map((code) => ({ code })),
      { code: 'smtp-refused', detail: '550 5.1.1 <a@b.example>: no: such: user' },
      { code: 'gave-up', attempts: 8, last: { code: 'smtp-deferred', detail: '421 busy' } },
      { code: 'gave-up', attempts: 3, last: { code: 'transport-threw' } },
    ];
    for (const failure of cases) {
      expect(decodeMailFailure(encodeMailFailure(failure))).toEqual(failure);
    }
    expect(encodeMailFailure({ code: 'smtp-refused', detail: '550 x' })).toBe('smtp-refused:550 x');
  });

  it('reads text an older version stored as not ours (shown as it is)', () => {
    for (const old of [
      'The mail server refused the mail: 550 5.1.1 No such user',
      'Gave up after 4 attempts. Last error: 421 busy',
      'refused',
      'gave-up:x:smtp-refused',
      'gave-up:3:Connection refused',
      '',
    ]) {
      expect(decodeMailFailure(old), old).toBeNull();
    }
  });

  it('keeps a transport’s own words as data, on one short line', () => {
    expect(asMailFailure('550 no\r\nsuch user')).toEqual({
      code: 'transport-said',
      detail: '550 no such user',
    });
    expect(asMailFailure('  \r\n')).toEqual({ code: 'no-reason' });
    expect(mailFailure('smtp-refused', 'x'.repeat(500)).code).toBe('smtp-refused');
    expect(
      (mailFailure('smtp-refused', 'x'.repeat(500)) as { detail: string }).detail,
    ).toHaveLength(200);
    expect(mailFailure('smtp-failed', '')).toEqual({ code: 'smtp-failed' });
  });

  it('gives a relay the data of a failure', () => {
    expect(failureDetail({ code: 'smtp-refused', detail: '554 no' })).toBe('554 no');
    expect(failureDetail({ code: 'bad-id' })).toBe('bad-id');
    expect(failureDetail('own words')).toBe('own words');
  });
});
