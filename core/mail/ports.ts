import type { MailFailure } from './failure.ts';
import type { MailContent } from './model.ts';

/** The result of one attempt to hand an email to a transport. */
export type SendResult =
  | { ok: true }
  /**
   * `permanent` failures (a refused address) are not retried. `error` says why, as a
   * code (core/mail/failure.ts), or as a transport's own text, kept as data.
   */
  | { ok: false; permanent: boolean; error: MailFailure | string };

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

/** What changed about an account's second factor (the subject of its notice). */
export type SecondFactorChange =
  | 'enrolled'
  | 'replaced'
  | 'removed'
  | 'passkey-added'
  | 'passkey-removed'
  | 'passkey-renamed'
  /** An administrator cleared the app and every passkey (the person lost them). */
  | 'reset';

/**
 * The language an email is written in, as a code the views turn into words: one
 * language (a BCP 47 primary tag: `en`, `cy`), or `en+cy`, Welsh and English in one
 * email (Welsh first, as the Welsh Language Standards ask). `chooseMailLanguage`
 * (core/mail/language.ts) picks it.
 */
export type MailLanguage = 'en' | 'cy' | 'en+cy';

/**
 * The wording of every email Sealpost sends, kept out of the core so it can be
 * translated and restyled (implemented in views/mail). Pure functions: no I/O. Each
 * takes the email's `language` after its values.
 */
export type MailTemplates = {
  /** The plain notice of a new secure message: never any of its content. */
  notification(
    args: {
      orgName: string;
      senderName: string;
      recipientEmail: string;
      link: string;
      publicUrl: string;
    },
    language: MailLanguage,
  ): RenderedMail;
  /** Tells an originator that a recipient asks for more time or a forwarded copy. */
  accessRequested(
    args: {
      orgName: string;
      requesterEmail: string;
      kind: 'extension' | 'forward' | 'link';
      link: string;
    },
    language: MailLanguage,
  ): RenderedMail;
  /**
   * A one-time code that proves the person reads this mailbox now: to set a first
   * password (`register`) or to ask a sender for access (`access-request`). Says what
   * it is for, how long it works, and that nobody from the council will ask for it.
   */
  emailCode(
    args: {
      orgName: string;
      code: string;
      purpose: 'register' | 'access-request';
      minutes: number;
      publicUrl: string;
    },
    language: MailLanguage,
  ): RenderedMail;
  /**
   * Invites a person to act for a generic address as themselves: who invited them (the
   * address), and a link to register (with proof of their own mailbox) or, when they
   * already have an account, to sign in and accept.
   */
  mailboxInvitation(
    args: {
      orgName: string;
      mailboxEmail: string;
      link: string;
      registered: boolean;
      publicUrl: string;
      /** How long the registration link works. */
      linkDays: number;
    },
    language: MailLanguage,
  ): RenderedMail;
  /** Tells a requester what the originator decided. */
  accessDecision(
    args: {
      orgName: string;
      granted: boolean;
      accessEndsAt: Date | null;
      link: string;
    },
    language: MailLanguage,
  ): RenderedMail;
  /**
   * Tells a person their account was locked after failed sign-ins, with a link to
   * reset the password (which also unlocks it). Says nothing else about the account.
   */
  lockout(
    args: {
      orgName: string;
      link: string;
      publicUrl: string;
      lockedMinutes: number;
      linkMinutes: number;
    },
    language: MailLanguage,
  ): RenderedMail;
  /** A link to choose a new password, asked for on the "Forgotten your password?" page. */
  reset(
    args: {
      orgName: string;
      link: string;
      publicUrl: string;
      linkMinutes: number;
    },
    language: MailLanguage,
  ): RenderedMail;
  /**
   * Tells a person that two-step verification on their account was turned on, moved to
   * another app, or turned off, that a passkey was added, removed or renamed, or that
   * an administrator reset them all; and what to do if it was not them. No link.
   */
  secondFactorChanged(
    args: {
      orgName: string;
      change: SecondFactorChange;
      publicUrl: string;
    },
    language: MailLanguage,
  ): RenderedMail;
  /** A new staff member's link to set their first password. */
  setPassword(
    args: {
      orgName: string;
      name: string;
      link: string;
      publicUrl: string;
      linkDays: number;
    },
    language: MailLanguage,
  ): RenderedMail;
  /**
   * A reply to a staff member, delivered into their usual mailbox through the
   * council's mail server (INTERNAL_DELIVERY=smtp): it carries the subject and text;
   * attachments are named and stay in the portal behind `link`.
   */
  internalDelivery(
    args: {
      orgName: string;
      senderName: string;
      senderEmail: string;
      subject: string;
      body: string;
      attachmentNames: string[];
      link: string;
    },
    language: MailLanguage,
  ): RenderedMail;
  /**
   * Tells a sender that some recipients have not opened a message `days` after it was
   * sent: it names them and the date, never the subject or any content, because it
   * travels as ordinary email. `deleted` when their copies were then deleted
   * (UNRETRIEVED_ACTION=delete); `link` is the sender's tracking page of the message.
   */
  unretrieved(
    args: {
      orgName: string;
      /** The addresses that never opened it. */
      recipients: string[];
      sentAt: Date;
      /** `unretrievedNoticeDays`. */
      days: number;
      deleted: boolean;
      link: string;
    },
    language: MailLanguage,
  ): RenderedMail;
  /**
   * The readable part of a delivery status notification: the mail with `subject`,
   * received at `arrivalDate`, did not reach these recipients; each with the server's
   * reply and whether the refusal was only temporary (then: send it to them again).
   */
  deliveryReport(
    args: {
      subject: string;
      arrivalDate: Date;
      recipients: Array<{ address: string; temporary: boolean; reply: string }>;
    },
    language: MailLanguage,
  ): RenderedMail;
};
