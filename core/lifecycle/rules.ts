import type { Delivery, Draft, Message } from '../messages/model.ts';
import type { Settings } from '../settings/model.ts';
import { addDays } from '../shared/time.ts';

/**
 * The lifecycle decisions the scheduled jobs act on: when access ends, when content
 * is purged, when a sender hears that a message was never opened, when a draft is
 * abandoned. Pure functions of dates and settings, so each boundary is tested to the
 * second. Days are 24-hour days, as `addDays` counts them.
 *
 * Every boundary is inclusive of the instant it names: access ends *at*
 * `accessEndsAt` (as `deliveryState` says), a message may be purged *at*
 * `retainUntil` (as `MessageRepository.listPastRetention` selects `<= now`), a notice is
 * due *at* `unretrievedNoticeDays` after sending. Drafts are the exception the
 * storage port sets: stale when last updated strictly *before* the cutoff.
 */

/** How long an unchanged draft is kept before the sweep deletes it (no setting yet). */
export const DEFAULT_STALE_DRAFT_DAYS = 30;

/** When a new delivery's access ends: `accessDays` (45 by default) after sending. */
export function accessEndsAt(args: { sentAt: Date; settings: Pick<Settings, 'accessDays'> }): Date {
  return addDays(args.sentAt, args.settings.accessDays);
}

/**
 * The new end of access after an extension: `extensionDays` (45 by default) from the
 * later of now and the current end. Counting from the later one means granting
 * early never shortens access, and granting late never gives less than a full
 * extension from today.
 */
export function extendedAccessEndsAt(args: {
  now: Date;
  currentEnd: Date;
  settings: Pick<Settings, 'extensionDays'>;
}): Date {
  const from = Math.max(args.now.getTime(), args.currentEnd.getTime());
  return addDays(new Date(from), args.settings.extensionDays);
}

/** The longest access period anyone may give a message: ten years. */
export const MAX_ACCESS_DAYS = 3650;

/**
 * The latest end of access a sender may choose for a message sent at `sentAt`: no
 * later than the council's retention period (the content would be due for deletion)
 * and never more than `MAX_ACCESS_DAYS`. Every place that accepts a date or a number
 * of days checks against this.
 */
export function latestAllowedAccessEnd(args: {
  sentAt: Date;
  settings: Pick<Settings, 'retentionDays'>;
}): Date {
  return addDays(args.sentAt, Math.min(MAX_ACCESS_DAYS, args.settings.retentionDays));
}

/** True once access has ended: at `accessEndsAt` and after. */
export function isAccessExpired(args: { accessEndsAt: Date; now: Date }): boolean {
  return args.now.getTime() >= args.accessEndsAt.getTime();
}

/**
 * When a new message may be purged: `retentionDays` (90 by default) after sending,
 * but never before its recipients' access ends, so an admin who sets retention
 * shorter than access (validation forbids it, old settings may not) never deletes a
 * message its recipient can still open.
 */
export function retainUntil(args: {
  sentAt: Date;
  accessEndsAt: Date;
  settings: Pick<Settings, 'retentionDays'>;
}): Date {
  const retained = addDays(args.sentAt, args.settings.retentionDays);
  return retained.getTime() >= args.accessEndsAt.getTime() ? retained : args.accessEndsAt;
}

/**
 * A message's `retainUntil` after one of its deliveries got a new end of access:
 * moved later if needed, so extending access also keeps the content that long.
 * Never moved earlier.
 */
export function retainUntilAfterExtension(args: { retainUntil: Date; accessEndsAt: Date }): Date {
  return args.accessEndsAt.getTime() > args.retainUntil.getTime()
    ? args.accessEndsAt
    : args.retainUntil;
}

/**
 * True when the retention purge may delete the message: at or after `retainUntil`
 * and not under a legal hold. A hold on the message, or on any person it concerns
 * (pass `personOnHold`), stops the purge whatever the date. Pass `accessEndsAt`, the
 * latest end of access of its deliveries (`latestAccessEnd`), and the message is also
 * kept while a recipient can still open it: an extension granted after `retainUntil`
 * was set must not leave a recipient with "Access until" a date the content will not
 * see (`retainUntilAfterExtension` applied at read time).
 */
export function isDueForPurge(args: {
  message: Pick<Message, 'retainUntil' | 'legalHold'>;
  now: Date;
  personOnHold?: boolean;
  accessEndsAt?: Date | null;
}): boolean {
  if (args.message.legalHold || args.personOnHold) return false;
  const until = args.accessEndsAt
    ? retainUntilAfterExtension({
        retainUntil: args.message.retainUntil,
        accessEndsAt: args.accessEndsAt,
      })
    : args.message.retainUntil;
  return args.now.getTime() >= until.getTime();
}

/**
 * The latest end of access among deliveries a recipient could still open (revoked
 * ones cannot), or null when there is none.
 */
export function latestAccessEnd(
  deliveries: Array<Pick<Delivery, 'accessEndsAt' | 'revokedAt'>>,
): Date | null {
  let latest: Date | null = null;
  for (const d of deliveries) {
    if (d.revokedAt !== null) continue;
    if (latest === null || d.accessEndsAt.getTime() > latest.getTime()) latest = d.accessEndsAt;
  }
  return latest;
}

/**
 * What the unretrieved-notice job does with a delivery that is due: always tell the
 * sender; with `unretrievedAction: 'delete'` also delete the unopened copy, but only
 * for messages sent by council staff. A person outside the council who wrote to an
 * officer who never opened it is told so, and their message stays: deleting it
 * would lose what they sent the council, which is not what the setting is for. A
 * legal hold on the message or a person it concerns also keeps it.
 */
export function unretrievedOutcome(args: {
  settings: Pick<Settings, 'unretrievedAction'>;
  senderIsStaff: boolean;
  onHold: boolean;
}): 'notify' | 'notify-and-delete' {
  return args.settings.unretrievedAction === 'delete' && args.senderIsStaff && !args.onHold
    ? 'notify-and-delete'
    : 'notify';
}

/**
 * True when the sender should be told a delivery was never opened: at or after
 * `unretrievedNoticeDays` (14 by default) from sending, for a delivery never opened,
 * not revoked (the sender already knows), and not noticed before (one notice only).
 */
export function isUnretrievedNoticeDue(args: {
  delivery: Pick<Delivery, 'createdAt' | 'firstOpenedAt' | 'revokedAt' | 'unretrievedNoticeAt'>;
  now: Date;
  settings: Pick<Settings, 'unretrievedNoticeDays'>;
}): boolean {
  const d = args.delivery;
  if (d.firstOpenedAt !== null || d.revokedAt !== null || d.unretrievedNoticeAt !== null) {
    return false;
  }
  return (
    args.now.getTime() >=
    unretrievedNoticeAt({ sentAt: d.createdAt, settings: args.settings }).getTime()
  );
}

/** When a delivery sent at `sentAt` becomes due for an unretrieved notice. */
export function unretrievedNoticeAt(args: {
  sentAt: Date;
  settings: Pick<Settings, 'unretrievedNoticeDays'>;
}): Date {
  return addDays(args.sentAt, args.settings.unretrievedNoticeDays);
}

/**
 * The `createdBefore` to pass to `DeliveryRepository.listUnretrieved`: deliveries
 * created at or before this instant have waited `unretrievedNoticeDays`. The job
 * still checks each one with `isUnretrievedNoticeDue` inside its transaction, since a
 * recipient may open it between the query and the notice.
 */
export function unretrievedNoticeCutoff(args: {
  now: Date;
  settings: Pick<Settings, 'unretrievedNoticeDays'>;
}): Date {
  return addDays(args.now, -args.settings.unretrievedNoticeDays);
}

/**
 * The `before` to pass to `DraftRepository.listStale`: drafts last updated strictly
 * before this instant have been left alone for more than `staleDraftDays`.
 */
export function staleDraftCutoff(args: { now: Date; staleDraftDays?: number }): Date {
  return addDays(args.now, -(args.staleDraftDays ?? DEFAULT_STALE_DRAFT_DAYS));
}

/** True when a draft has not been touched for more than `staleDraftDays` (30 by default). */
export function isDraftStale(args: {
  draft: Pick<Draft, 'updatedAt'>;
  now: Date;
  staleDraftDays?: number;
}): boolean {
  return args.draft.updatedAt.getTime() < staleDraftCutoff(args).getTime();
}
