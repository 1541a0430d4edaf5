/** What the gateway knows of an inbound mail when it asks the policy. */
export type InboundMail = {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  subject: string;
  /** Header name (lower-case) -> values, in order. */
  headers: Record<string, string[]>;
  /** The plain-text body, or text derived from the HTML body. */
  text: string;
  attachments: Array<{ name: string; contentType: string; size: number; text: string | null }>;
};

/** A policy's verdict on one mail. `abstain` leaves the decision to the next policy. */
export type PolicyDecision =
  | { action: 'encrypt'; reasons: string[]; subject?: string }
  | { action: 'relay'; reasons: string[] }
  | { action: 'reject'; reasons: string[]; message: string }
  | { action: 'abstain'; reasons: string[] };

/** Decides what the gateway does with an inbound mail (keyword, classification, DLP). */
export type Policy = {
  /** A short name for logs and the audit trail, e.g. `subject-keyword`. */
  name: string;
  /** Looks at `mail` and decides; never throws for ordinary content. */
  evaluate(args: { mail: InboundMail }): Promise<PolicyDecision>;
};

/** The verdict of a malware scan. */
export type ScanResult = { clean: true } | { clean: false; threat: string };

/** Scans an attachment before it is stored (ClamAV, ...). */
export type Scanner = {
  /** A short name for logs, e.g. `clamd`. */
  name: string;
  /** Reads all of `content` and says whether it is clean. Throws TemporaryFailure if the scanner is down. */
  scan(args: { content: ReadableStream<Uint8Array> }): Promise<ScanResult>;
};

/** How a relay attempt ended. A refused mail is a value, never a thrown error. */
export type RelayResult =
  | { ok: true }
  | {
      ok: false;
      /** True when the mail server refused the mail for good (5xx); false to try again later. */
      permanent: boolean;
      /** One plain sentence for the sender, never the message content. */
      reason: string;
    };

/** Passes mail that needs no protection on to the council's mail server, unchanged. */
export type Relay = {
  /**
   * Sends `raw` (the message exactly as received, headers and body byte for byte, in
   * the chunks it arrived in) with the given envelope. `from` is '' for the null sender.
   */
  send(args: { from: string; to: string[]; raw: readonly Uint8Array[] }): Promise<RelayResult>;
  /** Closes pooled connections. */
  close(): Promise<void>;
};

/** A part of an inbound mail that is stored as an attachment of the secure message. */
export type InboundAttachment = {
  name: string;
  contentType: string;
  /** Decoded size in bytes. */
  size: number;
};

/**
 * One inbound mail as the SMTP adapter hands it to the gateway use case: the
 * envelope, what was read from the MIME structure, the raw bytes for relaying, and
 * a way to stream the decoded attachments (in the order of `attachments`) without
 * holding them in memory.
 */
export type ReceivedMail = {
  /** Envelope sender (MAIL FROM); '' for the null sender. */
  envelopeFrom: string;
  /** Envelope recipients (RCPT TO), as given. */
  envelopeTo: string[];
  /** The Message-ID header, angle brackets included, or null when there is none. */
  messageId: string | null;
  /** SHA-256 (hex) of the raw bytes: stands in for a missing Message-ID in the duplicate check. */
  rawSha256: string;
  /** The From header's first address and display name, if any. */
  fromHeader: { address: string; name: string } | null;
  /** Addresses in the To and Cc headers (they decide `to` or `cc` for each delivery). */
  toHeader: string[];
  ccHeader: string[];
  /** What the policy sees. */
  inbound: InboundMail;
  /** The HTML body, or null when the mail has none. */
  html: string | null;
  /** Attachments in MIME order (inline images and embedded messages included). */
  attachments: InboundAttachment[];
  /**
   * Opens one stream per attachment, in the order of `attachments`. They are fed one
   * after the other, so they must be read in order; `cancel` stops feeding them.
   */
  openAttachments(): { streams: ReadableStream<Uint8Array>[]; cancel(): void };
  /**
   * The message as received (bare CR or LF made CRLF), for relaying: in the chunks it
   * arrived in, never joined, so a large mail is held in memory once.
   */
  raw: readonly Uint8Array[];
  /** The SMTP client's address, for the audit trail. */
  ip: string | null;
};
