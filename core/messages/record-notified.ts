import { recordAudit } from '../audit/record.ts';
import type { OutboxMail } from '../mail/model.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';

/**
 * After the outbox has sent a notification: marks its delivery notified (the
 * notification's outbox row carries the delivery's id) and records `message.notify`,
 * so the sender's tracking keeps the time after old outbox rows are cleared away.
 * Idempotent: a delivery already marked keeps its first time and is not audited twice.
 */
export async function recordNotificationSent(
  deps: { storage: Storage; ids: Ids; clock: Clock; secrets: Secrets },
  mail: OutboxMail,
): Promise<void> {
  if (mail.kind !== 'notification' || mail.sentAt === null) return;
  const sentAt = mail.sentAt;
  await deps.storage.transaction(async (repos) => {
    const delivery = await repos.deliveries.findById({ id: mail.id });
    if (!delivery || delivery.notifiedAt !== null) return;
    await repos.deliveries.update({ delivery: { ...delivery, notifiedAt: sentAt } });
    await recordAudit(deps, repos, {
      action: 'message.notify',
      actorId: null,
      actorLabel: 'outbox',
      ip: null,
      targetType: 'delivery',
      targetId: delivery.id,
      details: { messageId: delivery.messageId },
    });
  });
}
