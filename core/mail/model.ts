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
  | 'email-code';

/** The email itself, as the Mailer sends it. Held encrypted while it waits in the outbox. */
export type MailContent = {
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** Extra headers; values are checked for CR/LF before sending. */
  headers: Record<string, string>;
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
