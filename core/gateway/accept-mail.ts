import { isAllowedAddress } from '../access/allowed-domains.ts';
import { createStaffAccount } from '../accounts/create-staff.ts';
import { emailKey, emailLocalPart, normaliseEmail } from '../accounts/email.ts';
import type { Account } from '../accounts/model.ts';
import type { AuditEntry } from '../audit/model.ts';
import { recordAudit } from '../audit/record.ts';
import {
  type SendIssues,
  type SendLimits,
  type SendMessageDeps,
  type SendMessageResult,
  sendMessage,
} from '../messages/send-message.ts';
import type { Settings } from '../settings/model.ts';
import { cleanLineMax } from '../shared/clean-text.ts';
import { gatewayDedupeKey } from './dedupe.ts';
import type { Policy, PolicyDecision, ReceivedMail, Relay } from './ports.ts';
import { relayMail } from './relay-mail.ts';

/** What accepting inbound mail needs: everything sending needs, the policy and the relay. */
export type AcceptMailDeps = SendMessageDeps & {
  /** Decides encrypt, relay or reject (the plugins behind core's Policy port). */
  policy: Policy;
  /** Where mail that needs no protection goes; null when no relay is configured. */
  relay: Relay | null;
};

/** The settings in force for one mail. */
export type GatewaySettings = SendLimits & Pick<Settings, 'internalDomains' | 'allowSubdomains'>;

/**
 * What became of a mail, for the SMTP adapter to answer with. `accepted` is given
 * only once everything is durable; `deferred` asks the client to try again later
 * (SMTP 4xx); `rejected` is final (SMTP 5xx) with a sentence for the sender.
 */
export type AcceptOutcome =
  | {
      kind: 'accepted';
      action: 'encrypt' | 'relay';
      /** Ids of the secure messages stored now. */
      stored: string[];
      /** Secure messages that an earlier copy of this mail had already stored. */
      duplicates: number;
      /** Recipients the mail was relayed to. */
      relayed: number;
      /**
       * Recipients the relay refused while it took the mail for the others, and whether
       * the sender was sent a delivery report naming them (not for the null sender).
       * Absent when every recipient was reached.
       */
      unreached?: { count: number; reported: boolean };
    }
  | { kind: 'deferred'; code: 451; refusal: GatewayRefusal }
  | { kind: 'rejected'; code: 550 | 552 | 554; refusal: GatewayRefusal };

/**
 * Why a mail is refused or put off, as a code: the gateway adapter words it as SMTP
 * reply text (adapters/gateway/smtp-replies.ts). `not-sendable` carries sendMessage's
 * problems; `policy-rejected` the policy's own sentence ('' for none); the relay ones
 * the onward mail server's answer, passed on as it is.
 */
export type GatewayRefusal =
  | { reason: 'sender-not-internal' }
  | { reason: 'sender-cannot-send' }
  | { reason: 'not-sendable'; issues: SendIssues }
  | { reason: 'policy-rejected'; message: string }
  | { reason: 'no-relay' }
  | { reason: 'relay-unavailable'; detail: string }
  | { reason: 'relay-refused'; detail: string; afterSecure: boolean };

const MAX_SUBJECT = 300;
const MAX_NAME = 100;

/** The policy's verdict, with `abstain` (no plugin had an opinion) meaning relay. */
async function decide(policy: Policy, mail: ReceivedMail): Promise<PolicyDecision> {
  const decision = await policy.evaluate({ mail: mail.inbound });
  return decision.action === 'abstain' ? { action: 'relay', reasons: decision.reasons } : decision;
}

/** One line of plain text, at most `max` characters, invisible and bidi controls removed. */
const oneLine = cleanLineMax;

/** The subject of the secure message: the policy's rewrite, or the mail's own. */
function secureSubject(decision: PolicyDecision, mail: ReceivedMail): string {
  const subject =
    decision.action === 'encrypt' && decision.subject !== undefined
      ? decision.subject
      : mail.inbound.subject;
  return oneLine(subject, MAX_SUBJECT) || '(no subject)';
}

type SenderResult = { ok: true; account: Account } | { ok: false; refusal: GatewayRefusal };

/**
 * The staff account the secure message comes from: the envelope sender (or, for the
 * null sender, the From header), which must be in the council's domains. On first use
 * the account is created without a password, as a sender only: it can send through the
 * gateway at once, and signs in to the portal only after an admin sends a set-password
 * link.
 */
async function findOrCreateSender(
  deps: AcceptMailDeps,
  settings: GatewaySettings,
  mail: ReceivedMail,
): Promise<SenderResult> {
  const refusal = { ok: false, refusal: { reason: 'sender-not-internal' } } as const;
  const raw = mail.envelopeFrom !== '' ? mail.envelopeFrom : (mail.fromHeader?.address ?? '');
  const address = normaliseEmail(raw);
  if (!address.ok) return refusal;
  const internal = isAllowedAddress({
    email: address.email,
    allowedDomains: settings.internalDomains,
    allowSubdomains: settings.allowSubdomains,
  });
  if (!internal) return refusal;

  const key = emailKey(address.email);
  let account = await deps.storage.repos.accounts.findByEmailKey({ emailKey: key });
  if (!account) {
    const header = mail.fromHeader;
    const headerName =
      header && emailKey(header.address) === key
        ? oneLine(header.name.replace(/[<>]/g, ''), MAX_NAME)
        : '';
    const created = await createStaffAccount(deps, {
      email: address.email,
      name: headerName || emailLocalPart(address.email),
      role: 'sender',
      actorId: null,
      actorLabel: 'gateway',
      ip: mail.ip,
    });
    // Another mail from the same new sender may have created it a moment ago.
    account = created.ok
      ? created.account
      : await deps.storage.repos.accounts.findByEmailKey({ emailKey: key });
    if (!account) return refusal;
  }
  const canSend =
    account.kind === 'staff' &&
    account.status === 'active' &&
    (account.role === 'sender' || account.role === 'admin');
  if (!canSend) {
    return { ok: false, refusal: { reason: 'sender-cannot-send' } };
  }
  return { ok: true, account };
}

/** One secure message to make of the mail: the visible recipients, or one blind copy. */
type Part = { label: string; to: string[]; cc: string[] };

/**
 * Splits the external recipients into messages. Those named in the To or Cc header
 * share one message (they can see each other anyway); every other envelope recipient
 * (a Bcc, or a member of an expanded list) gets a message of their own, because a
 * secure message shows all its recipients to each of them.
 */
function splitParts(mail: ReceivedMail, external: string[]): Part[] {
  const inTo = new Set(mail.toHeader.map(emailKey));
  const inCc = new Set(mail.ccHeader.map(emailKey));
  const visible: Part = { label: '', to: [], cc: [] };
  const parts: Part[] = [];
  for (const address of external) {
    const key = emailKey(address);
    if (inTo.has(key)) visible.to.push(address);
    else if (inCc.has(key)) visible.cc.push(address);
    else parts.push({ label: `bcc:${key}`, to: [address], cc: [] });
  }
  return visible.to.length + visible.cc.length > 0 ? [visible, ...parts] : parts;
}

/** Turns sendMessage's problems into a refusal the sender can act on. */
function refusalFor(issues: SendIssues, infected: boolean): AcceptOutcome {
  const tooBig = issues.attachments !== undefined || issues.body !== undefined;
  return {
    kind: 'rejected',
    // 554: refused for what it holds (malware), not for its size.
    code: infected ? 554 : tooBig ? 552 : 550,
    refusal: { reason: 'not-sendable', issues },
  };
}

/** Stores one part as a secure message; a copy stored by an earlier attempt counts as done. */
async function storePart(
  deps: AcceptMailDeps,
  settings: GatewaySettings,
  args: {
    mail: ReceivedMail;
    sender: Account;
    subject: string;
    part: Part;
    dedupeKey: string;
    /** Committed with the message, if it is stored now. */
    alsoAudit: AuditEntry[];
  },
): Promise<{ ok: true; messageId: string | null } | { ok: false; outcome: AcceptOutcome }> {
  const { mail, part } = args;
  const repos = deps.storage.repos;
  if (await repos.messages.findByDedupeKey({ dedupeKey: args.dedupeKey })) {
    return { ok: true, messageId: null };
  }
  const opened = mail.openAttachments();
  let result: SendMessageResult;
  try {
    result = await sendMessage(deps, settings, {
      senderId: args.sender.id,
      to: part.to,
      cc: part.cc,
      subject: args.subject,
      body: mail.body.content,
      bodyFormat: mail.body.format,
      attachments: mail.attachments.map((a, i) => ({
        name: a.name,
        contentType: a.contentType,
        kind: a.kind,
        content: opened.streams[i] as ReadableStream<Uint8Array>,
      })),
      readOnly: false,
      classification: null,
      source: 'gateway',
      dedupeKey: args.dedupeKey,
      ip: mail.ip,
      alsoAudit: args.alsoAudit,
    });
  } catch (error) {
    // Two copies of one mail raced and the other committed first: the unique index on
    // the dedupe key refused ours, and the mail is stored once, as it should be.
    if (await repos.messages.findByDedupeKey({ dedupeKey: args.dedupeKey })) {
      return { ok: true, messageId: null };
    }
    throw error;
  } finally {
    opened.cancel();
  }
  if (!result.ok) {
    return { ok: false, outcome: refusalFor(result.issues, result.infected === true) };
  }
  return { ok: true, messageId: result.messageId };
}

/**
 * The gateway's use case: asks the policy what to do with an inbound mail and does it.
 *
 * - `reject`: refused with the policy's sentence.
 * - `relay` (or no opinion): passed on unchanged to the council's mail server.
 * - `encrypt`: each recipient outside the council's domains gets a secure message from
 *   the staff sender, attachments included, notification queued in the outbox; those
 *   inside receive the mail through the relay as normal.
 *
 * `accepted` means durable: sendMessage resolves only after its transaction committed
 * and its blobs are on disk, and the relay only after the council server's 250. Any
 * thrown error (database, disk, cipher) must become a 4xx, so the client retries;
 * a retry finds what the first attempt stored by its dedupe key and does not store it
 * twice. Secure messages are stored before relaying because storing is idempotent and
 * relaying is not: a failure in between repeats only the (de-duplicated) store.
 */
export async function acceptMail(
  deps: AcceptMailDeps,
  settings: GatewaySettings,
  mail: ReceivedMail,
): Promise<AcceptOutcome> {
  const decision = await decide(deps.policy, mail);
  const recipients = [...new Map(mail.envelopeTo.map((a) => [emailKey(a), a])).values()];
  const isInternal = (email: string) =>
    isAllowedAddress({
      email,
      allowedDomains: settings.internalDomains,
      allowSubdomains: settings.allowSubdomains,
    });
  // A team mailbox (decision 0028) is kept in the portal, not on the council's mail
  // server: a mail to be encrypted reaches it as a secure message, as an outside
  // address does, instead of being relayed.
  const teams =
    decision.action === 'encrypt'
      ? await teamMailboxKeys(deps, recipients.filter(isInternal))
      : new Set<string>();
  const internal = recipients.filter((a) => isInternal(a) && !teams.has(emailKey(a)));
  const external = recipients.filter((a) => !isInternal(a) || teams.has(emailKey(a)));

  const decided: AuditEntry = {
    action: 'gateway.decision',
    actorId: null,
    actorLabel: 'gateway',
    ip: mail.ip,
    targetType: null,
    targetId: null,
    details: {
      action: decision.action,
      reasons: oneLine(decision.reasons.join('; '), 500),
      internalRecipients: internal.length,
      externalRecipients: external.length - teams.size,
      teamRecipients: teams.size,
      attachments: mail.attachments.length,
    },
  };
  // The decision is recorded once per attempt: in the first secure message's own
  // transaction when one is stored (one commit per mail, not two), on its own otherwise.
  const decisionLog: DecisionLog = { entry: decided, isRecorded: false };
  const recordDecision = async () => {
    if (decisionLog.isRecorded) return;
    decisionLog.isRecorded = true;
    await recordAudit(deps, deps.storage.repos, decided);
  };

  if (decision.action === 'reject') {
    await recordDecision();
    return {
      kind: 'rejected',
      code: 550,
      refusal: { reason: 'policy-rejected', message: oneLine(decision.message, 300) },
    };
  }
  if (decision.action !== 'encrypt' || external.length === 0) {
    await recordDecision();
    // The envelope exactly as the client gave it.
    const relayed = await relayMail(deps, mail, mail.envelopeTo, false, settings.emailLanguage);
    if (!relayed.ok) return relayed.outcome;
    return {
      kind: 'accepted',
      action: 'relay',
      stored: [],
      duplicates: 0,
      relayed: relayed.relayed,
      ...(relayed.unreached ? { unreached: relayed.unreached } : {}),
    };
  }

  let outcome: AcceptOutcome;
  try {
    outcome = await encryptAndRelay(
      deps,
      settings,
      { mail, decision, external, internal },
      decisionLog,
    );
  } catch (error) {
    // The failure is what the client hears (a 4xx); the decision is kept if it can be.
    await recordDecision().catch(() => {});
    throw error;
  }
  // Refused, or only duplicates of an earlier attempt: the decision still leaves its trace.
  await recordDecision();
  return outcome;
}

/** Of `addresses` (inside the council), the email keys of team mailboxes. */
async function teamMailboxKeys(deps: AcceptMailDeps, addresses: string[]): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const address of addresses) {
    const account = await deps.storage.repos.accounts.findByEmailKey({
      emailKey: emailKey(address),
    });
    if (account?.sharedMailbox) keys.add(account.emailKey);
  }
  return keys;
}

/** The gateway's decision event, and whether a committed transaction holds it yet. */
type DecisionLog = { entry: AuditEntry; isRecorded: boolean };

/**
 * Stores each external part as a secure message, the decision's event going into the
 * first transaction that stores one, then relays the mail to the internal recipients.
 */
async function encryptAndRelay(
  deps: AcceptMailDeps,
  settings: GatewaySettings,
  args: { mail: ReceivedMail; decision: PolicyDecision; external: string[]; internal: string[] },
  decisionLog: DecisionLog,
): Promise<AcceptOutcome> {
  const { mail, decision } = args;
  const sender = await findOrCreateSender(deps, settings, mail);
  if (!sender.ok) return { kind: 'rejected', code: 550, refusal: sender.refusal };
  const subject = secureSubject(decision, mail);
  const stored: string[] = [];
  let duplicates = 0;
  for (const part of splitParts(mail, args.external)) {
    const dedupeKey = gatewayDedupeKey(mail, part.label, (value) =>
      deps.secrets.hashToken({ value }),
    );
    const result = await storePart(deps, settings, {
      mail,
      sender: sender.account,
      subject,
      part,
      dedupeKey,
      alsoAudit: decisionLog.isRecorded ? [] : [decisionLog.entry],
    });
    if (!result.ok) return result.outcome;
    if (result.messageId === null) duplicates++;
    else {
      stored.push(result.messageId);
      decisionLog.isRecorded = true;
    }
  }
  const relayed =
    args.internal.length > 0
      ? await relayMail(deps, mail, args.internal, true, settings.emailLanguage)
      : null;
  if (relayed && !relayed.ok) return relayed.outcome;
  return {
    kind: 'accepted',
    action: 'encrypt',
    stored,
    duplicates,
    relayed: relayed?.relayed ?? 0,
    ...(relayed?.unreached ? { unreached: relayed.unreached } : {}),
  };
}
