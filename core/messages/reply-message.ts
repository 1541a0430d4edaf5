import type { Account } from '../accounts/model.ts';
import type { MailboxDeps } from './deps.ts';
import type { AddressingPolicy } from './forward-message.ts';
import { isInternalAddress } from './forward-message.ts';
import { replyRecipients } from './mailbox.ts';
import type { Message } from './model.ts';
import { decryptText } from './open-message.ts';
import { findOwnDelivery } from './read-access.ts';
import {
  type OutgoingAttachment,
  type SendIssues,
  type SendLimits,
  sendMessage,
} from './send-message.ts';

/** What the reply form shows: who it goes to (decided here, never typed) and the subject replied to. */
export type ReplyDraft = { message: Message; subject: string; recipients: string[] };

/** The outcome of a reply. */
export type ReplyResult =
  | { ok: true; messageId: string }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'invalid'; issues: SendIssues };

/**
 * Prepares a reply to a recipient's delivery. Reply goes to the sender only; Reply all
 * also to the other participants inside the council (`replyRecipients`). Only an
 * active delivery can be answered: anything else is null, answered as "not found".
 */
export async function prepareReply(
  deps: MailboxDeps,
  policy: Pick<AddressingPolicy, 'internalDomains' | 'allowSubdomains'>,
  input: { account: Account; deliveryId: string; all: boolean },
): Promise<ReplyDraft | null> {
  const now = deps.clock.now();
  const access = await findOwnDelivery(deps.storage.repos, input.account, input.deliveryId, now);
  if (!access.ok || access.role !== 'recipient' || access.state !== 'active') return null;
  const recipients = await replyRecipients(deps, {
    account: input.account,
    message: access.message,
    all: input.all,
    isInternal: (email) =>
      isInternalAddress({ ...policy, forwardOutside: 'refuse', orgName: '' }, email),
  });
  return {
    message: access.message,
    subject: await decryptText(deps, access.message.subjectEnc),
    recipients,
  };
}

/**
 * Sends a recipient's reply: a new message from them to the recipients `prepareReply`
 * decides (never addresses from the form), linked to the original by `inReplyToId`
 * and carrying its security marking, with any files they attached. Council staff read
 * it in the staff portal.
 */
export async function replyToMessage(
  deps: MailboxDeps,
  policy: Pick<AddressingPolicy, 'internalDomains' | 'allowSubdomains'>,
  limits: SendLimits,
  input: {
    account: Account;
    deliveryId: string;
    all: boolean;
    subject: string;
    body: string;
    /**
     * The files sent with the reply, within the same limits as a new message; a
     * streamed upload hands each over as it arrives (see `SendMessageInput`).
     */
    attachments?: OutgoingAttachment[] | AsyncIterable<OutgoingAttachment>;
    ip: string | null;
  },
): Promise<ReplyResult> {
  const draft = await prepareReply(deps, policy, input);
  if (!draft) return { ok: false, reason: 'not-found' };
  if (draft.recipients.length === 0) {
    return { ok: false, reason: 'invalid', issues: { _: { code: 'nobody-to-reply-to' } } };
  }
  const result = await sendMessage(deps, limits, {
    senderId: input.account.id,
    to: draft.recipients,
    cc: [],
    subject: input.subject,
    body: input.body,
    bodyFormat: 'text',
    attachments: input.attachments ?? [],
    readOnly: false,
    classification: draft.message.classification,
    source: 'web',
    inReplyToId: draft.message.id,
    ip: input.ip,
  });
  return result.ok
    ? { ok: true, messageId: result.messageId }
    : { ok: false, reason: 'invalid', issues: result.issues };
}
