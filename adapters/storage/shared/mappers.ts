// Pure row <-> domain mappers shared by the SQLite and PostgreSQL adapters. Both
// schemas name their columns after the domain fields and decode instants, booleans,
// JSON and bytes in their column types, so a row is the entity plus, at most, a few
// storage-only columns (such as `ord`). Each mapper copies exactly the domain fields,
// so nothing of the storage leaks into the core and both dialects return equal objects.

import type { AccessRequest } from '../../../core/access/model.ts';
import type { Account } from '../../../core/accounts/model.ts';
import type { AuditEvent } from '../../../core/audit/model.ts';
import type {
  DeviceLockout,
  EmailCode,
  OneTimeToken,
  Passkey,
  Session,
} from '../../../core/auth/model.ts';
import type { Contact, ContactGroup } from '../../../core/contacts/model.ts';
import type { JobRun } from '../../../core/lifecycle/model.ts';
import type { OutboxMail } from '../../../core/mail/model.ts';
import type {
  Attachment,
  Delivery,
  Draft,
  InboxItem,
  Message,
} from '../../../core/messages/model.ts';

/** An account as read from either schema. */
export function toAccount(row: Account): Account {
  return {
    id: row.id,
    email: row.email,
    emailKey: row.emailKey,
    displayName: row.displayName,
    kind: row.kind,
    role: row.role,
    passwordHash: row.passwordHash,
    status: row.status,
    failedSignIns: row.failedSignIns,
    failureWindowStartedAt: row.failureWindowStartedAt,
    lockedUntil: row.lockedUntil,
    totpKeyEnc: row.totpKeyEnc,
    recoveryCodeHashes: [...row.recoveryCodeHashes],
    legalHold: row.legalHold,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastSignInAt: row.lastSignInAt,
    passwordChangedAt: row.passwordChangedAt,
    sharedMailbox: row.sharedMailbox,
    ssoSubject: row.ssoSubject,
    passkeyCount: Number(row.passkeyCount),
    language: row.language ?? null,
  };
}

/** A session as read from either schema. */
export function toSession(row: Session): Session {
  return {
    id: row.id,
    accountId: row.accountId,
    secretHash: row.secretHash,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
    rememberMe: row.rememberMe,
    twoFactorPending: row.twoFactorPending,
    ip: row.ip,
    userAgent: row.userAgent,
    actingMailboxId: row.actingMailboxId,
    secondFactorAt: row.secondFactorAt,
    ssoCheckedAt: row.ssoCheckedAt,
    ssoRefreshEnc: row.ssoRefreshEnc,
  };
}

/** A one-time token as read from either schema. */
export function toToken(row: OneTimeToken): OneTimeToken {
  return {
    id: row.id,
    purpose: row.purpose,
    secretHash: row.secretHash,
    accountId: row.accountId,
    email: row.email,
    deliveryId: row.deliveryId,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    usedAt: row.usedAt,
  };
}

/** An emailed code as read from either schema. */
export function toEmailCode(row: EmailCode): EmailCode {
  return {
    id: row.id,
    purpose: row.purpose,
    email: row.email,
    emailKey: row.emailKey,
    subjectId: row.subjectId,
    codeHash: row.codeHash,
    attempts: row.attempts,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    usedAt: row.usedAt,
  };
}

/** A device lockout counter as read from either schema. */
export function toDeviceLockout(row: DeviceLockout): DeviceLockout {
  return {
    accountId: row.accountId,
    deviceHash: row.deviceHash,
    failures: row.failures,
    windowStartedAt: row.windowStartedAt,
    lockedUntil: row.lockedUntil,
  };
}

/** A message as read from either schema. */
export function toMessage(row: Message): Message {
  return {
    id: row.id,
    senderId: row.senderId,
    subjectEnc: row.subjectEnc,
    bodyBlobId: row.bodyBlobId,
    bodyFormat: row.bodyFormat,
    classification: row.classification,
    readOnly: row.readOnly,
    secondFactorRequired: row.secondFactorRequired,
    source: row.source,
    inReplyToId: row.inReplyToId,
    threadId: row.threadId,
    sizeBytes: row.sizeBytes,
    createdAt: row.createdAt,
    retainUntil: row.retainUntil,
    legalHold: row.legalHold,
    dedupeKey: row.dedupeKey,
  };
}

/** A delivery as read from either schema (without the storage-only `ord`). */
export function toDelivery(row: Delivery): Delivery {
  return {
    id: row.id,
    messageId: row.messageId,
    recipientId: row.recipientId,
    recipientEmail: row.recipientEmail,
    kind: row.kind,
    accessEndsAt: row.accessEndsAt,
    revokedAt: row.revokedAt,
    notifiedAt: row.notifiedAt,
    firstOpenedAt: row.firstOpenedAt,
    hiddenAt: row.hiddenAt,
    unretrievedNoticeAt: row.unretrievedNoticeAt,
    createdAt: row.createdAt,
    forwardedFromId: row.forwardedFromId,
    forwardedById: row.forwardedById,
  };
}

/** An attachment as read from either schema (without the storage-only `ord`). */
export function toAttachment(row: Attachment): Attachment {
  return {
    id: row.id,
    messageId: row.messageId,
    draftId: row.draftId,
    nameEnc: row.nameEnc,
    contentType: row.contentType,
    size: row.size,
    blobId: row.blobId,
    inline: row.inline,
    createdAt: row.createdAt,
  };
}

/** A draft as read from either schema. */
export function toDraft(row: Draft): Draft {
  return {
    id: row.id,
    accountId: row.accountId,
    contentEnc: row.contentEnc,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** An access request as read from either schema. */
export function toAccessRequest(row: AccessRequest): AccessRequest {
  return {
    id: row.id,
    kind: row.kind,
    messageId: row.messageId,
    deliveryId: row.deliveryId,
    requesterId: row.requesterId,
    forwardToEmail: row.forwardToEmail,
    reasonEnc: row.reasonEnc,
    status: row.status,
    createdAt: row.createdAt,
    decidedAt: row.decidedAt,
    decidedById: row.decidedById,
  };
}

/** A contact as read from either schema. */
export function toContact(row: Contact): Contact {
  return {
    id: row.id,
    ownerId: row.ownerId,
    email: row.email,
    nameEnc: row.nameEnc,
    noteEnc: row.noteEnc,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A contact group as read from either schema. */
export function toContactGroup(row: ContactGroup): ContactGroup {
  return {
    id: row.id,
    ownerId: row.ownerId,
    nameEnc: row.nameEnc,
    memberIds: [...row.memberIds],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** An outbox mail as read from either schema. */
export function toOutboxMail(row: OutboxMail): OutboxMail {
  return {
    id: row.id,
    kind: row.kind,
    to: row.to,
    payloadEnc: row.payloadEnc,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    leaseUntil: row.leaseUntil,
    lastError: row.lastError,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
  };
}

/** An audit event as read from either schema. */
export function toAuditEvent(row: AuditEvent): AuditEvent {
  return {
    seq: row.seq,
    id: row.id,
    at: row.at,
    action: row.action,
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    ip: row.ip,
    targetType: row.targetType,
    targetId: row.targetId,
    details: { ...row.details },
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** A job run as read from either schema. */
export function toJobRun(row: JobRun): JobRun {
  return {
    id: row.id,
    job: row.job,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    status: row.status,
    counts: { ...row.counts },
    error: row.error,
  };
}

/** The row an inbox query selects: a delivery joined with its message and sender. */
export type InboxRow = {
  delivery: Delivery;
  message: InboxItem['message'];
  senderEmail: string;
  senderName: string;
  attachmentCount: number | string;
};

/** A mailbox row from the inbox query. */
export function toInboxItem(row: InboxRow): InboxItem {
  const m = row.message;
  return {
    delivery: toDelivery(row.delivery),
    message: {
      id: m.id,
      senderId: m.senderId,
      subjectEnc: m.subjectEnc,
      createdAt: m.createdAt,
      classification: m.classification,
      readOnly: m.readOnly,
      secondFactorRequired: m.secondFactorRequired,
      sizeBytes: m.sizeBytes,
    },
    senderEmail: row.senderEmail,
    senderName: row.senderName,
    attachmentCount: Number(row.attachmentCount),
  };
}

/** Every stored setting as one object. */
export function toSettings(rows: Array<{ key: string; value: unknown }>): Record<string, unknown> {
  const all: Record<string, unknown> = {};
  for (const row of rows) all[row.key] = row.value;
  return all;
}

/**
 * The LIKE pattern (with `\` as the escape character) that matches text containing
 * `query`, lower-cased to compare with lower-case keys. `%` and `_` typed by a user
 * match themselves, not any text.
 */
export function containsPattern(query: string): string {
  return `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Claimed outbox mails in the order a worker should send them: longest due first. */
export function sortForSending(mails: OutboxMail[]): OutboxMail[] {
  return [...mails].sort(
    (a, b) =>
      a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * Checks the event `seal` built against the event it follows. A `seal` that numbers
 * or links the event differently would fork the chain, so the append fails instead.
 */
export function checkSealed(
  event: AuditEvent,
  prev: { seq: number; hash: string } | null,
): AuditEvent {
  const expectedSeq = (prev?.seq ?? 0) + 1;
  if (event.seq !== expectedSeq) {
    throw new Error(
      `audit seal numbered the event ${event.seq}; the next in the chain is ${expectedSeq}.`,
    );
  }
  if (prev !== null && event.prevHash !== prev.hash) {
    throw new Error(`audit seal did not link event ${event.seq} to the hash of event ${prev.seq}.`);
  }
  return event;
}

/**
 * `limit` and `offset` checked: whole numbers, at least 0. SQLite reads a negative
 * LIMIT as "no limit" while PostgreSQL refuses it, so both refuse it here.
 */
export function checkPage(page: { limit: number; offset?: number }): {
  limit: number;
  offset: number;
} {
  const offset = page.offset ?? 0;
  if (!Number.isSafeInteger(page.limit) || page.limit < 0) {
    throw new RangeError(`limit must be a whole number of at least 0, not ${page.limit}.`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(`offset must be a whole number of at least 0, not ${offset}.`);
  }
  return { limit: page.limit, offset };
}

/** The most blob ids `BlobReferenceRepository.listReferenced` takes at once. */
export const MAX_BLOB_ID_BATCH = 1000;

/** `blobIds`, checked: a batch too big, or not of strings, is a bug in the caller. */
export function checkBlobIdBatch(blobIds: unknown): string[] {
  if (
    !Array.isArray(blobIds) ||
    blobIds.length > MAX_BLOB_ID_BATCH ||
    blobIds.some((id) => typeof id !== 'string')
  ) {
    throw new RangeError(`blobIds must be at most ${MAX_BLOB_ID_BATCH} strings.`);
  }
  return blobIds;
}

/** A passkey as read from either schema. */
export function toPasskey(row: Passkey): Passkey {
  return {
    id: row.id,
    accountId: row.accountId,
    credentialId: row.credentialId,
    publicKey: row.publicKey,
    counter: Number(row.counter),
    transports: [...row.transports],
    deviceType: row.deviceType,
    backedUp: row.backedUp,
    name: row.name,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
  };
}
