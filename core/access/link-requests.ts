import { emailKey, normaliseEmail } from '../accounts/email.ts';
import { recordAudit } from '../audit/record.ts';
import {
  type CodeProblem,
  checkEmailCode,
  type EmailCodeDeps,
  sendEmailCode,
  spendEmailCode,
} from '../auth/email-codes.ts';
import { findLinkToken } from '../auth/one-time-tokens.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import { forwardsInLastHour } from '../messages/forward-message.ts';
import { deliveryState } from '../messages/model.ts';
import { findOrCreateRecipient } from '../messages/new-delivery.ts';
import type { Settings } from '../settings/model.ts';
import type { Repositories } from '../storage/ports.ts';
import type { AccessRequest } from './model.ts';

/** What the link pages need: codes, settings, and the encryption of the reason. */
export type LinkRequestDeps = EmailCodeDeps & { settings: { get(): Promise<Settings> } };

/** Who a notification's link was for, as the "sent to someone else" pages show it. */
export type LinkInfo = {
  deliveryId: string;
  messageId: string;
  /** The address the message was sent to (the notification already names it). */
  addresseeEmail: string;
  /** Who sent it, for "ask the sender" and, when asking is off, whom to contact. */
  senderName: string;
  senderEmail: string;
  /** Whether the council lets people given a link ask for access. */
  canAsk: boolean;
};

/** Why asking for access from a link was refused; the view words each one. */
export type LinkRequestProblem =
  | 'email-missing'
  | 'email-invalid'
  /** The address the message was already sent to: that person should just continue. */
  | 'own-address'
  | 'too-many-codes'
  | 'rate-limited'
  | 'reason-too-long'
  | CodeProblem;

/** The outcome of asking, once the code is right: where the request stands now. */
export type LinkRequestResult =
  | { ok: true; status: AccessRequest['status']; merged: boolean }
  | { ok: false; reason: 'not-found' | 'off' }
  | { ok: false; reason: 'invalid'; problems: LinkRequestProblem[] };

/** The longest reason a requester may give. */
export const MAX_REASON_LENGTH = 1_000;

const encoder = new TextEncoder();

/**
 * What a notification's link is for, looked up without spending it. Null when the
 * link is unknown, expired, not a message's link, or its copy is gone or revoked.
 */
export async function describeLink(
  deps: Pick<LinkRequestDeps, 'storage' | 'secrets' | 'clock' | 'settings'>,
  input: { token: string },
): Promise<LinkInfo | null> {
  const repos = deps.storage.repos;
  const now = deps.clock.now();
  const token = await findLinkToken(deps, repos, {
    value: input.token,
    purposes: ['notify'],
    now,
    allowUsed: true,
  });
  if (!token?.deliveryId) return null;
  const delivery = await repos.deliveries.findById({ id: token.deliveryId });
  if (!delivery || deliveryState(delivery, now) === 'revoked') return null;
  // A spent link still leads on only when its addressee has registered (as for
  // `findRegistrationLink`): every other spent link is as dead as an unknown one.
  if (token.usedAt !== null) {
    const addressee = await repos.accounts.findById({ id: delivery.recipientId });
    if (!addressee?.passwordHash) return null;
  }
  const message = await repos.messages.findById({ id: delivery.messageId });
  if (!message) return null;
  const [sender, settings] = await Promise.all([
    repos.accounts.findById({ id: message.senderId }),
    deps.settings.get(),
  ]);
  return {
    deliveryId: delivery.id,
    messageId: message.id,
    addresseeEmail: delivery.recipientEmail,
    senderName: sender?.displayName ?? settings.orgName,
    senderEmail: sender?.email ?? '',
    canAsk: settings.linkAccessRequests && sender !== null,
  };
}

/** The typed address, normalised, or the problem with it. */
function checkAddress(
  link: LinkInfo,
  typed: string,
): { ok: true; email: string } | { ok: false; problem: LinkRequestProblem } {
  if (typed.trim() === '') return { ok: false, problem: 'email-missing' };
  const n = normaliseEmail(typed);
  if (!n.ok) return { ok: false, problem: 'email-invalid' };
  if (emailKey(n.email) === emailKey(link.addresseeEmail)) {
    return { ok: false, problem: 'own-address' };
  }
  return { ok: true, email: n.email };
}

/**
 * Step one of "this message was sent to someone else": emails a code to the address
 * the person says is theirs, bound to this message's copy. Nothing else happens until
 * the code comes back (`requestAccessByLink`), so a typo or someone else's address
 * leads nowhere.
 */
export async function sendLinkRequestCode(
  deps: LinkRequestDeps,
  input: {
    token: string;
    email: string;
    /** The language of the page the person asked on. */
    pageLanguage?: string | null | undefined;
  },
): Promise<
  | { ok: true; email: string; link: LinkInfo }
  | { ok: false; reason: 'not-found' | 'off' }
  | { ok: false; reason: 'invalid'; problems: LinkRequestProblem[] }
> {
  const link = await describeLink(deps, input);
  if (!link) return { ok: false, reason: 'not-found' };
  if (!link.canAsk) return { ok: false, reason: 'off' };
  const address = checkAddress(link, input.email);
  if (!address.ok) return { ok: false, reason: 'invalid', problems: [address.problem] };
  const settings = await deps.settings.get();
  const sent = await sendEmailCode(deps, {
    purpose: 'access-request',
    email: address.email,
    subjectId: link.deliveryId,
    orgName: settings.orgName,
    pageLanguage: input.pageLanguage,
    emailLanguage: settings.emailLanguage,
  });
  if (!sent.ok) return { ok: false, reason: 'invalid', problems: ['too-many-codes'] };
  return { ok: true, email: address.email, link };
}

/**
 * Step two: with the code that proves the address, records a request the originator
 * decides (their Requests page, and an email), audited as `access.request`. Asking
 * again for the same message from the same address merges into the request already
 * made: while it waits nothing new is sent to the sender (a new reason replaces the
 * old); once decided, the person is told the decision instead. At most
 * `forwardsPerHour` requests an hour per address.
 */
export async function requestAccessByLink(
  deps: LinkRequestDeps,
  input: { token: string; email: string; code: string; reason: string; ip: string | null },
): Promise<LinkRequestResult> {
  const link = await describeLink(deps, input);
  if (!link) return { ok: false, reason: 'not-found' };
  if (!link.canAsk) return { ok: false, reason: 'off' };
  const address = checkAddress(link, input.email);
  if (!address.ok) return { ok: false, reason: 'invalid', problems: [address.problem] };
  const reason = input.reason.trim();
  const problems: LinkRequestProblem[] = [];
  if (reason.length > MAX_REASON_LENGTH) problems.push('reason-too-long');
  const code = await checkEmailCode(deps, {
    purpose: 'access-request',
    email: address.email,
    subjectId: link.deliveryId,
    typed: input.code,
  });
  if (!code.ok) problems.push(code.problem);
  if (problems.length > 0 || !code.ok) return { ok: false, reason: 'invalid', problems };

  const repos = deps.storage.repos;
  const now = deps.clock.now();
  const settings = await deps.settings.get();
  const previous = await findLinkRequest(repos, link.messageId, address.email);
  const reasonEnc =
    reason === '' ? null : await deps.cipher.encryptBytes({ plaintext: encoder.encode(reason) });
  if (previous) {
    await deps.storage.transaction(async (tx) => {
      if (!(await spendEmailCode(tx, { code: code.code, at: now }))) return;
      if (previous.status === 'pending' && reasonEnc) {
        await tx.accessRequests.update({ request: { ...previous, reasonEnc } });
      }
    });
    return { ok: true, status: previous.status, merged: true };
  }

  const requesterAccount = await repos.accounts.findByEmailKey({
    emailKey: emailKey(address.email),
  });
  if (
    requesterAccount &&
    (await forwardsInLastHour(repos, requesterAccount, now)) >= settings.forwardsPerHour
  ) {
    return { ok: false, reason: 'invalid', problems: ['rate-limited'] };
  }
  const requestId = deps.ids.newId();
  const sender = await repos.accounts.findByEmailKey({ emailKey: emailKey(link.senderEmail) });
  const mail = await prepareOutboxMail(deps, {
    kind: 'access-request',
    mail: {
      to: link.senderEmail,
      ...deps.templates.accessRequested(
        {
          orgName: settings.orgName,
          requesterEmail: address.email,
          kind: 'link',
          link: `${deps.publicUrl}/staff/requests/${requestId}`,
        },
        chooseMailLanguage({ account: sender, setting: settings.emailLanguage }),
      ),
      headers: {},
    },
  });
  const created = await deps.storage.transaction(async (tx) => {
    // The one winner of a race spends the code; a second submission adds nothing.
    if (!(await spendEmailCode(tx, { code: code.code, at: now }))) return false;
    const requester = await findOrCreateRecipient(deps, tx, address.email, now);
    const request: AccessRequest = {
      id: requestId,
      kind: 'link',
      messageId: link.messageId,
      deliveryId: link.deliveryId,
      requesterId: requester.id,
      forwardToEmail: address.email,
      reasonEnc,
      status: 'pending',
      createdAt: now,
      decidedAt: null,
      decidedById: null,
    };
    await tx.accessRequests.insert({ request });
    await tx.outbox.insert({ mail });
    await recordAudit(deps, tx, {
      action: 'access.request',
      actorId: requester.id,
      actorLabel: address.email,
      ip: input.ip,
      targetType: 'access-request',
      targetId: request.id,
      details: { kind: 'link', messageId: link.messageId, deliveryId: link.deliveryId },
    });
    return true;
  });
  return { ok: true, status: 'pending', merged: !created };
}

/** The request already made from a link for `messageId` by `email`, newest first. */
async function findLinkRequest(
  repos: Repositories,
  messageId: string,
  email: string,
): Promise<AccessRequest | null> {
  const key = emailKey(email);
  const all = await repos.accessRequests.listForMessage({ messageId });
  const mine = all.filter((r) => r.kind === 'link' && emailKey(r.forwardToEmail ?? '') === key);
  return mine.at(-1) ?? null;
}
