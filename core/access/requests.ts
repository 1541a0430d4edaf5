import { emailKey } from '../accounts/email.ts';
import type { Account } from '../accounts/model.ts';
import { recordAudit } from '../audit/record.ts';
import { extendedAccessEndsAt } from '../lifecycle/rules.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { MailboxDeps } from '../messages/deps.ts';
import { insertDelivery, prepareDelivery } from '../messages/new-delivery.ts';
import { findOwnDelivery } from '../messages/read-access.ts';
import type { Settings } from '../settings/model.ts';
import { addDays } from '../shared/time.ts';
import type { AccessRequest } from './model.ts';

/** The outcome of asking: the request, or not found (nothing to ask about). */
export type RequestResult =
  | { ok: true; request: AccessRequest; alreadyPending: boolean }
  | { ok: false };

/**
 * A recipient whose access expired asks the originator for more time. Asking twice
 * while a request is pending returns the pending one. The originator is emailed.
 */
export async function requestExtension(
  deps: MailboxDeps & { orgName: string; emailLanguage?: Settings['emailLanguage'] | undefined },
  input: { account: Account; deliveryId: string; ip: string | null },
): Promise<RequestResult> {
  const now = deps.clock.now();
  const access = await findOwnDelivery(deps.storage.repos, input.account, input.deliveryId, now);
  if (!access.ok || access.role !== 'recipient' || access.state !== 'expired') return { ok: false };
  const pending = (
    await deps.storage.repos.accessRequests.listForRequester({ requesterId: input.account.id })
  ).find(
    (r) => r.deliveryId === input.deliveryId && r.kind === 'extension' && r.status === 'pending',
  );
  if (pending) return { ok: true, request: pending, alreadyPending: true };
  const sender = await deps.storage.repos.accounts.findById({ id: access.message.senderId });
  const request: AccessRequest = {
    id: deps.ids.newId(),
    kind: 'extension',
    messageId: access.message.id,
    deliveryId: input.deliveryId,
    requesterId: input.account.id,
    forwardToEmail: null,
    reasonEnc: null,
    status: 'pending',
    createdAt: now,
    decidedAt: null,
    decidedById: null,
  };
  const mail = sender
    ? await prepareOutboxMail(deps, {
        kind: 'access-request',
        mail: {
          to: sender.email,
          ...deps.templates.accessRequested(
            {
              orgName: deps.orgName,
              requesterEmail: input.account.email,
              kind: 'extension',
              link: `${deps.publicUrl}/staff/requests/${request.id}`,
            },
            chooseMailLanguage({ account: sender, setting: deps.emailLanguage }),
          ),
          headers: {},
        },
      })
    : null;
  await deps.storage.transaction(async (repos) => {
    await repos.accessRequests.insert({ request });
    if (mail) await repos.outbox.insert({ mail });
    await recordAudit(deps, repos, {
      action: 'access.request',
      actorId: input.account.id,
      actorLabel: input.account.email,
      ip: input.ip,
      targetType: 'access-request',
      targetId: request.id,
      details: { kind: 'extension', messageId: access.message.id },
    });
  });
  return { ok: true, request, alreadyPending: false };
}

/** The outcome of a decision. */
export type DecideResult =
  | { ok: true; request: AccessRequest }
  | { ok: false; reason: 'not-found' | 'already-decided' };

/**
 * The originator grants or denies a request. Granting an extension gives the
 * requester's delivery `extensionDays` more from the later of now and its current end.
 * Granting a forward gives the outside address a copy that ends with the forwarder's.
 * Granting a request from a passed-on link gives the requester their own copy, with
 * its own access period (`accessDays` from now), its own notification and the usual
 * registration; the addressee keeps theirs. Both copies are private to their chain
 * (`Delivery.forwardedFromId`). The requester is emailed the decision (for a granted
 * link request the new copy's notification is that email).
 */
export async function decideAccessRequest(
  deps: MailboxDeps & {
    orgName: string;
    extensionDays: number;
    accessDays: number;
    emailLanguage?: Settings['emailLanguage'] | undefined;
  },
  input: { account: Account; requestId: string; grant: boolean; ip: string | null },
): Promise<DecideResult> {
  const now = deps.clock.now();
  const repos = deps.storage.repos;
  const request = await repos.accessRequests.findById({ id: input.requestId });
  const message = request ? await repos.messages.findById({ id: request.messageId }) : null;
  if (!request || !message || message.senderId !== input.account.id)
    return { ok: false, reason: 'not-found' };
  if (request.status !== 'pending') return { ok: false, reason: 'already-decided' };
  const requester = await repos.accounts.findById({ id: request.requesterId });
  const decided: AccessRequest = {
    ...request,
    status: input.grant ? 'granted' : 'denied',
    decidedAt: now,
    decidedById: input.account.id,
  };
  const requesterDelivery = await repos.deliveries.findById({ id: request.deliveryId });
  const newEnd = extendedAccessEndsAt({
    now,
    currentEnd: requesterDelivery?.accessEndsAt ?? now,
    settings: { extensionDays: deps.extensionDays },
  });
  // A granted forward gives the outside address its own delivery, ending when the
  // requester's own access ends; a granted link request gives its own full period.
  // A granted link request gets a full period of its own, but never past the message's
  // retention (the council's limit on how long it keeps the content).
  const copyEndsAt =
    request.kind === 'link'
      ? new Date(Math.min(addDays(now, deps.accessDays).getTime(), message.retainUntil.getTime()))
      : requesterDelivery?.accessEndsAt;
  // An address that has a copy already (sent to it since, or granted twice) gets no second.
  const hasCopy =
    request.forwardToEmail !== null &&
    (await repos.deliveries.listForMessage({ messageId: message.id })).some(
      (d) => emailKey(d.recipientEmail) === emailKey(request.forwardToEmail ?? ''),
    );
  const forwarded =
    input.grant &&
    !hasCopy &&
    request.kind !== 'extension' &&
    request.forwardToEmail &&
    requesterDelivery &&
    copyEndsAt
      ? await prepareDelivery(deps, {
          email: request.forwardToEmail,
          kind: 'to',
          senderName: input.account.displayName,
          orgName: deps.orgName,
          accessEndsAt: copyEndsAt,
          forwardedFrom: {
            deliveryId: requesterDelivery.id,
            byId: request.kind === 'forward' ? request.requesterId : null,
          },
          emailLanguage: deps.emailLanguage,
        })
      : null;
  // A person granted access from a link has no copy yet: the decision mail points to
  // the portal, never to the addressee's copy.
  const decisionLink =
    request.kind === 'link' ? deps.publicUrl : `${deps.publicUrl}/inbox/${request.deliveryId}`;
  // The new copy's notification tells a granted requester; one who has a copy already
  // gets the decision instead, so nobody waits for an email that never comes.
  const mail =
    requester && !(request.kind === 'link' && input.grant && forwarded)
      ? await prepareOutboxMail(deps, {
          kind: 'access-decision',
          mail: {
            to: requester.email,
            ...deps.templates.accessDecision(
              {
                orgName: deps.orgName,
                granted: input.grant,
                accessEndsAt: input.grant && request.kind === 'extension' ? newEnd : null,
                link: decisionLink,
              },
              chooseMailLanguage({ account: requester, setting: deps.emailLanguage }),
            ),
            headers: {},
          },
        })
      : null;
  await deps.storage.transaction(async (tx) => {
    await tx.accessRequests.update({ request: decided });
    if (input.grant && request.kind === 'extension') {
      const delivery = await tx.deliveries.findById({ id: request.deliveryId });
      if (delivery) await tx.deliveries.update({ delivery: { ...delivery, accessEndsAt: newEnd } });
    }
    if (forwarded && copyEndsAt) {
      await insertDelivery(deps, tx, {
        prepared: forwarded,
        messageId: message.id,
        accessEndsAt: copyEndsAt,
        now,
      });
    }
    if (mail) await tx.outbox.insert({ mail });
    await recordAudit(deps, tx, {
      action: input.grant ? 'access.grant' : 'access.deny',
      actorId: input.account.id,
      actorLabel: input.account.email,
      ip: input.ip,
      targetType: 'access-request',
      targetId: request.id,
      details: { kind: request.kind, messageId: message.id },
    });
  });
  return { ok: true, request: decided };
}
