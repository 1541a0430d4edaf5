import type { Account } from '../accounts/model.ts';
import { DecryptFailed } from '../crypto/errors.ts';
import type { MailboxDeps } from './deps.ts';
import { isAddressed, type Message } from './model.ts';
import { type AttachmentSummary, decryptText } from './open-message.ts';
import { findOwnSentMessage } from './read-access.ts';

/** What the sender sees of a message they sent: what they wrote, to whom, when, which files. */
export type OpenedSent = {
  message: Message;
  subject: string;
  /** Whom they addressed; forwards made later by others are not theirs to see. */
  to: string[];
  cc: string[];
  attachments: AttachmentSummary[];
  /** The decrypted body, a stream: large bodies are never held whole. */
  body: () => Promise<ReadableStream<Uint8Array>>;
};

/**
 * Opens a message for its own sender (a recipient or an officer re-reading what they
 * sent), and for nobody else: auditors and admins see the tracking of any message,
 * never its content (docs/threat-model.md). Anything that is not theirs, and anything
 * missing, is null: one "not found" for both. Reading what one wrote is not audited:
 * it reveals nothing new to anyone, and a sender's own view must not read as "opened"
 * on the tracking page. Downloading a file is, by `downloadAttachment`, like every
 * download.
 */
export async function openSentMessage(
  deps: MailboxDeps,
  input: { account: Account; messageId: string },
): Promise<OpenedSent | null> {
  const repos = deps.storage.repos;
  const access = await findOwnSentMessage(repos, input.account, input.messageId);
  if (!access.ok) return null;
  const { message } = access;
  const [deliveries, attachments] = await Promise.all([
    repos.deliveries.listForMessage({ messageId: message.id }),
    repos.attachments.listForMessage({ messageId: message.id }),
  ]);
  const addressed = deliveries.filter(isAddressed);
  return {
    message,
    subject: await decryptText(deps, message.subjectEnc),
    to: addressed.filter((d) => d.kind === 'to').map((d) => d.recipientEmail),
    cc: addressed.filter((d) => d.kind === 'cc').map((d) => d.recipientEmail),
    attachments: await Promise.all(
      attachments.map(async (a) => ({
        id: a.id,
        name: await decryptText(deps, a.nameEnc),
        contentType: a.contentType,
        size: a.size,
        inline: a.inline,
      })),
    ),
    body: async () => {
      const stored = await deps.blobs.get({ id: message.bodyBlobId });
      if (!stored) throw new DecryptFailed('The message body is missing from the blob store.');
      return deps.cipher.decryptStream({ ciphertext: stored });
    },
  };
}
