import { simpleParser } from 'mailparser';
// A person with a bit of everything Sealpost can hold about someone, for the export and
// erasure tests: messages to and from them (with files, one read-only, one expired),
// drafts with a file, an address book, an entry in an officer's address book, sessions,
// and the notifications and audit events all that made.

import { inflateRawSync } from 'node:zlib';
import type { Account } from '../../core/accounts/model.ts';
import { openMessage } from '../../core/messages/open-message.ts';
import { streamOf } from '../../core/shared/streams.ts';
import type { ExportSink } from '../../core/subjects/deps.ts';
import {
  makeAttachment,
  makeContact,
  makeContactGroup,
  makeDraft,
  makeSession,
} from '../factories.ts';
import { DAY, type LifecycleHarness } from '../lifecycle/support.ts';

const encoder = new TextEncoder();

/** An export sink that keeps every file in memory, as text. */
export function memorySink(): ExportSink & { files: Map<string, string> } {
  const files = new Map<string, string>();
  return {
    files,
    async write({ path, body }) {
      if (files.has(path)) throw new Error(`written twice: ${path}`);
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk));
      files.set(path, Buffer.concat(chunks).toString('utf8'));
    },
  };
}

/**
 * An `.eml` file as a mail client reads it (mailparser): who it is from, the subject,
 * the headers, and the text of the body followed by each attached file's text.
 */
export async function readEml(eml: string): Promise<{
  from: { name: string; address: string } | undefined;
  subject: string | undefined;
  header(name: string): unknown;
  inReplyTo: string | undefined;
  parts: string[];
  fileNames: string[];
}> {
  const parsed = await simpleParser(Buffer.from(eml, 'utf8'));
  const from = parsed.from?.value[0];
  return {
    from: from ? { name: from.name, address: from.address ?? '' } : undefined,
    subject: parsed.subject,
    header: (name) => parsed.headers.get(name.toLowerCase()),
    inReplyTo: parsed.inReplyTo,
    parts: [
      (parsed.text ?? '').trim(),
      ...parsed.attachments.map((a) => a.content.toString('utf8')),
    ],
    fileNames: parsed.attachments.map((a) => a.filename ?? ''),
  };
}

/** The entries of a zip file (stored or deflated), by name. A test's own small reader. */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataAt, dataAt + compressed);
    entries.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

/** Seeds the person and everything around them; returns what a test checks against. */
export async function seedPerson(h: LifecycleHarness) {
  const repos = h.storage.repos;
  const enc = (text: string) => h.cipher.encryptBytes({ plaintext: encoder.encode(text) });
  const officer = await h.addAccount('officer@barnet.gov.uk');
  const ann = await h.addAccount('ann@example.org');

  const toAnn = await h.send({
    from: officer,
    to: ['ann@example.org', 'bob@example.org'],
    subject: 'Your housing application',
    body: 'Here is the decision letter.',
    files: [{ name: 'decision.txt', text: 'Application approved.' }],
  });
  const readOnly = await h.send({
    from: officer,
    to: ['ann@example.org'],
    subject: 'Read this here only',
    readOnly: true,
  });
  const reply = await h.send({
    from: ann,
    to: ['officer@barnet.gov.uk'],
    subject: 'Re: Your housing application',
    body: 'Thank you, here is my tenancy.',
    files: [{ name: 'tenancy.txt', text: 'My tenancy agreement.' }],
    inReplyToId: toAnn.messageId,
  });
  // Older, and its access has ended by now.
  h.clock.set(new Date(h.clock.now().getTime() - 60 * DAY));
  const old = await h.send({ from: officer, to: ['ann@example.org'], subject: 'Old news' });
  h.clock.set(new Date(h.clock.now().getTime() + 60 * DAY));
  await openMessage(h.mailbox, {
    account: ann,
    deliveryId: toAnn.deliveryIds[0] as string,
    ip: '198.51.100.7',
  });

  const draft = makeDraft({
    accountId: ann.id,
    contentEnc: await enc(
      JSON.stringify({
        to: ['officer@barnet.gov.uk'],
        cc: [],
        subject: 'Half written',
        body: 'Dear',
        inReplyToId: null,
      }),
    ),
    updatedAt: h.clock.now(),
  });
  await repos.drafts.save({ draft });
  const draftFile = makeAttachment({
    draftId: draft.id,
    blobId: h.ids.newId(),
    nameEnc: await enc('../payslip.txt'),
  });
  await h.blobs.put({
    id: draftFile.blobId,
    body: await h.cipher.encryptStream({
      plaintext: streamOf(encoder.encode('Payslip for March')),
    }),
  });
  await repos.attachments.insert({ attachment: draftFile });

  const friend = makeContact({
    ownerId: ann.id,
    email: 'friend@example.org',
    nameEnc: await enc('A friend'),
    noteEnc: await enc('My advocate'),
  });
  await repos.contacts.save({ contact: friend });
  await repos.contacts.saveGroup({
    group: makeContactGroup({
      ownerId: ann.id,
      nameEnc: await enc('Helpers'),
      memberIds: [friend.id],
    }),
  });
  const naming = makeContact({
    ownerId: officer.id,
    email: 'Ann@Example.org',
    nameEnc: await enc('Ann (tenant)'),
    noteEnc: await enc('Prefers email'),
  });
  await repos.contacts.save({ contact: naming });
  const officersGroup = makeContactGroup({
    ownerId: officer.id,
    nameEnc: await enc('Tenants'),
    memberIds: [naming.id],
  });
  await repos.contacts.saveGroup({ group: officersGroup });
  await repos.sessions.insert({ session: makeSession({ accountId: ann.id, ip: '198.51.100.7' }) });

  return {
    officer,
    ann,
    toAnn,
    readOnly,
    reply,
    old,
    draft,
    draftFile,
    friend,
    naming,
    officersGroup,
  };
}

export type SeededPerson = Awaited<ReturnType<typeof seedPerson>>;

/** The account with this address, or null. */
export async function accountOf(h: LifecycleHarness, email: string): Promise<Account | null> {
  return h.storage.repos.accounts.findByEmailKey({ emailKey: email });
}
