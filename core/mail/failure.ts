/**
 * Why an email was not sent, as codes: the admin's "failed emails" page words them in
 * the admin's language (views/strings, `admin.mail.errors`). A `detail` is data, never
 * our words: the mail server's own reply, a system error code, a header's name.
 */

/** The reasons a mail fails one attempt; a `detail` goes with those marked so. */
export const MAIL_FAILURE_CODES = [
  /** The subject has a line break (it could add headers). */
  'subject-line-break',
  /** The recipient is not one plain email address. */
  'recipient-not-plain',
  /** A header name is not valid. */
  'header-name-invalid',
  /** A header the transport sets was given; detail: its name. */
  'header-reserved',
  /** A header value has a line break; detail: the header's name. */
  'header-line-break',
  /** The stored (encrypted) mail is damaged or was tampered with. */
  'stored-damaged',
  /** The stored mail could not be decrypted (a key missing or not unlocked). */
  'stored-undecryptable',
  /** The stored mail decrypted to something that is not a mail. */
  'stored-malformed',
  /** The transport threw instead of answering (a bug or an unexpected state). */
  'transport-threw',
  /** The outbox id cannot become a Message-ID or a file name. */
  'bad-id',
  /** The mail could not be put together as a MIME message. */
  'build-failed',
  /** The outbox folder could not be written; detail: the system's error code. */
  'folder-unwritable',
  /** The SMTP server refused our login; detail: the error code and status. */
  'smtp-login-refused',
  /** The SMTP server did not complete TLS; detail: the error code and status. */
  'smtp-tls-failed',
  /** The SMTP server could not be reached or broke off; detail: the error code. */
  'smtp-unreachable',
  /** The mail could not be addressed (no usable sender or recipient); detail: code. */
  'smtp-unaddressable',
  /** Sending failed for a reason the transport did not name; detail: the code. */
  'smtp-failed',
  /** The SMTP server refused the mail for good; detail: its reply. */
  'smtp-refused',
  /** The SMTP server deferred the mail; detail: its reply. */
  'smtp-deferred',
  /** The SMTP server accepted the mail for no recipient. */
  'smtp-recipient-refused',
  /** Another transport's own text about the failure (an adapter's); detail: that text. */
  'transport-said',
  /** The transport failed without saying why. */
  'no-reason',
] as const;

/** One of MAIL_FAILURE_CODES. */
export type MailFailureCode = (typeof MAIL_FAILURE_CODES)[number];

/** Why one attempt failed; or, once retries ran out, how many and the last reason. */
export type MailFailure =
  | { code: MailFailureCode; detail?: string }
  | { code: 'gave-up'; attempts: number; last: MailFailure };

const MAX_DETAIL_LENGTH = 200;

/** Text from outside cut to one line of plain text, at most 200 characters ('' if blank). */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length > MAX_DETAIL_LENGTH ? `${line.slice(0, MAX_DETAIL_LENGTH - 3)}...` : line;
}

/** A failure with a detail, the detail cut to one short line. */
export function mailFailure(code: MailFailureCode, detail?: string): MailFailure {
  const line = detail === undefined ? '' : oneLine(detail);
  return line === '' ? { code } : { code, detail: line };
}

/**
 * A transport's answer as a failure: ours as it is, or the text of another transport
 * (an adapter's `Mailer` may answer in words of its own), kept as data.
 */
export function asMailFailure(error: MailFailure | string): MailFailure {
  if (typeof error !== 'string') return error;
  const line = oneLine(error);
  return line === '' ? { code: 'no-reason' } : { code: 'transport-said', detail: line };
}

/**
 * The failure as the outbox row's `lastError` keeps it: `code`, `code:detail`, or
 * `gave-up:<attempts>:<the last failure>`. Text in the same column written by older
 * versions is not in this form (`decodeMailFailure` gives null for it).
 */
export function encodeMailFailure(failure: MailFailure): string {
  if (failure.code === 'gave-up') {
    return `gave-up:${failure.attempts}:${encodeMailFailure(failure.last)}`;
  }
  return failure.detail === undefined ? failure.code : `${failure.code}:${failure.detail}`;
}

/** A stored `lastError` read back; null for text an older version wrote (show it as is). */
export function decodeMailFailure(stored: string): MailFailure | null {
  const gaveUp = /^gave-up:(\d+):(.*)$/s.exec(stored);
  if (gaveUp) {
    const last = decodeMailFailure(gaveUp[2] ?? '');
    return last ? { code: 'gave-up', attempts: Number(gaveUp[1]), last } : null;
  }
  const colon = stored.indexOf(':');
  const code = colon === -1 ? stored : stored.slice(0, colon);
  if (!(MAIL_FAILURE_CODES as readonly string[]).includes(code)) return null;
  return colon === -1
    ? { code: code as MailFailureCode }
    : { code: code as MailFailureCode, detail: stored.slice(colon + 1) };
}

/**
 * The data of a failure, for a protocol reply that passes it on (the gateway's relay):
 * the server's reply or error code when there is one, else the code.
 */
export function failureDetail(error: MailFailure | string): string {
  const failure = asMailFailure(error);
  if (failure.code === 'gave-up') return failureDetail(failure.last);
  return failure.detail ?? failure.code;
}
