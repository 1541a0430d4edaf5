// The PostgreSQL schema. Instants are timestamptz read as Date, JSON values are jsonb
// and bytes are bytea. drizzle-kit reads this file to generate migrations/postgres;
// the SQLite schema is a separate file on purpose (drizzle has no cross-dialect schema).

import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { AccessRequest } from '../../../core/access/model.ts';
import type { AccountKind, Role } from '../../../core/accounts/model.ts';
import type { AuditAction, AuditDetails } from '../../../core/audit/model.ts';
import type { EmailCodePurpose, TokenPurpose } from '../../../core/auth/model.ts';
import type { JobRun } from '../../../core/lifecycle/model.ts';
import type { MailKind, OutboxMail } from '../../../core/mail/model.ts';
import type {
  Classification,
  Delivery,
  Message,
  MessageSource,
} from '../../../core/messages/model.ts';

// Bytes come back as a plain Uint8Array (a copy), never a Buffer, so they compare
// equal to what the core wrote whichever dialect stored them.
const bytes = customType<{ data: Uint8Array; driverData: Buffer }>({
  dataType: () => 'bytea',
  toDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
  fromDriver: (value) => new Uint8Array(value),
});

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const count = (name: string) => bigint(name, { mode: 'number' });

/** People: staff and external accounts. */
export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    emailKey: text('email_key').notNull(),
    displayName: text('display_name').notNull(),
    kind: text('kind').$type<AccountKind>().notNull(),
    role: text('role').$type<Role>().notNull(),
    passwordHash: text('password_hash'),
    status: text('status').$type<'active' | 'disabled'>().notNull(),
    failedSignIns: integer('failed_sign_ins').notNull(),
    failureWindowStartedAt: instant('failure_window_started_at'),
    lockedUntil: instant('locked_until'),
    totpKeyEnc: bytes('totp_key_enc'),
    recoveryCodeHashes: jsonb('recovery_code_hashes').$type<string[]>().notNull(),
    legalHold: boolean('legal_hold').notNull(),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    lastSignInAt: instant('last_sign_in_at'),
    passwordChangedAt: instant('password_changed_at'),
    /** A team mailbox (docs/decisions/0028): no password, ever; its members act for it. */
    sharedMailbox: boolean('shared_mailbox').notNull().default(false),
    /** `<issuer> <sub>` for staff who sign in through the OpenID provider (decision 0029). */
    ssoSubject: text('sso_subject'),
    passkeyCount: integer('passkey_count').notNull().default(0),
    /** The language the person chose for pages and emails (`en`, `cy`); null if never. */
    language: text('language'),
  },
  (t) => [
    uniqueIndex('accounts_email_key_unique').on(t.emailKey),
    uniqueIndex('accounts_sso_subject_unique').on(t.ssoSubject),
    index('accounts_created_at_idx').on(t.createdAt),
  ],
);

/** Signed-in browsers. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    secretHash: text('secret_hash').notNull(),
    createdAt: instant('created_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    rememberMe: boolean('remember_me').notNull(),
    twoFactorPending: boolean('two_factor_pending').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /** The shared mailbox the person is acting for (docs/decisions/0028), or null. */
    actingMailboxId: text('acting_mailbox_id').references(() => accounts.id, {
      onDelete: 'set null',
    }),
    /** When the session last proved a second factor (step-up), or null. */
    secondFactorAt: instant('second_factor_at'),
    /** For sessions started through the OpenID provider: its last confirmation (decision 0029). */
    ssoCheckedAt: instant('sso_checked_at'),
    ssoRefreshEnc: bytes('sso_refresh_enc'),
  },
  (t) => [
    index('sessions_account_idx').on(t.accountId),
    index('sessions_expires_at_idx').on(t.expiresAt),
  ],
);

/** Messages: one row per message, whoever it went to. */
export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    senderId: text('sender_id')
      .notNull()
      .references(() => accounts.id),
    subjectEnc: bytes('subject_enc').notNull(),
    bodyBlobId: text('body_blob_id').notNull(),
    bodyFormat: text('body_format').$type<Message['bodyFormat']>().notNull(),
    classification: text('classification').$type<Classification>(),
    readOnly: boolean('read_only').notNull(),
    secondFactorRequired: boolean('second_factor_required').notNull().default(false),
    source: text('source').$type<MessageSource>().notNull(),
    // No foreign keys on the thread links: purging a parent must not need its replies gone.
    inReplyToId: text('in_reply_to_id'),
    threadId: text('thread_id').notNull(),
    sizeBytes: count('size_bytes').notNull(),
    createdAt: instant('created_at').notNull(),
    retainUntil: instant('retain_until').notNull(),
    legalHold: boolean('legal_hold').notNull(),
    dedupeKey: text('dedupe_key'),
  },
  (t) => [
    // Sent items: a sender's messages newest first, ties by id, so a page is a backwards
    // walk of this index with no sort (docs/decisions/0024).
    index('messages_sender_sent_idx').on(t.senderId, t.createdAt, t.id),
    index('messages_retain_until_idx').on(t.retainUntil),
    // Orphan clean-up asks which of a batch of blob ids a row names (blob-references.ts).
    index('messages_body_blob_idx').on(t.bodyBlobId),
    // Finds the few messages whose HTML body still waits to be made safe (core/lifecycle/safe-bodies.ts).
    index('messages_unsafe_html_idx').on(t.id).where(sql`${t.bodyFormat} = 'html'`),
    uniqueIndex('messages_dedupe_key_unique').on(t.dedupeKey),
  ],
);

/** Per-recipient copies; `ord` keeps insertion order (PostgreSQL has no rowid). */
export const deliveries = pgTable(
  'deliveries',
  {
    ord: count('ord').generatedAlwaysAsIdentity(),
    id: text('id').primaryKey(),
    messageId: text('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    recipientId: text('recipient_id')
      .notNull()
      .references(() => accounts.id),
    recipientEmail: text('recipient_email').notNull(),
    kind: text('kind').$type<Delivery['kind']>().notNull(),
    accessEndsAt: instant('access_ends_at').notNull(),
    revokedAt: instant('revoked_at'),
    notifiedAt: instant('notified_at'),
    firstOpenedAt: instant('first_opened_at'),
    hiddenAt: instant('hidden_at'),
    unretrievedNoticeAt: instant('unretrieved_notice_at'),
    createdAt: instant('created_at').notNull(),
    // The chain of a forward is history, like an audit actor: no foreign keys, so
    // erasing the forwarder does not take the forwarded copy with it.
    forwardedFromId: text('forwarded_from_id'),
    forwardedById: text('forwarded_by_id'),
    // The message's createdAt, copied here so the inbox is one index walk that stops
    // after a page (docs/decisions/0024); it never changes after the insert.
    sentAt: instant('sent_at').notNull().default(sql`'epoch'`),
  },
  (t) => [
    // The inbox: a recipient's deliveries, newest message first, with what the filter
    // reads, so a page is a backwards walk of this index that stops after the page.
    index('deliveries_inbox_idx').on(
      t.recipientId,
      t.sentAt,
      t.messageId,
      t.id,
      t.accessEndsAt,
      t.hiddenAt,
      t.revokedAt,
    ),
    // The inbox count: a range of this partial index, without reading the table.
    index('deliveries_inbox_count_idx')
      .on(t.recipientId, t.accessEndsAt)
      .where(sql`${t.hiddenAt} is null and ${t.revokedAt} is null`),
    // The forward limit counts one account's forwards in the last hour.
    index('deliveries_forwarded_by_idx').on(t.forwardedById, t.createdAt),
    index('deliveries_message_idx').on(t.messageId, t.ord),
    index('deliveries_created_at_idx').on(t.createdAt),
    // The access-expiry job counts deliveries whose access ended in a window.
    index('deliveries_access_ends_at_idx').on(t.accessEndsAt),
  ],
);

/** One-time link tokens. */
export const tokens = pgTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    purpose: text('purpose').$type<TokenPurpose>().notNull(),
    secretHash: text('secret_hash').notNull(),
    accountId: text('account_id').references(() => accounts.id),
    email: text('email').notNull(),
    // A link to a delivery that is gone opens nothing, so it goes with the delivery.
    deliveryId: text('delivery_id').references(() => deliveries.id, { onDelete: 'cascade' }),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
  },
  (t) => [
    index('tokens_account_purpose_idx').on(t.accountId, t.purpose),
    index('tokens_expires_at_idx').on(t.expiresAt),
    index('tokens_delivery_idx').on(t.deliveryId),
  ],
);

/** Codes emailed to prove an address; only a keyed hash of the code is kept. */
export const emailCodes = pgTable(
  'email_codes',
  {
    id: text('id').primaryKey(),
    purpose: text('purpose').$type<EmailCodePurpose>().notNull(),
    email: text('email').notNull(),
    emailKey: text('email_key').notNull(),
    subjectId: text('subject_id').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull(),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
  },
  (t) => [
    index('email_codes_address_idx').on(t.emailKey, t.createdAt),
    index('email_codes_expires_at_idx').on(t.expiresAt),
  ],
);

/** Device-cookie lockout counters, one per account and device. */
export const deviceLockouts = pgTable(
  'device_lockouts',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    deviceHash: text('device_hash').notNull(),
    failures: integer('failures').notNull(),
    windowStartedAt: instant('window_started_at'),
    lockedUntil: instant('locked_until'),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.deviceHash] })],
);

/** Messages being written. */
export const drafts = pgTable(
  'drafts',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    contentEnc: bytes('content_enc').notNull(),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    index('drafts_account_updated_idx').on(t.accountId, t.updatedAt),
    index('drafts_updated_at_idx').on(t.updatedAt),
  ],
);

/** Files of messages and drafts; `ord` keeps insertion order. */
export const attachments = pgTable(
  'attachments',
  {
    ord: count('ord').generatedAlwaysAsIdentity(),
    id: text('id').primaryKey(),
    messageId: text('message_id').references(() => messages.id, { onDelete: 'cascade' }),
    draftId: text('draft_id').references(() => drafts.id, { onDelete: 'cascade' }),
    nameEnc: bytes('name_enc').notNull(),
    contentType: text('content_type').notNull(),
    size: count('size').notNull(),
    blobId: text('blob_id').notNull(),
    inline: boolean('inline').notNull().default(false),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    // A message's files in the order they were added, read without a sort.
    index('attachments_message_idx').on(t.messageId, t.ord),
    index('attachments_draft_idx').on(t.draftId),
    index('attachments_blob_idx').on(t.blobId),
  ],
);

/** Extension and forward requests. */
export const accessRequests = pgTable(
  'access_requests',
  {
    id: text('id').primaryKey(),
    kind: text('kind').$type<AccessRequest['kind']>().notNull(),
    messageId: text('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    requesterId: text('requester_id')
      .notNull()
      .references(() => accounts.id),
    forwardToEmail: text('forward_to_email'),
    reasonEnc: bytes('reason_enc'),
    status: text('status').$type<AccessRequest['status']>().notNull(),
    createdAt: instant('created_at').notNull(),
    decidedAt: instant('decided_at'),
    // Who decided is history, like an audit actor: no foreign key.
    decidedById: text('decided_by_id'),
  },
  (t) => [
    index('access_requests_message_idx').on(t.messageId),
    index('access_requests_delivery_idx').on(t.deliveryId),
    index('access_requests_requester_idx').on(t.requesterId),
  ],
);

/** Address book entries. */
export const contacts = pgTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => accounts.id),
    email: text('email').notNull(),
    nameEnc: bytes('name_enc').notNull(),
    noteEnc: bytes('note_enc'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [index('contacts_owner_idx').on(t.ownerId)],
);

/** Named sets of contacts. */
export const contactGroups = pgTable(
  'contact_groups',
  {
    id: text('id').primaryKey(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => accounts.id),
    nameEnc: bytes('name_enc').notNull(),
    memberIds: jsonb('member_ids').$type<string[]>().notNull(),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [index('contact_groups_owner_idx').on(t.ownerId)],
);

/** The durable outbox. */
export const outbox = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    kind: text('kind').$type<MailKind>().notNull(),
    to: text('to').notNull(),
    payloadEnc: bytes('payload_enc').notNull(),
    status: text('status').$type<OutboxMail['status']>().notNull(),
    attempts: integer('attempts').notNull(),
    nextAttemptAt: instant('next_attempt_at').notNull(),
    leaseUntil: instant('lease_until'),
    lastError: text('last_error'),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
  },
  (t) => [
    index('outbox_status_next_attempt_idx').on(t.status, t.nextAttemptAt),
    index('outbox_status_created_idx').on(t.status, t.createdAt),
  ],
);

/** The append-only audit trail; `seq` is the chain order. No foreign keys: it outlives what it names. */
export const auditEvents = pgTable(
  'audit_events',
  {
    seq: count('seq').primaryKey(),
    id: text('id').notNull(),
    at: instant('at').notNull(),
    action: text('action').$type<AuditAction>().notNull(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label'),
    ip: text('ip'),
    targetType: text('target_type'),
    targetId: text('target_id'),
    details: jsonb('details').$type<AuditDetails>().notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('audit_events_id_unique').on(t.id),
    index('audit_events_actor_idx').on(t.actorId, t.seq),
    index('audit_events_target_idx').on(t.targetId, t.seq),
    index('audit_events_at_idx').on(t.at),
  ],
);

/** Admin-editable settings, one JSON value per key. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>(),
});

/** Lifecycle job history. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: text('id').primaryKey(),
    job: text('job').notNull(),
    startedAt: instant('started_at').notNull(),
    finishedAt: instant('finished_at'),
    status: text('status').$type<JobRun['status']>().notNull(),
    counts: jsonb('counts').$type<Record<string, number>>().notNull(),
    error: text('error'),
  },
  (t) => [
    index('job_runs_job_started_idx').on(t.job, t.startedAt),
    index('job_runs_started_idx').on(t.startedAt),
  ],
);

/**
 * Blobs whose rows were deleted, queued in the same transaction, until the BlobStore has
 * removed them: a purge interrupted between the two steps is finished by the next run.
 */
export const blobDeletions = pgTable(
  'blob_deletions',
  {
    blobId: text('blob_id').primaryKey(),
    queuedAt: instant('queued_at').notNull(),
  },
  (t) => [index('blob_deletions_queued_idx').on(t.queuedAt, t.blobId)],
);

/**
 * Blobs kept in the database (BLOB_STORE=database, adapters/blobs/database): one row per
 * blob, naming the upload whose chunks hold its bytes. A put writes a new upload's chunks
 * first, then points the blob at it in one short transaction, so a reader or a crash
 * sees the old version or the new one, never a mix.
 */
export const blobs = pgTable(
  'blobs',
  {
    id: text('id').primaryKey(),
    uploadId: text('upload_id').notNull(),
    size: count('size').notNull(),
    chunkCount: integer('chunk_count').notNull(),
    storedAt: instant('stored_at').notNull(),
  },
  (t) => [
    uniqueIndex('blobs_upload_id_unique').on(t.uploadId),
    // Blobs are listed in code-unit order whatever the database's collation: this
    // index serves `order by id collate "C"` and `id collate "C" > $after`.
    index('blobs_id_c_idx').on(sql`${t.id} collate "C"`),
  ],
);

/**
 * The bytes of database blobs in chunks of at most 256 KiB (bytea), by upload and order.
 * Chunks of an upload no blob names (a put that crashed) are swept once old enough.
 */
export const blobChunks = pgTable(
  'blob_chunks',
  {
    uploadId: text('upload_id').notNull(),
    seq: integer('seq').notNull(),
    data: bytes('data').notNull(),
    writtenAt: instant('written_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.uploadId, t.seq] }),
    index('blob_chunks_written_at_idx').on(t.writtenAt),
  ],
);

/**
 * Field keys (docs/decisions/0023): the AES-256 keys that small encrypted values
 * (subjects, names, notes, file names) are encrypted under, each stored as a standard
 * OpenPGP message to the org key that was primary when it was made. The keys leave
 * this table only unwrapped in memory; GnuPG with the org secret key recovers them.
 */
export const fieldKeys = pgTable('field_keys', {
  id: text('id').primaryKey(),
  wrapped: bytes('wrapped').notNull(),
  createdAt: instant('created_at').notNull(),
});

/**
 * Attempts counted by the rate limiters (core/auth/rate-limit.ts), so every process
 * and every node of an installation counts against one limit. Old rows are swept.
 */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    bucket: text('bucket').notNull(),
    hitAt: instant('hit_at').notNull(),
  },
  (t) => [index('rate_limit_hits_bucket_idx').on(t.bucket, t.hitAt)],
);

/**
 * Small blobs (a message's encrypted text, a small file: under INLINE_BLOB_MAX_BYTES),
 * written in the same transaction as the message that names them, so a send or an
 * intake commits once instead of fsyncing a file and its folder per blob
 * (docs/decisions/0027-small-blobs-in-the-message-transaction.md). A row here is the
 * blob's tier for good: a rewrite of the same id replaces the row, never a file.
 */
export const inlineBlobs = pgTable('inline_blobs', {
  id: text('id').primaryKey(),
  data: bytes('data').notNull(),
  storedAt: instant('stored_at').notNull(),
});

/**
 * Who may act for a shared mailbox (docs/decisions/0028): a generic address's invited
 * members, a team mailbox's assigned staff. Either account going takes the row with it.
 */
export const mailboxMembers = pgTable(
  'mailbox_members',
  {
    mailboxId: text('mailbox_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    // Who added them is history, like an audit actor: no foreign key.
    addedById: text('added_by_id'),
    createdAt: instant('created_at').notNull(),
    acceptedAt: instant('accepted_at'),
  },
  (t) => [
    primaryKey({ columns: [t.mailboxId, t.memberId] }),
    index('mailbox_members_member_idx').on(t.memberId),
  ],
);

/** Passkeys (WebAuthn credentials): public keys only (decision 0029). */
export const passkeys = pgTable(
  'passkeys',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    credentialId: text('credential_id').notNull(),
    publicKey: bytes('public_key').notNull(),
    counter: count('counter').notNull(),
    transports: jsonb('transports').$type<string[]>().notNull(),
    deviceType: text('device_type').$type<'singleDevice' | 'multiDevice'>().notNull(),
    backedUp: boolean('backed_up').notNull(),
    name: text('name').notNull(),
    createdAt: instant('created_at').notNull(),
    lastUsedAt: instant('last_used_at'),
  },
  (t) => [
    uniqueIndex('passkeys_credential_id_unique').on(t.credentialId),
    index('passkeys_account_idx').on(t.accountId),
  ],
);
