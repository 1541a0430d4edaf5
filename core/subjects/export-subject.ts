import { normaliseEmail } from '../accounts/email.ts';
import type { Account } from '../accounts/model.ts';
import type { AuditEvent } from '../audit/model.ts';
import { recordAudit } from '../audit/record.ts';
import { readOutboxMail } from '../mail/outbox.ts';
import { type Delivery, deliveryState, isAddressed, type Message } from '../messages/model.ts';
import { safeFileName } from '../shared/file-names.ts';
import { streamOf } from '../shared/streams.ts';
import { type ExportSink, findSubject, type SubjectActor, type SubjectDeps } from './deps.ts';
import type { EmlMessage } from './eml.ts';

/**
 * Who the export is for. `subject-access`: an admin answering a subject access request
 * gets everything Sealpost holds about the person, whatever its state. `self-service`:
 * the person downloads their own correspondence from the portal, and the sender's
 * controls still hold: only messages they can open now, never a read-only one (which
 * may be read on screen but not downloaded), and only what they did themselves.
 */
export type ExportScope = 'subject-access' | 'self-service';

/**
 * The words an export writes for the person (what each file holds, notes in the index,
 * the stand-in for a lost file), from the string tables (`strings.dataExport`): the
 * portal gives the person's language, `sealpost subject export` English.
 */
export type ExportWords = {
  files: Record<
    | 'account'
    | 'received'
    | 'sent'
    | 'draftFile'
    | 'drafts'
    | 'contacts'
    | 'accessRequests'
    | 'sessions'
    | 'auditSelf'
    | 'auditSubject'
    | 'namedInAddressBooks'
    | 'emails'
    | 'index',
    string
  >;
  notes: Record<'eml' | 'secrets' | 'withheld', string>;
  /** The stand-in body of a message or file whose stored copy is missing. */
  missing: Record<'message' | 'file', string>;
};

/** What an export wrote. */
export type ExportSummary = {
  accountId: string | null;
  files: number;
  received: number;
  sent: number;
  drafts: number;
  contacts: number;
  auditEvents: number;
  /** Self-service only: received messages left out (expired, revoked, deleted, read-only). */
  withheld: number;
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const PAGE = 50;

const jsonBody = (value: unknown) =>
  streamOf(encoder.encode(`${JSON.stringify(value, null, 2)}\n`));

/** `2026-01-05T103000Z`: sorts by time and is a valid file name everywhere. */
function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '');
}

async function decryptText(deps: SubjectDeps, value: Uint8Array): Promise<string> {
  return decoder.decode(await deps.cipher.decryptBytes({ ciphertext: value }));
}

/** A stand-in body saying what is missing, so one lost blob does not stop the export. */
function missing(text: string): ReadableStream<Uint8Array> {
  return streamOf(encoder.encode(`[${text}]\n`));
}

/** `what`: the words for the stand-in body of a missing blob (`ExportWords.missing`). */
async function openBlob(deps: SubjectDeps, blobId: string, what: string) {
  const stored = await deps.blobs.get({ id: blobId });
  return stored ? deps.cipher.decryptStream({ ciphertext: stored }) : missing(what);
}

/** The `.eml` of a message, with every recipient and attachment. */
async function emlOf(
  deps: SubjectDeps,
  words: ExportWords,
  message: Message,
  extraHeaders: Record<string, string>,
): Promise<EmlMessage> {
  const repos = deps.storage.repos;
  const [sender, deliveries, attachments] = await Promise.all([
    repos.accounts.findById({ id: message.senderId }),
    repos.deliveries.listForMessage({ messageId: message.id }),
    repos.attachments.listForMessage({ messageId: message.id }),
  ]);
  return {
    from: { name: sender?.displayName ?? '', email: sender?.email ?? 'unknown@sealpost.invalid' },
    to: deliveries.filter((d) => d.kind === 'to' && isAddressed(d)).map((d) => d.recipientEmail),
    cc: deliveries.filter((d) => d.kind === 'cc' && isAddressed(d)).map((d) => d.recipientEmail),
    subject: await decryptText(deps, message.subjectEnc),
    date: message.createdAt,
    messageId: message.id,
    inReplyToId: message.inReplyToId,
    body: {
      format: message.bodyFormat === 'text' ? 'text' : 'html',
      open: () => openBlob(deps, message.bodyBlobId, words.missing.message),
    },
    attachments: await Promise.all(
      attachments.map(async (a) => ({
        name: await decryptText(deps, a.nameEnc),
        contentType: a.contentType,
        open: () => openBlob(deps, a.blobId, words.missing.file),
      })),
    ),
    extraHeaders: { ...extraHeaders, 'X-Sealpost-Classification': message.classification ?? '' },
  };
}

/**
 * True when a self-service export may include this received message. Read-only ones
 * are left out (no downloads), and so are those marked "second factor required": a
 * zip leaves the portal's step-up behind, so they are read in the portal only.
 */
function isDownloadable(delivery: Delivery, message: Message, now: Date): boolean {
  return (
    delivery.hiddenAt === null &&
    !message.readOnly &&
    !message.secondFactorRequired &&
    deliveryState(delivery, now) === 'active'
  );
}

/** The audit events about the person, oldest first, each once. */
async function eventsAbout(
  deps: SubjectDeps,
  account: Account,
  deliveryIds: string[],
  scope: ExportScope,
): Promise<AuditEvent[]> {
  const filters =
    scope === 'self-service'
      ? [{ actorId: account.id }]
      : [
          { actorId: account.id },
          { targetId: account.id },
          ...deliveryIds.map((targetId) => ({ targetId })),
        ];
  const bySeq = new Map<number, AuditEvent>();
  for (const filter of filters) {
    let afterSeq: number | undefined;
    for (;;) {
      const page = await deps.storage.repos.audit.list({
        filter,
        limit: 500,
        ...(afterSeq === undefined ? {} : { afterSeq }),
      });
      for (const event of page) bySeq.set(event.seq, event);
      const last = page[page.length - 1];
      if (!last || page.length < 500) break;
      afterSeq = last.seq;
    }
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The outcome of an export: written, or nothing held about that address at all. */
export type ExportResult =
  | { ok: true; summary: ExportSummary }
  | { ok: false; reason: 'nothing-held' };

/**
 * Writes everything Sealpost holds about the person with address `email` to `sink` as
 * files and a JSON index (`index.json`): account data, messages to and from them
 * decrypted as `.eml` with their attachments, drafts with theirs, their address book,
 * their sessions and requests, and the audit events about them; for a subject access
 * request also the entries naming them in other people's address books and the emails
 * sent to them (found by address, so even without an account). Secrets (password hash,
 * second-factor key, token hashes) are described, never given. Nothing is written when
 * nothing is held. Each export, even one that finds nothing, is recorded as a
 * `subject.export` event (which names the account id, never the address).
 */
export async function exportSubject(
  deps: SubjectDeps,
  args: {
    email: string;
    scope: ExportScope;
    sink: ExportSink;
    actor: SubjectActor;
    /** The words written into the export, in the person's language where it is known. */
    words: ExportWords;
  },
): Promise<ExportResult> {
  const { scope, sink } = args;
  const about = args.words.files;
  const repos = deps.storage.repos;
  const now = deps.clock.now();
  const account = await findSubject(deps, args.email);
  const normalised = normaliseEmail(args.email);
  const address = account?.email ?? (normalised.ok ? normalised.email : null);
  const isAccess = scope === 'subject-access' && address !== null;
  const naming = isAccess
    ? (await repos.personalData.listContactsNaming({ email: address })).filter(
        (c) => c.ownerId !== account?.id,
      )
    : [];
  const mails = isAccess ? await repos.personalData.listOutboxTo({ email: address }) : [];
  const files: Array<{ path: string; about: string }> = [];
  const write = async (path: string, about: string, body: ReadableStream<Uint8Array>) => {
    await sink.write({ path, body });
    files.push({ path, about });
  };
  const summary: ExportSummary = {
    accountId: account?.id ?? null,
    files: 0,
    received: 0,
    sent: 0,
    drafts: 0,
    contacts: 0,
    auditEvents: 0,
    withheld: 0,
  };
  const received: unknown[] = [];
  const sent: unknown[] = [];
  const recordExport = () =>
    deps.storage.transaction((tx) =>
      recordAudit(deps, tx, {
        action: 'subject.export',
        actorId: args.actor.id,
        actorLabel: args.actor.label,
        ip: args.actor.ip,
        targetType: 'account',
        targetId: account?.id ?? null,
        details: {
          scope,
          files: summary.files,
          received: summary.received,
          sent: summary.sent,
          withheld: summary.withheld,
        },
      }),
    );

  /** The files only an account has; returns its deliveries, for the audit events. */
  async function writeAccountFiles(account: Account): Promise<Delivery[]> {
    await write(
      'account.json',
      about.account,
      jsonBody({
        id: account.id,
        email: account.email,
        displayName: account.displayName,
        kind: account.kind,
        role: account.role,
        status: account.status,
        hasPassword: account.passwordHash !== null,
        hasSecondFactor: account.totpKeyEnc !== null,
        unusedRecoveryCodes: account.recoveryCodeHashes.length,
        failedSignIns: account.failedSignIns,
        lockedUntil: account.lockedUntil,
        legalHold: account.legalHold,
        createdAt: account.createdAt,
        updatedAt: account.updatedAt,
        lastSignInAt: account.lastSignInAt,
        passwordChangedAt: account.passwordChangedAt,
      }),
    );

    const deliveries = await repos.deliveries.listForRecipient({ recipientId: account.id });
    for (const delivery of deliveries) {
      const message = await repos.messages.findById({ id: delivery.messageId });
      if (!message) continue;
      const state = deliveryState(delivery, now);
      if (scope === 'self-service' && !isDownloadable(delivery, message, now)) {
        summary.withheld++;
        continue;
      }
      const path = `messages/received/${stamp(message.createdAt)}-${delivery.id}.eml`;
      const eml = await emlOf(deps, args.words, message, { 'X-Sealpost-Access': state });
      await write(path, about.received, deps.eml.write(eml));
      received.push({
        file: path,
        deliveryId: delivery.id,
        messageId: message.id,
        from: eml.from.email,
        sentAt: message.createdAt,
        access: state,
        accessEndsAt: delivery.accessEndsAt,
        firstOpenedAt: delivery.firstOpenedAt,
        deletedFromMailboxAt: delivery.hiddenAt,
        attachments: eml.attachments.length,
      });
      summary.received++;
    }

    for (let offset = 0; ; offset += PAGE) {
      const page = await repos.messages.listSent({ senderId: account.id, limit: PAGE, offset });
      for (const message of page) {
        const path = `messages/sent/${stamp(message.createdAt)}-${message.id}.eml`;
        const eml = await emlOf(deps, args.words, message, {});
        await write(path, about.sent, deps.eml.write(eml));
        sent.push({ file: path, messageId: message.id, sentAt: message.createdAt, to: eml.to });
        summary.sent++;
      }
      if (page.length < PAGE) break;
    }

    const drafts: unknown[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await repos.drafts.listForAccount({
        accountId: account.id,
        limit: PAGE,
        offset,
      });
      for (const draft of page) {
        const content: unknown = JSON.parse(await decryptText(deps, draft.contentEnc));
        const draftFiles: string[] = [];
        const attachments = await repos.attachments.listForDraft({ draftId: draft.id });
        for (const [i, a] of attachments.entries()) {
          const name = safeFileName(await decryptText(deps, a.nameEnc), 'file');
          const path = `drafts/${draft.id}/${i + 1}-${name}`;
          await write(
            path,
            about.draftFile,
            await openBlob(deps, a.blobId, args.words.missing.file),
          );
          draftFiles.push(path);
        }
        drafts.push({
          id: draft.id,
          createdAt: draft.createdAt,
          updatedAt: draft.updatedAt,
          content,
          files: draftFiles,
        });
        summary.drafts++;
      }
      if (page.length < PAGE) break;
    }
    await write('drafts.json', about.drafts, jsonBody(drafts));

    const contacts = await repos.contacts.listForOwner({ ownerId: account.id });
    const emailOf = new Map(contacts.map((c) => [c.id, c.email]));
    const groups = await repos.contacts.listGroupsForOwner({ ownerId: account.id });
    await write(
      'contacts.json',
      about.contacts,
      jsonBody({
        contacts: await Promise.all(
          contacts.map(async (c) => ({
            email: c.email,
            name: await decryptText(deps, c.nameEnc),
            note: c.noteEnc ? await decryptText(deps, c.noteEnc) : null,
            createdAt: c.createdAt,
            updatedAt: c.updatedAt,
          })),
        ),
        groups: await Promise.all(
          groups.map(async (g) => ({
            name: await decryptText(deps, g.nameEnc),
            members: g.memberIds.map((id) => emailOf.get(id) ?? null).filter((e) => e !== null),
            createdAt: g.createdAt,
          })),
        ),
      }),
    );
    summary.contacts = contacts.length;

    const requests = await repos.accessRequests.listForRequester({ requesterId: account.id });
    await write(
      'access-requests.json',
      about.accessRequests,
      jsonBody(
        requests.map((r) => ({
          kind: r.kind,
          messageId: r.messageId,
          forwardTo: r.forwardToEmail,
          status: r.status,
          createdAt: r.createdAt,
          decidedAt: r.decidedAt,
        })),
      ),
    );

    const sessions = await repos.sessions.listForAccount({ accountId: account.id });
    await write(
      'sessions.json',
      about.sessions,
      jsonBody(
        sessions.map((s) => ({
          createdAt: s.createdAt,
          lastSeenAt: s.lastSeenAt,
          expiresAt: s.expiresAt,
          rememberMe: s.rememberMe,
          ip: s.ip,
          userAgent: s.userAgent,
        })),
      ),
    );

    return deliveries;
  }

  if (!account && naming.length === 0 && mails.length === 0) {
    await recordExport();
    return { ok: false, reason: 'nothing-held' };
  }

  if (account) {
    const deliveries = await writeAccountFiles(account);
    const events = await eventsAbout(
      deps,
      account,
      deliveries.map((d) => d.id),
      scope,
    );
    await write(
      'audit-events.jsonl',
      scope === 'self-service' ? about.auditSelf : about.auditSubject,
      streamOf(
        encoder.encode(
          events
            .map((e) =>
              JSON.stringify({
                seq: e.seq,
                at: e.at,
                action: e.action,
                actor: e.actorLabel,
                ip: e.ip,
                targetType: e.targetType,
                targetId: e.targetId,
                details: e.details,
              }),
            )
            .map((line) => `${line}\n`)
            .join(''),
        ),
      ),
    );
    summary.auditEvents = events.length;
  }

  if (isAccess) {
    await write(
      'named-in-address-books.json',
      about.namedInAddressBooks,
      jsonBody(
        await Promise.all(
          naming.map(async (c) => ({
            name: await decryptText(deps, c.nameEnc),
            note: c.noteEnc ? await decryptText(deps, c.noteEnc) : null,
            createdAt: c.createdAt,
          })),
        ),
      ),
    );
    await write(
      'emails-to-this-address.json',
      about.emails,
      jsonBody(
        await Promise.all(
          mails.map(async (m) => ({
            kind: m.kind,
            status: m.status,
            subject: await readOutboxMail(deps, m).then(
              (c) => c.subject,
              () => null,
            ),
            createdAt: m.createdAt,
            sentAt: m.sentAt,
          })),
        ),
      ),
    );
  }

  summary.files = files.length + 1;
  await write(
    'index.json',
    about.index,
    jsonBody({
      generatedAt: now,
      scope,
      person: { accountId: account?.id ?? null, email: address },
      counts: summary,
      files,
      received,
      sent,
      notes: [
        args.words.notes.eml,
        args.words.notes.secrets,
        ...(scope === 'self-service' ? [args.words.notes.withheld] : []),
      ],
    }),
  );

  await recordExport();
  return { ok: true, summary };
}
