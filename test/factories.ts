import type { Settings } from '../core/settings/model.ts';
// Test entities with sensible defaults and random ids: pass only the fields a test is
// about. Every instant defaults to FIXED_NOW (or a fixed distance from it), so a test
// can compute its boundaries without reading a clock.

import { randomUUID } from 'node:crypto';
import type { AccessRequest } from '../core/access/model.ts';
import type { Account } from '../core/accounts/model.ts';
import type { AuditEntry } from '../core/audit/model.ts';
import type { DeviceLockout, OneTimeToken, Session } from '../core/auth/model.ts';
import type { Contact, ContactGroup } from '../core/contacts/model.ts';
import type { JobRun } from '../core/lifecycle/model.ts';
import type { OutboxMail } from '../core/mail/model.ts';
import type { Attachment, Delivery, Draft, Message } from '../core/messages/model.ts';

/** The instant factories use for "now" unless told otherwise. */
export const FIXED_NOW = new Date('2025-03-01T09:00:00.000Z');

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A new random id (a UUID, as random as the real ones). */
export function newId(): string {
  return randomUUID();
}

/** `FIXED_NOW` moved by `ms` (negative for the past). */
export function fromNow(ms: number, base: Date = FIXED_NOW): Date {
  return new Date(base.getTime() + ms);
}

/** Some bytes standing in for ciphertext: the UTF-8 of `text`. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** An active external recipient with a unique address, unless `overrides` say otherwise. */
export function makeAccount(overrides: Partial<Account> = {}): Account {
  const id = overrides.id ?? newId();
  const email = overrides.email ?? `person-${id.slice(0, 8)}@example.org`;
  return {
    id,
    email,
    emailKey: email.toLowerCase(),
    displayName: `Person ${id.slice(0, 4)}`,
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
    createdAt: FIXED_NOW,
    updatedAt: FIXED_NOW,
    lastSignInAt: null,
    passwordChangedAt: null,
    sharedMailbox: false,
    ssoSubject: null,
    passkeyCount: 0,
    language: null,
    ...overrides,
  };
}

/** A staff sender. */
export function makeStaff(overrides: Partial<Account> = {}): Account {
  return makeAccount({
    kind: 'staff',
    role: 'sender',
    displayName: 'Council Officer',
    ...overrides,
  });
}

/** A session of `accountId` that lasts a day from FIXED_NOW. */
export function makeSession(overrides: Partial<Session> & { accountId: string }): Session {
  return {
    id: newId(),
    secretHash: `hash-${newId()}`,
    createdAt: FIXED_NOW,
    lastSeenAt: FIXED_NOW,
    expiresAt: fromNow(DAY),
    rememberMe: false,
    twoFactorPending: false,
    ip: '192.0.2.1',
    userAgent: 'Test Browser',
    actingMailboxId: null,
    secondFactorAt: null,
    ssoCheckedAt: null,
    ssoRefreshEnc: null,
    ...overrides,
  };
}

/** An unused registration token valid for a week from FIXED_NOW. */
export function makeToken(overrides: Partial<OneTimeToken> = {}): OneTimeToken {
  return {
    id: newId(),
    purpose: 'register',
    secretHash: `hash-${newId()}`,
    accountId: null,
    email: 'someone@example.org',
    deliveryId: null,
    createdAt: FIXED_NOW,
    expiresAt: fromNow(7 * DAY),
    usedAt: null,
    ...overrides,
  };
}

/** A device counter with one failure. */
export function makeDeviceLockout(
  overrides: Partial<DeviceLockout> & { accountId: string },
): DeviceLockout {
  return {
    deviceHash: `device-${newId()}`,
    failures: 1,
    windowStartedAt: FIXED_NOW,
    lockedUntil: null,
    ...overrides,
  };
}

/** A web message from `senderId`, kept for a year. */
export function makeMessage(overrides: Partial<Message> & { senderId: string }): Message {
  const id = overrides.id ?? newId();
  return {
    id,
    subjectEnc: bytes(`subject of ${id}`),
    bodyBlobId: `blob-${newId()}`,
    bodyFormat: 'text',
    classification: 'OFFICIAL',
    readOnly: false,
    secondFactorRequired: false,
    source: 'web',
    inReplyToId: null,
    threadId: id,
    sizeBytes: 1234,
    createdAt: FIXED_NOW,
    retainUntil: fromNow(365 * DAY),
    legalHold: false,
    dedupeKey: null,
    ...overrides,
  };
}

/** A `to` delivery of `messageId` to `recipientId`, open for 30 days. */
export function makeDelivery(
  overrides: Partial<Delivery> & { messageId: string; recipientId: string },
): Delivery {
  return {
    id: newId(),
    recipientEmail: 'recipient@example.org',
    kind: 'to',
    accessEndsAt: fromNow(30 * DAY),
    revokedAt: null,
    notifiedAt: null,
    firstOpenedAt: null,
    hiddenAt: null,
    unretrievedNoticeAt: null,
    createdAt: FIXED_NOW,
    forwardedFromId: null,
    forwardedById: null,
    ...overrides,
  };
}

/** A PDF attached to a message or a draft (say which in `overrides`). */
export function makeAttachment(overrides: Partial<Attachment> = {}): Attachment {
  return {
    id: newId(),
    messageId: null,
    draftId: null,
    nameEnc: bytes('report.pdf'),
    contentType: 'application/pdf',
    size: 2048,
    inline: false,
    blobId: `blob-${newId()}`,
    createdAt: FIXED_NOW,
    ...overrides,
  };
}

/** A draft of `accountId`. */
export function makeDraft(overrides: Partial<Draft> & { accountId: string }): Draft {
  return {
    id: newId(),
    contentEnc: bytes('{"to":[],"cc":[],"subject":"","body":""}'),
    createdAt: FIXED_NOW,
    updatedAt: FIXED_NOW,
    ...overrides,
  };
}

/** A pending extension request. */
export function makeAccessRequest(
  overrides: Partial<AccessRequest> & {
    messageId: string;
    deliveryId: string;
    requesterId: string;
  },
): AccessRequest {
  return {
    id: newId(),
    kind: 'extension',
    forwardToEmail: null,
    reasonEnc: null,
    status: 'pending',
    createdAt: FIXED_NOW,
    decidedAt: null,
    decidedById: null,
    ...overrides,
  };
}

/** An address book entry of `ownerId`. */
export function makeContact(overrides: Partial<Contact> & { ownerId: string }): Contact {
  return {
    id: newId(),
    email: `contact-${newId().slice(0, 8)}@example.org`,
    nameEnc: bytes('A Contact'),
    noteEnc: null,
    createdAt: FIXED_NOW,
    updatedAt: FIXED_NOW,
    ...overrides,
  };
}

/** A contact group of `ownerId`. */
export function makeContactGroup(
  overrides: Partial<ContactGroup> & { ownerId: string },
): ContactGroup {
  return {
    id: newId(),
    nameEnc: bytes('A Group'),
    memberIds: [],
    createdAt: FIXED_NOW,
    updatedAt: FIXED_NOW,
    ...overrides,
  };
}

/** A notification waiting in the outbox, due at FIXED_NOW. */
export function makeOutboxMail(overrides: Partial<OutboxMail> = {}): OutboxMail {
  return {
    id: newId(),
    kind: 'notification',
    to: 'recipient@example.org',
    payloadEnc: bytes('encrypted mail'),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: FIXED_NOW,
    leaseUntil: null,
    lastError: null,
    createdAt: FIXED_NOW,
    sentAt: null,
    ...overrides,
  };
}

/** What a caller says happened, before it is sealed into the chain. */
export function makeAuditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    action: 'message.open',
    actorId: newId(),
    actorLabel: 'person@example.org',
    ip: '192.0.2.1',
    targetType: 'message',
    targetId: newId(),
    details: {},
    ...overrides,
  };
}

/** A job run that started at FIXED_NOW and is still running. */
export function makeJobRun(overrides: Partial<JobRun> = {}): JobRun {
  return {
    id: newId(),
    job: 'access-expiry',
    startedAt: FIXED_NOW,
    finishedAt: null,
    status: 'running',
    counts: {},
    error: null,
    ...overrides,
  };
}

/**
 * A settings service that always answers `settings` (mutable: a test may change a field
 * between requests) and saves nothing: for harnesses whose tests do not change settings
 * through the admin page.
 */
export function fixedSettings(settings: Settings) {
  return {
    get: async () => settings,
    update: async () => ({}),
    sources: async () => ({ saved: [] as Array<keyof Settings>, configured: settings }),
    reset: async () => {},
  };
}
