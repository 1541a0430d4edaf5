import type { Account } from '../accounts/model.ts';
import { recordAuditSoon } from '../audit/record.ts';
import { DecryptFailed } from '../crypto/errors.ts';
import type { MailboxDeps } from './deps.ts';
import { decryptText } from './open-message.ts';
import { findOwnDelivery, findOwnSentMessage } from './read-access.ts';

/** A file ready to stream to its reader. */
export type Download = {
  name: string;
  contentType: string;
  size: number;
  content: ReadableStream<Uint8Array>;
};

/**
 * Streams an attachment to a recipient of an active, not read-only delivery (or to
 * the message's sender). Anything else is null, answered as "not found".
 */
export async function downloadAttachment(
  deps: MailboxDeps,
  input: {
    account: Account;
    deliveryId?: string;
    messageId?: string;
    attachmentId: string;
    ip: string | null;
  },
): Promise<Download | null> {
  const now = deps.clock.now();
  const repos = deps.storage.repos;
  const access = input.deliveryId
    ? await findOwnDelivery(repos, input.account, input.deliveryId, now)
    : input.messageId
      ? await findOwnSentMessage(repos, input.account, input.messageId)
      : ({ ok: false } as const);
  if (!access.ok || access.state !== 'active') return null;
  // Read-only messages can be read on screen but not downloaded by recipients.
  if (access.role === 'recipient' && access.message.readOnly) return null;
  const attachment = await repos.attachments.findById({ id: input.attachmentId });
  if (!attachment || attachment.messageId !== access.message.id) return null;
  const stored = await deps.blobs.get({ id: attachment.blobId });
  if (!stored) throw new DecryptFailed('The attachment is missing from the blob store.');
  const content = await deps.cipher.decryptStream({ ciphertext: stored });
  // Reading changes nothing, so the event is queued rather than committed per request
  // (decision 0025).
  await recordAuditSoon(deps, repos, {
    action: 'message.download',
    actorId: input.account.id,
    actorLabel: input.account.email,
    ip: input.ip,
    targetType: 'attachment',
    targetId: attachment.id,
    details: {
      messageId: access.message.id,
      deliveryId: access.delivery?.id ?? null,
      size: attachment.size,
    },
  });
  return {
    name: await decryptText(deps, attachment.nameEnc),
    contentType: attachment.contentType,
    size: attachment.size,
    content,
  };
}
