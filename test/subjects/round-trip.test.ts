// Data-subject rights end to end: export everything held about a person, erase them,
// export again and find nothing; with legal holds respected and the trail intact.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../core/audit/verify.ts';
import { eraseSubject } from '../../core/subjects/erase-subject.ts';
import { exportSubject } from '../../core/subjects/export-subject.ts';
import { stringsFor } from '../../views/strings/index.ts';
import { type LifecycleHarness, lifecycleHarness } from '../lifecycle/support.ts';
import { accountOf, memorySink, readEml, type SeededPerson, seedPerson } from './support.ts';

const ADMIN = { id: null, label: 'cli:sealpost subject', ip: null };

let h: LifecycleHarness;
let p: SeededPerson;
beforeEach(async () => {
  h = await lifecycleHarness();
  p = await seedPerson(h);
});
afterEach(async () => {
  await h.close();
});

const exportAll = async (email = 'ann@example.org') => {
  const sink = memorySink();
  const result = await exportSubject(h.subjects, {
    email,
    scope: 'subject-access',
    sink,
    actor: ADMIN,
    words: stringsFor('en').dataExport,
  });
  return { result, files: sink.files };
};

describe('subject access export', () => {
  it('writes everything held about the person, decrypted, with an index', async () => {
    const { result, files } = await exportAll('ANN@example.org');
    if (!result.ok) throw new Error('nothing exported');
    expect(result.summary).toMatchObject({
      accountId: p.ann.id,
      received: 3,
      sent: 1,
      drafts: 1,
      contacts: 1,
      withheld: 0,
    });
    const names = [...files.keys()];
    expect(names.filter((n) => n.startsWith('messages/received/'))).toHaveLength(3);
    expect(names.filter((n) => n.startsWith('messages/sent/'))).toHaveLength(1);
    expect(names).toEqual(
      expect.arrayContaining([
        'account.json',
        'drafts.json',
        `drafts/${p.draft.id}/1-_payslip.txt`,
        'contacts.json',
        'access-requests.json',
        'sessions.json',
        'named-in-address-books.json',
        'emails-to-this-address.json',
        'audit-events.jsonl',
        'index.json',
      ]),
    );
    expect(names.at(-1)).toBe('index.json');

    const received = names.find((n) => n.endsWith(`-${p.toAnn.deliveryIds[0]}.eml`)) as string;
    const eml = await readEml(files.get(received) as string);
    expect(eml.from).toEqual({ name: 'officer', address: 'officer@barnet.gov.uk' });
    expect(eml.subject).toBe('Your housing application');
    expect(eml.header('X-Sealpost-Access')).toBe('active');
    expect(eml.parts).toEqual(['Here is the decision letter.', 'Application approved.']);
    expect(eml.fileNames).toEqual(['decision.txt']);
    const sent = await readEml(
      files.get(names.find((n) => n.startsWith('messages/sent/')) as string) as string,
    );
    expect(sent.inReplyTo).toBe(`<${p.toAnn.messageId}@sealpost.invalid>`);
    expect(sent.parts).toEqual(['Thank you, here is my tenancy.', 'My tenancy agreement.']);

    const account = JSON.parse(files.get('account.json') as string);
    expect(account).toMatchObject({ email: 'ann@example.org', hasPassword: false });
    expect(JSON.stringify(account)).not.toContain('passwordHash');
    expect(JSON.parse(files.get('drafts.json') as string)[0].content.subject).toBe('Half written');
    expect(files.get(`drafts/${p.draft.id}/1-_payslip.txt`)).toBe('Payslip for March');
    expect(JSON.parse(files.get('contacts.json') as string)).toMatchObject({
      contacts: [{ email: 'friend@example.org', name: 'A friend', note: 'My advocate' }],
      groups: [{ name: 'Helpers', members: ['friend@example.org'] }],
    });
    expect(JSON.parse(files.get('named-in-address-books.json') as string)).toEqual([
      { name: 'Ann (tenant)', note: 'Prefers email', createdAt: expect.any(String) },
    ]);
    const mails = JSON.parse(files.get('emails-to-this-address.json') as string);
    expect(mails).toHaveLength(3);
    expect(mails[0]).toMatchObject({ kind: 'notification', status: 'pending' });
    const events = (files.get('audit-events.jsonl') as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['message.send', 'message.open']),
    );
    const index = JSON.parse(files.get('index.json') as string);
    expect(index.files.map((f: { path: string }) => f.path)).toEqual(names.slice(0, -1));
    expect(index.received.map((r: { access: string }) => r.access).sort()).toEqual([
      'active',
      'active',
      'expired',
    ]);
    // The export is on the record, by account id only.
    const [recorded] = await h.storage.repos.audit.list({
      filter: { action: 'subject.export' },
      limit: 5,
    });
    expect(recorded).toMatchObject({ targetId: p.ann.id, details: { scope: 'subject-access' } });
    expect(JSON.stringify(recorded)).not.toContain('ann@example.org');
  });

  it('gives the self-service export only what the person may download now', async () => {
    const sink = memorySink();
    const result = await exportSubject(h.subjects, {
      email: 'ann@example.org',
      scope: 'self-service',
      sink,
      actor: { id: p.ann.id, label: p.ann.email, ip: '198.51.100.7' },
      words: stringsFor('en').dataExport,
    });
    if (!result.ok) throw new Error('nothing exported');
    // The read-only message and the expired one stay behind.
    expect(result.summary).toMatchObject({ received: 1, sent: 1, withheld: 2 });
    const names = [...sink.files.keys()];
    expect(names.some((n) => n.includes(p.readOnly.deliveryIds[0] as string))).toBe(false);
    expect(names).not.toContain('named-in-address-books.json');
    expect(names).not.toContain('emails-to-this-address.json');
    const events = (sink.files.get('audit-events.jsonl') as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.every((e) => e.actor === 'ann@example.org')).toBe(true);
  });
});

describe('erasure', () => {
  it('export, erase, export again: nothing is left, and what others hold is untouched', async () => {
    expect((await exportAll()).result.ok).toBe(true);
    const sentBlobs = await h.blobsOf(p.reply.messageId);
    const draftBlob = p.draftFile.blobId;

    const dry = await eraseSubject(h.subjects, {
      email: 'ann@example.org',
      dryRun: true,
      actor: ADMIN,
    });
    expect(dry).toEqual({
      ok: true,
      dryRun: true,
      plan: {
        accountId: p.ann.id,
        sentMessages: 1,
        receivedCopies: 3,
        drafts: 1,
        contacts: 1,
        contactGroups: 1,
        namedInAddressBooks: 1,
        sessions: 1,
        emailsToAddress: 3,
        heldMessageIds: [],
        accountKept: false,
      },
    });
    // A dry run changes nothing.
    expect((await exportAll()).result).toMatchObject({ ok: true, summary: { received: 3 } });

    const done = await eraseSubject(h.subjects, {
      email: 'ann@example.org',
      dryRun: false,
      actor: ADMIN,
    });
    expect(done).toEqual({ ...dry, dryRun: false });

    expect(await exportAll()).toEqual({
      result: { ok: false, reason: 'nothing-held' },
      files: new Map(),
    });
    const repos = h.storage.repos;
    expect(await accountOf(h, 'ann@example.org')).toBeNull();
    expect(await repos.deliveries.listForRecipient({ recipientId: p.ann.id })).toEqual([]);
    expect(await repos.messages.findById({ id: p.reply.messageId })).toBeNull();
    for (const id of [...sentBlobs, draftBlob]) expect(await h.hasBlob(id)).toBe(false);
    expect(await repos.drafts.findById({ id: p.draft.id })).toBeNull();
    expect(await repos.contacts.findById({ id: p.naming.id })).toBeNull();
    expect((await repos.contacts.findGroupById({ id: p.officersGroup.id }))?.memberIds).toEqual([]);
    expect(await repos.personalData.listOutboxTo({ email: 'ann@example.org' })).toEqual([]);
    // The officer's message is the council's record: Bob's copy and the content stay.
    expect(await repos.messages.findById({ id: p.toAnn.messageId })).not.toBeNull();
    expect(
      await repos.deliveries.findById({ id: p.toAnn.deliveryIds[1] as string }),
    ).not.toBeNull();
    expect(await repos.personalData.listOutboxTo({ email: 'bob@example.org' })).toHaveLength(1);

    const [erased] = await repos.audit.list({ filter: { action: 'subject.erase' }, limit: 5 });
    expect(erased).toMatchObject({
      actorLabel: 'cli:sealpost subject',
      targetId: p.ann.id,
      details: { sentMessages: 1, receivedCopies: 3, accountKept: false },
    });
    expect(JSON.stringify(erased)).not.toContain('ann@example.org');
    expect(await verifyAuditChain({ storage: h.storage, secrets: h.secrets })).toMatchObject({
      ok: true,
    });
    // Erasing again finds no one.
    expect(
      await eraseSubject(h.subjects, { email: 'ann@example.org', dryRun: false, actor: ADMIN }),
    ).toEqual({
      ok: false,
      reason: 'not-found',
    });
  });

  it('never touches a message under a legal hold, and keeps a disabled account for it', async () => {
    await h.storage.repos.messages.setLegalHold({ id: p.old.messageId, legalHold: true });
    await h.storage.repos.messages.setLegalHold({ id: p.reply.messageId, legalHold: true });
    const result = await eraseSubject(h.subjects, {
      email: 'ann@example.org',
      dryRun: false,
      actor: ADMIN,
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.plan).toMatchObject({
      sentMessages: 0,
      receivedCopies: 2,
      heldMessageIds: [p.old.messageId, p.reply.messageId].sort(),
      accountKept: true,
    });
    const repos = h.storage.repos;
    expect(await repos.messages.findById({ id: p.reply.messageId })).not.toBeNull();
    expect(await repos.deliveries.findById({ id: p.old.deliveryIds[0] as string })).not.toBeNull();
    expect(await repos.deliveries.findById({ id: p.toAnn.deliveryIds[0] as string })).toBeNull();
    const kept = await accountOf(h, 'ann@example.org');
    expect(kept).toMatchObject({ status: 'disabled', passwordHash: null, totpKeyEnc: null });
    expect(await repos.sessions.listForAccount({ accountId: p.ann.id })).toEqual([]);
  });

  it('refuses a person under a legal hold, and a staff account, changing nothing', async () => {
    await h.storage.repos.accounts.update({ account: { ...p.ann, legalHold: true } });
    expect(
      await eraseSubject(h.subjects, { email: 'ann@example.org', dryRun: false, actor: ADMIN }),
    ).toEqual({
      ok: false,
      reason: 'person-on-hold',
    });
    expect(
      await eraseSubject(h.subjects, {
        email: 'officer@barnet.gov.uk',
        dryRun: false,
        actor: ADMIN,
      }),
    ).toEqual({
      ok: false,
      reason: 'staff',
    });
    expect((await exportAll()).result).toMatchObject({
      ok: true,
      summary: { received: 3, sent: 1 },
    });
  });
});
