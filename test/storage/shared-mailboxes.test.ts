// Shared mailboxes' foundation (docs/decisions/0028), on SQLite and on PostgreSQL: the
// membership rows, who may act for what, invitations that go to the member's own
// address, team mailboxes that can never get a password, and the audit trail naming
// the member who acted for a mailbox.

import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeSecrets, randomIds } from '../../adapters/security/secrets.ts';
import { postgresStorage } from '../../adapters/storage/postgres/index.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { requestPasswordReset } from '../../core/accounts/reset-password.ts';
import { recordAudit, recordAuditSoon } from '../../core/audit/record.ts';
import { memoryCipher } from '../../core/crypto/memory-cipher.ts';
import {
  acceptInvitation,
  inviteMember,
  mailboxesOf,
  mailboxToActFor,
  removeMember,
} from '../../core/mailboxes/membership.ts';
import type { Delegate } from '../../core/mailboxes/model.ts';
import {
  assignTeamMember,
  createTeamMailbox,
  listTeams,
  unassignTeamMember,
} from '../../core/mailboxes/teams.ts';
import { DEFAULT_SETTINGS } from '../../core/settings/model.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { mailTemplates } from '../../views/mail/templates.ts';
import { makeAccount, makeSession, makeStaff } from '../factories.ts';
import { tempDir } from '../support/cli.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const clean of cleanups.reverse()) await clean();
});

const COUNCIL = { internalDomains: ['council.test'], allowSubdomains: false };

function suite(dialect: string, open: () => Promise<Storage>) {
  const world = async () => {
    const storage = await open();
    await storage.migrate();
    let acting: Delegate | null = null;
    const deps = {
      storage,
      ids: randomIds(),
      clock: { now: () => new Date() },
      secrets: nodeSecrets({ signingKey: new Uint8Array(32).fill(3) }),
      cipher: await memoryCipher(),
      templates: mailTemplates,
      publicUrl: 'https://messages.council.test',
      actingFor: () => acting,
    };
    const holder = makeAccount({ email: 'care.referrals@partner.example', passwordHash: 'x' });
    const admin = makeStaff({ email: 'admin@council.test', role: 'admin' });
    const officer = makeStaff({ email: 'officer@council.test' });
    for (const account of [holder, admin, officer]) {
      await storage.repos.accounts.insert({ account });
    }
    return {
      storage,
      deps,
      holder,
      admin,
      officer,
      actAs: (d: Delegate | null) => {
        acting = d;
      },
    };
  };

  describe(`shared mailboxes on ${dialect}`, () => {
    it('invites by the member’s own address, who acts only once accepted', async () => {
      const { storage, deps, holder } = await world();
      const invited = await inviteMember(deps, {
        holder,
        email: 'Alice@Partner.example',
        domains: COUNCIL,
        genericAllowed: true,
        orgName: 'Barnet',
        ip: null,
      });
      if (!invited.ok) throw new Error(invited.problem);
      const alice = invited.member;
      expect(alice.passwordHash).toBeNull();
      expect(alice.kind).toBe('external');
      // The invitation goes to Alice's own address, with a registration token for her.
      const tokens = await storage.repos.tokens.listLive({
        accountId: alice.id,
        purpose: 'register',
        now: new Date(),
      });
      expect(tokens).toHaveLength(1);
      expect(tokens[0]?.email).toBe('Alice@partner.example');
      expect(await storage.repos.outbox.countUnsent()).toBe(1);

      // Not accepted yet: she cannot act for the mailbox.
      const input = { person: alice, mailboxId: holder.id, genericAllowed: true };
      expect(await mailboxToActFor(storage.repos, input)).toBeNull();
      expect(
        (await mailboxesOf(storage.repos, input)).invitations.map((i) => i.mailbox.id),
      ).toEqual([holder.id]);
      // Someone else cannot accept her invitation.
      const mallory = makeAccount({ email: 'mallory@elsewhere.example', passwordHash: 'x' });
      await storage.repos.accounts.insert({ account: mallory });
      expect(await acceptInvitation(deps, { ...input, person: mallory, ip: null })).toBe(false);
      expect(await mailboxToActFor(storage.repos, { ...input, person: mallory })).toBeNull();

      expect(await acceptInvitation(deps, { ...input, ip: null })).toBe(true);
      expect((await mailboxToActFor(storage.repos, input))?.id).toBe(holder.id);
      expect((await mailboxesOf(storage.repos, input)).mailboxes.map((m) => m.id)).toEqual([
        holder.id,
      ]);
      // The council switching shared mailboxes off stops it at once.
      expect(await mailboxToActFor(storage.repos, { ...input, genericAllowed: false })).toBeNull();

      // Refusals, each a code.
      const again = await inviteMember(deps, {
        holder,
        email: 'alice@partner.example',
        domains: COUNCIL,
        genericAllowed: true,
        orgName: 'Barnet',
        ip: null,
      });
      expect(again).toEqual({ ok: false, problem: 'already-member' });
      const base = { holder, domains: COUNCIL, genericAllowed: true, orgName: 'B', ip: null };
      expect(await inviteMember(deps, { ...base, email: 'someone@council.test' })).toEqual({
        ok: false,
        problem: 'internal',
      });
      expect(await inviteMember(deps, { ...base, email: holder.email })).toEqual({
        ok: false,
        problem: 'self',
      });
      expect(await inviteMember(deps, { ...base, email: 'not an address' })).toEqual({
        ok: false,
        problem: 'invalid-email',
      });
      expect(
        await inviteMember(deps, { ...base, genericAllowed: false, email: 'b@x.example' }),
      ).toEqual({ ok: false, problem: 'switched-off' });
      expect(await inviteMember(deps, { ...base, holder: alice, email: 'b@x.example' })).toEqual({
        ok: false,
        problem: 'not-a-holder',
      });

      // Only the holder removes; the member may leave; then she cannot act.
      expect(
        await removeMember(deps, {
          by: mallory,
          mailboxId: holder.id,
          memberId: alice.id,
          ip: null,
        }),
      ).toBe(false);
      expect(
        await removeMember(deps, {
          by: holder,
          mailboxId: holder.id,
          memberId: alice.id,
          ip: null,
        }),
      ).toBe(true);
      expect(await mailboxToActFor(storage.repos, input)).toBeNull();
      const actions = (await storage.repos.audit.list({ limit: 50 })).map((e) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining(['mailbox.invite', 'mailbox.accept', 'mailbox.remove']),
      );
    });

    it('makes team mailboxes that never get a password, and assigns staff to them', async () => {
      const { storage, deps, admin, officer } = await world();
      const made = await createTeamMailbox(deps, {
        admin,
        email: 'housing@council.test',
        name: 'Housing team',
        domains: COUNCIL,
        ip: null,
      });
      if (!made.ok) throw new Error(made.problems.join());
      const team = made.mailbox;
      expect(team.sharedMailbox).toBe(true);
      expect(team.passwordHash).toBeNull();
      expect(
        await createTeamMailbox(deps, {
          admin,
          email: 'team@outside.example',
          name: 'Outside',
          domains: COUNCIL,
          ip: null,
        }),
      ).toEqual({ ok: false, problems: ['outside'] });
      expect(
        (
          await createTeamMailbox(deps, {
            admin,
            email: 'HOUSING@council.test',
            name: 'Again',
            domains: COUNCIL,
            ip: null,
          })
        ).ok,
      ).toBe(false);

      // A reset asked for the team's address sends nothing: no password, ever.
      const accountDeps = {
        ...deps,
        settings: { get: async () => DEFAULT_SETTINGS },
        // None of these is reached by a reset request.
        hasher: undefined as never,
        commonPasswords: undefined as never,
        policy: undefined as never,
        ssoConfigured: false,
      };
      await requestPasswordReset(accountDeps, { email: 'housing@council.test', ip: null });
      expect(await storage.repos.outbox.countUnsent()).toBe(0);
      // ...while the same request for a colleague queues the link: the check can fail.
      await requestPasswordReset(accountDeps, { email: 'officer@council.test', ip: null });
      expect(await storage.repos.outbox.countUnsent()).toBe(1);

      const input = { person: officer, mailboxId: team.id, genericAllowed: false };
      expect(await mailboxToActFor(storage.repos, input)).toBeNull();
      const assigned = await assignTeamMember(deps, {
        admin,
        mailboxId: team.id,
        memberEmail: 'officer@council.test',
        ip: null,
      });
      expect(assigned.ok).toBe(true);
      // Team mailboxes do not depend on the generic-address setting.
      expect((await mailboxToActFor(storage.repos, input))?.id).toBe(team.id);
      expect(
        await assignTeamMember(deps, {
          admin,
          mailboxId: team.id,
          memberEmail: 'nobody@council.test',
          ip: null,
        }),
      ).toEqual({ ok: false, problem: 'no-such-staff' });
      expect(
        (await listTeams(deps)).map((t) => [t.mailbox.email, t.members.map((m) => m.email)]),
      ).toEqual([['housing@council.test', ['officer@council.test']]]);
      // A recipient cannot act for a team mailbox even with a row saying so.
      const resident = makeAccount();
      await storage.repos.accounts.insert({ account: resident });
      await storage.repos.mailboxMembers.insert({
        member: {
          mailboxId: team.id,
          memberId: resident.id,
          addedById: null,
          createdAt: new Date(),
          acceptedAt: new Date(),
        },
      });
      expect(await mailboxToActFor(storage.repos, { ...input, person: resident })).toBeNull();

      expect(
        await unassignTeamMember(deps, {
          admin,
          mailboxId: team.id,
          memberId: officer.id,
          ip: null,
        }),
      ).toBe(true);
      expect(await mailboxToActFor(storage.repos, input)).toBeNull();
    });

    it('names the member, not the mailbox, in every event recorded while acting', async () => {
      const { storage, deps, holder, officer, actAs } = await world();
      actAs({
        mailboxId: holder.id,
        mailboxLabel: holder.email,
        memberId: officer.id,
        memberLabel: officer.email,
      });
      const entry = {
        action: 'message.open' as const,
        actorId: holder.id,
        actorLabel: holder.email,
        ip: null,
        targetType: 'message',
        targetId: 'm-1',
        details: { role: 'recipient' },
      };
      await recordAudit(deps, storage.repos, entry);
      await recordAuditSoon(deps, storage.repos, { ...entry, action: 'message.download' });
      // An event about someone else is left as it is.
      await recordAudit(deps, storage.repos, { ...entry, actorId: null, actorLabel: 'job' });
      actAs(null);
      const events = await storage.repos.audit.list({ limit: 10 });
      // The download was queued (recordAuditSoon), so it may be written after the job's.
      const open = events.find((e) => e.action === 'message.open' && e.actorLabel !== 'job');
      const download = events.find((e) => e.action === 'message.download');
      const job = events.find((e) => e.actorLabel === 'job');
      expect(open).toMatchObject({
        actorId: officer.id,
        actorLabel: officer.email,
        details: { role: 'recipient', mailboxId: holder.id, mailbox: holder.email },
      });
      expect(download).toMatchObject({ actorId: officer.id, details: { mailboxId: holder.id } });
      expect(job).toMatchObject({
        actorId: null,
        actorLabel: 'job',
        details: { role: 'recipient' },
      });
    });

    it('remembers the mailbox a session acts for, and forgets it when the mailbox goes', async () => {
      const { storage, holder, officer } = await world();
      const session = makeSession({ accountId: officer.id });
      await storage.repos.sessions.insert({ session });
      await storage.repos.sessions.setActingMailbox({ id: session.id, mailboxId: holder.id });
      expect((await storage.repos.sessions.findById({ id: session.id }))?.actingMailboxId).toBe(
        holder.id,
      );
      await storage.repos.mailboxMembers.insert({
        member: {
          mailboxId: holder.id,
          memberId: officer.id,
          addedById: null,
          createdAt: new Date(),
          acceptedAt: null,
        },
      });
      expect(
        await storage.repos.mailboxMembers.listForMailbox({ mailboxId: holder.id }),
      ).toHaveLength(1);
      // Deleting the mailbox's account takes its memberships and the sessions' choice.
      await storage.repos.accounts.delete({ id: holder.id });
      expect(await storage.repos.mailboxMembers.listForMember({ memberId: officer.id })).toEqual(
        [],
      );
      expect(
        (await storage.repos.sessions.findById({ id: session.id }))?.actingMailboxId,
      ).toBeNull();
    });
  });
}

suite('SQLite', async () => {
  const storage = sqliteStorage({ path: path.join(tempDir('sealpost-shared-mb-'), 'sealpost.db') });
  cleanups.push(() => storage.close());
  return storage;
});

if (postgresAvailable('shared mailboxes on PostgreSQL')) {
  suite('PostgreSQL', async () => {
    const db = await createTestDatabase('sealpost_shared_mb');
    const storage = postgresStorage({ url: db.url });
    cleanups.push(db.drop);
    cleanups.push(() => storage.close());
    return storage;
  });
}
