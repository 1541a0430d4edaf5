/** Why Sealpost sends an email; every kind goes through the durable outbox. */
export type MailKind =
  | 'notification'
  | 'register'
  | 'lockout'
  | 'reset'
  | 'set-password'
  | 'access-decision'
  | 'access-request'
  | 'unretrieved'
  | 'internal-delivery'
  | 'email-code'
  /** An invitation to act for a generic address (docs/decisions/0028). */
  | 'mailbox-invitation'
  /** A delivery status notification (RFC 3464) to the sender of a mail the relay partly refused. */
  | 'delivery-report'
  /** A notice that the account's second factor was set up, replaced or removed. */
  | 'second-factor';

/** The email itself, as the Mailer sends it. Held encrypted while it waits in the outbox. */
export type MailContent = {
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** Extra headers; values are checked for CR/LF before sending. */
  headers: Record<string, string>;
  /**
   * Set for a delivery status notification: the transport sends it as an RFC 3464
   * multipart/report (`text` as its readable part) from the null sender, so a failure
   * of the report itself never bounces.
   */
  report?: DeliveryReport;
};

/**
 * The machine-readable part of a delivery status notification (RFC 3464): what the
 * `message/delivery-status` and `text/rfc822-headers` parts say.
 */
export type DeliveryReport = {
  /** The host name that reports (`Reporting-MTA: dns; <host>`). */
  reportingMta: string;
  /** When the gateway received the mail (ISO 8601), for `Arrival-Date`. */
  arrivalDate: string;
  /** Each recipient the mail did not reach. */
  recipients: Array<{
    /** The address as the sender gave it (`Final-Recipient: rfc822; <address>`). */
    address: string;
    /** The RFC 3463 status, e.g. `5.1.1`, or `4.2.2` for a refusal that was only temporary. */
    status: string;
    /** The receiving server's reply, e.g. `550 5.1.1 No such user` (`Diagnostic-Code: smtp; ...`). */
    diagnostic: string;
  }>;
  /** The header block of the mail as received (one line per field, CRLF), for `text/rfc822-headers`. */
  originalHeaders: string;
};

/**
 * One email waiting to be sent, written in the same transaction as the change that
 * caused it, so a mail server that is down loses nothing.
 */
export type OutboxMail = {
  id: string;
  kind: MailKind;
  /** Recipient address, clear so admins can see failed mail without decrypting. */
  to: string;
  /** `MailContent` as JSON, encrypted by the Cipher. */
  payloadEnc: Uint8Array;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  /** While `sending`, another worker may take it over only after this instant. */
  leaseUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
};
