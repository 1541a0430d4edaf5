import type { Account } from '../accounts/model.ts';
import { recordAudit, recordAuditSoon } from '../audit/record.ts';
import { DecryptFailed } from '../crypto/errors.ts';
import type { MailboxDeps } from './deps.ts';
import { type Delivery, isAddressed, type Message } from './model.ts';
import { findOwnDelivery } from './read-access.ts';

const decoder = new TextDecoder();

/** A participant as shown on the message page. */
export type Participant = { email: string; name: string; kind: 'from' | 'to' | 'cc' };

/** An attachment as listed on the message page (name decrypted). */
export type AttachmentSummary = {
  id: string;
  name: string;
  contentType: string;
  size: number;
  /** Shown in place in the body (as `cid:N`, N its position in this list), not as a file. */
  inline: boolean;
};

/** Everything the message page shows; the body is read separately as a stream. */
export type OpenedMessage = {
  message: Message;
  delivery: Delivery;
  subject: string;
  /**
   * The people the sender addressed. Forwards are private to their chain, so another
   * recipient's forwards are never here; a copy forwarded to this person says so in
   * `forwardedBy` instead.
   */
  participants: Participant[];
  /** Who forwarded this copy to the reader, when it was forwarded to them in the portal. */
  forwardedBy: string | null;
  attachments: AttachmentSummary[];
  /** The decrypted body, a stream: large bodies are never held whole. */
  body: () => Promise<ReadableStream<Uint8Array>>;
};

/** The outcome of opening: the message, or why not (expired and revoked say so; missing says nothing). */
export type OpenResult =
  | { ok: true; opened: OpenedMessage }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'expired' | 'revoked'; delivery: Delivery; subject: string };

/** Decrypts a small encrypted field to text. */
export async function decryptText(
  deps: Pick<MailboxDeps, 'cipher'>,
  value: Uint8Array,
): Promise<string> {
  return decoder.decode(await deps.cipher.decryptBytes({ ciphertext: value }));
}

/**
 * Opens a recipient's delivery: checks it is theirs and active, records the first
 * open (tracking for the sender, committed before this returns) and an audit event
 * for every view (queued for repeat views), and returns what the page shows.
 */
export async function openMessage(
  deps: MailboxDeps,
  input: { account: Account; deliveryId: string; ip: string | null },
): Promise<OpenResult> {
  const now = deps.clock.now();
  const access = await findOwnDelivery(deps.storage.repos, input.account, input.deliveryId, now);
  if (!access.ok || access.role !== 'recipient') return { ok: false, reason: 'not-found' };
  const { message, delivery } = access;
  const subject = await decryptText(deps, message.subjectEnc);
  if (access.state !== 'active') return { ok: false, reason: access.state, delivery, subject };

  const [deliveries, attachments, sender, forwarder] = await Promise.all([
    deps.storage.repos.deliveries.listForMessage({ messageId: message.id }),
    deps.storage.repos.attachments.listForMessage({ messageId: message.id }),
    deps.storage.repos.accounts.findById({ id: message.senderId }),
    delivery.forwardedById
      ? deps.storage.repos.accounts.findById({ id: delivery.forwardedById })
      : Promise.resolve(null),
  ]);
  const participants: Participant[] = [
    { email: sender?.email ?? '', name: sender?.displayName ?? '', kind: 'from' },
    ...deliveries
      .filter(isAddressed)
      .map((d) => ({ email: d.recipientEmail, name: d.recipientEmail, kind: d.kind })),
  ];
  const summaries = await Promise.all(
    attachments.map(async (a) => ({
      id: a.id,
      name: await decryptText(deps, a.nameEnc),
      contentType: a.contentType,
      size: a.size,
      inline: a.inline,
    })),
  );

  const audit = {
    action: 'message.open',
    actorId: input.account.id,
    actorLabel: input.account.email,
    ip: input.ip,
    targetType: 'delivery',
    targetId: delivery.id,
    details: { messageId: message.id },
  } as const;
  if (delivery.firstOpenedAt === null) {
    // The first open changes what the sender sees (tracking), so it commits, with its
    // audit event, before the page is shown. A concurrent first open finds it done.
    await deps.storage.transaction(async (repos) => {
      const fresh = await repos.deliveries.findById({ id: delivery.id });
      if (fresh && fresh.firstOpenedAt === null) {
        await repos.deliveries.update({ delivery: { ...fresh, firstOpenedAt: now } });
        delivery.firstOpenedAt = now;
      }
      await recordAudit(deps, repos, audit);
    });
  } else {
    // A later view changes nothing: it is recorded, but without an fsync per request
    // (decision 0025: a crash may lose the last moments of repeat views, never a first).
    await recordAuditSoon(deps, deps.storage.repos, audit);
  }

  return {
    ok: true,
    opened: {
      message,
      delivery,
      subject,
      participants,
      forwardedBy: forwarder?.email ?? null,
      attachments: summaries,
      body: async () => {
        const stored = await deps.blobs.get({ id: message.bodyBlobId });
        if (!stored) throw new DecryptFailed('The message body is missing from the blob store.');
        return deps.cipher.decryptStream({ ciphertext: stored });
      },
    },
  };
}
