import { type EmailProblem, emailKey, normaliseEmail } from '../accounts/email.ts';
import type { Account } from '../accounts/model.ts';
import type { AuditEntry } from '../audit/model.ts';
import { recordAudit } from '../audit/record.ts';
import type { BlobStore } from '../blobs/ports.ts';
import type { Cipher } from '../crypto/ports.ts';
import type { Scanner } from '../gateway/ports.ts';
import { latestAllowedAccessEnd } from '../lifecycle/rules.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import type { OutboxMail } from '../mail/model.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { MailTemplates } from '../mail/ports.ts';
import type { Settings } from '../settings/model.ts';
import { cleanLine } from '../shared/clean-text.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import { countingLimit, SizeLimitExceeded, streamOf } from '../shared/streams.ts';
import { addDays } from '../shared/time.ts';
import type { Storage } from '../storage/ports.ts';
import type { Attachment, Classification, Message, MessageSource } from './model.ts';
import { insertDelivery, type PreparedDelivery, prepareDelivery } from './new-delivery.ts';

/** Everything sending needs from the world. */
export type SendMessageDeps = {
  storage: Storage;
  cipher: Cipher;
  blobs: BlobStore;
  ids: Ids;
  clock: Clock;
  secrets: Secrets;
  templates: MailTemplates;
  publicUrl: string;
  /**
   * Scans each attachment as it streams in (ClamAV when configured). A file found
   * infected stops the send: nothing of the message is kept, and the sender is told.
   */
  scanner?: Scanner | null;
  /**
   * How staff receive replies (the INTERNAL_DELIVERY setting, passed from the
   * composition root). With `smtp`, a reply to a staff account is also queued as an
   * `internal-delivery` mail carrying its content, for the council's mail server to
   * put in their usual mailbox; the outbox row is encrypted like every other. Default
   * `portal`: the reply waits in the portal only.
   */
  internalDelivery?: 'portal' | 'smtp';
  /**
   * Encrypted blobs of at most this many bytes (INLINE_BLOB_MAX_KB) are written as rows
   * in the send's own transaction, not put in `blobs` beforehand: one commit for the
   * whole message instead of a file and a folder fsync per blob (decision 0027). `blobs`
   * must then read those rows (core/blobs/with-inline.ts). 0 or absent: never.
   */
  inlineBlobMaxBytes?: number;
};

/** A file to send: its bytes arrive as a stream and are never held whole. */
export type OutgoingAttachment = {
  name: string;
  contentType: string;
  content: ReadableStream<Uint8Array>;
  /**
   * `file` (the default): a file the sender chose, counted against `maxAttachments`.
   * `inline`: an image the body shows in place (`cid:N`, N its position among the
   * files), not listed as a file. `body-part`: a part of a mail's body that could not
   * be placed, listed as a file. `original`: the mail as received, kept because it
   * could not be shown whole. None of the last three was chosen by the sender, so
   * none counts against the number of files; their bytes count against the total
   * size, except the original's (the gateway's message size limit bounds it).
   */
  kind?: 'file' | 'inline' | 'body-part' | 'original';
};

/** What the sender asked for. */
export type SendMessageInput = {
  senderId: string;
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  /** `safe-html` only for HTML already made safe (adapters/html/sanitise-html.ts makeHtmlSafe). */
  bodyFormat: 'text' | 'safe-html';
  /**
   * The files, in order. An async iterable lets a streamed upload hand over each file
   * as it arrives (the next one exists only once the previous one has been read).
   */
  attachments: OutgoingAttachment[] | AsyncIterable<OutgoingAttachment>;
  readOnly: boolean;
  /**
   * The recipient must prove a second factor in the session that opens it (step-up);
   * one who has none sets one up first. Off when not given.
   */
  secondFactorRequired?: boolean;
  /** An explicit end of access; otherwise `accessDays` (or the setting) from now. */
  accessEndsAt?: Date;
  accessDays?: number;
  classification: Classification | null;
  source: MessageSource;
  inReplyToId?: string | null;
  dedupeKey?: string | null;
  ip?: string | null;
  /**
   * Audit events that belong with this message, committed in its transaction before
   * its own (the gateway's decision about the mail: one commit, not two).
   */
  alsoAudit?: AuditEntry[];
};

/** The outcome: the new message, or the problems with the input, by field. */
export type SendMessageResult =
  | { ok: true; messageId: string; deliveryIds: string[] }
  | {
      ok: false;
      /** The problems by field (`_` for none in particular), as codes the interface words. */
      issues: SendIssues;
      /** Set when a file was found infected (the gateway answers 554, not "too big"). */
      infected?: true;
      /** What was wrong with the files (also in `issues.attachments`). */
      fileProblem?: FileProblem;
    };

/** Why the files of a message were refused. The limits count files only, never the text. */
export type FileProblem =
  | { code: 'too-many-files'; max: number }
  | { code: 'too-large'; maxBytes: number }
  | { code: 'infected'; fileName: string };

/** Limits that apply to every message (settable by an admin). */
export type SendLimits = Pick<
  Settings,
  'maxAttachments' | 'maxTotalBytes' | 'accessDays' | 'retentionDays' | 'orgName'
> &
  Partial<Pick<Settings, 'maxRecipients' | 'emailLanguage'>>;

/**
 * One problem with a message to send, as a code with its values; each interface words
 * it from the string tables (`strings.compose.sendIssues`), the CLI and the gateway in
 * English, the portal in the reader's language.
 */
export type SendIssue =
  | { code: 'recipient-invalid'; address: string; problem: EmailProblem }
  | { code: 'no-recipients' }
  | { code: 'too-many-recipients'; max: number }
  | { code: 'subject-missing' }
  | { code: 'subject-too-long'; max: number }
  | { code: 'subject-not-one-line' }
  | { code: 'body-too-long' }
  | { code: 'access-end-past' }
  | { code: 'access-end-too-late'; latest: Date }
  | { code: 'too-many-files'; max: number }
  | { code: 'too-large'; maxBytes: number }
  | { code: 'infected'; fileName: string }
  | { code: 'nobody-to-reply-to' };

/** The codes of `SendIssue`, for tests and tables that must name every one. */
export const SEND_ISSUE_CODES = [
  'recipient-invalid',
  'no-recipients',
  'too-many-recipients',
  'subject-missing',
  'subject-too-long',
  'subject-not-one-line',
  'body-too-long',
  'access-end-past',
  'access-end-too-late',
  'too-many-files',
  'too-large',
  'infected',
  'nobody-to-reply-to',
] as const satisfies ReadonlyArray<SendIssue['code']>;

/** Problems by field: `to`, `cc`, `subject`, `body`, `attachments`, `accessEndsAt` or `_`. */
export type SendIssues = Record<string, SendIssue>;

/** Recipients of one message when the settings do not say (the `maxRecipients` default). */
const DEFAULT_MAX_RECIPIENTS = 100;
const MAX_SUBJECT = 300;
/** The longest message text, in bytes: the file limits do not count it. */
export const MAX_TEXT_BYTES = 20 * 1024 * 1024;
const encoder = new TextEncoder();

/** Checks addresses and sizes; returns normalised recipients or the problems. */
function validate(input: SendMessageInput, limits: SendLimits, now: Date) {
  const issues: SendIssues = {};
  const recipients: Array<{ email: string; kind: 'to' | 'cc' }> = [];
  const seen = new Set<string>();
  for (const [field, kind] of [
    ['to', 'to'],
    ['cc', 'cc'],
  ] as const) {
    for (const raw of input[field]) {
      if (raw.trim() === '') continue;
      const result = normaliseEmail(raw);
      if (!result.ok) {
        issues[field] = { code: 'recipient-invalid', address: raw.trim(), problem: result.problem };
        continue;
      }
      const key = emailKey(result.email);
      if (seen.has(key)) continue;
      seen.add(key);
      recipients.push({ email: result.email, kind });
    }
  }
  if (recipients.length === 0 && !issues.to) issues.to = { code: 'no-recipients' };
  const maxRecipients = limits.maxRecipients ?? DEFAULT_MAX_RECIPIENTS;
  if (recipients.length > maxRecipients)
    issues.to = { code: 'too-many-recipients', max: maxRecipients };
  if (cleanLine(input.subject) === '') issues.subject = { code: 'subject-missing' };
  else if (input.subject.length > MAX_SUBJECT)
    issues.subject = { code: 'subject-too-long', max: MAX_SUBJECT };
  if (/[\r\n]/.test(input.subject)) issues.subject = { code: 'subject-not-one-line' };
  if (
    Array.isArray(input.attachments) &&
    input.attachments.filter(isChosenFile).length > limits.maxAttachments
  ) {
    issues.attachments = { code: 'too-many-files', max: limits.maxAttachments };
  }
  // The text is not a file: the file limits never count it. It has its own bound, far
  // above any form's (a form field stops at 1 MiB), against a mail built to be huge.
  if (encoder.encode(input.body).byteLength > MAX_TEXT_BYTES) {
    issues.body = { code: 'body-too-long' };
  }
  if (input.accessEndsAt !== undefined && input.accessEndsAt.getTime() <= now.getTime()) {
    issues.accessEndsAt = { code: 'access-end-past' };
  }
  // However the period is given, it may not outlast the council's retention (nor ten years).
  const latest = latestAllowedAccessEnd({ sentAt: now, settings: limits });
  const chosenEnd =
    input.accessEndsAt ?? (input.accessDays === undefined ? null : addDays(now, input.accessDays));
  if (chosenEnd && chosenEnd.getTime() > latest.getTime()) {
    issues.accessEndsAt = { code: 'access-end-too-late', latest };
  }
  return { issues, recipients };
}

/**
 * Sends a secure message: validates, encrypts body and attachments into the blob
 * store, then writes message, deliveries, attachments, link tokens, notification
 * mails and audit events in ONE transaction. If anything fails, nothing of the
 * message remains (blobs already written are removed) and the error is rethrown.
 */
export async function sendMessage(
  deps: SendMessageDeps,
  limits: SendLimits,
  input: SendMessageInput,
): Promise<SendMessageResult> {
  const now = deps.clock.now();
  const { issues, recipients } = validate(input, limits, now);
  if (Object.keys(issues).length > 0) {
    return issues.attachments
      ? { ok: false, issues, fileProblem: { code: 'too-many-files', max: limits.maxAttachments } }
      : { ok: false, issues };
  }

  const sender = await deps.storage.repos.accounts.findById({ id: input.senderId });
  if (sender?.status !== 'active') throw new NotFoundError('The sending account');

  const messageId = deps.ids.newId();
  const writtenBlobs: string[] = [];
  const inlineBlobs: Array<{ id: string; data: Uint8Array }> = [];
  const inlineMax = deps.inlineBlobMaxBytes ?? 0;
  const storeEncrypted = async (content: ReadableStream<Uint8Array>): Promise<string> => {
    const id = deps.ids.newId();
    const ciphertext = await deps.cipher.encryptStream({ plaintext: content });
    const small = inlineMax > 0 ? await readUpTo(ciphertext, inlineMax) : null;
    if (small?.whole) {
      // Written with the message's rows below: nothing to remove if the send fails.
      inlineBlobs.push({ id, data: small.whole });
      return id;
    }
    writtenBlobs.push(id);
    await deps.blobs.put({ id, body: small?.rest ?? ciphertext });
    return id;
  };

  try {
    // The limit counts files only: "75 MB of files" means the files, whatever the text.
    const bodyBytes = encoder.encode(input.body).byteLength;
    const counter = { bytes: 0 };
    const bodyBlobId = await storeEncrypted(streamOf(encoder.encode(input.body)));
    const attachments: Attachment[] = [];
    const attachmentNames: string[] = [];
    let chosenFiles = 0;
    for await (const file of input.attachments) {
      // Counted as they come: a streamed list has no length to check beforehand.
      if (isChosenFile(file) && ++chosenFiles > limits.maxAttachments) {
        throw new TooManyAttachments();
      }
      const fileName = cleanLine(file.name) || 'file';
      attachmentNames.push(fileName);
      const before = counter.bytes;
      // The original of a mail kept because it could not be shown whole is counted in
      // the message's size but not against the sender's limit: the gateway's own
      // message size limit bounds it, and keeping it must not refuse a mail that fits.
      const limited = file.content.pipeThrough(
        countingLimit(
          counter,
          file.kind === 'original' ? Number.MAX_SAFE_INTEGER : limits.maxTotalBytes,
        ),
      );
      let blobId: string;
      if (deps.scanner) {
        // One branch to the scanner, one to encryption, read side by side; the file is
        // kept only if the scanner calls it clean.
        const [toScan, toStore] = limited.tee();
        const verdict = deps.scanner.scan({ content: toScan });
        const [stored, scanned] = await Promise.allSettled([storeEncrypted(toStore), verdict]);
        if (stored.status === 'rejected') throw stored.reason;
        if (scanned.status === 'rejected') throw scanned.reason;
        if (!scanned.value.clean) throw new InfectedAttachment(file.name);
        blobId = stored.value;
      } else {
        blobId = await storeEncrypted(limited);
      }
      attachments.push({
        id: deps.ids.newId(),
        messageId,
        draftId: null,
        nameEnc: await deps.cipher.encryptBytes({ plaintext: encoder.encode(fileName) }),
        contentType: file.contentType,
        size: counter.bytes - before,
        blobId,
        inline: file.kind === 'inline',
        createdAt: now,
      });
    }

    const accessEndsAt = input.accessEndsAt ?? addDays(now, input.accessDays ?? limits.accessDays);
    const message: Message = {
      id: messageId,
      senderId: sender.id,
      subjectEnc: await deps.cipher.encryptBytes({
        plaintext: encoder.encode(cleanLine(input.subject)),
      }),
      bodyBlobId,
      bodyFormat: input.bodyFormat,
      classification: input.classification,
      readOnly: input.readOnly,
      secondFactorRequired: input.secondFactorRequired ?? false,
      source: input.source,
      inReplyToId: input.inReplyToId ?? null,
      threadId: messageId,
      sizeBytes: bodyBytes + counter.bytes,
      createdAt: now,
      retainUntil: addDays(now, Math.max(limits.retentionDays, 0)),
      legalHold: false,
      dedupeKey: input.dedupeKey ?? null,
    };
    if (input.inReplyToId) {
      const parent = await deps.storage.repos.messages.findById({ id: input.inReplyToId });
      if (parent) message.threadId = parent.threadId;
    }

    // Everything that needs the cipher or the clock is prepared before the
    // transaction opens, so the transaction itself is only inserts.
    const prepared: PreparedDelivery[] = [];
    for (const r of recipients) {
      prepared.push(
        await prepareDelivery(deps, {
          email: r.email,
          kind: r.kind,
          senderName: sender.displayName,
          orgName: limits.orgName,
          accessEndsAt,
          emailLanguage: limits.emailLanguage,
        }),
      );
    }

    const internalMails = await prepareInternalDeliveries(deps, {
      input,
      sender,
      prepared,
      orgName: limits.orgName,
      emailLanguage: limits.emailLanguage,
      attachmentNames,
    });

    const deliveryIds = await deps.storage.transaction(async (repos) => {
      const ids: string[] = [];
      for (const blob of inlineBlobs) await repos.inlineBlobs.insert({ ...blob, at: now });
      await repos.messages.insert({ message });
      for (const p of prepared) {
        const delivery = await insertDelivery(deps, repos, {
          prepared: p,
          messageId,
          accessEndsAt,
          now,
        });
        ids.push(delivery.id);
      }
      for (const attachment of attachments) await repos.attachments.insert({ attachment });
      for (const mail of internalMails) await repos.outbox.insert({ mail });
      for (const entry of input.alsoAudit ?? []) await recordAudit(deps, repos, entry);
      await recordAudit(deps, repos, {
        action: 'message.send',
        actorId: sender.id,
        actorLabel: sender.email,
        ip: input.ip ?? null,
        targetType: 'message',
        targetId: messageId,
        details: {
          recipients: prepared.length,
          attachments: attachments.length,
          bytes: bodyBytes + counter.bytes,
          source: input.source,
          readOnly: input.readOnly,
          secondFactorRequired: input.secondFactorRequired ?? false,
        },
      });
      if (message.inReplyToId) {
        // Recorded against the original, so its sender's tracking counts the reply.
        await recordAudit(deps, repos, {
          action: 'message.reply',
          actorId: sender.id,
          actorLabel: sender.email,
          ip: input.ip ?? null,
          targetType: 'message',
          targetId: message.inReplyToId,
          details: { replyId: messageId },
        });
      }
      return ids;
    });
    return { ok: true, messageId, deliveryIds };
  } catch (error) {
    await Promise.allSettled(writtenBlobs.map((id) => deps.blobs.delete({ id })));
    if (error instanceof InfectedAttachment) {
      const problem = { code: 'infected', fileName: error.fileName } as const;
      return { ok: false, infected: true, fileProblem: problem, issues: { attachments: problem } };
    }
    if (error instanceof TooManyAttachments) {
      const problem = { code: 'too-many-files', max: limits.maxAttachments } as const;
      return { ok: false, fileProblem: problem, issues: { attachments: problem } };
    }
    if (error instanceof SizeLimitExceeded) {
      const problem = { code: 'too-large', maxBytes: limits.maxTotalBytes } as const;
      return { ok: false, fileProblem: problem, issues: { attachments: problem } };
    }
    throw error;
  }
}

/**
 * With `internalDelivery: 'smtp'`, the content of a reply for each recipient who is
 * staff, as an encrypted outbox row; otherwise none. Prepared before the transaction
 * (encryption must not hold the database). Attachments stay in the portal: the mail
 * names them and links to the copy there.
 */
async function prepareInternalDeliveries(
  deps: SendMessageDeps,
  args: {
    input: SendMessageInput;
    sender: Account;
    prepared: PreparedDelivery[];
    orgName: string;
    emailLanguage?: Settings['emailLanguage'] | undefined;
    attachmentNames: string[];
  },
): Promise<OutboxMail[]> {
  if (deps.internalDelivery !== 'smtp' || !args.input.inReplyToId) return [];
  const mails: OutboxMail[] = [];
  for (const p of args.prepared) {
    const account = await deps.storage.repos.accounts.findByEmailKey({
      emailKey: emailKey(p.email),
    });
    if (account?.kind !== 'staff' || account.status !== 'active') continue;
    const rendered = deps.templates.internalDelivery(
      {
        orgName: args.orgName,
        senderName: args.sender.displayName,
        senderEmail: args.sender.email,
        subject: cleanLine(args.input.subject),
        body: args.input.body,
        attachmentNames: args.attachmentNames,
        link: `${deps.publicUrl}/staff/inbox/${p.deliveryId}`,
      },
      chooseMailLanguage({ account, setting: args.emailLanguage }),
    );
    mails.push(
      await prepareOutboxMail(deps, {
        kind: 'internal-delivery',
        mail: {
          to: account.email,
          ...rendered,
          headers: { 'Auto-Submitted': 'auto-generated' },
        },
      }),
    );
  }
  return mails;
}

/** A file the sender chose (not an inline image of the body, not the original mail). */
function isChosenFile(file: OutgoingAttachment): boolean {
  return (file.kind ?? 'file') === 'file';
}

/** A streamed list of files went past `maxAttachments`. */
class TooManyAttachments extends Error {}

class InfectedAttachment extends Error {
  constructor(readonly fileName: string) {
    super('An attachment is infected.');
  }
}

/**
 * Reads `stream` while it stays within `max` bytes. If it ends within them, `whole`
 * holds every byte; otherwise `rest` is a stream of every byte, the ones already read
 * first, so a large blob is still streamed and never held whole.
 */
async function readUpTo(
  stream: ReadableStream<Uint8Array>,
  max: number,
): Promise<
  { whole: Uint8Array; rest?: undefined } | { whole?: undefined; rest: ReadableStream<Uint8Array> }
> {
  const reader = stream.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    head.push(value);
    size += value.byteLength;
    if (size > max) {
      return {
        rest: new ReadableStream<Uint8Array>({
          pull: async (controller) => {
            const next = head.shift();
            if (next) {
              controller.enqueue(next);
              return;
            }
            const { done: ended, value: more } = await reader.read();
            if (ended) controller.close();
            else controller.enqueue(more);
          },
          cancel: (reason) => reader.cancel(reason),
        }),
      };
    }
  }
  const whole = new Uint8Array(size);
  let at = 0;
  for (const part of head) {
    whole.set(part, at);
    at += part.byteLength;
  }
  return { whole };
}
