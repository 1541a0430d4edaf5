import type { Account } from '../accounts/model.ts';
import { DecryptFailed } from '../crypto/errors.ts';
import type { MailboxDeps } from './deps.ts';
import type { Download } from './download-attachment.ts';
import { decryptText } from './open-message.ts';
import { findOwnDelivery } from './read-access.ts';

/** Image types a page shows in place; anything else is never served inline. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);

/**
 * Streams an image that a message's body shows in place (an inline part of a mail),
 * to a recipient of an active delivery of that message. Unlike a download it is
 * allowed on a read-only message: the image is part of the body the reader is shown.
 * Only parts stored as inline and of an image type listed above are served, so this
 * cannot be used to fetch the files of a read-only message. Not audited on its own:
 * opening the message is.
 */
export async function openInlineImage(
  deps: MailboxDeps,
  input: { account: Account; deliveryId: string; attachmentId: string },
): Promise<Download | null> {
  const now = deps.clock.now();
  const repos = deps.storage.repos;
  const access = await findOwnDelivery(repos, input.account, input.deliveryId, now);
  if (!access.ok || access.state !== 'active') return null;
  const attachment = await repos.attachments.findById({ id: input.attachmentId });
  if (
    !attachment ||
    attachment.messageId !== access.message.id ||
    !attachment.inline ||
    !INLINE_IMAGE_TYPES.has(attachment.contentType)
  ) {
    return null;
  }
  const stored = await deps.blobs.get({ id: attachment.blobId });
  if (!stored) throw new DecryptFailed('The image is missing from the blob store.');
  return {
    name: await decryptText(deps, attachment.nameEnc),
    contentType: attachment.contentType,
    size: attachment.size,
    content: await deps.cipher.decryptStream({ ciphertext: stored }),
  };
}
