/**
 * A message as an `.eml` file for a subject-access export: what the file says, and the
 * port that writes it (nodemailer's MailComposer in adapters/subjects/eml-writer.ts).
 * The body and each attachment are opened (decrypted) only when the writer reaches
 * them, so a message of any size needs little memory.
 */

/** Something the writer opens only when it gets to it. */
export type Opener = () => Promise<ReadableStream<Uint8Array>>;

/** One attached file. */
export type EmlAttachment = { name: string; contentType: string; open: Opener };

/** Everything an `.eml` file says. */
export type EmlMessage = {
  from: { name: string; email: string };
  to: string[];
  cc: string[];
  subject: string;
  date: Date;
  /** Becomes `<id@sealpost.invalid>`: stable, and never a real host. */
  messageId: string;
  inReplyToId: string | null;
  body: { format: 'text' | 'html'; open: Opener };
  attachments: EmlAttachment[];
  /** Extra `X-Sealpost-*` facts, such as the state of access; ASCII values only. */
  extraHeaders: Record<string, string>;
};

/** Writes messages as RFC 5322 / MIME `.eml` files. */
export type EmlWriter = {
  /**
   * The `.eml` file of `message`, produced as it is read; header values are encoded
   * as MIME requires, and any non-ASCII `extraHeaders` value is left out.
   */
  write(message: EmlMessage): ReadableStream<Uint8Array>;
};
