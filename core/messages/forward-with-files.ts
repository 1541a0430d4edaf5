import type { Account } from '../accounts/model.ts';
import { DecryptFailed } from '../crypto/errors.ts';
import type { MailboxDeps } from './deps.ts';
import {
  type AddressingPolicy,
  type ForwardLimits,
  type ForwardProblem,
  forwardsInLastHour,
  sortForwardAddresses,
} from './forward-message.ts';
import { type Attachment, isAddressed, type Message } from './model.ts';
import { decryptText } from './open-message.ts';
import { findOwnDelivery } from './read-access.ts';
import {
  type OutgoingAttachment,
  type SendIssues,
  type SendLimits,
  sendMessage,
} from './send-message.ts';

/** The most of the original's text a forward carries; a longer one is cut and says so. */
const MAX_FORWARDED_TEXT = 1024 * 1024;

/** One of the original's files, as the forward form offers it. */
export type ForwardableFile = { id: string; name: string; size: number; contentType: string };

/** A message its recipient may forward now, with the files a forward can carry. */
export type Forwardable = { message: Message; subject: string; files: ForwardableFile[] };

/** What the forward's text is made from: the adapter words it (core has no sentences). */
export type ForwardedOriginal = {
  subject: string;
  from: { name: string; email: string };
  to: string[];
  sentAt: Date;
  /** The original's body as text or safe HTML, as stored, up to about a megabyte. */
  format: Message['bodyFormat'];
  content: string;
  truncated: boolean;
};

/** The outcome of a forward made as a new message. */
export type ForwardWithFilesResult =
  | { ok: true; messageId: string; forwarded: string[] }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'invalid'; problem: ForwardProblem }
  /** `sendMessage` refused (a limit, an infected file): its issues, by field. */
  | { ok: false; reason: 'refused'; issues: SendIssues };

/**
 * The recipient's message if they may forward it now (their own delivery, active, not
 * read-only) with its files (not the images shown in its body), or null: answered as
 * "not found" whatever the reason.
 */
export async function findForwardable(
  deps: MailboxDeps,
  input: { account: Account; deliveryId: string },
): Promise<Forwardable | null> {
  const repos = deps.storage.repos;
  const access = await findOwnDelivery(repos, input.account, input.deliveryId, deps.clock.now());
  if (!access.ok || access.role !== 'recipient' || access.state !== 'active') return null;
  if (access.message.readOnly) return null;
  const attachments = await repos.attachments.listForMessage({ messageId: access.message.id });
  return {
    message: access.message,
    subject: await decryptText(deps, access.message.subjectEnc),
    files: await Promise.all(
      attachments
        .filter((a) => !a.inline)
        .map(async (a) => ({
          id: a.id,
          name: await decryptText(deps, a.nameEnc),
          size: a.size,
          contentType: a.contentType,
        })),
    ),
  };
}

/**
 * Forwards a recipient's message as a NEW message from them, when they add files or
 * leave some of the original's out (a forward of the message as it is stays a copy of
 * it: `forwardMessage`). The new message carries the original's text (worded by
 * `compose`), the original's files that were kept, each decrypted from its stored blob
 * and encrypted again as it streams (never re-uploaded, never whole in memory), then
 * the files added, all within the limits of a new message. Only files of this very
 * message can be kept: any other id is "not found", like a message that is not theirs.
 * It goes to addresses inside the council only (an outside address could only be
 * asked for, and the sender can grant the original, not this new message); it counts
 * against the forwards allowed an hour, and is audited against the original.
 */
export async function forwardWithFiles(
  deps: MailboxDeps,
  policy: AddressingPolicy,
  limits: SendLimits & ForwardLimits,
  input: {
    account: Account;
    deliveryId: string;
    to: string[];
    keepFileIds: string[];
    attachments: OutgoingAttachment[] | AsyncIterable<OutgoingAttachment>;
    compose: (original: ForwardedOriginal) => { subject: string; body: string };
    ip: string | null;
  },
): Promise<ForwardWithFilesResult> {
  const repos = deps.storage.repos;
  const now = deps.clock.now();
  const access = await findOwnDelivery(repos, input.account, input.deliveryId, now);
  if (!access.ok || access.role !== 'recipient' || access.state !== 'active') {
    return { ok: false, reason: 'not-found' };
  }
  const { message, delivery } = access;
  const refuse = (problem: ForwardProblem): ForwardWithFilesResult => ({
    ok: false,
    reason: 'invalid',
    problem,
  });
  if (message.readOnly) return refuse({ code: 'read-only' });

  const attachments = await repos.attachments.listForMessage({ messageId: message.id });
  const byId = new Map(attachments.filter((a) => !a.inline).map((a) => [a.id, a]));
  const kept: Attachment[] = [];
  for (const id of new Set(input.keepFileIds)) {
    const file = byId.get(id);
    if (!file) return { ok: false, reason: 'not-found' };
    kept.push(file);
  }
  // The original's order, whatever order the boxes came in.
  kept.sort((a, b) => attachments.indexOf(a) - attachments.indexOf(b));

  const sorted = sortForwardAddresses(policy, limits, input.to);
  if (!sorted.ok) return refuse(sorted.problem);
  if (sorted.outside.length > 0) {
    return refuse({ code: 'outside-with-files', addresses: sorted.outside });
  }
  const used = await forwardsInLastHour(repos, input.account, now);
  if (used + sorted.inside.length > limits.forwardsPerHour) {
    return refuse({ code: 'rate-limited', perHour: limits.forwardsPerHour });
  }

  const [deliveries, sender] = await Promise.all([
    repos.deliveries.listForMessage({ messageId: message.id }),
    repos.accounts.findById({ id: message.senderId }),
  ]);
  const { content, truncated } = await readBody(deps, message);
  const worded = input.compose({
    subject: await decryptText(deps, message.subjectEnc),
    from: { name: sender?.displayName ?? '', email: sender?.email ?? '' },
    to: deliveries.filter(isAddressed).map((d) => d.recipientEmail),
    sentAt: message.createdAt,
    format: message.bodyFormat,
    content,
    truncated,
  });

  const result = await sendMessage(deps, limits, {
    senderId: input.account.id,
    to: sorted.inside,
    cc: [],
    subject: worded.subject,
    body: worded.body,
    bodyFormat: 'text',
    attachments: carried(deps, kept, input.attachments),
    readOnly: false,
    classification: message.classification,
    // A protected message stays protected for whoever it is forwarded to.
    secondFactorRequired: message.secondFactorRequired,
    source: 'portal',
    ip: input.ip,
    alsoAudit: [
      {
        action: 'message.forward',
        actorId: input.account.id,
        actorLabel: input.account.email,
        ip: input.ip,
        targetType: 'message',
        targetId: message.id,
        details: {
          fromDeliveryId: delivery.id,
          asNewMessage: true,
          recipients: sorted.inside.length,
          keptFiles: kept.length,
        },
      },
    ],
  });
  if (!result.ok) return { ok: false, reason: 'refused', issues: result.issues };
  return { ok: true, messageId: result.messageId, forwarded: sorted.inside };
}

/** The kept files, each decrypted from its blob as it is asked for, then the added ones. */
async function* carried(
  deps: MailboxDeps,
  kept: Attachment[],
  added: OutgoingAttachment[] | AsyncIterable<OutgoingAttachment>,
): AsyncGenerator<OutgoingAttachment, void, undefined> {
  for (const file of kept) {
    const stored = await deps.blobs.get({ id: file.blobId });
    if (!stored) throw new DecryptFailed('An attachment is missing from the blob store.');
    yield {
      name: await decryptText(deps, file.nameEnc),
      contentType: file.contentType,
      content: await deps.cipher.decryptStream({ ciphertext: stored }),
    };
  }
  yield* added;
}

/** The original's body, decrypted, up to `MAX_FORWARDED_TEXT` bytes. */
async function readBody(
  deps: MailboxDeps,
  message: Message,
): Promise<{ content: string; truncated: boolean }> {
  const stored = await deps.blobs.get({ id: message.bodyBlobId });
  if (!stored) throw new DecryptFailed('The message body is missing from the blob store.');
  const reader = (await deps.cipher.decryptStream({ ciphertext: stored })).getReader();
  const decoder = new TextDecoder('utf-8');
  let content = '';
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = MAX_FORWARDED_TEXT - read;
    if (value.byteLength > room) {
      content += decoder.decode(value.subarray(0, room), { stream: true });
      await reader.cancel().catch(() => {});
      return { content: content + decoder.decode(), truncated: true };
    }
    read += value.byteLength;
    content += decoder.decode(value, { stream: true });
  }
  return { content: content + decoder.decode(), truncated: false };
}
