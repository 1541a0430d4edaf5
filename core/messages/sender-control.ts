import type { Account } from '../accounts/model.ts';
import { recordAudit } from '../audit/record.ts';
import { latestAllowedAccessEnd } from '../lifecycle/rules.ts';
import type { MailboxDeps } from './deps.ts';
import type { Delivery } from './model.ts';

/** The outcome of a sender's change: done, or not found (another's message looks missing). */
export type ControlResult =
  | { ok: true; changed: number }
  | { ok: false; reason: 'not-found' }
  /** The date is not in the future, or later than `latest` (retention, or ten years). */
  | { ok: false; reason: 'invalid'; problem: 'not-future' | 'too-late'; latest: Date | null };

/** The deliveries of `messageId` the account may control (its own sent message), or null. */
async function ownDeliveries(
  deps: MailboxDeps,
  account: Account,
  messageId: string,
  deliveryId: string | undefined,
): Promise<Delivery[] | null> {
  const message = await deps.storage.repos.messages.findById({ id: messageId });
  if (!message || message.senderId !== account.id) return null;
  const all = await deps.storage.repos.deliveries.listForMessage({ messageId });
  if (deliveryId === undefined) return all;
  const one = all.filter((d) => d.id === deliveryId);
  return one.length === 1 ? one : null;
}

/**
 * Revokes (or restores) access for every recipient of a message, or one of them.
 * A revoked recipient sees "revoked" instead of the content from the next request.
 */
export async function setRevoked(
  deps: MailboxDeps,
  input: {
    account: Account;
    messageId: string;
    deliveryId?: string;
    revoked: boolean;
    ip: string | null;
  },
): Promise<ControlResult> {
  const deliveries = await ownDeliveries(deps, input.account, input.messageId, input.deliveryId);
  if (!deliveries) return { ok: false, reason: 'not-found' };
  const now = deps.clock.now();
  let changed = 0;
  await deps.storage.transaction(async (repos) => {
    for (const d of deliveries) {
      if ((d.revokedAt !== null) === input.revoked) continue;
      await repos.deliveries.update({ delivery: { ...d, revokedAt: input.revoked ? now : null } });
      changed++;
      await recordAudit(deps, repos, {
        action: input.revoked ? 'delivery.revoke' : 'delivery.restore',
        actorId: input.account.id,
        actorLabel: input.account.email,
        ip: input.ip,
        targetType: 'delivery',
        targetId: d.id,
        details: { messageId: input.messageId },
      });
    }
  });
  return { ok: true, changed };
}

/**
 * Sets the end of access for every recipient of a message, or one of them: a date in
 * the future, no later than `latestAllowedAccessEnd` (the council's retention, at most
 * ten years after sending).
 */
export async function changeAccessEnd(
  deps: MailboxDeps,
  input: {
    account: Account;
    messageId: string;
    deliveryId?: string;
    accessEndsAt: Date;
    /** The council's retention setting: access may not outlast it. */
    retentionDays: number;
    ip: string | null;
  },
): Promise<ControlResult> {
  const now = deps.clock.now();
  if (Number.isNaN(input.accessEndsAt.getTime()) || input.accessEndsAt.getTime() <= now.getTime()) {
    return { ok: false, reason: 'invalid', problem: 'not-future', latest: null };
  }
  const deliveries = await ownDeliveries(deps, input.account, input.messageId, input.deliveryId);
  const message = await deps.storage.repos.messages.findById({ id: input.messageId });
  if (!deliveries || !message) return { ok: false, reason: 'not-found' };
  const latest = latestAllowedAccessEnd({
    sentAt: message.createdAt,
    settings: { retentionDays: input.retentionDays },
  });
  if (input.accessEndsAt.getTime() > latest.getTime()) {
    return { ok: false, reason: 'invalid', problem: 'too-late', latest };
  }
  await deps.storage.transaction(async (repos) => {
    for (const d of deliveries) {
      await repos.deliveries.update({ delivery: { ...d, accessEndsAt: input.accessEndsAt } });
      await recordAudit(deps, repos, {
        action: 'delivery.expiry-change',
        actorId: input.account.id,
        actorLabel: input.account.email,
        ip: input.ip,
        targetType: 'delivery',
        targetId: d.id,
        details: { messageId: input.messageId, accessEndsAt: input.accessEndsAt.toISOString() },
      });
    }
  });
  return { ok: true, changed: deliveries.length };
}
