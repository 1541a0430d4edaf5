import type { AccessRequest } from '../access/model.ts';
import type { Account } from '../accounts/model.ts';
import type { AuditEvent } from '../audit/model.ts';
import type { MailboxDeps } from './deps.ts';
import { type DeliveryState, deliveryState, type Message } from './model.ts';
import { decryptText } from './open-message.ts';

/** What the sender sees of one recipient's copy. */
export type RecipientTracking = {
  deliveryId: string;
  email: string;
  kind: 'to' | 'cc';
  state: DeliveryState;
  accessEndsAt: Date;
  notifiedAt: Date | null;
  registered: boolean;
  firstOpenedAt: Date | null;
  /** Each download of an attachment, with the file's name. */
  downloads: Array<{ attachmentId: string; name: string; at: Date }>;
  /** Replies this recipient sent to the message. */
  replies: Array<{ messageId: string; at: Date }>;
  /** Extension and forward requests this recipient made about the message. */
  requests: AccessRequest[];
  /**
   * For a copy the sender did not address: the address it came from, and who
   * forwarded it (null when the sender granted access on request from a passed-on link).
   */
  forwardedFrom: { email: string; byEmail: string | null } | null;
};

/** One sent message with its tracking, as the Sent page shows it. */
export type SentSummary = {
  message: Message;
  subject: string;
  recipients: number;
  opened: number;
  /** True when no recipient has opened it yet. */
  neverOpened: boolean;
};

/** A page of the sender's sent messages with at-a-glance open counts. */
export async function listSent(
  deps: MailboxDeps,
  input: { account: Account; page: number; pageSize: number },
): Promise<{ rows: SentSummary[]; total: number }> {
  const page = Math.max(1, Math.floor(input.page) || 1);
  const [messages, total] = await Promise.all([
    deps.storage.repos.messages.listSent({
      senderId: input.account.id,
      limit: input.pageSize,
      offset: (page - 1) * input.pageSize,
    }),
    deps.storage.repos.messages.countSent({ senderId: input.account.id }),
  ]);
  const rows = await Promise.all(
    messages.map(async (message) => {
      const deliveries = await deps.storage.repos.deliveries.listForMessage({
        messageId: message.id,
      });
      const opened = deliveries.filter((d) => d.firstOpenedAt !== null).length;
      return {
        message,
        subject: await decryptText(deps, message.subjectEnc),
        recipients: deliveries.length,
        opened,
        neverOpened: opened === 0,
      };
    }),
  );
  return { rows, total };
}

/**
 * The full tracking of one message for its sender (or an auditor/admin, decided by
 * the caller): per recipient notified, registered, first opened, each download,
 * replies, access requests and the chain of forwards. Null for anything that is not
 * theirs to see. Content is the sender's alone: for anyone else (auditors and admins
 * see the tracking, not the message, as the threat model says) `subject` is null and
 * file names are empty; nothing of the message is decrypted for them.
 */
export async function trackMessage(
  deps: MailboxDeps,
  input: { messageId: string; viewer: Account; canSeeAll: boolean },
): Promise<{
  message: Message;
  /** Null when the viewer is not the sender (see above). */
  subject: string | null;
  recipients: RecipientTracking[];
  attachments: Array<{ id: string; name: string; size: number }>;
  requests: AccessRequest[];
  replies: number;
  events: AuditEvent[];
} | null> {
  const repos = deps.storage.repos;
  const message = await repos.messages.findById({ id: input.messageId });
  if (!message || (!input.canSeeAll && message.senderId !== input.viewer.id)) return null;
  const now = deps.clock.now();
  const [deliveries, requests, events, attachments] = await Promise.all([
    repos.deliveries.listForMessage({ messageId: message.id }),
    repos.accessRequests.listForMessage({ messageId: message.id }),
    repos.audit.list({ filter: { targetId: message.id }, limit: 500 }),
    repos.attachments.listForMessage({ messageId: message.id }),
  ]);
  const downloads = (
    await Promise.all(
      attachments.map((a) =>
        repos.audit.list({ filter: { targetId: a.id, action: 'message.download' }, limit: 500 }),
      ),
    )
  ).flat();
  const canSeeContent = message.senderId === input.viewer.id;
  const names = new Map<string, string>();
  if (canSeeContent) {
    for (const a of attachments) names.set(a.id, await decryptText(deps, a.nameEnc));
  }
  const byId = new Map(deliveries.map((d) => [d.id, d]));
  const replyEvents = events.filter((e) => e.action === 'message.reply');
  const recipients = await Promise.all(
    deliveries.map(async (d) => {
      const account = await repos.accounts.findById({ id: d.recipientId });
      // A delivery's notification is the outbox row with the delivery's id (see
      // `prepareDelivery`): notified when the transport accepted it.
      const notification = d.notifiedAt === null ? await repos.outbox.findById({ id: d.id }) : null;
      const notifiedAt =
        d.notifiedAt ??
        (notification?.kind === 'notification' && notification.status === 'sent'
          ? notification.sentAt
          : null);
      return {
        deliveryId: d.id,
        email: d.recipientEmail,
        kind: d.kind,
        state: deliveryState(d, now),
        accessEndsAt: d.accessEndsAt,
        notifiedAt,
        registered: account?.passwordHash != null,
        firstOpenedAt: d.firstOpenedAt,
        downloads: downloads
          .filter((e) => e.details.deliveryId === d.id)
          .sort((a, b) => a.seq - b.seq)
          .map((e) => ({
            attachmentId: e.targetId ?? '',
            name: names.get(e.targetId ?? '') ?? '',
            at: e.at,
          })),
        // A shared mailbox's reply names the member who wrote it, with the mailbox in
        // its details (decision 0028): it is still this delivery's reply.
        replies: replyEvents
          .filter((e) => e.actorId === d.recipientId || e.details.mailboxId === d.recipientId)
          .map((e) => ({ messageId: String(e.details.replyId ?? ''), at: e.at })),
        requests: requests.filter((r) => r.deliveryId === d.id),
        forwardedFrom: d.forwardedFromId
          ? {
              email: byId.get(d.forwardedFromId)?.recipientEmail ?? '',
              byEmail: d.forwardedById
                ? ((await repos.accounts.findById({ id: d.forwardedById }))?.email ?? '')
                : null,
            }
          : null,
      };
    }),
  );
  return {
    message,
    subject: canSeeContent ? await decryptText(deps, message.subjectEnc) : null,
    recipients,
    attachments: attachments.map((a) => ({ id: a.id, name: names.get(a.id) ?? '', size: a.size })),
    requests,
    replies: replyEvents.length,
    events,
  };
}
