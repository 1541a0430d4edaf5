import type { AccessRequest } from '../access/model.ts';
import type { Account, AccountKind, Role } from '../accounts/model.ts';
import type { AuditEntry, AuditEvent } from '../audit/model.ts';
import type {
  DeviceLockout,
  EmailCode,
  EmailCodePurpose,
  OneTimeToken,
  Passkey,
  Session,
} from '../auth/model.ts';
import type { RateLimitStore } from '../auth/ports.ts';
import type { InlineBlobRepository } from '../blobs/ports.ts';
import type { Contact, ContactGroup } from '../contacts/model.ts';
import type { FieldKeyStore } from '../crypto/ports.ts';
import type { JobRun } from '../lifecycle/model.ts';
import type { OutboxMail } from '../mail/model.ts';
import type { MailboxMemberRepository } from '../mailboxes/ports.ts';
import type { Attachment, Delivery, Draft, InboxItem, Message } from '../messages/model.ts';
import type { PurgeRepository } from './purge-repository.ts';

/** Paging for lists: `limit` rows after skipping `offset`. */
export type Page = { limit: number; offset: number };

/** People: staff and external accounts. */
export type AccountRepository = {
  /** Adds a new account; fails if its `emailKey` is taken. */
  insert(args: { account: Account }): Promise<void>;
  /** Writes every field of an existing account. */
  update(args: { account: Account }): Promise<void>;
  /**
   * The account, or null. `forUpdate` locks the row until the transaction ends
   * (PostgreSQL `FOR UPDATE`; SQLite transactions are serial anyway), so counters
   * such as failed sign-ins cannot race.
   */
  findById(args: { id: string; forUpdate?: boolean }): Promise<Account | null>;
  /** The account whose `emailKey` equals `emailKey`, or null. */
  findByEmailKey(args: { emailKey: string; forUpdate?: boolean }): Promise<Account | null>;
  /** Accounts whose address contains `query` (case-insensitive), newest first. */
  search(args: { query?: string; kind?: AccountKind; role?: Role } & Page): Promise<Account[]>;
  /** Removes the account row (callers remove what refers to it first). */
  delete(args: { id: string }): Promise<void>;
  /** Every team mailbox (`sharedMailbox`), by address (docs/decisions/0028). */
  listSharedMailboxes(): Promise<Account[]>;
  /** The account linked to this OpenID subject (`Account.ssoSubject`), or null. */
  findBySsoSubject(args: { ssoSubject: string; forUpdate?: boolean }): Promise<Account | null>;
};

/** Passkeys (WebAuthn credentials) of accounts. */
export type PasskeyRepository = {
  /** Adds a passkey; fails if its `credentialId` is taken. */
  insert(args: { passkey: Passkey }): Promise<void>;
  /** The passkey with this credential id, whoever's it is, or null. */
  findByCredentialId(args: { credentialId: string }): Promise<Passkey | null>;
  /** An account's passkeys, oldest first. */
  listForAccount(args: { accountId: string }): Promise<Passkey[]>;
  /** Writes `counter`, `lastUsedAt` and `name`. */
  update(args: { passkey: Passkey }): Promise<void>;
  /** Removes the passkey if it is this account's: true when one went. */
  delete(args: { id: string; accountId: string }): Promise<boolean>;
  /** Removes every passkey of an account (on erasure); returns how many. */
  deleteForAccount(args: { accountId: string }): Promise<number>;
};

/** Signed-in browsers. */
export type SessionRepository = {
  insert(args: { session: Session }): Promise<void>;
  findById(args: { id: string }): Promise<Session | null>;
  /**
   * Writes the mutable fields (`lastSeenAt`, `expiresAt`, `twoFactorPending`,
   * `secondFactorAt`, `ssoCheckedAt`, `ssoRefreshEnc`).
   */
  update(args: { session: Session }): Promise<void>;
  delete(args: { id: string }): Promise<void>;
  /** Records the shared mailbox the session acts for, or null for the person's own. */
  setActingMailbox(args: { id: string; mailboxId: string | null }): Promise<void>;
  /** Ends every session of an account except `exceptId`; returns how many ended. */
  deleteForAccount(args: { accountId: string; exceptId?: string }): Promise<number>;
  /** Deletes up to `limit` sessions whose `expiresAt` <= `now`; returns how many. */
  deleteExpired(args: { now: Date; limit: number }): Promise<number>;
  /** Every session of an account, oldest first (for a subject access export). */
  listForAccount(args: { accountId: string }): Promise<Session[]>;
};

/** One-time link tokens. */
export type TokenRepository = {
  insert(args: { token: OneTimeToken }): Promise<void>;
  findById(args: { id: string }): Promise<OneTimeToken | null>;
  /**
   * Marks the token used if, and only if, it is still unused: true for the one caller
   * that won, false for every other (so a token is spent once even under a race).
   */
  markUsed(args: { id: string; at: Date }): Promise<boolean>;
  /** Tokens of `purpose` for an account that are unused and unexpired at `now`. */
  listLive(args: {
    accountId: string;
    purpose: OneTimeToken['purpose'];
    now: Date;
  }): Promise<OneTimeToken[]>;
  /** Deletes up to `limit` tokens expired or used before `before`; returns how many. */
  deleteExpired(args: { before: Date; limit: number }): Promise<number>;
  /** Deletes every token of an account (on erasure). */
  deleteForAccount(args: { accountId: string }): Promise<number>;
};

/** Codes emailed to prove an address (see `core/auth/email-codes.ts`). */
export type EmailCodeRepository = {
  insert(args: { code: EmailCode }): Promise<void>;
  /**
   * The codes for this purpose, address and subject that are unused and unexpired at
   * `now`, newest first. Every one of them is good: asking again does not cancel a code
   * the owner may already be typing.
   */
  listLive(args: {
    purpose: EmailCodePurpose;
    emailKey: string;
    subjectId: string;
    now: Date;
  }): Promise<EmailCode[]>;
  /**
   * Counts one try against the code if it has fewer than `max`: true when the try was
   * taken. One atomic update, so tries sent in parallel cannot exceed `max`.
   */
  takeAttempt(args: { id: string; max: number }): Promise<boolean>;
  /** Spends the code if it is still unused: true for the one caller that won. */
  markUsed(args: { id: string; at: Date }): Promise<boolean>;
  /** How many codes were sent to an address since `since` (the per-address limit). */
  countSentSince(args: { emailKey: string; since: Date }): Promise<number>;
  /** Deletes up to `limit` codes that expired before `before`; returns how many. */
  deleteExpired(args: { before: Date; limit: number }): Promise<number>;
};

/** Device-cookie lockout counters. */
export type DeviceLockoutRepository = {
  find(args: { accountId: string; deviceHash: string }): Promise<DeviceLockout | null>;
  /** Creates or replaces the counter for this account and device. */
  save(args: { lockout: DeviceLockout }): Promise<void>;
  deleteForAccount(args: { accountId: string }): Promise<number>;
};

/** Messages: one row per message, whoever it went to. */
export type MessageRepository = {
  insert(args: { message: Message }): Promise<void>;
  findById(args: { id: string }): Promise<Message | null>;
  /** The gateway's duplicate check. */
  findByDedupeKey(args: { dedupeKey: string }): Promise<Message | null>;
  /** Sets or clears the legal hold. */
  setLegalHold(args: { id: string; legalHold: boolean }): Promise<void>;
  /**
   * Up to `limit` messages whose body is still in `format` (the body migration looks
   * for `html`), by id, after `after` when given.
   */
  listByBodyFormat(args: {
    format: Message['bodyFormat'];
    limit: number;
    after?: string | null;
  }): Promise<Message[]>;
  /**
   * Points a message at a new body blob, only if it still has `fromBlobId` (so two
   * migrations of one message cannot both win). True when it was changed.
   */
  replaceBody(args: {
    id: string;
    fromBlobId: string;
    bodyBlobId: string;
    bodyFormat: Message['bodyFormat'];
  }): Promise<boolean>;
  /** Messages sent by `senderId`, newest first. */
  listSent(args: { senderId: string } & Page): Promise<Message[]>;
  countSent(args: { senderId: string }): Promise<number>;
  /**
   * Ids of up to `limit` messages with `retainUntil` <= `now` and no legal hold, oldest
   * first (by `retainUntil`, then id). `after` continues past a message the caller
   * looked at and kept, so messages it skips never fill every page.
   */
  listPastRetention(args: {
    now: Date;
    limit: number;
    after?: { retainUntil: Date; id: string };
  }): Promise<string[]>;
  /** Deletes the message with its deliveries, attachments rows and access requests. */
  delete(args: { id: string }): Promise<void>;
};

/** Per-recipient copies. */
export type DeliveryRepository = {
  insert(args: { delivery: Delivery }): Promise<void>;
  findById(args: { id: string }): Promise<Delivery | null>;
  /** Writes every mutable field of a delivery. */
  update(args: { delivery: Delivery }): Promise<void>;
  /** Every delivery of a message, in insertion order. */
  listForMessage(args: { messageId: string }): Promise<Delivery[]>;
  /**
   * A recipient's mailbox: deliveries not hidden, and unless `includeExpired` only
   * those still readable (`accessEndsAt` > `now` and not revoked), newest message first.
   */
  listInbox(
    args: { recipientId: string; now: Date; includeExpired?: boolean } & Page,
  ): Promise<InboxItem[]>;
  countInbox(args: { recipientId: string; now: Date; includeExpired?: boolean }): Promise<number>;
  /** Every delivery of a recipient (for export and erasure). */
  listForRecipient(args: { recipientId: string }): Promise<Delivery[]>;
  /**
   * Deliveries never opened, not revoked, not notified as unretrieved, created at or
   * before `createdBefore`. (A revoked delivery's sender already knows; listing it would
   * keep it at the head of every page, since nothing ever marks it.)
   */
  listUnretrieved(args: { createdBefore: Date; limit: number }): Promise<Delivery[]>;
  /**
   * How many deliveries, not revoked, had their access end in `(after, atOrBefore]`: the
   * access-expiry job's count of what expired since its last run.
   */
  countAccessEnded(args: { after: Date; atOrBefore: Date }): Promise<number>;
  /** How many deliveries `forwardedById` made by forwarding since `since` (the forward limit). */
  countForwardedSince(args: { forwardedById: string; since: Date }): Promise<number>;
  delete(args: { id: string }): Promise<void>;
};

/** Files of messages and drafts. */
export type AttachmentRepository = {
  insert(args: { attachment: Attachment }): Promise<void>;
  findById(args: { id: string }): Promise<Attachment | null>;
  listForMessage(args: { messageId: string }): Promise<Attachment[]>;
  listForDraft(args: { draftId: string }): Promise<Attachment[]>;
  /** Moves a draft's attachments onto the message it became. */
  moveDraftToMessage(args: { draftId: string; messageId: string }): Promise<void>;
  delete(args: { id: string }): Promise<void>;
};

/** Messages being written. */
export type DraftRepository = {
  /** Creates or replaces the draft. */
  save(args: { draft: Draft }): Promise<void>;
  findById(args: { id: string }): Promise<Draft | null>;
  listForAccount(args: { accountId: string } & Page): Promise<Draft[]>;
  delete(args: { id: string }): Promise<void>;
  /** Ids of up to `limit` drafts last updated before `before`. */
  listStale(args: { before: Date; limit: number }): Promise<string[]>;
};

/** Extension and forward requests. */
export type AccessRequestRepository = {
  insert(args: { request: AccessRequest }): Promise<void>;
  findById(args: { id: string }): Promise<AccessRequest | null>;
  update(args: { request: AccessRequest }): Promise<void>;
  /** Requests about messages sent by `senderId`, newest first, optionally by status. */
  listForSender(
    args: { senderId: string; status?: AccessRequest['status'] } & Page,
  ): Promise<AccessRequest[]>;
  listForMessage(args: { messageId: string }): Promise<AccessRequest[]>;
  listForRequester(args: { requesterId: string }): Promise<AccessRequest[]>;
};

/** Address books. */
export type ContactRepository = {
  save(args: { contact: Contact }): Promise<void>;
  findById(args: { id: string }): Promise<Contact | null>;
  listForOwner(args: { ownerId: string }): Promise<Contact[]>;
  delete(args: { id: string }): Promise<void>;
  saveGroup(args: { group: ContactGroup }): Promise<void>;
  findGroupById(args: { id: string }): Promise<ContactGroup | null>;
  listGroupsForOwner(args: { ownerId: string }): Promise<ContactGroup[]>;
  deleteGroup(args: { id: string }): Promise<void>;
};

/** The durable outbox. */
export type OutboxRepository = {
  insert(args: { mail: OutboxMail }): Promise<void>;
  findById(args: { id: string }): Promise<OutboxMail | null>;
  /**
   * Atomically takes up to `limit` mails that are `pending` and due, or `sending`
   * with an expired lease, marks them `sending` with `leaseUntil`, and returns them.
   * Two workers never get the same mail while its lease holds.
   */
  claimDue(args: { now: Date; leaseUntil: Date; limit: number }): Promise<OutboxMail[]>;
  /** Writes status, attempts, times and error after an attempt. */
  update(args: { mail: OutboxMail }): Promise<void>;
  /** Mails that gave up, newest first. */
  listFailed(args: Page): Promise<OutboxMail[]>;
  /** Mails not yet sent (pending or sending). */
  countUnsent(): Promise<number>;
  /** Deletes up to `limit` sent mails sent before `before`; returns how many. */
  deleteSent(args: { before: Date; limit: number }): Promise<number>;
};

/**
 * Blobs whose rows are gone, waiting to be removed from the BlobStore. A purge queues
 * the blob ids in the same transaction that deletes the rows, then deletes the blobs,
 * then forgets them; a crash in between leaves the queue for the next run, so no blob
 * outlives its rows for longer than one run (docs/decisions/0014).
 */
export type BlobDeletionRepository = {
  /** Queues blobs for deletion; queueing one that is already queued is not an error. */
  add(args: { blobIds: string[]; at: Date }): Promise<void>;
  /** Up to `limit` queued blob ids, oldest first (then by id). */
  list(args: { limit: number }): Promise<string[]>;
  /** Forgets blobs once they are gone from the store; unknown ids are ignored. */
  remove(args: { blobIds: string[] }): Promise<void>;
};

/**
 * Which blobs rows still name, for orphan clean-up: a blob no row names, older than a
 * send can take, was left by a process that died before its transaction committed.
 */
export type BlobReferenceRepository = {
  /**
   * Of `blobIds` (at most 1000), those that a committed row names: a message's body, a
   * file of a message or a draft, or the queue of blobs to delete (those are the
   * queue's to remove). In no particular order; each id at most once.
   */
  listReferenced(args: { blobIds: string[] }): Promise<string[]>;
};

/**
 * What Sealpost holds under a person's address rather than their account id, for
 * data-subject rights (export and erasure). Addresses compare case-insensitively.
 */
export type PersonalDataRepository = {
  /** Mails in the outbox addressed to `email`, in any status, oldest first. */
  listOutboxTo(args: { email: string }): Promise<OutboxMail[]>;
  /** Deletes every mail in the outbox addressed to `email`; returns how many. */
  deleteOutboxTo(args: { email: string }): Promise<number>;
  /** Entries in anyone's address book whose address is `email`, oldest first. */
  listContactsNaming(args: { email: string }): Promise<Contact[]>;
};

/** Filters for reading the audit trail. */
export type AuditFilter = {
  actorId?: string;
  /**
   * The actor's label exactly as recorded (an address, a job name, `cli`): finds what a
   * person did after their account was deleted, when only the label is left.
   */
  actorLabel?: string;
  targetId?: string;
  action?: AuditEvent['action'];
  from?: Date;
  to?: Date;
};

/** The append-only audit trail. */
export type AuditRepository = {
  /**
   * Appends one event. The adapter serialises appends (a lock), reads the last event,
   * and calls `seal` with it to get the chained event to insert, so the chain never forks.
   */
  append(args: {
    entry: AuditEntry;
    seal: (prev: { seq: number; hash: string } | null) => AuditEvent;
  }): Promise<AuditEvent>;
  /**
   * Appends one event a few milliseconds later, batched with others in one transaction,
   * so the caller does not wait for a commit: for events a crash may lose, such as a
   * repeat view (decision 0025). Resolves once queued. Inside a transaction it appends
   * there and then, as `append` does. `list` and `close` write the queue first.
   */
  appendSoon(args: {
    entry: AuditEntry;
    seal: (prev: { seq: number; hash: string } | null) => AuditEvent;
  }): Promise<void>;
  /**
   * Appends several events in order, chained one after another, under one lock and with
   * one read of the last event (a purge batch's tombstones): far cheaper than as many
   * `append` calls, and committed with the caller's transaction when there is one.
   */
  appendMany(args: {
    seals: Array<(prev: { seq: number; hash: string } | null) => AuditEvent>;
  }): Promise<AuditEvent[]>;
  /** Events matching `filter` in `seq` order, after `afterSeq`, at most `limit`. */
  list(args: {
    filter?: AuditFilter;
    afterSeq?: number;
    limit: number;
    order?: 'asc' | 'desc';
  }): Promise<AuditEvent[]>;
};

/** Admin-editable settings as a JSON value per key. */
export type SettingsRepository = {
  /** Every stored key and its value. */
  getAll(): Promise<Record<string, unknown>>;
  set(args: { key: string; value: unknown }): Promise<void>;
  /** Removes a stored key, so the configured value is in force again. */
  delete(args: { key: string }): Promise<void>;
};

/** Lifecycle job history. */
export type JobRunRepository = {
  insert(args: { run: JobRun }): Promise<void>;
  update(args: { run: JobRun }): Promise<void>;
  listRecent(args: { job?: string; limit: number }): Promise<JobRun[]>;
};

/**
 * Figures for the admin dashboard: counts and durations only, never content. Each is
 * answered by aggregate queries in the database, never by loading rows into memory.
 */
export type AdminStatsRepository = {
  /**
   * For each of `spans` consecutive spans of `spanMs` from `from`: how many deliveries
   * were created in it, and how many were first opened in it (each span half-open,
   * `[start, start + spanMs)`). Always `spans` entries, oldest span first.
   */
  deliveryActivity(args: {
    from: Date;
    spanMs: number;
    spans: number;
  }): Promise<Array<{ sent: number; opened: number }>>;
  /**
   * The median time in milliseconds from a delivery's creation to its first opening,
   * over deliveries first opened in `[from, to)`; with an even count, the mean of the
   * middle two. Null when none was opened then.
   */
  medianTimeToFirstOpen(args: { from: Date; to: Date }): Promise<number | null>;
  /** Accounts whose `lockedUntil` is after `now`. */
  countLockedAccounts(args: { now: Date }): Promise<number>;
  /** Outbox mails that gave up (`failed`). */
  countFailedMail(): Promise<number>;
  /**
   * True when anything encrypted under the org key is stored: a message, a queued or
   * sent email, a draft, a contact, or a staff second factor. The key guard asks this
   * before a first key is made (a new key over old data would strand it).
   */
  hasEncryptedData(): Promise<boolean>;
  /**
   * The newest message's encrypted subject and body blob, and the newest attachment's
   * encrypted name and blob, for `sealpost doctor` to prove the keys still read them.
   * Nulls when there is none.
   */
  sampleEncrypted(): Promise<{
    subjectEnc: Uint8Array | null;
    bodyBlobId: string | null;
    attachmentNameEnc: Uint8Array | null;
    attachmentBlobId: string | null;
  }>;
};

/** Where one encrypted small value sits: a column (`table.column`) of the row with this id. */
export type EncryptedValueRef = { column: string; id: string };

/**
 * Every value the cipher's `encryptBytes` made, wherever it is stored (subjects, file
 * names, notes, drafts, TOTP keys, queued mail), for `sealpost keys reencrypt`.
 */
export type EncryptedValueRepository = {
  /** How many such values are stored, for a progress bar. */
  count(): Promise<number>;
  /**
   * Up to `limit` values after `after` (null: from the start), in a fixed order (by
   * column, then id), so a walk can stop and resume at any value.
   */
  list(args: {
    after: EncryptedValueRef | null;
    limit: number;
  }): Promise<Array<EncryptedValueRef & { ciphertext: Uint8Array }>>;
  /**
   * Stores `ciphertext` in place of `expected` if the value is still `expected`; false
   * when it changed or its row went meanwhile (then nothing is written).
   */
  replace(
    args: EncryptedValueRef & { expected: Uint8Array; ciphertext: Uint8Array },
  ): Promise<boolean>;
};

/** Every repository, bound to one connection or one transaction. */
export type Repositories = {
  accounts: AccountRepository;
  sessions: SessionRepository;
  passkeys: PasskeyRepository;
  tokens: TokenRepository;
  emailCodes: EmailCodeRepository;
  deviceLockouts: DeviceLockoutRepository;
  messages: MessageRepository;
  deliveries: DeliveryRepository;
  attachments: AttachmentRepository;
  drafts: DraftRepository;
  accessRequests: AccessRequestRepository;
  contacts: ContactRepository;
  outbox: OutboxRepository;
  audit: AuditRepository;
  settings: SettingsRepository;
  jobRuns: JobRunRepository;
  blobDeletions: BlobDeletionRepository;
  blobReferences: BlobReferenceRepository;
  personalData: PersonalDataRepository;
  adminStats: AdminStatsRepository;
  /** The retention purge's batch deletions (core/storage/purge-repository.ts). */
  purge: PurgeRepository;
  /** The rate limiters' attempts, shared by every process and node. */
  rateLimitHits: RateLimitStore;
  fieldKeys: FieldKeyStore;
  encryptedValues: EncryptedValueRepository;
  /** Small blobs written in their message's transaction (core/blobs/ports.ts). */
  inlineBlobs: InlineBlobRepository;
  /** Who may act for shared mailboxes (docs/decisions/0028). */
  mailboxMembers: MailboxMemberRepository;
};

/**
 * The database. `repos` runs each call on its own; `transaction` runs a function
 * whose writes all commit together or not at all.
 */
export type Storage = {
  /** Which SQL dialect, for logs and for the few places that must know. */
  dialect: 'sqlite' | 'postgres';
  repos: Repositories;
  /**
   * Runs `fn` in one transaction and commits when its promise resolves; any error
   * rolls everything back and is rethrown. Transactions do not nest.
   */
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` only while holding the named cluster-wide lock (PostgreSQL advisory
   * lock; a process-local lock on SQLite). Resolves `{ ran: false }` at once if
   * another holder has it.
   */
  withLock<T>(args: {
    name: string;
    fn: () => Promise<T>;
  }): Promise<{ ran: true; value: T } | { ran: false }>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** Applies pending migrations. */
  migrate(): Promise<void>;
  /** Closes connections; pending work finishes first. */
  close(): Promise<void>;
};
