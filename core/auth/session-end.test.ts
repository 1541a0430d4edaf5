import { describe, expect, it } from 'vitest';
import type { Account } from '../accounts/model.ts';
import type { Session } from './model.ts';
import { DEFAULT_SESSION_POLICY, isSessionOver, sessionEnd } from './sessions.ts';

const MINUTE = 60_000;
const NOW = new Date('2026-03-01T09:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);

const session = (over: Partial<Session> = {}): Session => ({
  id: 's',
  accountId: 'a',
  secretHash: 'h',
  createdAt: NOW,
  lastSeenAt: NOW,
  expiresAt: at(12 * 60 * MINUTE),
  rememberMe: false,
  twoFactorPending: false,
  ip: null,
  userAgent: null,
  actingMailboxId: null,
  secondFactorAt: null,
  ssoCheckedAt: null,
  ssoRefreshEnc: null,
  ...over,
});
const recipient = { kind: 'external', role: 'recipient' } as Account;
const staff = { kind: 'staff', role: 'sender' } as Account;

describe('sessionEnd', () => {
  it('is the idle limit from the last activity: 15 minutes for recipients, 30 for staff', () => {
    expect(sessionEnd(DEFAULT_SESSION_POLICY, session(), recipient)).toEqual({
      at: at(15 * MINUTE),
      byInactivity: true,
      idleSeconds: 900,
    });
    expect(sessionEnd(DEFAULT_SESSION_POLICY, session(), staff).at).toEqual(at(30 * MINUTE));
  });

  it('is the lifetime once that comes first, which activity cannot move', () => {
    const late = session({ lastSeenAt: at(11 * 60 * MINUTE + 50 * MINUTE) });
    expect(sessionEnd(DEFAULT_SESSION_POLICY, late, recipient)).toEqual({
      at: at(12 * 60 * MINUTE),
      byInactivity: false,
      idleSeconds: 900,
    });
  });

  it('has no idle limit for a recipient who chose "Remember me", but has one for staff', () => {
    const remembered = session({ rememberMe: true, expiresAt: at(30 * 24 * 60 * MINUTE) });
    expect(sessionEnd(DEFAULT_SESSION_POLICY, remembered, recipient)).toEqual({
      at: remembered.expiresAt,
      byInactivity: false,
      idleSeconds: null,
    });
    expect(sessionEnd(DEFAULT_SESSION_POLICY, remembered, staff).byInactivity).toBe(true);
  });

  it('agrees with isSessionOver at the boundary', () => {
    for (const [s, account] of [
      [session(), recipient],
      [session(), staff],
      [session({ lastSeenAt: at(11 * 60 * MINUTE + 50 * MINUTE) }), recipient],
      [session({ rememberMe: true }), recipient],
    ] as const) {
      const end = sessionEnd(DEFAULT_SESSION_POLICY, s, account).at;
      expect(isSessionOver(DEFAULT_SESSION_POLICY, s, account, new Date(end.getTime() - 1))).toBe(
        false,
      );
      expect(isSessionOver(DEFAULT_SESSION_POLICY, s, account, end)).toBe(true);
    }
  });
});
