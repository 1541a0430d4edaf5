import { isAllowedAddress } from '../access/allowed-domains.ts';
import type { AccessRequest } from '../access/model.ts';
import { emailKey, normaliseEmail } from '../accounts/email.ts';
import type { Account } from '../accounts/model.ts';
import { recordAudit } from '../audit/record.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { MailboxDeps } from './deps.ts';
import { insertDelivery, type PreparedDelivery, prepareDelivery } from './new-delivery.ts';
import { findOwnDelivery } from './read-access.ts';

/** Who may be addressed and what happens to outsiders. */
export type AddressingPolicy = {
  internalDomains: string[];
  allowSubdomains: boolean;
  forwardOutside: 'refuse' | 'request';
  orgName: string;
};

/** The outcome of a forward, per address. */
export type ForwardResult =
  | { ok: true; forwarded: string[]; requested: string[] }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'invalid'; issues: Record<string, string> };

/** True when `email` is inside the council's allowed domains. */
export function isInternalAddress(policy: AddressingPolicy, email: string): boolean {
  return isAllowedAddress({
    email,
    allowedDomains: policy.internalDomains,
    allowSubdomains: policy.allowSubdomains,
  });
}

/**
 * Forwards a recipient's message: each address inside the allowed domains gets its own
 * delivery of the same message (no copy of the content); an outside address is refused
 * with a reason, or, with `forwardOutside: 'request'`, becomes an access request the
 * originator decides. Read-only, expired and revoked messages cannot be forwarded.
 */
export async function forwardMessage(
  deps: MailboxDeps,
  policy: AddressingPolicy,
  input: { account: Account; deliveryId: string; to: string[]; ip: string | null },
): Promise<ForwardResult> {
  const now = deps.clock.now();
  const access = await findOwnDelivery(deps.storage.repos, input.account, input.deliveryId, now);
  if (!access.ok || access.role !== 'recipient' || access.state !== 'active')
    return { ok: false, reason: 'not-found' };
  if (access.message.readOnly) {
    return {
      ok: false,
      reason: 'invalid',
      issues: { to: 'The sender made this message read-only, so it cannot be forwarded.' },
    };
  }
  const inside: string[] = [];
  const outside: string[] = [];
  const seen = new Set<string>();
  for (const raw of input.to) {
    if (raw.trim() === '') continue;
    const n = normaliseEmail(raw);
    if (!n.ok)
      return {
        ok: false,
        reason: 'invalid',
        issues: { to: `"${raw.trim()}" is not a valid email address: ${n.reason}` },
      };
    if (seen.has(emailKey(n.email))) continue;
    seen.add(emailKey(n.email));
    (isInternalAddress(policy, n.email) ? inside : outside).push(n.email);
  }
  if (inside.length + outside.length === 0)
    return { ok: false, reason: 'invalid', issues: { to: 'Enter an email address.' } };
  if (outside.length > 0 && policy.forwardOutside === 'refuse') {
    return {
      ok: false,
      reason: 'invalid',
      issues: {
        to: `You can only forward to addresses at ${policy.internalDomains.join(', ') || policy.orgName}. ${outside.join(', ')} is outside, so the message was not forwarded.`,
      },
    };
  }
  const sender = await deps.storage.repos.accounts.findById({ id: access.message.senderId });
  const prepared: PreparedDelivery[] = [];
  for (const email of inside) {
    prepared.push(
      await prepareDelivery(deps, {
        email,
        kind: 'to',
        senderName: sender?.displayName ?? policy.orgName,
        orgName: policy.orgName,
        accessEndsAt: access.delivery.accessEndsAt,
      }),
    );
  }
  const requests: AccessRequest[] = outside.map((email) => ({
    id: deps.ids.newId(),
    kind: 'forward',
    messageId: access.message.id,
    deliveryId: access.delivery.id,
    requesterId: input.account.id,
    forwardToEmail: email,
    status: 'pending',
    createdAt: now,
    decidedAt: null,
    decidedById: null,
  }));
  const requestMails = sender
    ? await Promise.all(
        requests.map((r) =>
          prepareOutboxMail(deps, {
            kind: 'access-request',
            mail: {
              to: sender.email,
              ...deps.templates.accessRequested({
                orgName: policy.orgName,
                requesterEmail: input.account.email,
                kind: 'forward',
                link: `${deps.publicUrl}/staff/requests/${r.id}`,
              }),
              headers: {},
            },
          }),
        ),
      )
    : [];
  await deps.storage.transaction(async (repos) => {
    for (const p of prepared) {
      const delivery = await insertDelivery(deps, repos, {
        prepared: p,
        messageId: access.message.id,
        accessEndsAt: access.delivery.accessEndsAt,
        now,
      });
      await recordAudit(deps, repos, {
        action: 'message.forward',
        actorId: input.account.id,
        actorLabel: input.account.email,
        ip: input.ip,
        targetType: 'delivery',
        targetId: delivery.id,
        details: { messageId: access.message.id, fromDeliveryId: access.delivery.id },
      });
    }
    for (const request of requests) {
      await repos.accessRequests.insert({ request });
      await recordAudit(deps, repos, {
        action: 'access.request',
        actorId: input.account.id,
        actorLabel: input.account.email,
        ip: input.ip,
        targetType: 'access-request',
        targetId: request.id,
        details: { kind: 'forward', messageId: access.message.id },
      });
    }
    for (const mail of requestMails) await repos.outbox.insert({ mail });
  });
  return { ok: true, forwarded: inside, requested: outside };
}
