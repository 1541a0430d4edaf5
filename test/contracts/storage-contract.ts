// The contract of core's Storage port (core/storage/ports.ts), run identically against
// every adapter. Each test gets a fresh, migrated, empty database from `makeStorage`
// and the suite closes it afterwards.
//
// Where the port's doc comments leave a choice open, the suite pins the reading the
// adapters implement, so every adapter (and any in-memory fake) agrees:
// - Bounds: "expired at `now`" means `expiresAt <= now` (sessions), "unexpired at `now`"
//   means `expiresAt > now` (tokens), `accessEndsAt > now` shows a delivery (as
//   `deliveryState` calls it expired at exactly `accessEndsAt`), "before `before`" is
//   strict, "created at or before" is inclusive, `retainUntil <= now` is past retention.
// - outbox.claimDue: a `pending` mail is due when `nextAttemptAt <= now`; a lease holds
//   until its instant has passed ("only after this instant"), so a `sending` mail is free
//   when `leaseUntil < now` (or it has no lease at all). Claimed mails come back longest
//   due first. `listFailed` is newest created first.
// - audit.list: `from` is inclusive and `to` exclusive (half-open, so adjacent ranges
//   never share an event). `afterSeq` is a cursor in the listing's own order: `seq >
//   afterSeq` ascending, `seq < afterSeq` descending.
// - attachments.moveDraftToMessage sets `messageId` and clears `draftId`: the files
//   leave the draft, which is then deleted.
// - Orders the port leaves open: tokens.listLive and accessRequests.listForMessage
//   oldest first; accessRequests.listForRequester, drafts.listForAccount (by
//   `updatedAt`), jobRuns.listRecent (by `startedAt`) newest first; drafts.listStale and
//   listPastRetention oldest first; contacts by address; groups oldest first;
//   deliveries.listForRecipient and listUnretrieved by `createdAt`, then insertion.
// - Inside a transaction's `fn`, `storage.repos`, `storage.transaction` and
//   `storage.withLock` reject: on SQLite they would wait forever for the transaction
//   that waits for them, and on PostgreSQL they would run outside it. Repositories of
//   a transaction that has ended reject too.
// - settings.set with `undefined` stores null (JSON has no undefined).
// - A negative or fractional `limit`/`offset` is refused (SQLite would read -1 as "all").

import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { findBrokenLink, GENESIS_HASH, sealAuditEvent } from '../../core/audit/chain.ts';
import type { AuditEntry, AuditEvent } from '../../core/audit/model.ts';
import type { EmailCode, Passkey } from '../../core/auth/model.ts';
import type { Contact, ContactGroup } from '../../core/contacts/model.ts';
import type { Delivery, Draft, Message } from '../../core/messages/model.ts';
import type { Repositories, Storage } from '../../core/storage/ports.ts';
import {
  bytes,
  FIXED_NOW,
  fromNow,
  makeAccessRequest,
  makeAccount,
  makeAttachment,
  makeAuditEntry,
  makeContact,
  makeContactGroup,
  makeDelivery,
  makeDeviceLockout,
  makeDraft,
  makeJobRun,
  makeMessage,
  makeOutboxMail,
  makeSession,
  makeStaff,
  makeToken,
  newId,
} from '../factories.ts';
import { inboxOrderContract } from './inbox-order-contract.ts';
import { outboxContract } from './outbox-contract.ts';
import { purgeContract } from './purge-contract.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const now = FIXED_NOW;

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** A `seal` as core's recordAudit builds it, at `at`. */
function sealer(entry: AuditEntry, at: Date = now) {
  return (prev: { seq: number; hash: string } | null) =>
    sealAuditEvent({ entry, prev, id: newId(), at, sha256Hex });
}

/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

/**
 * Registers the Storage contract for one adapter. `makeStorage` returns a migrated
 * storage over an empty database; the suite closes it after each test.
 */
export function storageContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;
    let repos: Repositories;

    beforeEach(async () => {
      storage = await makeStorage();
      repos = storage.repos;
    });
    afterEach(async () => {
      await storage.close();
    });

    async function seedAccount(overrides: Partial<Account> = {}): Promise<Account> {
      const account = makeAccount(overrides);
      await repos.accounts.insert({ account });
      return account;
    }
    async function seedMessage(
      overrides: Partial<Message> & { senderId?: string } = {},
    ): Promise<Message> {
      const senderId =
        overrides.senderId ?? (await seedAccount({ kind: 'staff', role: 'sender' })).id;
      const message = makeMessage({ ...overrides, senderId });
      await repos.messages.insert({ message });
      return message;
    }
    async function seedDelivery(
      overrides: Partial<Delivery> & { messageId: string; recipientId: string },
    ): Promise<Delivery> {
      const delivery = makeDelivery(overrides);
      await repos.deliveries.insert({ delivery });
      return delivery;
    }

    describe('the database', () => {
      it('answers ping while open, and not after close (which may be repeated)', async () => {
        expect(storage.dialect === 'sqlite' || storage.dialect === 'postgres').toBe(true);
        expect(await storage.ping()).toBe(true);
        await storage.close();
        expect(await storage.ping()).toBe(false);
        await storage.close();
      });

      it('migrate on an up-to-date database changes nothing', async () => {
        const account = await seedAccount();
        await storage.migrate();
        expect(await repos.accounts.findById({ id: account.id })).toStrictEqual(account);
      });

      it('close lets a transaction that is under way commit first', async () => {
        const account = makeAccount();
        const started = signal();
        const tx = storage.transaction(async (t) => {
          started.resolve();
          await new Promise((r) => setTimeout(r, 30));
          await t.accounts.insert({ account });
          return 'committed';
        });
        await started.promise;
        await storage.close();
        expect(await tx).toBe('committed');
      });
    });

    describe('accounts', () => {
      it('stores every field and reads it back by id and by email key', async () => {
        const account = makeStaff({
          email: 'Jane.Smith@Barnet.gov.uk',
          emailKey: 'jane.smith@barnet.gov.uk',
          role: 'admin',
          passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
          status: 'disabled',
          failedSignIns: 3,
          failureWindowStartedAt: fromNow(-5 * MINUTE),
          lockedUntil: fromNow(15 * MINUTE),
          totpKeyEnc: new Uint8Array([0, 1, 2, 253, 254, 255]),
          recoveryCodeHashes: ['a'.repeat(64), 'b'.repeat(64)],
          legalHold: true,
          updatedAt: fromNow(1),
          lastSignInAt: fromNow(-DAY),
          passwordChangedAt: fromNow(-2 * DAY),
        });
        await repos.accounts.insert({ account });
        const found = await repos.accounts.findById({ id: account.id });
        expect(found).toStrictEqual(account);
        expect(found?.totpKeyEnc).toBeInstanceOf(Uint8Array);
        expect(
          await repos.accounts.findByEmailKey({ emailKey: 'jane.smith@barnet.gov.uk' }),
        ).toStrictEqual(account);
      });

      it('returns null for unknown ids and keys, and matches the key exactly', async () => {
        await seedAccount({ email: 'someone@example.org' });
        expect(await repos.accounts.findById({ id: newId() })).toBeNull();
        expect(await repos.accounts.findByEmailKey({ emailKey: 'nobody@example.org' })).toBeNull();
        expect(await repos.accounts.findByEmailKey({ emailKey: 'SOMEONE@example.org' })).toBeNull();
      });

      it('rejects a second account with the same email key', async () => {
        await seedAccount({ email: 'taken@example.org' });
        await expect(
          repos.accounts.insert({
            account: makeAccount({ email: 'Taken@example.org', emailKey: 'taken@example.org' }),
          }),
        ).rejects.toThrow();
        expect(await repos.accounts.search({ query: 'taken', limit: 10, offset: 0 })).toHaveLength(
          1,
        );
      });

      it('update writes every field', async () => {
        const account = await seedAccount();
        const changed: Account = {
          ...account,
          email: 'new.address@example.org',
          emailKey: 'new.address@example.org',
          displayName: 'New Name',
          kind: 'staff',
          role: 'auditor',
          passwordHash: 'hash',
          status: 'disabled',
          failedSignIns: 4,
          failureWindowStartedAt: fromNow(1),
          lockedUntil: fromNow(2),
          totpKeyEnc: bytes('totp'),
          recoveryCodeHashes: ['c'],
          legalHold: true,
          updatedAt: fromNow(3),
          lastSignInAt: fromNow(4),
          passwordChangedAt: fromNow(5),
        };
        await repos.accounts.update({ account: changed });
        expect(await repos.accounts.findById({ id: account.id })).toStrictEqual(changed);
        await repos.accounts.update({
          account: { ...changed, totpKeyEnc: null, lockedUntil: null },
        });
        expect(await repos.accounts.findById({ id: account.id })).toMatchObject({
          totpKeyEnc: null,
          lockedUntil: null,
        });
      });

      it('findById with forUpdate inside a transaction reads the row', async () => {
        const account = await seedAccount();
        const found = await storage.transaction((t) =>
          t.accounts.findById({ id: account.id, forUpdate: true }),
        );
        expect(found).toStrictEqual(account);
        const byKey = await storage.transaction((t) =>
          t.accounts.findByEmailKey({ emailKey: account.emailKey, forUpdate: true }),
        );
        expect(byKey).toStrictEqual(account);
      });

      it('forUpdate keeps read-modify-write counters exact under concurrent transactions', async () => {
        const account = await seedAccount();
        await Promise.all(
          Array.from({ length: 10 }, () =>
            storage.transaction(async (t) => {
              const current = await t.accounts.findById({ id: account.id, forUpdate: true });
              if (!current) throw new Error('missing');
              await new Promise((r) => setTimeout(r, 1));
              await t.accounts.update({
                account: { ...current, failedSignIns: current.failedSignIns + 1 },
              });
            }),
          ),
        );
        expect((await repos.accounts.findById({ id: account.id }))?.failedSignIns).toBe(10);
      });

      it('search matches part of the address case-insensitively, newest first, by kind and role, in pages', async () => {
        const a = await seedAccount({
          email: 'alice@Barnet.gov.uk',
          emailKey: 'alice@barnet.gov.uk',
          kind: 'staff',
          role: 'sender',
          createdAt: fromNow(1),
        });
        const b = await seedAccount({
          email: 'bob@barnet.gov.uk',
          kind: 'staff',
          role: 'admin',
          createdAt: fromNow(2),
        });
        const c = await seedAccount({ email: 'carol@example.org', createdAt: fromNow(3) });
        const d = await seedAccount({
          email: 'dave@BARNET.gov.uk',
          emailKey: 'dave@barnet.gov.uk',
          createdAt: fromNow(4),
        });
        expect(ids(await repos.accounts.search({ query: 'BARNET', limit: 10, offset: 0 }))).toEqual(
          [d.id, b.id, a.id],
        );
        expect(ids(await repos.accounts.search({ limit: 10, offset: 0 }))).toEqual([
          d.id,
          c.id,
          b.id,
          a.id,
        ]);
        expect(ids(await repos.accounts.search({ kind: 'staff', limit: 10, offset: 0 }))).toEqual([
          b.id,
          a.id,
        ]);
        expect(
          ids(await repos.accounts.search({ role: 'recipient', limit: 10, offset: 0 })),
        ).toEqual([d.id, c.id]);
        expect(
          ids(
            await repos.accounts.search({
              query: 'barnet',
              kind: 'staff',
              role: 'sender',
              limit: 10,
              offset: 0,
            }),
          ),
        ).toEqual([a.id]);
        expect(ids(await repos.accounts.search({ limit: 2, offset: 0 }))).toEqual([d.id, c.id]);
        expect(ids(await repos.accounts.search({ limit: 2, offset: 2 }))).toEqual([b.id, a.id]);
        expect(ids(await repos.accounts.search({ limit: 2, offset: 4 }))).toEqual([]);
        expect(await repos.accounts.search({ query: 'nobody', limit: 10, offset: 0 })).toEqual([]);
      });

      it('search treats % and _ in the query as plain characters', async () => {
        const odd = await seedAccount({ email: 'a_b%c@example.org' });
        await seedAccount({ email: 'axbyc@example.org' });
        expect(ids(await repos.accounts.search({ query: '_b%', limit: 10, offset: 0 }))).toEqual([
          odd.id,
        ]);
        expect(await repos.accounts.search({ query: '%', limit: 10, offset: 0 })).toHaveLength(1);
        expect(await repos.accounts.search({ query: '\\', limit: 10, offset: 0 })).toHaveLength(0);
      });

      // The search is one prepared statement per combination of filters: each must keep
      // the order (ties in createdAt by id, newest first) and the paging.
      it('search keeps its order and paging in every combination of filters, ties by id', async () => {
        const at = fromNow(5);
        const tied = [];
        for (const n of [2, 1, 3]) {
          tied.push(
            await seedAccount({
              id: `${n}-${newId()}`,
              email: `tie${n}@barnet.gov.uk`,
              kind: 'staff',
              role: 'sender',
              createdAt: at,
            }),
          );
        }
        const older = await seedAccount({
          email: 'older@barnet.gov.uk',
          kind: 'staff',
          role: 'sender',
          createdAt: fromNow(-1),
        });
        await seedAccount({ email: 'other@example.org', createdAt: fromNow(-2) });
        const [t2, t1, t3] = tied as [Account, Account, Account];
        const order = [t3.id, t2.id, t1.id, older.id];
        const filters = [
          { query: 'barnet' },
          { kind: 'staff' as const },
          { role: 'sender' as const },
          { query: 'barnet', kind: 'staff' as const },
          { query: 'barnet', role: 'sender' as const },
          { kind: 'staff' as const, role: 'sender' as const },
          { query: 'barnet', kind: 'staff' as const, role: 'sender' as const },
        ];
        for (const filter of filters) {
          const where = JSON.stringify(filter);
          expect(
            ids(await repos.accounts.search({ ...filter, limit: 10, offset: 0 })),
            where,
          ).toEqual(order);
          expect(
            ids(await repos.accounts.search({ ...filter, limit: 2, offset: 1 })),
            where,
          ).toEqual([t2.id, t1.id]);
        }
        // An empty query is no query: everyone, the external account last.
        expect(await repos.accounts.search({ query: '', limit: 10, offset: 0 })).toHaveLength(5);
        expect(await repos.accounts.search({ limit: 10, offset: 0 })).toHaveLength(5);
        expect(ids(await repos.accounts.search({ role: 'admin', limit: 10, offset: 0 }))).toEqual(
          [],
        );
      });

      it('refuses a negative limit or offset', async () => {
        await expect(repos.accounts.search({ limit: -1, offset: 0 })).rejects.toThrow(RangeError);
        await expect(repos.accounts.search({ limit: 1, offset: -1 })).rejects.toThrow(RangeError);
      });

      it('delete removes only that account', async () => {
        const a = await seedAccount();
        const b = await seedAccount();
        await repos.accounts.delete({ id: a.id });
        expect(await repos.accounts.findById({ id: a.id })).toBeNull();
        expect(await repos.accounts.findById({ id: b.id })).toStrictEqual(b);
      });
    });

    describe('passkeys', () => {
      const makePasskey = (overrides: Partial<Passkey> & { accountId: string }): Passkey => ({
        id: newId(),
        credentialId: `cred-${newId()}`,
        publicKey: new Uint8Array([165, 1, 2, 3, 38, 32, 1]),
        counter: 0,
        transports: ['internal', 'hybrid'],
        deviceType: 'multiDevice',
        backedUp: true,
        name: 'Work laptop',
        createdAt: fromNow(0),
        lastUsedAt: null,
        ...overrides,
      });
      /** The passkey with its key as plain bytes (drivers may hand back a Buffer). */
      const plain = (p: Passkey | null | undefined) =>
        p ? { ...p, publicKey: Array.from(p.publicKey) } : p;

      it('stores a passkey and finds it by credential id, whoever asks', async () => {
        const account = await seedAccount();
        const passkey = makePasskey({ accountId: account.id });
        await repos.passkeys.insert({ passkey });
        expect(
          plain(await repos.passkeys.findByCredentialId({ credentialId: passkey.credentialId })),
        ).toEqual(plain(passkey));
        expect(await repos.passkeys.findByCredentialId({ credentialId: 'no-such' })).toBeNull();
      });

      it('refuses a second passkey with the same credential id, even for another account', async () => {
        const first = await seedAccount();
        const second = await seedAccount();
        const passkey = makePasskey({ accountId: first.id });
        await repos.passkeys.insert({ passkey });
        await expect(
          repos.passkeys.insert({
            passkey: makePasskey({ accountId: second.id, credentialId: passkey.credentialId }),
          }),
        ).rejects.toThrow();
        expect(await repos.passkeys.listForAccount({ accountId: second.id })).toEqual([]);
      });

      it('lists an account’s passkeys oldest first, and no one else’s', async () => {
        const account = await seedAccount();
        const other = await seedAccount();
        const newer = makePasskey({ accountId: account.id, createdAt: fromNow(MINUTE), name: 'B' });
        const older = makePasskey({ accountId: account.id, createdAt: fromNow(0), name: 'A' });
        await repos.passkeys.insert({ passkey: newer });
        await repos.passkeys.insert({ passkey: older });
        await repos.passkeys.insert({ passkey: makePasskey({ accountId: other.id }) });
        const listed = await repos.passkeys.listForAccount({ accountId: account.id });
        expect(listed.map((p) => p.name)).toEqual(['A', 'B']);
      });

      it('update writes the counter, last use and name only', async () => {
        const account = await seedAccount();
        const passkey = makePasskey({ accountId: account.id });
        await repos.passkeys.insert({ passkey });
        const used = fromNow(60 * MINUTE);
        await repos.passkeys.update({
          passkey: {
            ...passkey,
            counter: 7,
            lastUsedAt: used,
            name: 'Renamed',
            publicKey: new Uint8Array([9]),
            transports: [],
            backedUp: false,
          },
        });
        const found = await repos.passkeys.findByCredentialId({
          credentialId: passkey.credentialId,
        });
        expect(plain(found)).toEqual(
          plain({ ...passkey, counter: 7, lastUsedAt: used, name: 'Renamed' }),
        );
      });

      it('delete removes a passkey only for its own account', async () => {
        const account = await seedAccount();
        const other = await seedAccount();
        const passkey = makePasskey({ accountId: account.id });
        await repos.passkeys.insert({ passkey });
        expect(await repos.passkeys.delete({ id: passkey.id, accountId: other.id })).toBe(false);
        expect(await repos.passkeys.listForAccount({ accountId: account.id })).toHaveLength(1);
        expect(await repos.passkeys.delete({ id: passkey.id, accountId: account.id })).toBe(true);
        expect(await repos.passkeys.delete({ id: passkey.id, accountId: account.id })).toBe(false);
        expect(await repos.passkeys.listForAccount({ accountId: account.id })).toEqual([]);
      });

      it('deleteForAccount removes every passkey of one account and says how many', async () => {
        const account = await seedAccount();
        const other = await seedAccount();
        await repos.passkeys.insert({ passkey: makePasskey({ accountId: account.id }) });
        await repos.passkeys.insert({ passkey: makePasskey({ accountId: account.id }) });
        await repos.passkeys.insert({ passkey: makePasskey({ accountId: other.id }) });
        expect(await repos.passkeys.deleteForAccount({ accountId: account.id })).toBe(2);
        expect(await repos.passkeys.listForAccount({ accountId: account.id })).toEqual([]);
        expect(await repos.passkeys.listForAccount({ accountId: other.id })).toHaveLength(1);
      });

      it('go with their account, and the account keeps its passkey count', async () => {
        const account = await seedAccount();
        const passkey = makePasskey({ accountId: account.id });
        await storage.transaction(async (t) => {
          const fresh = await t.accounts.findById({ id: account.id, forUpdate: true });
          if (!fresh) throw new Error('no account');
          await t.passkeys.insert({ passkey });
          await t.accounts.update({ account: { ...fresh, passkeyCount: fresh.passkeyCount + 1 } });
        });
        expect((await repos.accounts.findById({ id: account.id }))?.passkeyCount).toBe(1);
        await repos.accounts.delete({ id: account.id });
        expect(
          await repos.passkeys.findByCredentialId({ credentialId: passkey.credentialId }),
        ).toBeNull();
      });

      it('a transaction that fails keeps neither the passkey nor the count', async () => {
        const account = await seedAccount();
        const passkey = makePasskey({ accountId: account.id });
        await expect(
          storage.transaction(async (t) => {
            const fresh = await t.accounts.findById({ id: account.id, forUpdate: true });
            if (!fresh) throw new Error('no account');
            await t.passkeys.insert({ passkey });
            await t.accounts.update({ account: { ...fresh, passkeyCount: 1 } });
            throw new Error('rolled back');
          }),
        ).rejects.toThrow('rolled back');
        expect((await repos.accounts.findById({ id: account.id }))?.passkeyCount).toBe(0);
        expect(await repos.passkeys.listForAccount({ accountId: account.id })).toEqual([]);
      });
    });

    describe('sessions', () => {
      it('stores a session and finds it by id', async () => {
        const account = await seedAccount();
        const session = makeSession({
          accountId: account.id,
          rememberMe: true,
          twoFactorPending: true,
          ip: null,
          userAgent: null,
        });
        await repos.sessions.insert({ session });
        expect(await repos.sessions.findById({ id: session.id })).toStrictEqual(session);
        expect(await repos.sessions.findById({ id: newId() })).toBeNull();
      });

      it('update writes only lastSeenAt, expiresAt and twoFactorPending', async () => {
        const account = await seedAccount();
        const session = makeSession({ accountId: account.id, twoFactorPending: true });
        await repos.sessions.insert({ session });
        await repos.sessions.update({
          session: {
            ...session,
            lastSeenAt: fromNow(MINUTE),
            expiresAt: fromNow(2 * DAY),
            twoFactorPending: false,
            secretHash: 'changed',
            ip: '203.0.113.9',
          },
        });
        expect(await repos.sessions.findById({ id: session.id })).toStrictEqual({
          ...session,
          lastSeenAt: fromNow(MINUTE),
          expiresAt: fromNow(2 * DAY),
          twoFactorPending: false,
        });
      });

      it('delete and deleteForAccount (with exceptId) end sessions and count them', async () => {
        const account = await seedAccount();
        const other = await seedAccount();
        const s1 = makeSession({ accountId: account.id });
        const s2 = makeSession({ accountId: account.id });
        const s3 = makeSession({ accountId: account.id });
        const theirs = makeSession({ accountId: other.id });
        for (const session of [s1, s2, s3, theirs]) await repos.sessions.insert({ session });
        await repos.sessions.delete({ id: s1.id });
        expect(await repos.sessions.findById({ id: s1.id })).toBeNull();
        expect(
          await repos.sessions.deleteForAccount({ accountId: account.id, exceptId: s2.id }),
        ).toBe(1);
        expect(await repos.sessions.findById({ id: s2.id })).toStrictEqual(s2);
        expect(await repos.sessions.findById({ id: s3.id })).toBeNull();
        expect(await repos.sessions.deleteForAccount({ accountId: account.id })).toBe(1);
        expect(await repos.sessions.deleteForAccount({ accountId: account.id })).toBe(0);
        expect(await repos.sessions.findById({ id: theirs.id })).toStrictEqual(theirs);
      });

      it('deleteExpired removes sessions expiring at or before now, up to limit', async () => {
        const account = await seedAccount();
        const atNow = makeSession({ accountId: account.id, expiresAt: now });
        const earlier = makeSession({ accountId: account.id, expiresAt: fromNow(-DAY) });
        const later = makeSession({ accountId: account.id, expiresAt: fromNow(1) });
        for (const session of [atNow, earlier, later]) await repos.sessions.insert({ session });
        expect(await repos.sessions.deleteExpired({ now, limit: 1 })).toBe(1);
        expect(await repos.sessions.deleteExpired({ now, limit: 10 })).toBe(1);
        expect(await repos.sessions.deleteExpired({ now, limit: 10 })).toBe(0);
        expect(await repos.sessions.findById({ id: atNow.id })).toBeNull();
        expect(await repos.sessions.findById({ id: earlier.id })).toBeNull();
        expect(await repos.sessions.findById({ id: later.id })).toStrictEqual(later);
      });
    });

    describe('email codes', () => {
      const code = (over: Partial<EmailCode> = {}): EmailCode => ({
        id: newId(),
        purpose: 'register',
        email: 'Ann@Example.org',
        emailKey: 'ann@example.org',
        subjectId: 'token-1',
        codeHash: 'a'.repeat(64),
        attempts: 0,
        createdAt: now,
        expiresAt: fromNow(15 * MINUTE),
        usedAt: null,
        ...over,
      });
      const live = (over: { subjectId?: string; at?: Date } = {}) =>
        repos.emailCodes.listLive({
          purpose: 'register',
          emailKey: 'ann@example.org',
          subjectId: over.subjectId ?? 'token-1',
          now: over.at ?? now,
        });

      it('lists the live codes for a purpose, address and subject, newest first', async () => {
        const older = code({ createdAt: fromNow(-MINUTE) });
        const newer = code();
        const other = code({ subjectId: 'token-2', createdAt: fromNow(MINUTE) });
        const access = code({ purpose: 'access-request', createdAt: fromNow(MINUTE) });
        for (const c of [older, newer, other, access]) await repos.emailCodes.insert({ code: c });
        expect(await live()).toStrictEqual([newer, older]);
        expect(ids(await live({ subjectId: 'token-2' }))).toEqual([other.id]);
        // Expired at exactly its end; a spent code is no longer live.
        expect(await live({ at: newer.expiresAt })).toEqual([]);
        expect(await repos.emailCodes.markUsed({ id: newer.id, at: now })).toBe(true);
        expect(ids(await live())).toEqual([older.id]);
      });

      it('takes tries up to a maximum, even in parallel, and spends a code once', async () => {
        const c = code();
        await repos.emailCodes.insert({ code: c });
        const taken = await Promise.all(
          Array.from({ length: 8 }, () => repos.emailCodes.takeAttempt({ id: c.id, max: 5 })),
        );
        expect(taken.filter(Boolean)).toHaveLength(5);
        expect((await live())[0]?.attempts).toBe(5);
        expect(await repos.emailCodes.takeAttempt({ id: c.id, max: 5 })).toBe(false);
        const wins = await Promise.all([
          repos.emailCodes.markUsed({ id: c.id, at: now }),
          repos.emailCodes.markUsed({ id: c.id, at: now }),
        ]);
        expect(wins.filter(Boolean)).toHaveLength(1);
      });

      it('counts the codes sent to an address since a time, and deletes expired ones', async () => {
        await repos.emailCodes.insert({
          code: code({ createdAt: fromNow(-120 * MINUTE), expiresAt: fromNow(-105 * MINUTE) }),
        });
        await repos.emailCodes.insert({ code: code({ createdAt: fromNow(-30 * MINUTE) }) });
        await repos.emailCodes.insert({ code: code({ subjectId: 'token-9' }) });
        await repos.emailCodes.insert({
          code: code({ emailKey: 'bob@example.org', email: 'bob@example.org' }),
        });
        const since = fromNow(-60 * MINUTE);
        expect(await repos.emailCodes.countSentSince({ emailKey: 'ann@example.org', since })).toBe(
          2,
        );
        expect(await repos.emailCodes.deleteExpired({ before: fromNow(-MINUTE), limit: 10 })).toBe(
          1,
        );
        expect(await repos.emailCodes.deleteExpired({ before: fromNow(-MINUTE), limit: 10 })).toBe(
          0,
        );
      });
    });

    describe('tokens', () => {
      it('stores a token and finds it by id', async () => {
        const account = await seedAccount();
        const message = await seedMessage();
        const delivery = await seedDelivery({ messageId: message.id, recipientId: account.id });
        const token = makeToken({
          purpose: 'notify',
          accountId: account.id,
          deliveryId: delivery.id,
          email: account.email,
        });
        await repos.tokens.insert({ token });
        expect(await repos.tokens.findById({ id: token.id })).toStrictEqual(token);
        expect(await repos.tokens.findById({ id: newId() })).toBeNull();
      });

      it('markUsed is true for exactly one of five racing callers', async () => {
        const token = makeToken();
        await repos.tokens.insert({ token });
        const results = await Promise.all(
          [1, 2, 3, 4, 5].map((n) => repos.tokens.markUsed({ id: token.id, at: fromNow(n) })),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true) + 1;
        expect((await repos.tokens.findById({ id: token.id }))?.usedAt).toEqual(fromNow(winner));
        expect(await repos.tokens.markUsed({ id: token.id, at: fromNow(9) })).toBe(false);
        expect(await repos.tokens.markUsed({ id: newId(), at: now })).toBe(false);
      });

      it('listLive returns unused tokens of the purpose unexpired at now, oldest first', async () => {
        const account = await seedAccount();
        const other = await seedAccount();
        const live1 = makeToken({
          accountId: account.id,
          purpose: 'reset',
          expiresAt: fromNow(1),
          createdAt: fromNow(-2),
        });
        const live2 = makeToken({
          accountId: account.id,
          purpose: 'reset',
          createdAt: fromNow(-1),
        });
        const expiringNow = makeToken({ accountId: account.id, purpose: 'reset', expiresAt: now });
        const used = makeToken({ accountId: account.id, purpose: 'reset', usedAt: fromNow(-1) });
        const otherPurpose = makeToken({ accountId: account.id, purpose: 'unlock' });
        const otherAccount = makeToken({ accountId: other.id, purpose: 'reset' });
        for (const token of [live2, expiringNow, used, otherPurpose, otherAccount, live1])
          await repos.tokens.insert({ token });
        expect(
          await repos.tokens.listLive({ accountId: account.id, purpose: 'reset', now }),
        ).toStrictEqual([live1, live2]);
      });

      it('deleteExpired removes tokens expired or used before `before`, up to limit', async () => {
        const expired = makeToken({ expiresAt: fromNow(-1) });
        const usedBefore = makeToken({ usedAt: fromNow(-1) });
        const expiresAtBefore = makeToken({ expiresAt: now });
        const usedAtBefore = makeToken({ usedAt: now });
        const live = makeToken();
        for (const token of [expired, usedBefore, expiresAtBefore, usedAtBefore, live])
          await repos.tokens.insert({ token });
        expect(await repos.tokens.deleteExpired({ before: now, limit: 1 })).toBe(1);
        expect(await repos.tokens.deleteExpired({ before: now, limit: 10 })).toBe(1);
        expect(await repos.tokens.deleteExpired({ before: now, limit: 10 })).toBe(0);
        for (const token of [expired, usedBefore])
          expect(await repos.tokens.findById({ id: token.id })).toBeNull();
        for (const token of [expiresAtBefore, usedAtBefore, live])
          expect(await repos.tokens.findById({ id: token.id })).toStrictEqual(token);
      });

      it('deleteForAccount removes every token of the account and counts them', async () => {
        const account = await seedAccount();
        const other = await seedAccount();
        await repos.tokens.insert({ token: makeToken({ accountId: account.id }) });
        await repos.tokens.insert({ token: makeToken({ accountId: account.id, usedAt: now }) });
        const theirs = makeToken({ accountId: other.id });
        await repos.tokens.insert({ token: theirs });
        expect(await repos.tokens.deleteForAccount({ accountId: account.id })).toBe(2);
        expect(await repos.tokens.deleteForAccount({ accountId: account.id })).toBe(0);
        expect(await repos.tokens.findById({ id: theirs.id })).toStrictEqual(theirs);
      });
    });

    describe('device lockouts', () => {
      it('save creates, then replaces, the counter of one account and device', async () => {
        const account = await seedAccount();
        const lockout = makeDeviceLockout({ accountId: account.id });
        expect(
          await repos.deviceLockouts.find({
            accountId: account.id,
            deviceHash: lockout.deviceHash,
          }),
        ).toBeNull();
        await repos.deviceLockouts.save({ lockout });
        expect(
          await repos.deviceLockouts.find({
            accountId: account.id,
            deviceHash: lockout.deviceHash,
          }),
        ).toStrictEqual(lockout);
        const locked = { ...lockout, failures: 5, lockedUntil: fromNow(15 * MINUTE) };
        await repos.deviceLockouts.save({ lockout: locked });
        expect(
          await repos.deviceLockouts.find({
            accountId: account.id,
            deviceHash: lockout.deviceHash,
          }),
        ).toStrictEqual(locked);
        const cleared = { ...lockout, failures: 0, windowStartedAt: null, lockedUntil: null };
        await repos.deviceLockouts.save({ lockout: cleared });
        expect(
          await repos.deviceLockouts.find({
            accountId: account.id,
            deviceHash: lockout.deviceHash,
          }),
        ).toStrictEqual(cleared);
      });

      it('keeps devices apart and deleteForAccount counts what it removes', async () => {
        const account = await seedAccount();
        const other = await seedAccount();
        const a = makeDeviceLockout({ accountId: account.id, deviceHash: 'device-1' });
        const b = makeDeviceLockout({ accountId: account.id, deviceHash: 'device-2', failures: 3 });
        const theirs = makeDeviceLockout({
          accountId: other.id,
          deviceHash: 'device-1',
          failures: 7,
        });
        for (const lockout of [a, b, theirs]) await repos.deviceLockouts.save({ lockout });
        expect(
          await repos.deviceLockouts.find({ accountId: account.id, deviceHash: 'device-2' }),
        ).toStrictEqual(b);
        expect(
          await repos.deviceLockouts.find({ accountId: other.id, deviceHash: 'device-1' }),
        ).toStrictEqual(theirs);
        expect(await repos.deviceLockouts.deleteForAccount({ accountId: account.id })).toBe(2);
        expect(
          await repos.deviceLockouts.find({ accountId: account.id, deviceHash: 'device-1' }),
        ).toBeNull();
        expect(
          await repos.deviceLockouts.find({ accountId: other.id, deviceHash: 'device-1' }),
        ).toStrictEqual(theirs);
      });
    });

    describe('messages', () => {
      it('stores every field and finds a message by id and by dedupe key', async () => {
        const sender = await seedAccount({ kind: 'staff', role: 'sender' });
        const parent = await seedMessage({ senderId: sender.id });
        const message = makeMessage({
          senderId: sender.id,
          subjectEnc: new Uint8Array([9, 8, 7, 0, 255]),
          bodyFormat: 'html',
          classification: null,
          readOnly: true,
          source: 'gateway',
          inReplyToId: parent.id,
          threadId: parent.id,
          sizeBytes: 5_000_000_000,
          legalHold: true,
          dedupeKey: 'sha256:abc',
        });
        await repos.messages.insert({ message });
        expect(await repos.messages.findById({ id: message.id })).toStrictEqual(message);
        expect(await repos.messages.findByDedupeKey({ dedupeKey: 'sha256:abc' })).toStrictEqual(
          message,
        );
        expect(await repos.messages.findByDedupeKey({ dedupeKey: 'sha256:other' })).toBeNull();
        expect(await repos.messages.findById({ id: newId() })).toBeNull();
      });

      it('lists messages by body format after a cursor, and replaces a body only from the blob it names', async () => {
        const sender = await seedAccount({ kind: 'staff', role: 'sender' });
        const legacy = [];
        for (let i = 0; i < 3; i++)
          legacy.push(await seedMessage({ senderId: sender.id, bodyFormat: 'html' }));
        const safe = await seedMessage({ senderId: sender.id, bodyFormat: 'safe-html' });
        const ids = legacy.map((m) => m.id).sort();
        const first = await repos.messages.listByBodyFormat({ format: 'html', limit: 2 });
        expect(first.map((m) => m.id)).toEqual(ids.slice(0, 2));
        const rest = await repos.messages.listByBodyFormat({
          format: 'html',
          limit: 2,
          after: ids[1],
        });
        expect(rest.map((m) => m.id)).toEqual(ids.slice(2));
        const target = legacy[0] as (typeof legacy)[number];
        expect(
          await repos.messages.replaceBody({
            id: target.id,
            fromBlobId: 'stale',
            bodyBlobId: 'b2',
            bodyFormat: 'safe-html',
          }),
        ).toBe(false);
        expect(
          await repos.messages.replaceBody({
            id: target.id,
            fromBlobId: target.bodyBlobId,
            bodyBlobId: 'b2',
            bodyFormat: 'safe-html',
          }),
        ).toBe(true);
        expect(await repos.messages.findById({ id: target.id })).toMatchObject({
          bodyBlobId: 'b2',
          bodyFormat: 'safe-html',
        });
        expect(
          (await repos.messages.listByBodyFormat({ format: 'html', limit: 10 })).map((m) => m.id),
        ).not.toContain(target.id);
        expect(
          (await repos.messages.listByBodyFormat({ format: 'safe-html', limit: 10 })).map(
            (m) => m.id,
          ),
        ).toEqual([safe.id, target.id].sort());
      });

      it('rejects a second message with the same dedupe key, but not two without one', async () => {
        const sender = await seedAccount({ kind: 'staff' });
        await seedMessage({ senderId: sender.id, dedupeKey: 'k1' });
        await expect(
          repos.messages.insert({ message: makeMessage({ senderId: sender.id, dedupeKey: 'k1' }) }),
        ).rejects.toThrow();
        await seedMessage({ senderId: sender.id });
        await seedMessage({ senderId: sender.id });
        expect(await repos.messages.countSent({ senderId: sender.id })).toBe(3);
      });

      it('setLegalHold sets and clears the hold', async () => {
        const message = await seedMessage();
        await repos.messages.setLegalHold({ id: message.id, legalHold: true });
        expect((await repos.messages.findById({ id: message.id }))?.legalHold).toBe(true);
        await repos.messages.setLegalHold({ id: message.id, legalHold: false });
        expect(await repos.messages.findById({ id: message.id })).toStrictEqual(message);
      });

      it('listSent is newest first, paged, and countSent counts the sender only', async () => {
        const sender = await seedAccount({ kind: 'staff' });
        const sent = [];
        for (let n = 0; n < 5; n++)
          sent.push(await seedMessage({ senderId: sender.id, createdAt: fromNow(n * MINUTE) }));
        await seedMessage();
        const newestFirst = ids(sent).reverse();
        expect(
          ids(await repos.messages.listSent({ senderId: sender.id, limit: 2, offset: 0 })),
        ).toEqual(newestFirst.slice(0, 2));
        expect(
          ids(await repos.messages.listSent({ senderId: sender.id, limit: 2, offset: 2 })),
        ).toEqual(newestFirst.slice(2, 4));
        expect(
          ids(await repos.messages.listSent({ senderId: sender.id, limit: 2, offset: 4 })),
        ).toEqual(newestFirst.slice(4));
        expect(await repos.messages.listSent({ senderId: sender.id, limit: 0, offset: 0 })).toEqual(
          [],
        );
        expect(await repos.messages.countSent({ senderId: sender.id })).toBe(5);
        expect(await repos.messages.countSent({ senderId: newId() })).toBe(0);
      });

      it('listPastRetention lists unheld messages with retainUntil <= now, oldest first, up to limit', async () => {
        const sender = await seedAccount({ kind: 'staff' });
        const atNow = await seedMessage({ senderId: sender.id, retainUntil: now });
        const older = await seedMessage({ senderId: sender.id, retainUntil: fromNow(-DAY) });
        await seedMessage({ senderId: sender.id, retainUntil: fromNow(1) });
        await seedMessage({ senderId: sender.id, retainUntil: fromNow(-2 * DAY), legalHold: true });
        expect(await repos.messages.listPastRetention({ now, limit: 10 })).toEqual([
          older.id,
          atNow.id,
        ]);
        expect(await repos.messages.listPastRetention({ now, limit: 1 })).toEqual([older.id]);
      });

      it('delete removes the message with its deliveries, attachment rows and access requests', async () => {
        const recipient = await seedAccount();
        const message = await seedMessage();
        const keep = await seedMessage();
        const delivery = await seedDelivery({ messageId: message.id, recipientId: recipient.id });
        const kept = await seedDelivery({ messageId: keep.id, recipientId: recipient.id });
        const attachment = makeAttachment({ messageId: message.id });
        const keptAttachment = makeAttachment({ messageId: keep.id });
        await repos.attachments.insert({ attachment });
        await repos.attachments.insert({ attachment: keptAttachment });
        const request = makeAccessRequest({
          messageId: message.id,
          deliveryId: delivery.id,
          requesterId: recipient.id,
        });
        const keptRequest = makeAccessRequest({
          messageId: keep.id,
          deliveryId: kept.id,
          requesterId: recipient.id,
        });
        await repos.accessRequests.insert({ request });
        await repos.accessRequests.insert({ request: keptRequest });

        await repos.messages.delete({ id: message.id });
        expect(await repos.messages.findById({ id: message.id })).toBeNull();
        expect(await repos.deliveries.findById({ id: delivery.id })).toBeNull();
        expect(await repos.attachments.findById({ id: attachment.id })).toBeNull();
        expect(await repos.accessRequests.findById({ id: request.id })).toBeNull();
        expect(await repos.messages.findById({ id: keep.id })).toStrictEqual(keep);
        expect(await repos.deliveries.listForMessage({ messageId: keep.id })).toStrictEqual([kept]);
        expect(await repos.attachments.listForMessage({ messageId: keep.id })).toStrictEqual([
          keptAttachment,
        ]);
        expect(await repos.accessRequests.listForMessage({ messageId: keep.id })).toStrictEqual([
          keptRequest,
        ]);
      });

      it('delete inside a transaction that fails leaves everything in place', async () => {
        const recipient = await seedAccount();
        const message = await seedMessage();
        const delivery = await seedDelivery({ messageId: message.id, recipientId: recipient.id });
        await expect(
          storage.transaction(async (t) => {
            await t.messages.delete({ id: message.id });
            throw new Error('changed my mind');
          }),
        ).rejects.toThrow('changed my mind');
        expect(await repos.messages.findById({ id: message.id })).toStrictEqual(message);
        expect(await repos.deliveries.findById({ id: delivery.id })).toStrictEqual(delivery);
      });
    });

    describe('deliveries', () => {
      it("keeps the chain of a forward and counts one account's forwards since a time", async () => {
        const sender = await seedAccount({ kind: 'staff' });
        const ann = await seedAccount();
        const friend = await seedAccount();
        const message = await seedMessage({ senderId: sender.id });
        const original = await seedDelivery({ messageId: message.id, recipientId: ann.id });
        const forwarded = await seedDelivery({
          messageId: message.id,
          recipientId: friend.id,
          forwardedFromId: original.id,
          forwardedById: ann.id,
          createdAt: fromNow(-10 * MINUTE),
        });
        await seedDelivery({
          messageId: message.id,
          recipientId: (await seedAccount()).id,
          forwardedFromId: original.id,
          forwardedById: ann.id,
          createdAt: fromNow(-2 * 60 * MINUTE),
        });
        expect(await repos.deliveries.findById({ id: forwarded.id })).toStrictEqual(forwarded);
        const since = fromNow(-60 * MINUTE);
        expect(await repos.deliveries.countForwardedSince({ forwardedById: ann.id, since })).toBe(
          1,
        );
        expect(
          await repos.deliveries.countForwardedSince({ forwardedById: friend.id, since }),
        ).toBe(0);
      });

      it('stores every field, finds by id, and update writes every mutable field', async () => {
        const recipient = await seedAccount();
        const message = await seedMessage();
        const delivery = makeDelivery({
          messageId: message.id,
          recipientId: recipient.id,
          kind: 'cc',
          recipientEmail: recipient.email,
        });
        await repos.deliveries.insert({ delivery });
        expect(await repos.deliveries.findById({ id: delivery.id })).toStrictEqual(delivery);
        expect(await repos.deliveries.findById({ id: newId() })).toBeNull();
        const changed: Delivery = {
          ...delivery,
          accessEndsAt: fromNow(DAY),
          revokedAt: fromNow(1),
          notifiedAt: fromNow(2),
          firstOpenedAt: fromNow(3),
          hiddenAt: fromNow(4),
          unretrievedNoticeAt: fromNow(5),
        };
        await repos.deliveries.update({ delivery: changed });
        expect(await repos.deliveries.findById({ id: delivery.id })).toStrictEqual(changed);
      });

      it('listForMessage returns deliveries in insertion order', async () => {
        const message = await seedMessage();
        const inserted: Delivery[] = [];
        for (const id of ['zz', 'aa', 'mm', 'bb']) {
          const recipient = await seedAccount();
          inserted.push(
            await seedDelivery({
              id: `${id}-${newId()}`,
              messageId: message.id,
              recipientId: recipient.id,
            }),
          );
        }
        await seedDelivery({
          messageId: (await seedMessage()).id,
          recipientId: (await seedAccount()).id,
        });
        expect(await repos.deliveries.listForMessage({ messageId: message.id })).toStrictEqual(
          inserted,
        );
        expect(await repos.deliveries.listForMessage({ messageId: newId() })).toEqual([]);
      });

      it('listInbox shows deliveries with their message, sender and attachment count, newest first', async () => {
        const recipient = await seedAccount();
        const sender = await seedAccount({
          kind: 'staff',
          role: 'sender',
          email: 'officer@barnet.gov.uk',
          displayName: 'Officer Jones',
        });
        const older = await seedMessage({
          senderId: sender.id,
          createdAt: fromNow(-DAY),
          classification: 'OFFICIAL-SENSITIVE',
          readOnly: true,
          secondFactorRequired: true,
          sizeBytes: 99,
        });
        const newer = await seedMessage({ senderId: sender.id, createdAt: fromNow(-MINUTE) });
        const d1 = await seedDelivery({ messageId: older.id, recipientId: recipient.id });
        const d2 = await seedDelivery({ messageId: newer.id, recipientId: recipient.id });
        for (let n = 0; n < 3; n++)
          await repos.attachments.insert({ attachment: makeAttachment({ messageId: older.id }) });

        const inbox = await repos.deliveries.listInbox({
          recipientId: recipient.id,
          now,
          limit: 10,
          offset: 0,
        });
        expect(inbox).toStrictEqual([
          {
            delivery: d2,
            message: {
              id: newer.id,
              senderId: sender.id,
              subjectEnc: newer.subjectEnc,
              createdAt: newer.createdAt,
              classification: newer.classification,
              readOnly: newer.readOnly,
              secondFactorRequired: false,
              sizeBytes: newer.sizeBytes,
            },
            senderEmail: 'officer@barnet.gov.uk',
            senderName: 'Officer Jones',
            attachmentCount: 0,
          },
          {
            delivery: d1,
            message: {
              id: older.id,
              senderId: sender.id,
              subjectEnc: older.subjectEnc,
              createdAt: older.createdAt,
              classification: 'OFFICIAL-SENSITIVE',
              readOnly: true,
              secondFactorRequired: true,
              sizeBytes: 99,
            },
            senderEmail: 'officer@barnet.gov.uk',
            senderName: 'Officer Jones',
            attachmentCount: 3,
          },
        ]);
        expect(await repos.deliveries.countInbox({ recipientId: recipient.id, now })).toBe(2);
      });

      it('listInbox hides access that ends at exactly now and revoked copies, unless includeExpired, and hidden deliveries always', async () => {
        const recipient = await seedAccount();
        const other = await seedAccount();
        const sender = await seedAccount({ kind: 'staff' });
        const m = async (minutes: number) =>
          seedMessage({ senderId: sender.id, createdAt: fromNow(minutes * MINUTE) });
        const endsNow = await seedDelivery({
          messageId: (await m(-1)).id,
          recipientId: recipient.id,
          accessEndsAt: now,
        });
        const endsJustAfter = await seedDelivery({
          messageId: (await m(-2)).id,
          recipientId: recipient.id,
          accessEndsAt: fromNow(1),
        });
        const ended = await seedDelivery({
          messageId: (await m(-3)).id,
          recipientId: recipient.id,
          accessEndsAt: fromNow(-DAY),
        });
        const revoked = await seedDelivery({
          messageId: (await m(-4)).id,
          recipientId: recipient.id,
          revokedAt: fromNow(-1),
        });
        await seedDelivery({
          messageId: (await m(-5)).id,
          recipientId: recipient.id,
          hiddenAt: fromNow(-1),
        });
        await seedDelivery({
          messageId: (await m(-6)).id,
          recipientId: recipient.id,
          hiddenAt: fromNow(-1),
          accessEndsAt: fromNow(-1),
        });
        await seedDelivery({ messageId: (await m(-7)).id, recipientId: other.id });

        const live = await repos.deliveries.listInbox({
          recipientId: recipient.id,
          now,
          limit: 10,
          offset: 0,
        });
        // A revoked copy can no longer be read, so it leaves the inbox like an expired one.
        expect(live.map((i) => i.delivery.id)).toEqual([endsJustAfter.id]);
        expect(await repos.deliveries.countInbox({ recipientId: recipient.id, now })).toBe(1);

        const all = await repos.deliveries.listInbox({
          recipientId: recipient.id,
          now,
          includeExpired: true,
          limit: 10,
          offset: 0,
        });
        expect(all.map((i) => i.delivery.id)).toEqual([
          endsNow.id,
          endsJustAfter.id,
          ended.id,
          revoked.id,
        ]);
        expect(
          await repos.deliveries.countInbox({
            recipientId: recipient.id,
            now,
            includeExpired: true,
          }),
        ).toBe(4);
        expect(
          await repos.deliveries.countInbox({
            recipientId: recipient.id,
            now: fromNow(-DAY - 1),
            includeExpired: false,
          }),
        ).toBe(3); // all but the revoked one were still readable then
      });

      it('listInbox pages through the mailbox and countInbox counts all of it', async () => {
        const recipient = await seedAccount();
        const sender = await seedAccount({ kind: 'staff' });
        const newestFirst: string[] = [];
        for (let n = 0; n < 7; n++) {
          const message = await seedMessage({
            senderId: sender.id,
            createdAt: fromNow(-n * MINUTE),
          });
          newestFirst.push(
            (await seedDelivery({ messageId: message.id, recipientId: recipient.id })).id,
          );
        }
        const page = (offset: number) =>
          repos.deliveries
            .listInbox({ recipientId: recipient.id, now, limit: 3, offset })
            .then((items) => items.map((i) => i.delivery.id));
        expect(await page(0)).toEqual(newestFirst.slice(0, 3));
        expect(await page(3)).toEqual(newestFirst.slice(3, 6));
        expect(await page(6)).toEqual(newestFirst.slice(6));
        expect(await page(9)).toEqual([]);
        expect(await repos.deliveries.countInbox({ recipientId: recipient.id, now })).toBe(7);
      });

      it('listForRecipient returns every delivery of the recipient, hidden and expired too', async () => {
        const recipient = await seedAccount();
        const a = await seedDelivery({
          messageId: (await seedMessage()).id,
          recipientId: recipient.id,
          createdAt: fromNow(-2),
          hiddenAt: now,
        });
        const b = await seedDelivery({
          messageId: (await seedMessage()).id,
          recipientId: recipient.id,
          createdAt: fromNow(-1),
          accessEndsAt: fromNow(-DAY),
        });
        await seedDelivery({
          messageId: (await seedMessage()).id,
          recipientId: (await seedAccount()).id,
        });
        expect(
          await repos.deliveries.listForRecipient({ recipientId: recipient.id }),
        ).toStrictEqual([a, b]);
      });

      it('listUnretrieved lists unopened, unrevoked, unnoticed deliveries created at or before the instant', async () => {
        const recipient = await seedAccount();
        const message = await seedMessage();
        const d = (overrides: Partial<Delivery>) =>
          seedDelivery({ messageId: message.id, recipientId: recipient.id, ...overrides });
        const older = await d({ createdAt: fromNow(-DAY) });
        const atInstant = await d({ createdAt: now });
        await d({ createdAt: fromNow(1) });
        await d({ createdAt: fromNow(-DAY), firstOpenedAt: fromNow(-1) });
        await d({ createdAt: fromNow(-DAY), unretrievedNoticeAt: fromNow(-1) });
        await d({ createdAt: fromNow(-DAY), revokedAt: fromNow(-1) });
        expect(
          await repos.deliveries.listUnretrieved({ createdBefore: now, limit: 10 }),
        ).toStrictEqual([older, atInstant]);
        expect(
          await repos.deliveries.listUnretrieved({ createdBefore: now, limit: 1 }),
        ).toStrictEqual([older]);
      });

      it('delete removes one delivery', async () => {
        const recipient = await seedAccount();
        const message = await seedMessage();
        const a = await seedDelivery({ messageId: message.id, recipientId: recipient.id });
        const b = await seedDelivery({ messageId: message.id, recipientId: recipient.id });
        await repos.deliveries.delete({ id: a.id });
        expect(await repos.deliveries.findById({ id: a.id })).toBeNull();
        expect(await repos.deliveries.listForMessage({ messageId: message.id })).toStrictEqual([b]);
      });
    });

    describe('attachments', () => {
      it('stores rows for messages and drafts and lists them in insertion order', async () => {
        const message = await seedMessage();
        const draft = makeDraft({ accountId: message.senderId });
        await repos.drafts.save({ draft });
        const m1 = makeAttachment({
          id: `z-${newId()}`,
          messageId: message.id,
          nameEnc: new Uint8Array([1, 0, 2]),
          size: 3_000_000_000,
        });
        const m2 = makeAttachment({ id: `a-${newId()}`, messageId: message.id });
        const d1 = makeAttachment({ draftId: draft.id, contentType: 'image/png' });
        for (const attachment of [m1, m2, d1]) await repos.attachments.insert({ attachment });
        expect(await repos.attachments.findById({ id: m1.id })).toStrictEqual(m1);
        expect(await repos.attachments.findById({ id: newId() })).toBeNull();
        expect(await repos.attachments.listForMessage({ messageId: message.id })).toStrictEqual([
          m1,
          m2,
        ]);
        expect(await repos.attachments.listForDraft({ draftId: draft.id })).toStrictEqual([d1]);
        expect(await repos.attachments.listForDraft({ draftId: newId() })).toEqual([]);
      });

      it('moveDraftToMessage moves every file of the draft onto the message', async () => {
        const message = await seedMessage();
        const draft = makeDraft({ accountId: message.senderId });
        const otherDraft = makeDraft({ accountId: message.senderId });
        await repos.drafts.save({ draft });
        await repos.drafts.save({ draft: otherDraft });
        const files = [1, 2, 3].map(() => makeAttachment({ draftId: draft.id }));
        const others = makeAttachment({ draftId: otherDraft.id });
        for (const attachment of [...files, others]) await repos.attachments.insert({ attachment });

        await repos.attachments.moveDraftToMessage({ draftId: draft.id, messageId: message.id });
        expect(await repos.attachments.listForDraft({ draftId: draft.id })).toEqual([]);
        expect(await repos.attachments.listForMessage({ messageId: message.id })).toStrictEqual(
          files.map((f) => ({ ...f, messageId: message.id, draftId: null })),
        );
        expect(await repos.attachments.listForDraft({ draftId: otherDraft.id })).toStrictEqual([
          others,
        ]);
        // The draft can now go without taking the files with it.
        await repos.drafts.delete({ id: draft.id });
        expect(await repos.attachments.listForMessage({ messageId: message.id })).toHaveLength(3);
      });

      it('delete removes one row', async () => {
        const message = await seedMessage();
        const a = makeAttachment({ messageId: message.id });
        const b = makeAttachment({ messageId: message.id });
        await repos.attachments.insert({ attachment: a });
        await repos.attachments.insert({ attachment: b });
        await repos.attachments.delete({ id: a.id });
        expect(await repos.attachments.findById({ id: a.id })).toBeNull();
        expect(await repos.attachments.listForMessage({ messageId: message.id })).toStrictEqual([
          b,
        ]);
      });
    });

    describe('drafts', () => {
      it('save creates, then replaces, a draft', async () => {
        const account = await seedAccount({ kind: 'staff' });
        const draft = makeDraft({ accountId: account.id, contentEnc: new Uint8Array([5, 0, 5]) });
        await repos.drafts.save({ draft });
        expect(await repos.drafts.findById({ id: draft.id })).toStrictEqual(draft);
        const edited = { ...draft, contentEnc: bytes('edited'), updatedAt: fromNow(MINUTE) };
        await repos.drafts.save({ draft: edited });
        expect(await repos.drafts.findById({ id: draft.id })).toStrictEqual(edited);
        expect(await repos.drafts.findById({ id: newId() })).toBeNull();
      });

      it('listForAccount pages the account drafts, last updated first', async () => {
        const account = await seedAccount({ kind: 'staff' });
        const other = await seedAccount({ kind: 'staff' });
        const saved = [];
        for (let n = 0; n < 3; n++) {
          const draft = makeDraft({ accountId: account.id, updatedAt: fromNow(n * MINUTE) });
          await repos.drafts.save({ draft });
          saved.push(draft);
        }
        await repos.drafts.save({ draft: makeDraft({ accountId: other.id }) });
        expect(
          await repos.drafts.listForAccount({ accountId: account.id, limit: 2, offset: 0 }),
        ).toStrictEqual([saved[2], saved[1]]);
        expect(
          await repos.drafts.listForAccount({ accountId: account.id, limit: 2, offset: 2 }),
        ).toStrictEqual([saved[0]]);
      });

      it('listForAccount breaks a tie in updatedAt by id, newest first, in pages', async () => {
        const account = await seedAccount({ kind: 'staff' });
        const at = fromNow(MINUTE);
        const [d2, d1, d3] = [2, 1, 3].map((n) =>
          makeDraft({ id: `${n}-${newId()}`, accountId: account.id, updatedAt: at }),
        ) as [Draft, Draft, Draft];
        const older = makeDraft({ accountId: account.id, updatedAt: fromNow(-MINUTE) });
        for (const draft of [d1, older, d3, d2]) await repos.drafts.save({ draft });
        await repos.drafts.save({ draft: makeDraft({ accountId: (await seedAccount()).id }) });
        const list = (limit: number, offset: number) =>
          repos.drafts.listForAccount({ accountId: account.id, limit, offset });
        expect(ids(await list(10, 0))).toEqual([d3.id, d2.id, d1.id, older.id]);
        expect(ids(await list(2, 1))).toEqual([d2.id, d1.id]);
        expect(ids(await list(2, 4))).toEqual([]);
        expect(
          await repos.drafts.listForAccount({ accountId: newId(), limit: 10, offset: 0 }),
        ).toEqual([]);
      });

      it('listStale lists drafts updated strictly before the instant, oldest first, up to limit', async () => {
        const account = await seedAccount({ kind: 'staff' });
        const oldest = makeDraft({ accountId: account.id, updatedAt: fromNow(-2 * DAY) });
        const old = makeDraft({ accountId: account.id, updatedAt: fromNow(-1) });
        const atInstant = makeDraft({ accountId: account.id, updatedAt: now });
        for (const draft of [old, atInstant, oldest]) await repos.drafts.save({ draft });
        expect(await repos.drafts.listStale({ before: now, limit: 10 })).toEqual([
          oldest.id,
          old.id,
        ]);
        expect(await repos.drafts.listStale({ before: now, limit: 1 })).toEqual([oldest.id]);
      });

      it('delete removes the draft', async () => {
        const account = await seedAccount({ kind: 'staff' });
        const draft = makeDraft({ accountId: account.id });
        await repos.drafts.save({ draft });
        await repos.drafts.delete({ id: draft.id });
        expect(await repos.drafts.findById({ id: draft.id })).toBeNull();
      });
    });

    describe('access requests', () => {
      async function setup() {
        const sender = await seedAccount({ kind: 'staff', role: 'sender' });
        const requester = await seedAccount();
        const message = await seedMessage({ senderId: sender.id });
        const delivery = await seedDelivery({ messageId: message.id, recipientId: requester.id });
        return { sender, requester, message, delivery };
      }

      it('stores, finds and updates a request', async () => {
        const { sender, requester, message, delivery } = await setup();
        const request = makeAccessRequest({
          kind: 'forward',
          messageId: message.id,
          deliveryId: delivery.id,
          requesterId: requester.id,
          forwardToEmail: 'solicitor@lawfirm.example',
        });
        await repos.accessRequests.insert({ request });
        expect(await repos.accessRequests.findById({ id: request.id })).toStrictEqual(request);
        expect(await repos.accessRequests.findById({ id: newId() })).toBeNull();
        const decided = {
          ...request,
          status: 'granted' as const,
          decidedAt: fromNow(DAY),
          decidedById: sender.id,
        };
        await repos.accessRequests.update({ request: decided });
        expect(await repos.accessRequests.findById({ id: request.id })).toStrictEqual(decided);
      });

      it('keeps a link request with its encrypted reason, and the reason can change', async () => {
        const { requester, message, delivery } = await setup();
        const request = makeAccessRequest({
          kind: 'link',
          messageId: message.id,
          deliveryId: delivery.id,
          requesterId: requester.id,
          forwardToEmail: 'friend@example.org',
          reasonEnc: bytes('I help my mother with her letters'),
        });
        await repos.accessRequests.insert({ request });
        expect(await repos.accessRequests.findById({ id: request.id })).toStrictEqual(request);
        const changed = { ...request, reasonEnc: bytes('another reason') };
        await repos.accessRequests.update({ request: changed });
        expect(await repos.accessRequests.findById({ id: request.id })).toStrictEqual(changed);
      });

      it('listForSender lists requests about the sender messages, newest first, by status, in pages', async () => {
        const { sender, requester, message, delivery } = await setup();
        const other = await setup();
        const make = (minutes: number, status: 'pending' | 'granted' | 'denied') =>
          makeAccessRequest({
            messageId: message.id,
            deliveryId: delivery.id,
            requesterId: requester.id,
            createdAt: fromNow(minutes * MINUTE),
            status,
          });
        const r1 = make(1, 'pending');
        const r2 = make(2, 'denied');
        const r3 = make(3, 'pending');
        const elsewhere = makeAccessRequest({
          messageId: other.message.id,
          deliveryId: other.delivery.id,
          requesterId: other.requester.id,
        });
        for (const request of [r2, elsewhere, r1, r3])
          await repos.accessRequests.insert({ request });
        expect(
          await repos.accessRequests.listForSender({ senderId: sender.id, limit: 10, offset: 0 }),
        ).toStrictEqual([r3, r2, r1]);
        expect(
          await repos.accessRequests.listForSender({
            senderId: sender.id,
            status: 'pending',
            limit: 10,
            offset: 0,
          }),
        ).toStrictEqual([r3, r1]);
        expect(
          await repos.accessRequests.listForSender({
            senderId: sender.id,
            status: 'granted',
            limit: 10,
            offset: 0,
          }),
        ).toEqual([]);
        expect(
          await repos.accessRequests.listForSender({ senderId: sender.id, limit: 1, offset: 1 }),
        ).toStrictEqual([r2]);
      });

      it('listForSender by status pages too, and breaks a tie in createdAt by id, newest first', async () => {
        const { sender, requester, message, delivery } = await setup();
        const second = await seedMessage({ senderId: sender.id });
        const at = fromNow(MINUTE);
        const make = (id: string, status: 'pending' | 'granted', messageId = message.id) =>
          makeAccessRequest({
            id: `${id}-${newId()}`,
            messageId,
            deliveryId: delivery.id,
            requesterId: requester.id,
            createdAt: at,
            status,
          });
        const p2 = make('2', 'pending', second.id);
        const p1 = make('1', 'pending');
        const p3 = make('3', 'pending');
        const g4 = make('4', 'granted');
        for (const request of [p1, g4, p3, p2]) await repos.accessRequests.insert({ request });
        const list = (status: 'pending' | undefined, limit: number, offset: number) =>
          repos.accessRequests.listForSender({
            senderId: sender.id,
            ...(status ? { status } : {}),
            limit,
            offset,
          });
        expect(ids(await list(undefined, 10, 0))).toEqual([g4.id, p3.id, p2.id, p1.id]);
        expect(ids(await list('pending', 10, 0))).toEqual([p3.id, p2.id, p1.id]);
        expect(ids(await list('pending', 1, 1))).toEqual([p2.id]);
        expect(ids(await list('pending', 5, 3))).toEqual([]);
        expect(ids(await list(undefined, 2, 1))).toEqual([p3.id, p2.id]);
      });

      it('listForMessage is oldest first; listForRequester newest first', async () => {
        const { requester, message, delivery } = await setup();
        const other = await setup();
        const older = makeAccessRequest({
          messageId: message.id,
          deliveryId: delivery.id,
          requesterId: requester.id,
          createdAt: fromNow(-DAY),
        });
        const newer = makeAccessRequest({
          messageId: message.id,
          deliveryId: delivery.id,
          requesterId: requester.id,
        });
        const theirs = makeAccessRequest({
          messageId: other.message.id,
          deliveryId: other.delivery.id,
          requesterId: other.requester.id,
        });
        for (const request of [newer, theirs, older])
          await repos.accessRequests.insert({ request });
        expect(await repos.accessRequests.listForMessage({ messageId: message.id })).toStrictEqual([
          older,
          newer,
        ]);
        expect(
          await repos.accessRequests.listForRequester({ requesterId: requester.id }),
        ).toStrictEqual([newer, older]);
        expect(await repos.accessRequests.listForRequester({ requesterId: newId() })).toEqual([]);
      });
    });

    describe('contacts', () => {
      it('save creates and replaces contacts; listForOwner sorts by address; delete removes', async () => {
        const owner = await seedAccount({ kind: 'staff' });
        const other = await seedAccount({ kind: 'staff' });
        const zoe = makeContact({
          ownerId: owner.id,
          email: 'zoe@example.org',
          noteEnc: new Uint8Array([1, 2]),
        });
        const adam = makeContact({ ownerId: owner.id, email: 'adam@example.org' });
        const theirs = makeContact({ ownerId: other.id });
        for (const contact of [zoe, adam, theirs]) await repos.contacts.save({ contact });
        expect(await repos.contacts.findById({ id: zoe.id })).toStrictEqual(zoe);
        expect(await repos.contacts.findById({ id: newId() })).toBeNull();
        expect(await repos.contacts.listForOwner({ ownerId: owner.id })).toStrictEqual([adam, zoe]);
        const renamed = { ...zoe, nameEnc: bytes('Zoe B'), noteEnc: null, updatedAt: fromNow(1) };
        await repos.contacts.save({ contact: renamed });
        expect(await repos.contacts.findById({ id: zoe.id })).toStrictEqual(renamed);
        await repos.contacts.delete({ id: adam.id });
        expect(await repos.contacts.listForOwner({ ownerId: owner.id })).toStrictEqual([renamed]);
      });

      it('groups: save creates and replaces, find, list oldest first, delete', async () => {
        const owner = await seedAccount({ kind: 'staff' });
        const a = makeContact({ ownerId: owner.id });
        await repos.contacts.save({ contact: a });
        const first = makeContactGroup({
          ownerId: owner.id,
          memberIds: [a.id],
          createdAt: fromNow(-1),
        });
        const second = makeContactGroup({ ownerId: owner.id });
        await repos.contacts.saveGroup({ group: second });
        await repos.contacts.saveGroup({ group: first });
        await repos.contacts.saveGroup({
          group: makeContactGroup({ ownerId: (await seedAccount()).id }),
        });
        expect(await repos.contacts.findGroupById({ id: first.id })).toStrictEqual(first);
        expect(await repos.contacts.findGroupById({ id: newId() })).toBeNull();
        expect(await repos.contacts.listGroupsForOwner({ ownerId: owner.id })).toStrictEqual([
          first,
          second,
        ]);
        const changed = {
          ...second,
          memberIds: [a.id, 'x', 'y'],
          nameEnc: bytes('Renamed'),
          updatedAt: fromNow(1),
        };
        await repos.contacts.saveGroup({ group: changed });
        expect(await repos.contacts.findGroupById({ id: second.id })).toStrictEqual(changed);
        await repos.contacts.deleteGroup({ id: first.id });
        expect(await repos.contacts.listGroupsForOwner({ ownerId: owner.id })).toStrictEqual([
          changed,
        ]);
      });

      it('lists break ties by id: contacts by address, groups oldest first', async () => {
        const owner = await seedAccount({ kind: 'staff' });
        const [c2, c1] = [2, 1].map((n) =>
          makeContact({ id: `${n}-${newId()}`, ownerId: owner.id, email: 'same@example.org' }),
        ) as [Contact, Contact];
        const first = makeContact({ ownerId: owner.id, email: 'aaron@example.org' });
        for (const contact of [c2, first, c1]) await repos.contacts.save({ contact });
        expect(ids(await repos.contacts.listForOwner({ ownerId: owner.id }))).toEqual([
          first.id,
          c1.id,
          c2.id,
        ]);
        const [g2, g1] = [2, 1].map((n) =>
          makeContactGroup({ id: `${n}-${newId()}`, ownerId: owner.id, createdAt: now }),
        ) as [ContactGroup, ContactGroup];
        const oldest = makeContactGroup({ ownerId: owner.id, createdAt: fromNow(-DAY) });
        for (const group of [g2, oldest, g1]) await repos.contacts.saveGroup({ group });
        expect(ids(await repos.contacts.listGroupsForOwner({ ownerId: owner.id }))).toEqual([
          oldest.id,
          g1.id,
          g2.id,
        ]);
        expect(await repos.contacts.listForOwner({ ownerId: newId() })).toEqual([]);
        expect(await repos.contacts.listGroupsForOwner({ ownerId: newId() })).toEqual([]);
      });
    });

    describe('outbox', () => {
      outboxContract(async () => repos.outbox);
    });

    purgeContract(() => storage);
    inboxOrderContract(() => storage);

    describe('audit', () => {
      it('append passes null to seal for the first event and the last event after that', async () => {
        const seen: Array<{ seq: number; hash: string } | null> = [];
        const append = async () => {
          const entry = makeAuditEntry({
            details: { count: 2, flag: true, note: 'x', none: null },
          });
          return repos.audit.append({
            entry,
            seal: (prev) => {
              seen.push(prev);
              return sealer(entry)(prev);
            },
          });
        };
        const first = await append();
        const second = await append();
        expect(seen).toEqual([null, { seq: 1, hash: first.hash }]);
        expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
        expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
        expect(await repos.audit.list({ limit: 10 })).toStrictEqual([first, second]);
      });

      it('20 concurrent appends make one unbroken chain, seq 1 to 20', async () => {
        const appended = await Promise.all(
          Array.from({ length: 20 }, (_, n) => {
            const entry = makeAuditEntry({ details: { n } });
            return repos.audit.append({ entry, seal: sealer(entry, fromNow(n)) });
          }),
        );
        expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 20 }, (_, n) => n + 1),
        );
        const events = await repos.audit.list({ limit: 100 });
        expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
        for (const [i, event] of events.entries())
          expect(event.prevHash).toBe(i === 0 ? GENESIS_HASH : events[i - 1]?.hash);
        expect(findBrokenLink({ events, prev: null, sha256Hex })).toBeNull();
      });

      it('appends from concurrent transactions chain too, and a rolled-back append leaves no gap', async () => {
        await Promise.all(
          Array.from({ length: 6 }, (_, n) =>
            storage
              .transaction(async (t) => {
                const entry = makeAuditEntry({ details: { n } });
                await t.audit.append({ entry, seal: sealer(entry) });
                if (n % 3 === 0) throw new Error('undo');
              })
              .catch(() => null),
          ),
        );
        const events = await repos.audit.list({ limit: 100 });
        expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        expect(findBrokenLink({ events, prev: null, sha256Hex })).toBeNull();
      });

      it('append refuses a seal that would fork or renumber the chain', async () => {
        const entry = makeAuditEntry();
        await repos.audit.append({ entry, seal: sealer(entry) });
        await expect(
          repos.audit.append({ entry, seal: () => sealer(entry)(null) }),
        ).rejects.toThrow();
        expect(await repos.audit.list({ limit: 10 })).toHaveLength(1);
      });

      it('list filters by actor, target, action and a half-open time range', async () => {
        const actor = newId();
        const target = newId();
        const add = async (overrides: Partial<AuditEntry>, at: Date) => {
          const entry = makeAuditEntry(overrides);
          return repos.audit.append({ entry, seal: sealer(entry, at) });
        };
        const e1 = await add({ actorId: actor, action: 'account.signin' }, fromNow(-2 * MINUTE));
        const e2 = await add({ targetId: target, action: 'message.open' }, fromNow(-MINUTE));
        const e3 = await add({ actorId: actor, targetId: target, action: 'message.open' }, now);
        const e4 = await add(
          {
            action: 'settings.change',
            actorId: null,
            actorLabel: 'job',
            ip: null,
            targetType: null,
            targetId: null,
          },
          fromNow(MINUTE),
        );
        const seqs = (events: AuditEvent[]) => events.map((e) => e.seq);
        expect(seqs(await repos.audit.list({ filter: { actorId: actor }, limit: 10 }))).toEqual([
          e1.seq,
          e3.seq,
        ]);
        expect(seqs(await repos.audit.list({ filter: { targetId: target }, limit: 10 }))).toEqual([
          e2.seq,
          e3.seq,
        ]);
        expect(
          seqs(await repos.audit.list({ filter: { action: 'message.open' }, limit: 10 })),
        ).toEqual([e2.seq, e3.seq]);
        expect(
          seqs(
            await repos.audit.list({
              filter: { action: 'message.open', actorId: actor },
              limit: 10,
            }),
          ),
        ).toEqual([e3.seq]);
        expect(
          seqs(
            await repos.audit.list({
              filter: { from: fromNow(-MINUTE), to: fromNow(MINUTE) },
              limit: 10,
            }),
          ),
        ).toEqual([e2.seq, e3.seq]);
        expect(seqs(await repos.audit.list({ filter: { from: now }, limit: 10 }))).toEqual([
          e3.seq,
          e4.seq,
        ]);
        expect(seqs(await repos.audit.list({ filter: { to: now }, limit: 10 }))).toEqual([
          e1.seq,
          e2.seq,
        ]);
        expect(await repos.audit.list({ filter: { actorId: newId() }, limit: 10 })).toEqual([]);
        expect(
          (await repos.audit.list({ filter: { action: 'settings.change' }, limit: 1 }))[0],
        ).toStrictEqual(e4);
      });

      it('list pages with afterSeq in either order', async () => {
        for (let n = 0; n < 7; n++) {
          const entry = makeAuditEntry();
          await repos.audit.append({ entry, seal: sealer(entry) });
        }
        const seqs = (events: AuditEvent[]) => events.map((e) => e.seq);
        expect(seqs(await repos.audit.list({ limit: 3 }))).toEqual([1, 2, 3]);
        expect(seqs(await repos.audit.list({ afterSeq: 3, limit: 3 }))).toEqual([4, 5, 6]);
        expect(seqs(await repos.audit.list({ afterSeq: 6, limit: 3, order: 'asc' }))).toEqual([7]);
        expect(seqs(await repos.audit.list({ limit: 3, order: 'desc' }))).toEqual([7, 6, 5]);
        expect(seqs(await repos.audit.list({ afterSeq: 5, limit: 3, order: 'desc' }))).toEqual([
          4, 3, 2,
        ]);
        expect(seqs(await repos.audit.list({ afterSeq: 2, limit: 3, order: 'desc' }))).toEqual([1]);
      });

      // The admin's search pages a filtered listing newest first, and back: each shape of
      // listing (fields, cursor, order) is its own prepared statement.
      it('list pages a filtered listing with afterSeq in either order', async () => {
        const actor = newId();
        const target = newId();
        const mine: AuditEvent[] = [];
        for (let n = 0; n < 9; n++) {
          const entry = makeAuditEntry(
            n % 3 === 2
              ? { action: 'account.signin' }
              : { actorId: actor, actorLabel: 'ann@example.org', targetId: target },
          );
          const event = await repos.audit.append({
            entry,
            seal: sealer(entry, fromNow((n - 4) * MINUTE)),
          });
          if (n % 3 !== 2) mine.push(event);
        }
        const seqs = (events: AuditEvent[]) => events.map((e) => e.seq);
        const all = seqs(mine);
        const newest = [...all].reverse();
        for (const filter of [
          { actorId: actor },
          { targetId: target },
          { actorLabel: 'ann@example.org' },
          { actorId: actor, targetId: target, action: 'message.open' as const },
          { actorId: actor, from: fromNow(-4 * MINUTE), to: fromNow(5 * MINUTE) },
        ]) {
          const where = JSON.stringify(filter);
          const desc = (afterSeq?: number) =>
            repos.audit.list({
              filter,
              order: 'desc',
              limit: 2,
              ...(afterSeq === undefined ? {} : { afterSeq }),
            });
          const page1 = await desc();
          expect(seqs(page1), where).toEqual(newest.slice(0, 2));
          const page2 = await desc(page1[1]?.seq);
          expect(seqs(page2), where).toEqual(newest.slice(2, 4));
          const back = await repos.audit.list({
            filter,
            order: 'asc',
            afterSeq: page2[0]?.seq as number,
            limit: 2,
          });
          expect(seqs(back), where).toEqual(all.slice(-2));
          expect(
            seqs(await repos.audit.list({ filter, afterSeq: all[2] as number, limit: 10 })),
            where,
          ).toEqual(all.slice(3));
        }
        // The time range cuts off the first of mine, at -4 minutes, only with `from` after it.
        expect(
          seqs(
            await repos.audit.list({
              filter: { actorId: actor, from: fromNow(-3 * MINUTE) },
              order: 'desc',
              limit: 10,
            }),
          ),
        ).toEqual(newest.slice(0, -1));
        expect(
          await repos.audit.list({
            filter: { actorId: actor, action: 'account.signin' },
            limit: 5,
          }),
        ).toEqual([]);
      });
    });

    describe('admin stats', () => {
      const WEEK = 7 * DAY;

      it('audit.list filters by actorLabel exactly', async () => {
        const byJob = makeAuditEntry({ actorId: null, actorLabel: 'retention-purge' });
        const byPerson = makeAuditEntry({ actorLabel: 'ann@example.org' });
        const e1 = await repos.audit.append({ entry: byJob, seal: sealer(byJob) });
        await repos.audit.append({ entry: byPerson, seal: sealer(byPerson) });
        const list = (actorLabel: string) =>
          repos.audit.list({ filter: { actorLabel }, limit: 10 });
        expect(await list('retention-purge')).toStrictEqual([e1]);
        expect(await list('retention')).toEqual([]);
      });

      it('deliveryActivity counts deliveries created and first opened per span', async () => {
        const sender = await seedAccount({ kind: 'staff', role: 'sender' });
        const recipient = await seedAccount();
        const message = await seedMessage({ senderId: sender.id });
        const from = fromNow(-3 * WEEK);
        const at = (week: number, ms = 0) => new Date(from.getTime() + week * WEEK + ms);
        const deliver = (createdAt: Date, firstOpenedAt: Date | null) =>
          seedDelivery({
            messageId: message.id,
            recipientId: recipient.id,
            createdAt,
            firstOpenedAt,
          });
        await deliver(at(0), at(0, DAY)); // week 0: sent, opened in week 0
        await deliver(at(0, WEEK - 1), at(1)); // week 0: sent; opened at the start of week 1
        await deliver(at(2), null); // week 2: sent, never opened
        await deliver(at(-1, WEEK - 1), at(2)); // sent before `from`; opened in week 2
        await deliver(at(3), at(3)); // at the end: outside
        expect(
          await repos.adminStats.deliveryActivity({ from, spanMs: WEEK, spans: 3 }),
        ).toStrictEqual([
          { sent: 2, opened: 1 },
          { sent: 0, opened: 1 },
          { sent: 1, opened: 1 },
        ]);
        expect(await repos.adminStats.deliveryActivity({ from, spanMs: WEEK, spans: 0 })).toEqual(
          [],
        );
        await expect(
          repos.adminStats.deliveryActivity({ from, spanMs: 0, spans: 3 }),
        ).rejects.toThrow();
      });

      it('medianTimeToFirstOpen takes the middle delay, or the mean of the middle two', async () => {
        const sender = await seedAccount({ kind: 'staff', role: 'sender' });
        const recipient = await seedAccount();
        const message = await seedMessage({ senderId: sender.id });
        const range = { from: fromNow(-DAY), to: fromNow(DAY) };
        expect(await repos.adminStats.medianTimeToFirstOpen(range)).toBeNull();
        const opened = (delayMs: number, at: Date = now) =>
          seedDelivery({
            messageId: message.id,
            recipientId: recipient.id,
            createdAt: new Date(at.getTime() - delayMs),
            firstOpenedAt: at,
          });
        await opened(10 * MINUTE);
        await opened(MINUTE);
        await opened(3 * DAY);
        await opened(5 * MINUTE, fromNow(2 * DAY)); // opened outside the range
        await seedDelivery({ messageId: message.id, recipientId: recipient.id }); // never opened
        expect(await repos.adminStats.medianTimeToFirstOpen(range)).toBe(10 * MINUTE);
        await opened(20 * MINUTE);
        expect(await repos.adminStats.medianTimeToFirstOpen(range)).toBe(15 * MINUTE);
      });

      it('countLockedAccounts counts locks still in force; countFailedMail counts failed mail', async () => {
        await seedAccount({ lockedUntil: fromNow(MINUTE) });
        await seedAccount({ lockedUntil: now });
        await seedAccount({ lockedUntil: fromNow(-MINUTE) });
        await seedAccount();
        expect(await repos.adminStats.countLockedAccounts({ now })).toBe(1);
        expect(await repos.adminStats.countFailedMail()).toBe(0);
        for (const status of ['failed', 'failed', 'pending', 'sent'] as const) {
          await repos.outbox.insert({ mail: makeOutboxMail({ status }) });
        }
        expect(await repos.adminStats.countFailedMail()).toBe(2);
      });
    });

    describe('settings', () => {
      it('getAll is empty at first; set stores JSON values and replaces them', async () => {
        expect(await repos.settings.getAll()).toEqual({});
        await repos.settings.set({ key: 'orgName', value: 'Barnet Council' });
        await repos.settings.set({ key: 'accessDays', value: 30 });
        await repos.settings.set({ key: 'internalDomains', value: ['barnet.gov.uk', 'nhs.net'] });
        await repos.settings.set({ key: 'forwardOutside', value: false });
        await repos.settings.set({ key: 'nested', value: { a: [1, { b: null }], c: 'ü' } });
        await repos.settings.set({ key: 'nothing', value: null });
        await repos.settings.set({ key: 'accessDays', value: 14 });
        expect(await repos.settings.getAll()).toStrictEqual({
          orgName: 'Barnet Council',
          accessDays: 14,
          internalDomains: ['barnet.gov.uk', 'nhs.net'],
          forwardOutside: false,
          nested: { a: [1, { b: null }], c: 'ü' },
          nothing: null,
        });
        await repos.settings.set({ key: 'orgName', value: undefined });
        expect((await repos.settings.getAll()).orgName).toBeNull();
      });
    });

    describe('job runs', () => {
      it('insert, update and listRecent newest first, by job, up to limit', async () => {
        const r1 = makeJobRun({ job: 'access-expiry', startedAt: fromNow(-2 * DAY) });
        const r2 = makeJobRun({ job: 'retention-purge', startedAt: fromNow(-DAY) });
        const r3 = makeJobRun({ job: 'access-expiry', startedAt: now });
        for (const run of [r2, r3, r1]) await repos.jobRuns.insert({ run });
        const done = {
          ...r3,
          finishedAt: fromNow(MINUTE),
          status: 'ok' as const,
          counts: { expired: 12, notified: 0 },
        };
        await repos.jobRuns.update({ run: done });
        const broke = {
          ...r2,
          finishedAt: fromNow(-DAY + 1),
          status: 'failed' as const,
          error: 'The blob store was away.',
        };
        await repos.jobRuns.update({ run: broke });
        expect(await repos.jobRuns.listRecent({ limit: 10 })).toStrictEqual([done, broke, r1]);
        expect(await repos.jobRuns.listRecent({ job: 'access-expiry', limit: 10 })).toStrictEqual([
          done,
          r1,
        ]);
        expect(await repos.jobRuns.listRecent({ limit: 1 })).toStrictEqual([done]);
        expect(await repos.jobRuns.listRecent({ job: 'stale-drafts', limit: 10 })).toEqual([]);
      });
    });

    describe('lifecycle and data-subject queries', () => {
      it('sessions.listForAccount lists every session of the account, oldest first', async () => {
        const account = await seedAccount();
        const other = await seedAccount();
        const later = makeSession({ accountId: account.id, createdAt: fromNow(MINUTE) });
        const earlier = makeSession({ accountId: account.id, createdAt: fromNow(-DAY) });
        const expired = makeSession({ accountId: account.id, expiresAt: fromNow(-1) });
        for (const session of [later, earlier, expired]) await repos.sessions.insert({ session });
        await repos.sessions.insert({ session: makeSession({ accountId: other.id }) });
        expect(await repos.sessions.listForAccount({ accountId: account.id })).toStrictEqual([
          earlier,
          expired,
          later,
        ]);
        expect(await repos.sessions.listForAccount({ accountId: newId() })).toEqual([]);
      });

      it('listPastRetention continues after a message the caller kept, by retainUntil then id', async () => {
        const sender = await seedAccount({ kind: 'staff', role: 'sender' });
        const at = (ms: number, id: string) =>
          seedMessage({ senderId: sender.id, id, retainUntil: fromNow(ms) });
        const a = await at(-2 * DAY, 'msg-a');
        const b1 = await at(-DAY, 'msg-b1');
        const b2 = await at(-DAY, 'msg-b2');
        const c = await at(0, 'msg-c');
        await at(1, 'msg-later');
        const list = (after?: Message) =>
          repos.messages.listPastRetention({
            now,
            limit: 10,
            ...(after ? { after: { retainUntil: after.retainUntil, id: after.id } } : {}),
          });
        expect(await list()).toEqual([a.id, b1.id, b2.id, c.id]);
        expect(await list(a)).toEqual([b1.id, b2.id, c.id]);
        expect(await list(b1)).toEqual([b2.id, c.id]);
        expect(await list(c)).toEqual([]);
      });

      it('countAccessEnded counts unrevoked deliveries whose access ended in (after, atOrBefore]', async () => {
        const recipient = await seedAccount();
        const message = await seedMessage();
        const d = (overrides: Partial<Delivery>) =>
          seedDelivery({ messageId: message.id, recipientId: recipient.id, ...overrides });
        await d({ accessEndsAt: fromNow(-DAY) }); // exactly at `after`: not counted
        await d({ accessEndsAt: fromNow(-DAY + 1) });
        await d({ accessEndsAt: now }); // exactly at `atOrBefore`: counted
        await d({ accessEndsAt: fromNow(1) });
        await d({ accessEndsAt: fromNow(-MINUTE), revokedAt: fromNow(-DAY) });
        expect(
          await repos.deliveries.countAccessEnded({ after: fromNow(-DAY), atOrBefore: now }),
        ).toBe(2);
        expect(
          await repos.deliveries.countAccessEnded({ after: new Date(0), atOrBefore: fromNow(1) }),
        ).toBe(4);
      });

      it('blobDeletions queues ids once, lists them oldest first up to limit, and forgets them', async () => {
        await repos.blobDeletions.add({ blobIds: ['blob-b', 'blob-a'], at: now });
        await repos.blobDeletions.add({ blobIds: ['blob-old'], at: fromNow(-MINUTE) });
        await repos.blobDeletions.add({ blobIds: ['blob-a'], at: fromNow(MINUTE) });
        await repos.blobDeletions.add({ blobIds: [], at: now });
        expect(await repos.blobDeletions.list({ limit: 10 })).toEqual([
          'blob-old',
          'blob-a',
          'blob-b',
        ]);
        expect(await repos.blobDeletions.list({ limit: 1 })).toEqual(['blob-old']);
        await repos.blobDeletions.remove({ blobIds: ['blob-old', 'blob-a', 'unknown'] });
        await repos.blobDeletions.remove({ blobIds: [] });
        expect(await repos.blobDeletions.list({ limit: 10 })).toEqual(['blob-b']);
      });

      it('blobReferences names the batch ids a body, a file of a message or draft, or the queue holds', async () => {
        const message = await seedMessage({ bodyBlobId: 'ref-body' });
        const draft = makeDraft({ accountId: message.senderId });
        await repos.drafts.save({ draft });
        await repos.attachments.insert({
          attachment: makeAttachment({ messageId: message.id, blobId: 'ref-file' }),
        });
        await repos.attachments.insert({
          attachment: makeAttachment({ draftId: draft.id, blobId: 'ref-draft-file' }),
        });
        // Two rows naming one blob still give it once.
        await repos.attachments.insert({
          attachment: makeAttachment({ draftId: draft.id, blobId: 'ref-file' }),
        });
        await repos.blobDeletions.add({ blobIds: ['ref-queued'], at: now });
        const named = ['ref-body', 'ref-file', 'ref-draft-file', 'ref-queued'];
        const orphans = ['orphan-1', 'orphan-2', "o'quote", 'o"dq', 'o\\bs', 'o,comma'];
        const found = await repos.blobReferences.listReferenced({
          blobIds: [...orphans, ...named, 'ref-body'],
        });
        expect([...found].sort()).toEqual([...named].sort());
        expect(await repos.blobReferences.listReferenced({ blobIds: [] })).toEqual([]);
        expect(await repos.blobReferences.listReferenced({ blobIds: orphans })).toEqual([]);
        // A full batch, with the named ids at its ends.
        const many = Array.from({ length: 998 }, (_, i) => `none-${i}`);
        const batch = ['ref-body', ...many, 'ref-queued'];
        expect([...(await repos.blobReferences.listReferenced({ blobIds: batch }))].sort()).toEqual(
          ['ref-body', 'ref-queued'],
        );
        await expect(
          repos.blobReferences.listReferenced({ blobIds: [...batch, 'one-too-many'] }),
        ).rejects.toThrow(RangeError);
        // Rows gone, the blobs are no longer named.
        await repos.messages.delete({ id: message.id });
        await repos.blobDeletions.remove({ blobIds: ['ref-queued'] });
        expect([...(await repos.blobReferences.listReferenced({ blobIds: named }))].sort()).toEqual(
          ['ref-draft-file', 'ref-file'],
        );
      });

      it('blobReferences inside a transaction sees its own rows, and rolled-back rows name nothing', async () => {
        const sender = await seedAccount({ kind: 'staff', role: 'sender' });
        const message = makeMessage({ senderId: sender.id, bodyBlobId: 'tx-body' });
        let inside: string[] = [];
        await expect(
          storage.transaction(async (tx) => {
            await tx.messages.insert({ message });
            inside = await tx.blobReferences.listReferenced({ blobIds: ['tx-body'] });
            throw new Error('stop');
          }),
        ).rejects.toThrow('stop');
        expect(inside).toEqual(['tx-body']);
        expect(await repos.blobReferences.listReferenced({ blobIds: ['tx-body'] })).toEqual([]);
      });

      it('blobDeletions queued in a transaction that rolls back are not queued', async () => {
        const message = await seedMessage();
        await expect(
          storage.transaction(async (tx) => {
            await tx.blobDeletions.add({ blobIds: [message.bodyBlobId], at: now });
            await tx.messages.delete({ id: message.id });
            throw new Error('stop');
          }),
        ).rejects.toThrow('stop');
        expect(await repos.blobDeletions.list({ limit: 10 })).toEqual([]);
        expect(await repos.messages.findById({ id: message.id })).toStrictEqual(message);
      });

      // Addresses compare case-insensitively. SQLite's lower() folds ASCII only, so a
      // non-ASCII local part typed in another case matches on PostgreSQL alone: a known
      // difference, not tested (domains are punycode, hence ASCII, on both).
      it('personalData lists and deletes outbox mail by address, whatever its status or case', async () => {
        const mine = [
          makeOutboxMail({ to: 'Ann.Smith@Example.org', createdAt: fromNow(-DAY) }),
          makeOutboxMail({ to: 'ann.smith@example.org', status: 'sent', sentAt: now }),
          makeOutboxMail({ to: 'ANN.SMITH@EXAMPLE.ORG', status: 'failed', createdAt: fromNow(1) }),
        ];
        const theirs = makeOutboxMail({ to: 'ann.smithson@example.org' });
        for (const mail of [...mine, theirs]) await repos.outbox.insert({ mail });
        expect(
          await repos.personalData.listOutboxTo({ email: 'ann.smith@example.org' }),
        ).toStrictEqual(mine);
        expect(await repos.personalData.deleteOutboxTo({ email: 'Ann.Smith@example.org' })).toBe(3);
        expect(await repos.personalData.listOutboxTo({ email: 'ann.smith@example.org' })).toEqual(
          [],
        );
        expect(await repos.outbox.findById({ id: theirs.id })).toStrictEqual(theirs);
        expect(await repos.personalData.deleteOutboxTo({ email: 'ann.smith@example.org' })).toBe(0);
      });

      it('personalData lists the entries naming an address in every address book, oldest first', async () => {
        const owner1 = await seedAccount();
        const owner2 = await seedAccount();
        const first = makeContact({
          ownerId: owner2.id,
          email: 'Bob@Example.org',
          createdAt: fromNow(-DAY),
        });
        const second = makeContact({ ownerId: owner1.id, email: 'bob@example.org' });
        for (const contact of [second, first]) await repos.contacts.save({ contact });
        await repos.contacts.save({
          contact: makeContact({ ownerId: owner1.id, email: 'bobby@example.org' }),
        });
        expect(
          await repos.personalData.listContactsNaming({ email: 'BOB@example.org' }),
        ).toStrictEqual([first, second]);
        expect(
          await repos.personalData.listContactsNaming({ email: 'nobody@example.org' }),
        ).toEqual([]);
      });
    });

    describe('transactions', () => {
      async function writeSend(t: Repositories) {
        const sender = makeStaff();
        const recipient = makeAccount();
        const message = makeMessage({ senderId: sender.id });
        const delivery = makeDelivery({ messageId: message.id, recipientId: recipient.id });
        const mail = makeOutboxMail();
        await t.accounts.insert({ account: sender });
        await t.accounts.insert({ account: recipient });
        await t.messages.insert({ message });
        await t.deliveries.insert({ delivery });
        await t.outbox.insert({ mail });
        return { sender, recipient, message, delivery, mail };
      }

      it('commits every write together and returns the value of fn', async () => {
        const written = await storage.transaction(writeSend);
        expect(await repos.messages.findById({ id: written.message.id })).toStrictEqual(
          written.message,
        );
        expect(await repos.deliveries.findById({ id: written.delivery.id })).toStrictEqual(
          written.delivery,
        );
        expect(await repos.outbox.findById({ id: written.mail.id })).toStrictEqual(written.mail);
      });

      it('rolls every write back when fn throws, and rethrows the same error', async () => {
        const failure = new Error('the blob store failed');
        let written: Awaited<ReturnType<typeof writeSend>> | undefined;
        await expect(
          storage.transaction(async (t) => {
            written = await writeSend(t);
            // Inside, the transaction sees its own writes.
            expect(await t.messages.findById({ id: written.message.id })).not.toBeNull();
            throw failure;
          }),
        ).rejects.toBe(failure);
        if (!written) throw new Error('fn did not run');
        expect(await repos.messages.findById({ id: written.message.id })).toBeNull();
        expect(await repos.deliveries.findById({ id: written.delivery.id })).toBeNull();
        expect(await repos.outbox.findById({ id: written.mail.id })).toBeNull();
        expect(await repos.accounts.findById({ id: written.sender.id })).toBeNull();
        expect(await repos.outbox.countUnsent()).toBe(0);
      });

      it('rolls back when a statement inside fails', async () => {
        const taken = await seedAccount({ email: 'taken@example.org' });
        const fresh = makeAccount();
        await expect(
          storage.transaction(async (t) => {
            await t.accounts.insert({ account: fresh });
            await t.accounts.insert({ account: makeAccount({ email: taken.email }) });
          }),
        ).rejects.toThrow();
        expect(await repos.accounts.findById({ id: fresh.id })).toBeNull();
      });

      it('keeps uncommitted writes away from callers outside the transaction', async () => {
        const account = makeAccount();
        const inserted = signal();
        const finish = signal();
        const tx = storage.transaction(async (t) => {
          await t.accounts.insert({ account });
          inserted.resolve();
          await finish.promise;
        });
        await inserted.promise;
        // A caller outside either waits for the commit or reads the state before it.
        const outside = repos.accounts.findById({ id: account.id });
        finish.resolve();
        await tx;
        const seen = await outside;
        expect(seen === null || seen.id === account.id).toBe(true);
        expect(await repos.accounts.findById({ id: account.id })).toStrictEqual(account);
      });

      it('concurrent transactions do not see or undo each other', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, n) =>
            storage.transaction(async (t) => {
              const account = makeAccount();
              await t.accounts.insert({ account });
              await new Promise((r) => setTimeout(r, n % 3));
              if (n % 2 === 1) throw new Error(`undo ${n}`);
              return account.id;
            }),
          ),
        );
        const committed = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        expect(committed).toHaveLength(4);
        expect(ids(await repos.accounts.search({ limit: 100, offset: 0 })).sort()).toEqual(
          committed.sort(),
        );
      });

      it('refuses storage.repos, a nested transaction and withLock from inside fn', async () => {
        await storage.transaction(async (t) => {
          await expect(repos.accounts.findById({ id: newId() })).rejects.toThrow(
            /inside a transaction/,
          );
          await expect(storage.transaction(async () => 1)).rejects.toThrow(/do not nest/);
          await expect(storage.withLock({ name: 'job', fn: async () => 1 })).rejects.toThrow(
            /inside a transaction/,
          );
          // The transaction itself is unharmed.
          await t.accounts.insert({ account: makeAccount() });
        });
        expect(await repos.accounts.search({ limit: 10, offset: 0 })).toHaveLength(1);
      });

      it('refuses the repositories of a transaction that has ended', async () => {
        const kept = await storage.transaction(async (t) => t);
        await expect(kept.accounts.findById({ id: newId() })).rejects.toThrow(/ended/);
      });
    });

    describe('withLock', () => {
      it('runs fn and returns its value, and the lock is free again afterwards', async () => {
        expect(await storage.withLock({ name: 'retention-purge', fn: async () => 42 })).toEqual({
          ran: true,
          value: 42,
        });
        expect(
          await storage.withLock({ name: 'retention-purge', fn: async () => 'again' }),
        ).toEqual({ ran: true, value: 'again' });
      });

      it('gives a second concurrent holder of the same name { ran: false } at once', async () => {
        const release = signal();
        let runs = 0;
        const job = async () => {
          runs++;
          await release.promise;
          return 'done';
        };
        const first = storage.withLock({ name: 'access-expiry', fn: job });
        const second = storage.withLock({ name: 'access-expiry', fn: job });
        // The loser answers without waiting for the winner to finish.
        const loser = await Promise.race([first, second]);
        expect(loser).toEqual({ ran: false });
        // Another name is not blocked.
        expect(await storage.withLock({ name: 'stale-drafts', fn: async () => 1 })).toEqual({
          ran: true,
          value: 1,
        });
        release.resolve();
        const results = await Promise.all([first, second]);
        expect(results.filter((r) => r.ran)).toEqual([{ ran: true, value: 'done' }]);
        expect(runs).toBe(1);
      });

      it('releases the lock when fn throws, and rethrows', async () => {
        const failure = new Error('job failed');
        await expect(
          storage.withLock({
            name: 'outbox',
            fn: async () => {
              throw failure;
            },
          }),
        ).rejects.toBe(failure);
        expect(await storage.withLock({ name: 'outbox', fn: async () => 'ok' })).toEqual({
          ran: true,
          value: 'ok',
        });
      });

      it('lets fn use storage.repos and transactions while it holds the lock', async () => {
        const account = makeAccount();
        const result = await storage.withLock({
          name: 'job',
          fn: async () => {
            await storage.transaction((t) => t.accounts.insert({ account }));
            return repos.accounts.findById({ id: account.id });
          },
        });
        expect(result).toEqual({ ran: true, value: account });
      });
    });
  });
}
