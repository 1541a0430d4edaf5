import type { Account } from '../accounts/model.ts';
import { recordAudit } from '../audit/record.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import type { OutboxMail } from '../mail/model.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { Delivery, Message } from '../messages/model.ts';
import type { Repositories } from '../storage/ports.ts';
import { batchOptions, type JobOptions, type LifecycleDeps, pause } from './deps.ts';
import type { JobCounts } from './model.ts';
import { deleteMessageRows, finishBlobDeletions } from './purge-message.ts';
import { isUnretrievedNoticeDue, unretrievedNoticeCutoff, unretrievedOutcome } from './rules.ts';

const ACTOR = { id: null, label: 'job:unretrieved-notice' };
// A recipient may open the message between the look and the transaction; the message
// is then looked at again, a few times at most, and otherwise left to the next run.
const ATTEMPTS = 3;

type Counts = { noticed: number; mails: number; deleted: number; purged: number };

async function isAnyoneOnHold(repos: Repositories, ids: string[]): Promise<boolean> {
  for (const id of new Set(ids)) {
    if ((await repos.accounts.findById({ id }))?.legalHold) return true;
  }
  return false;
}

/** Where the sender reads about the message: staff tracking, or the portal's mailbox. */
function trackingLink(deps: LifecycleDeps, sender: Account, message: Message): string {
  return sender.kind === 'staff'
    ? `${deps.publicUrl}/staff/sent/${message.id}`
    : `${deps.publicUrl}/inbox`;
}

const sameIds = (a: Delivery[], b: Delivery[]) =>
  a.length === b.length && a.every((d, i) => d.id === b[i]?.id);

/**
 * Handles the due deliveries of one message in one transaction: marks them noticed
 * (or deletes them), queues one email to the sender naming them all, and records a
 * `delivery.unretrieved` event each. Returns how many deliveries it handled (0 when
 * nothing was due any more, or things kept changing under it).
 */
async function handleMessage(
  deps: LifecycleDeps,
  args: { messageId: string; now: Date; counts: Counts },
): Promise<number> {
  const { now, counts } = args;
  const settings = deps.settings;
  const repos = deps.storage.repos;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const message = await repos.messages.findById({ id: args.messageId });
    if (!message) return 0;
    const deliveries = await repos.deliveries.listForMessage({ messageId: message.id });
    const due = deliveries.filter((delivery) =>
      isUnretrievedNoticeDue({ delivery, now, settings }),
    );
    if (due.length === 0) return 0;
    const sender = await repos.accounts.findById({ id: message.senderId });
    const onHold =
      message.legalHold ||
      (await isAnyoneOnHold(repos, [message.senderId, ...deliveries.map((d) => d.recipientId)]));
    const deleting =
      unretrievedOutcome({ settings, senderIsStaff: sender?.kind === 'staff', onHold }) ===
      'notify-and-delete';
    // Prepared before the transaction: encryption must not hold the database. A sender
    // who is gone or disabled gets nothing, but the deliveries are still marked, once.
    const mail: OutboxMail | null =
      sender && sender.status === 'active'
        ? await prepareOutboxMail(deps, {
            kind: 'unretrieved',
            mail: {
              to: sender.email,
              ...deps.unretrievedNotice(
                {
                  orgName: settings.orgName,
                  recipients: due.map((d) => d.recipientEmail),
                  sentAt: message.createdAt,
                  days: settings.unretrievedNoticeDays,
                  deleted: deleting,
                  link: trackingLink(deps, sender, message),
                },
                // The sender's own language if they chose one, else the council's setting.
                chooseMailLanguage({ account: sender, setting: settings.emailLanguage }),
              ),
              headers: { 'Auto-Submitted': 'auto-generated' },
            },
          })
        : null;

    const outcome = await deps.storage.transaction(async (tx) => {
      const fresh = await tx.deliveries.listForMessage({ messageId: message.id });
      const stillDue = fresh.filter((delivery) =>
        isUnretrievedNoticeDue({ delivery, now, settings }),
      );
      if (!sameIds(stillDue, due)) return { changed: true as const };
      // A hold set since the look: look again, so the email does not say "deleted".
      const holdNow = (await tx.messages.findById({ id: message.id }))?.legalHold ?? true;
      if (deleting && holdNow) return { changed: true as const };
      const remove = deleting;
      for (const d of stillDue) {
        await recordAudit(deps, tx, {
          action: 'delivery.unretrieved',
          actorId: ACTOR.id,
          actorLabel: ACTOR.label,
          ip: null,
          targetType: 'delivery',
          targetId: d.id,
          details: { messageId: message.id, mailed: mail !== null, deleted: remove },
        });
      }
      if (mail) await tx.outbox.insert({ mail });
      // Every copy unopened and to go: the message goes too, content and all.
      if (remove && stillDue.length === fresh.length) {
        const blobIds = await deleteMessageRows(deps, tx, {
          messageId: message.id,
          now,
          reason: 'unretrieved',
          actor: ACTOR,
        });
        return { changed: false as const, blobIds, removed: remove };
      }
      for (const d of stillDue) {
        if (remove) await tx.deliveries.delete({ id: d.id });
        else await tx.deliveries.update({ delivery: { ...d, unretrievedNoticeAt: now } });
      }
      return { changed: false as const, blobIds: null, removed: remove };
    });
    if (outcome.changed) continue;
    counts.noticed += due.length;
    if (mail) counts.mails++;
    if (outcome.removed) counts.deleted += due.length;
    if (outcome.blobIds) {
      counts.purged++;
      await finishBlobDeletions(deps, outcome.blobIds);
    }
    return due.length;
  }
  return 0;
}

/**
 * The unretrieved notice: a delivery never opened `unretrievedNoticeDays` (14 by
 * default) after it was sent makes Sealpost email the sender, once, naming the
 * recipients who did not open it. With `unretrievedAction: 'delete'` (the Lancashire
 * set-up) those unopened copies are then deleted, and the message with them when no
 * recipient opened it; see `unretrievedOutcome` for when that is never done.
 *
 * Idempotent: a delivery is marked (or gone) in the same transaction that queues the
 * email, so a rerun after any crash finds it handled and never mails twice.
 */
export async function runUnretrievedNotice(
  deps: LifecycleDeps,
  options: JobOptions = {},
): Promise<JobCounts> {
  const { batchSize, pauseMs } = batchOptions(options);
  const now = options.now ?? deps.clock.now();
  const createdBefore = unretrievedNoticeCutoff({ now, settings: deps.settings });
  const counts: Counts = { noticed: 0, mails: 0, deleted: 0, purged: 0 };
  for (;;) {
    const batch = await deps.storage.repos.deliveries.listUnretrieved({
      createdBefore,
      limit: batchSize,
    });
    let handled = 0;
    for (const messageId of new Set(batch.map((d) => d.messageId))) {
      handled += await handleMessage(deps, { messageId, now, counts });
    }
    options.onProgress?.({ ...counts });
    // A page in which nothing could be handled would come back the same: stop.
    if (batch.length < batchSize || handled === 0) return counts;
    await pause(pauseMs);
  }
}
