import { isAllowedAddress } from '../access/allowed-domains.ts';
import type { AccessRequest } from '../access/model.ts';
import { emailKey, normaliseEmail } from '../accounts/email.ts';
import type { Account } from '../accounts/model.ts';
import { recordAudit } from '../audit/record.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { Settings } from '../settings/model.ts';
import type { Repositories } from '../storage/ports.ts';
import type { MailboxDeps } from './deps.ts';
import { insertDelivery, type PreparedDelivery, prepareDelivery } from './new-delivery.ts';
import { findOwnDelivery } from './read-access.ts';

const HOUR_MS = 3_600_000;

/** Who may be addressed and what happens to outsiders. */
export type AddressingPolicy = {
  internalDomains: string[];
  allowSubdomains: boolean;
  forwardOutside: 'refuse' | 'request';
  orgName: string;
  /** The council's `emailLanguage` (English if not given). */
  emailLanguage?: Settings['emailLanguage'] | undefined;
};

/** How much one account may forward (settings). */
export type ForwardLimits = {
  /** Most addresses in one forward: the same as for a new message. */
  maxRecipients: number;
  /** Most forwarded copies and forward requests one account may make in an hour. */
  forwardsPerHour: number;
};

/** Why a forward was refused; the view words each one. */
export type ForwardProblem =
  | { code: 'read-only' }
  | { code: 'no-address' }
  | { code: 'invalid-address'; address: string }
  | { code: 'outside'; addresses: string[] }
  /** Files added or left out make a new message, which cannot go outside the council. */
  | { code: 'outside-with-files'; addresses: string[] }
  | { code: 'too-many-addresses'; max: number }
  | { code: 'rate-limited'; perHour: number };

/** The outcome of a forward, per address. */
export type ForwardResult =
  | { ok: true; forwarded: string[]; requested: string[] }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'invalid'; problem: ForwardProblem };

/** True when `email` is inside the council's allowed domains. */
export function isInternalAddress(policy: AddressingPolicy, email: string): boolean {
  return isAllowedAddress({
    email,
    allowedDomains: policy.internalDomains,
    allowSubdomains: policy.allowSubdomains,
  });
}

/**
 * How many forwarded copies and forward requests `account` made in the hour before
 * `now`: the figure the `forwardsPerHour` limit is checked against. Counted in the
 * database, so every app process and node agrees.
 */
export async function forwardsInLastHour(
  repos: Repositories,
  account: Pick<Account, 'id'>,
  now: Date,
): Promise<number> {
  const since = new Date(now.getTime() - HOUR_MS);
  const [copies, requests] = await Promise.all([
    repos.deliveries.countForwardedSince({ forwardedById: account.id, since }),
    repos.accessRequests.listForRequester({ requesterId: account.id }),
  ]);
  return (
    copies +
    requests.filter((r) => r.kind !== 'extension' && r.createdAt.getTime() >= since.getTime())
      .length
  );
}

/**
 * The addresses typed for a forward, normalised and without repeats, split into those
 * inside the council's domains and the rest; or the first problem with them.
 */
export function sortForwardAddresses(
  policy: AddressingPolicy,
  limits: Pick<ForwardLimits, 'maxRecipients'>,
  typed: string[],
): { ok: true; inside: string[]; outside: string[] } | { ok: false; problem: ForwardProblem } {
  const inside: string[] = [];
  const outside: string[] = [];
  const seen = new Set<string>();
  for (const raw of typed) {
    if (raw.trim() === '') continue;
    const n = normaliseEmail(raw);
    if (!n.ok) {
      return { ok: false, problem: { code: 'invalid-address', address: raw.trim().slice(0, 320) } };
    }
    if (seen.has(emailKey(n.email))) continue;
    seen.add(emailKey(n.email));
    (isInternalAddress(policy, n.email) ? inside : outside).push(n.email);
  }
  if (seen.size === 0) return { ok: false, problem: { code: 'no-address' } };
  if (seen.size > limits.maxRecipients) {
    return { ok: false, problem: { code: 'too-many-addresses', max: limits.maxRecipients } };
  }
  return { ok: true, inside, outside };
}

/**
 * Forwards a recipient's message. Each address inside the allowed domains gets its own
 * delivery of the same message (no copy of the content), recorded against the
 * forwarder: it is private to the chain, so the other recipients never see it among
 * "To" and "Copied to", and Reply all never includes it; the sender's tracking page
 * shows it. An outside address is refused, or, with `forwardOutside: 'request'`,
 * becomes an access request the originator decides (asking again for the same address
 * while one waits adds nothing). An address that already has the message gets no
 * second copy. At most `maxRecipients` addresses at once, and `forwardsPerHour`
 * forwards and requests an hour. Read-only, expired and revoked messages cannot be
 * forwarded.
 */
export async function forwardMessage(
  deps: MailboxDeps,
  policy: AddressingPolicy,
  limits: ForwardLimits,
  input: { account: Account; deliveryId: string; to: string[]; ip: string | null },
): Promise<ForwardResult> {
  const now = deps.clock.now();
  const repos = deps.storage.repos;
  const access = await findOwnDelivery(repos, input.account, input.deliveryId, now);
  if (!access.ok || access.role !== 'recipient' || access.state !== 'active')
    return { ok: false, reason: 'not-found' };
  const refuse = (problem: ForwardProblem): ForwardResult => ({
    ok: false,
    reason: 'invalid',
    problem,
  });
  if (access.message.readOnly) return refuse({ code: 'read-only' });

  const sorted = sortForwardAddresses(policy, limits, input.to);
  if (!sorted.ok) return refuse(sorted.problem);
  const { inside, outside } = sorted;
  if (outside.length > 0 && policy.forwardOutside === 'refuse') {
    return refuse({ code: 'outside', addresses: outside });
  }

  // Addresses that already have the message, and outside ones already asked for, add
  // nothing: no second copy, no second request, no second email to the sender.
  const [deliveries, requestsBefore] = await Promise.all([
    repos.deliveries.listForMessage({ messageId: access.message.id }),
    repos.accessRequests.listForMessage({ messageId: access.message.id }),
  ]);
  const hasCopy = new Set(deliveries.map((d) => emailKey(d.recipientEmail)));
  const asked = new Set(
    requestsBefore
      .filter((r) => r.kind === 'forward' && r.status === 'pending' && r.forwardToEmail)
      .map((r) => emailKey(r.forwardToEmail ?? '')),
  );
  const newInside = inside.filter((email) => !hasCopy.has(emailKey(email)));
  const newOutside = outside.filter(
    (email) => !hasCopy.has(emailKey(email)) && !asked.has(emailKey(email)),
  );
  const used = await forwardsInLastHour(repos, input.account, now);
  if (used + newInside.length + newOutside.length > limits.forwardsPerHour) {
    return refuse({ code: 'rate-limited', perHour: limits.forwardsPerHour });
  }

  const sender = await repos.accounts.findById({ id: access.message.senderId });
  const prepared: PreparedDelivery[] = [];
  for (const email of newInside) {
    prepared.push(
      await prepareDelivery(deps, {
        email,
        kind: 'to',
        senderName: sender?.displayName ?? policy.orgName,
        orgName: policy.orgName,
        accessEndsAt: access.delivery.accessEndsAt,
        forwardedFrom: { deliveryId: access.delivery.id, byId: input.account.id },
        emailLanguage: policy.emailLanguage,
      }),
    );
  }
  const requests: AccessRequest[] = newOutside.map((email) => ({
    id: deps.ids.newId(),
    kind: 'forward',
    messageId: access.message.id,
    deliveryId: access.delivery.id,
    requesterId: input.account.id,
    forwardToEmail: email,
    reasonEnc: null,
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
              ...deps.templates.accessRequested(
                {
                  orgName: policy.orgName,
                  requesterEmail: input.account.email,
                  kind: 'forward',
                  link: `${deps.publicUrl}/staff/requests/${r.id}`,
                },
                chooseMailLanguage({ account: sender, setting: policy.emailLanguage }),
              ),
              headers: {},
            },
          }),
        ),
      )
    : [];
  const committed = await deps.storage.transaction(async (tx) => {
    // Counted again where it is written: requests made in parallel cannot slip past the
    // limit between the first count and this one.
    const count = newInside.length + newOutside.length;
    if ((await forwardsInLastHour(tx, input.account, now)) + count > limits.forwardsPerHour) {
      return false;
    }
    for (const p of prepared) {
      const delivery = await insertDelivery(deps, tx, {
        prepared: p,
        messageId: access.message.id,
        accessEndsAt: access.delivery.accessEndsAt,
        now,
      });
      await recordAudit(deps, tx, {
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
      await tx.accessRequests.insert({ request });
      await recordAudit(deps, tx, {
        action: 'access.request',
        actorId: input.account.id,
        actorLabel: input.account.email,
        ip: input.ip,
        targetType: 'access-request',
        targetId: request.id,
        details: { kind: 'forward', messageId: access.message.id },
      });
    }
    for (const mail of requestMails) await tx.outbox.insert({ mail });
    return true;
  });
  if (!committed) return refuse({ code: 'rate-limited', perHour: limits.forwardsPerHour });
  return { ok: true, forwarded: inside, requested: outside };
}
