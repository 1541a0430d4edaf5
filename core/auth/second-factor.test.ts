import { describe, expect, it } from 'vitest';
import type { Account } from '../accounts/model.ts';
import { mustEnrolSecondFactor, stepUpNeeded } from './second-factor.ts';

type Enrolling = Pick<Account, 'kind' | 'role' | 'sharedMailbox' | 'totpKeyEnc' | 'passkeyCount'>;

/** Only the fields the rule reads: core tests build their own, importing nothing outside core/. */
function makeAccount(over: Partial<Enrolling> = {}): Enrolling {
  return {
    kind: 'external',
    role: 'recipient',
    sharedMailbox: false,
    totpKeyEnc: null,
    passkeyCount: 0,
    ...over,
  };
}

const key = new Uint8Array([1]);

describe('mustEnrolSecondFactor', () => {
  const staff = (role: 'sender' | 'admin' | 'auditor', over = {}) =>
    makeAccount({ kind: 'staff', role, ...over });

  it('asks it of admins always, and of all staff only when the setting says so', () => {
    for (const setting of ['all-staff', 'admins'] as const) {
      expect(mustEnrolSecondFactor(staff('admin'), { staffSecondFactor: setting })).toBe(true);
    }
    expect(mustEnrolSecondFactor(staff('sender'), { staffSecondFactor: 'all-staff' })).toBe(true);
    expect(mustEnrolSecondFactor(staff('auditor'), { staffSecondFactor: 'all-staff' })).toBe(true);
    expect(mustEnrolSecondFactor(staff('sender'), { staffSecondFactor: 'admins' })).toBe(false);
  });

  it('is satisfied by an app or a passkey, and never asked of recipients or team mailboxes', () => {
    const all = { staffSecondFactor: 'all-staff' } as const;
    expect(mustEnrolSecondFactor(staff('admin', { totpKeyEnc: key }), all)).toBe(false);
    expect(mustEnrolSecondFactor(staff('admin', { passkeyCount: 2 }), all)).toBe(false);
    expect(mustEnrolSecondFactor(makeAccount({ kind: 'external', role: 'recipient' }), all)).toBe(
      false,
    );
    expect(mustEnrolSecondFactor(staff('sender', { sharedMailbox: true }), all)).toBe(false);
  });
});

describe('stepUpNeeded', () => {
  const marked = { secondFactorRequired: true };
  const none = { totpKeyEnc: null, passkeyCount: 0 };
  it('lets an unmarked message open, and a marked one only in a session that proved a factor', () => {
    const proved = { secondFactorAt: new Date() };
    const never = { secondFactorAt: null };
    expect(
      stepUpNeeded({ message: { secondFactorRequired: false }, person: none, session: never }),
    ).toBe(null);
    expect(stepUpNeeded({ message: marked, person: none, session: proved })).toBe(null);
    expect(stepUpNeeded({ message: marked, person: none, session: never })).toBe('enrol');
    expect(
      stepUpNeeded({ message: marked, person: { ...none, totpKeyEnc: key }, session: never }),
    ).toBe('confirm');
    expect(
      stepUpNeeded({ message: marked, person: { ...none, passkeyCount: 1 }, session: never }),
    ).toBe('confirm');
  });
});
