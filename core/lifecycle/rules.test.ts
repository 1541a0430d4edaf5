import { describe, expect, it } from 'vitest';
import type { Delivery } from '../messages/model.ts';
import { DEFAULT_SETTINGS } from '../settings/model.ts';
import {
  accessEndsAt,
  DEFAULT_STALE_DRAFT_DAYS,
  extendedAccessEndsAt,
  isAccessExpired,
  isDraftStale,
  isDueForPurge,
  isUnretrievedNoticeDue,
  latestAccessEnd,
  retainUntil,
  retainUntilAfterExtension,
  staleDraftCutoff,
  unretrievedNoticeAt,
  unretrievedNoticeCutoff,
  unretrievedOutcome,
} from './rules.ts';

const SECOND = 1_000;
const DAY = 86_400_000;
const SENT = new Date('2026-01-05T10:30:00Z');
const plus = (ms: number, from = SENT) => new Date(from.getTime() + ms);
const settings = DEFAULT_SETTINGS;

describe('access expiry', () => {
  it('ends 45 days after sending by default', () => {
    expect(accessEndsAt({ sentAt: SENT, settings })).toEqual(plus(45 * DAY));
  });

  it('follows the setting', () => {
    expect(accessEndsAt({ sentAt: SENT, settings: { accessDays: 7 } })).toEqual(plus(7 * DAY));
  });

  it('is open one second before the end and expired at and one second after it', () => {
    const end = accessEndsAt({ sentAt: SENT, settings });
    expect(isAccessExpired({ accessEndsAt: end, now: plus(-SECOND, end) })).toBe(false);
    expect(isAccessExpired({ accessEndsAt: end, now: end })).toBe(true);
    expect(isAccessExpired({ accessEndsAt: end, now: plus(SECOND, end) })).toBe(true);
  });
});

describe('access extension', () => {
  const end = plus(45 * DAY);

  it('adds 45 days to the current end when granted before it', () => {
    const now = plus(-10 * DAY, end);
    expect(extendedAccessEndsAt({ now, currentEnd: end, settings })).toEqual(plus(45 * DAY, end));
  });

  it('adds 45 days to now when granted after access ended', () => {
    const now = plus(20 * DAY, end);
    expect(extendedAccessEndsAt({ now, currentEnd: end, settings })).toEqual(plus(45 * DAY, now));
  });

  it('switches from the end to now exactly at the end, one second either side', () => {
    const extend = (now: Date) => extendedAccessEndsAt({ now, currentEnd: end, settings });
    expect(extend(plus(-SECOND, end))).toEqual(plus(45 * DAY, end));
    expect(extend(end)).toEqual(plus(45 * DAY, end));
    expect(extend(plus(SECOND, end))).toEqual(plus(45 * DAY + SECOND, end));
  });

  it('follows the setting', () => {
    expect(
      extendedAccessEndsAt({ now: SENT, currentEnd: end, settings: { extensionDays: 10 } }),
    ).toEqual(plus(10 * DAY, end));
  });
});

describe('retention', () => {
  const message = (retain: Date, legalHold = false) => ({ retainUntil: retain, legalHold });

  it('keeps a message 90 days after sending by default', () => {
    const end = accessEndsAt({ sentAt: SENT, settings });
    expect(retainUntil({ sentAt: SENT, accessEndsAt: end, settings })).toEqual(plus(90 * DAY));
  });

  it('never purges before access ends, whatever the setting says', () => {
    const end = plus(45 * DAY);
    expect(
      retainUntil({ sentAt: SENT, accessEndsAt: end, settings: { retentionDays: 30 } }),
    ).toEqual(end);
  });

  it('moves retention later, never earlier, when access is extended', () => {
    const retain = plus(90 * DAY);
    expect(
      retainUntilAfterExtension({ retainUntil: retain, accessEndsAt: plus(100 * DAY) }),
    ).toEqual(plus(100 * DAY));
    expect(
      retainUntilAfterExtension({ retainUntil: retain, accessEndsAt: plus(50 * DAY) }),
    ).toEqual(retain);
  });

  it('is kept one second before retainUntil and purged at and one second after it', () => {
    const retain = plus(90 * DAY);
    expect(isDueForPurge({ message: message(retain), now: plus(-SECOND, retain) })).toBe(false);
    expect(isDueForPurge({ message: message(retain), now: retain })).toBe(true);
    expect(isDueForPurge({ message: message(retain), now: plus(SECOND, retain) })).toBe(true);
  });

  it('is kept while a recipient can still open it, and purged at the end of that access', () => {
    const retain = plus(90 * DAY);
    const extended = plus(95 * DAY);
    const due = (now: Date) =>
      isDueForPurge({ message: message(retain), now, accessEndsAt: extended });
    expect(due(retain)).toBe(false);
    expect(due(plus(-SECOND, extended))).toBe(false);
    expect(due(extended)).toBe(true);
    // Access that ended before retention changes nothing.
    expect(isDueForPurge({ message: message(retain), now: retain, accessEndsAt: SENT })).toBe(true);
  });

  it('takes the latest end of access among deliveries not revoked', () => {
    const d = (days: number, revoked = false) => ({
      accessEndsAt: plus(days * DAY),
      revokedAt: revoked ? SENT : null,
    });
    expect(latestAccessEnd([d(45), d(95), d(120, true)])).toEqual(plus(95 * DAY));
    expect(latestAccessEnd([d(120, true)])).toBeNull();
    expect(latestAccessEnd([])).toBeNull();
  });

  it('is never purged under a legal hold, on the message or a person', () => {
    const retain = plus(90 * DAY);
    const years = plus(10 * 365 * DAY, retain);
    expect(isDueForPurge({ message: message(retain, true), now: years })).toBe(false);
    expect(isDueForPurge({ message: message(retain), now: years, personOnHold: true })).toBe(false);
  });
});

describe('unretrieved notice', () => {
  const delivery: Pick<
    Delivery,
    'createdAt' | 'firstOpenedAt' | 'revokedAt' | 'unretrievedNoticeAt'
  > = {
    createdAt: SENT,
    firstOpenedAt: null,
    revokedAt: null,
    unretrievedNoticeAt: null,
  };
  const due = plus(14 * DAY);

  it('is due 14 days after sending by default: not one second before, at and after', () => {
    expect(unretrievedNoticeAt({ sentAt: SENT, settings })).toEqual(due);
    expect(isUnretrievedNoticeDue({ delivery, now: plus(-SECOND, due), settings })).toBe(false);
    expect(isUnretrievedNoticeDue({ delivery, now: due, settings })).toBe(true);
    expect(isUnretrievedNoticeDue({ delivery, now: plus(SECOND, due), settings })).toBe(true);
  });

  it('follows the setting', () => {
    const three = { unretrievedNoticeDays: 3 };
    expect(isUnretrievedNoticeDue({ delivery, now: plus(3 * DAY - SECOND), settings: three })).toBe(
      false,
    );
    expect(isUnretrievedNoticeDue({ delivery, now: plus(3 * DAY), settings: three })).toBe(true);
  });

  it('is never due for a delivery that was opened, revoked, or already noticed', () => {
    const later = plus(30 * DAY);
    for (const change of [
      { firstOpenedAt: plus(DAY) },
      { revokedAt: plus(DAY) },
      { unretrievedNoticeAt: due },
    ]) {
      expect(
        isUnretrievedNoticeDue({ delivery: { ...delivery, ...change }, now: later, settings }),
      ).toBe(false);
    }
  });

  it("gives the repository a cutoff that selects exactly the rule's deliveries", () => {
    const now = plus(14 * DAY);
    // listUnretrieved selects createdAt <= createdBefore.
    expect(unretrievedNoticeCutoff({ now, settings })).toEqual(SENT);
  });
});

describe('stale drafts', () => {
  const updatedAt = SENT;
  const stale = plus(DEFAULT_STALE_DRAFT_DAYS * DAY, updatedAt);

  it('keeps a draft 30 days by default: kept one second before and at, stale one second after', () => {
    expect(DEFAULT_STALE_DRAFT_DAYS).toBe(30);
    expect(isDraftStale({ draft: { updatedAt }, now: plus(-SECOND, stale) })).toBe(false);
    expect(isDraftStale({ draft: { updatedAt }, now: stale })).toBe(false);
    expect(isDraftStale({ draft: { updatedAt }, now: plus(SECOND, stale) })).toBe(true);
  });

  it('follows a given number of days', () => {
    const weekOn = plus(7 * DAY, updatedAt);
    expect(isDraftStale({ draft: { updatedAt }, now: weekOn, staleDraftDays: 7 })).toBe(false);
    expect(
      isDraftStale({ draft: { updatedAt }, now: plus(SECOND, weekOn), staleDraftDays: 7 }),
    ).toBe(true);
  });

  it('gives listStale a cutoff that matches the rule (updated strictly before it)', () => {
    expect(staleDraftCutoff({ now: stale })).toEqual(updatedAt);
  });
});

describe('what happens to an unretrieved delivery', () => {
  it('deletes only with the setting, for staff senders, without a hold', () => {
    const outcome = (
      unretrievedAction: 'notify' | 'delete',
      senderIsStaff: boolean,
      onHold = false,
    ) => unretrievedOutcome({ settings: { unretrievedAction }, senderIsStaff, onHold });
    expect(outcome('notify', true)).toBe('notify');
    expect(outcome('delete', true)).toBe('notify-and-delete');
    expect(outcome('delete', false)).toBe('notify');
    expect(outcome('delete', true, true)).toBe('notify');
  });
});
