import type { MailContent } from './model.ts';

/** The result of one attempt to hand an email to a transport. */
export type SendResult =
  | { ok: true }
  /** `permanent` failures (a refused address) are not retried. */
  | { ok: false; permanent: boolean; error: string };

/** Hands one email to a transport (a folder of .eml files, or an SMTP server). */
export type Mailer = {
  /**
   * Sends `mail`. `id` is stable across retries and becomes the Message-ID, so a
   * transport that can (the outbox folder) makes a retry idempotent.
   */
  send(args: { id: string; mail: MailContent }): Promise<SendResult>;
  /** Closes connections; called once at shutdown. */
  close(): Promise<void>;
};

/** A rendered email body, before it is addressed. */
export type RenderedMail = { subject: string; text: string; html: string };

/**
 * The wording of every email Sealpost sends, kept out of the core so it can be
 * translated and restyled (implemented in views/mail). Pure functions: no I/O.
 */
export type MailTemplates = {
  /** The plain notice of a new secure message: never any of its content. */
  notification(args: {
    orgName: string;
    senderName: string;
    recipientEmail: string;
    link: string;
    publicUrl: string;
  }): RenderedMail;
  /** Tells an originator that a recipient asks for more time or a forwarded copy. */
  accessRequested(args: {
    orgName: string;
    requesterEmail: string;
    kind: 'extension' | 'forward' | 'link';
    link: string;
  }): RenderedMail;
  /**
   * A one-time code that proves the person reads this mailbox now: to set a first
   * password (`register`) or to ask a sender for access (`access-request`). Says what
   * it is for, how long it works, and that nobody from the council will ask for it.
   */
  emailCode(args: {
    orgName: string;
    code: string;
    purpose: 'register' | 'access-request';
    minutes: number;
    publicUrl: string;
  }): RenderedMail;
  /**
   * Invites a person to act for a generic address as themselves: who invited them (the
   * address), and a link to register (with proof of their own mailbox) or, when they
   * already have an account, to sign in and accept.
   */
  mailboxInvitation(args: {
    orgName: string;
    mailboxEmail: string;
    link: string;
    registered: boolean;
    publicUrl: string;
  }): RenderedMail;
  /** Tells a requester what the originator decided. */
  accessDecision(args: {
    orgName: string;
    granted: boolean;
    accessEndsAt: Date | null;
    link: string;
  }): RenderedMail;
  /**
   * Tells a person their account was locked after failed sign-ins, with a link to
   * reset the password (which also unlocks it). Says nothing else about the account.
   */
  lockout(args: {
    orgName: string;
    link: string;
    publicUrl: string;
    lockedMinutes: number;
    linkMinutes: number;
  }): RenderedMail;
  /** A link to choose a new password, asked for on the "Forgotten your password?" page. */
  reset(args: {
    orgName: string;
    link: string;
    publicUrl: string;
    linkMinutes: number;
  }): RenderedMail;
  /**
   * Tells a person that two-step verification on their account was turned on, moved to
   * another app, or turned off, that a passkey was added, removed or renamed, or that
   * an administrator reset them all; and what to do if it was not them. No link.
   */
  secondFactorChanged(args: {
    orgName: string;
    change:
      | 'enrolled'
      | 'replaced'
      | 'removed'
      | 'passkey-added'
      | 'passkey-removed'
      | 'passkey-renamed'
      | 'reset';
    publicUrl: string;
  }): RenderedMail;
  /** A new staff member's link to set their first password. */
  setPassword(args: {
    orgName: string;
    name: string;
    link: string;
    publicUrl: string;
    linkDays: number;
  }): RenderedMail;
  /**
   * A reply to a staff member, delivered into their usual mailbox through the
   * council's mail server (INTERNAL_DELIVERY=smtp): it carries the subject and text;
   * attachments are named and stay in the portal behind `link`.
   */
  internalDelivery(args: {
    orgName: string;
    senderName: string;
    senderEmail: string;
    subject: string;
    body: string;
    attachmentNames: string[];
    link: string;
  }): RenderedMail;
  /**
   * The readable part of a delivery status notification: the mail with `subject`,
   * received at `arrivalDate`, did not reach these recipients; each with the server's
   * reply and whether the refusal was only temporary (then: send it to them again).
   */
  deliveryReport(args: {
    subject: string;
    arrivalDate: Date;
    recipients: Array<{ address: string; temporary: boolean; reply: string }>;
  }): RenderedMail;
};
