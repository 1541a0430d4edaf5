import { emailKey } from '../accounts/email.ts';
import type { Account } from '../accounts/model.ts';
import type { OneTimeToken } from '../auth/model.ts';
import type { Cipher } from '../crypto/ports.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import type { OutboxMail } from '../mail/model.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { MailTemplates } from '../mail/ports.ts';
import type { Settings } from '../settings/model.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Repositories } from '../storage/ports.ts';
import type { Delivery } from './model.ts';

/** A delivery made ready outside the transaction: ids, link token and notification. */
export type PreparedDelivery = {
  email: string;
  kind: 'to' | 'cc';
  /** Set for a copy the sender did not address (see `Delivery.forwardedFromId`). */
  forwardedFromId: string | null;
  forwardedById: string | null;
  deliveryId: string;
  token: OneTimeToken;
  mail: OutboxMail;
};

/**
 * Prepares one recipient's copy: a 128-bit link token (only its hash kept) bound to
 * the delivery, and the notification mail with the link, encrypted for the outbox.
 * Done before the transaction so the transaction itself is only inserts.
 */
export async function prepareDelivery(
  deps: {
    cipher: Cipher;
    ids: Ids;
    clock: Clock;
    secrets: Secrets;
    templates: MailTemplates;
    publicUrl: string;
    storage: { repos: Pick<Repositories, 'accounts'> };
  },
  args: {
    email: string;
    kind: 'to' | 'cc';
    senderName: string;
    orgName: string;
    accessEndsAt: Date;
    /** For a forward or a granted request: where it came from, and who forwarded it. */
    forwardedFrom?: { deliveryId: string; byId: string | null };
    /** The council's `emailLanguage`, for a recipient who has not chosen one (English if not given). */
    emailLanguage?: Settings['emailLanguage'] | undefined;
  },
): Promise<PreparedDelivery> {
  const now = deps.clock.now();
  const deliveryId = deps.ids.newId();
  const tokenId = deps.ids.newId();
  const secret = deps.secrets.randomToken({ bytes: 16 });
  // A recipient who has chosen a language gets it; a new one, the council's setting
  // (`bilingual`: Welsh and English in one email).
  const recipient = await deps.storage.repos.accounts.findByEmailKey({
    emailKey: emailKey(args.email),
  });
  const rendered = deps.templates.notification(
    {
      orgName: args.orgName,
      senderName: args.senderName,
      recipientEmail: args.email,
      link: `${deps.publicUrl}/open/${tokenId}.${secret}`,
      publicUrl: deps.publicUrl,
    },
    chooseMailLanguage({ account: recipient, setting: args.emailLanguage }),
  );
  const mail = await prepareOutboxMail(deps, {
    kind: 'notification',
    // The notification's outbox row shares the delivery's id, so tracking can tell when
    // it was sent (see `trackMessage`).
    id: deliveryId,
    mail: {
      to: args.email,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      headers: {},
    },
  });
  return {
    email: args.email,
    kind: args.kind,
    forwardedFromId: args.forwardedFrom?.deliveryId ?? null,
    forwardedById: args.forwardedFrom?.byId ?? null,
    deliveryId,
    token: {
      id: tokenId,
      purpose: 'notify',
      secretHash: deps.secrets.hashToken({ value: secret }),
      accountId: null,
      email: args.email,
      deliveryId,
      createdAt: now,
      expiresAt: args.accessEndsAt,
      usedAt: null,
    },
    mail,
  };
}

/**
 * Inside a transaction: the recipient's account (created as an unregistered external
 * recipient if new), the delivery, its token and its notification.
 */
export async function insertDelivery(
  deps: { ids: Ids },
  repos: Repositories,
  args: { prepared: PreparedDelivery; messageId: string; accessEndsAt: Date; now: Date },
): Promise<Delivery> {
  const recipient = await findOrCreateRecipient(deps, repos, args.prepared.email, args.now);
  const delivery: Delivery = {
    id: args.prepared.deliveryId,
    messageId: args.messageId,
    recipientId: recipient.id,
    recipientEmail: recipient.email,
    kind: args.prepared.kind,
    accessEndsAt: args.accessEndsAt,
    revokedAt: null,
    notifiedAt: null,
    firstOpenedAt: null,
    hiddenAt: null,
    unretrievedNoticeAt: null,
    createdAt: args.now,
    forwardedFromId: args.prepared.forwardedFromId,
    forwardedById: args.prepared.forwardedById,
  };
  await repos.deliveries.insert({ delivery });
  await repos.tokens.insert({ token: { ...args.prepared.token, accountId: recipient.id } });
  await repos.outbox.insert({ mail: args.prepared.mail });
  return delivery;
}

/** The account for an address, created as an unregistered external recipient if new. */
export async function findOrCreateRecipient(
  deps: { ids: Ids },
  repos: Repositories,
  email: string,
  now: Date,
): Promise<Account> {
  const key = emailKey(email);
  const existing = await repos.accounts.findByEmailKey({ emailKey: key });
  if (existing) return existing;
  const account: Account = {
    id: deps.ids.newId(),
    email,
    emailKey: key,
    displayName: email,
    kind: 'external',
    role: 'recipient',
    passwordHash: null,
    status: 'active',
    failedSignIns: 0,
    failureWindowStartedAt: null,
    lockedUntil: null,
    totpKeyEnc: null,
    recoveryCodeHashes: [],
    legalHold: false,
    createdAt: now,
    updatedAt: now,
    lastSignInAt: null,
    passwordChangedAt: null,
    sharedMailbox: false,
    ssoSubject: null,
    passkeyCount: 0,
    language: null,
  };
  await repos.accounts.insert({ account });
  return account;
}
