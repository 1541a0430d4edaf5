/** What the gateway knows of an inbound mail when it asks the policy. */
export type InboundMail = {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  subject: string;
  /** Header name (lower-case) -> values, in order. */
  headers: Record<string, string[]>;
  /** Every text of the body: each plain part, and the text of each HTML part (alternatives included). */
  text: string;
  /**
   * The files, with the text read from them (null when they hold none, such as an image).
   * `unreadable` marks a file that should hold text but could not be read (damaged,
   * encrypted, too large or too slow): the policy decides on it by its "when unsure" rule.
   */
  attachments: Array<{
    name: string;
    contentType: string;
    size: number;
    text: string | null;
    unreadable: boolean;
  }>;
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

/**
 * One recipient the relay refused at RCPT TO while it took the mail for others (or
 * refused them all): its own answer, for the delivery report and the log.
 */
export type RelayRefusal = {
  /** The recipient as it was given to the relay. */
  address: string;
  /** The relay's reply code, e.g. 550 (permanent) or 451 (temporary). */
  code: number;
  /** The enhanced status code (RFC 3463) of the reply, e.g. `5.1.1`, or null when it gave none. */
  status: string | null;
  /** The relay's reply text after the codes, one line (it may name the address). */
  text: string;
};

/** How a relay attempt ended. A refused mail is a value, never a thrown error. */
export type RelayResult =
  | {
      ok: true;
      /**
       * Recipients the relay refused while it took the mail for the others: the mail
       * did not reach them, and the gateway must tell the sender (never a bare 250).
       */
      refused: RelayRefusal[];
    }
  | {
      ok: false;
      /** True when the mail server refused the mail for good (5xx); false to try again later. */
      permanent: boolean;
      /** One plain sentence for the sender, never the message content. */
      reason: string;
      /** When the relay refused every recipient at RCPT TO, each refusal; otherwise empty. */
      refused: RelayRefusal[];
    };

/**
 * The MAIL FROM parameters (ESMTP) that describe the message itself, which the relay
 * must pass on so the council's server treats the bytes as the client meant them.
 */
export type EnvelopeParams = {
  /** BODY= (RFC 6152): `8BITMIME` when the client said the body holds 8-bit bytes. */
  body: '7BIT' | '8BITMIME';
  /** SMTPUTF8 (RFC 6531): addresses or headers may be UTF-8. */
  smtpUtf8: boolean;
};

/** Passes mail that needs no protection on to the council's mail server, unchanged. */
export type Relay = {
  /**
   * Sends `raw` (the message exactly as received, headers and body byte for byte, in
   * the chunks it arrived in) with the given envelope. `from` is '' for the null sender.
   * `params` are the client's BODY= and SMTPUTF8, passed on when the relay offers them.
   */
  send(args: {
    from: string;
    to: string[];
    raw: readonly Uint8Array[];
    params?: EnvelopeParams;
  }): Promise<RelayResult>;
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
 * A file of the secure message made from an inbound mail: a file the sender attached,
 * an image the body shows in place (`inline`), a part of the body that could not be
 * placed (`body-part`: an inline part the HTML does not use, or whose HTML was refused;
 * listed as a file but not chosen by the sender), or the mail as received (`original`,
 * kept when its MIME structure is broken or its HTML was refused, so nothing is lost).
 */
export type StoredPart = InboundAttachment & {
  kind: 'file' | 'inline' | 'body-part' | 'original';
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
  /** BODY= and SMTPUTF8 from MAIL FROM, for the relay; absent means 7BIT and no SMTPUTF8. */
  envelopeParams?: EnvelopeParams;
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
  /**
   * The body of the secure message: every text part in order, as plain text or as
   * HTML already made safe (inline images as `cid:N`, N a position in `attachments`).
   */
  body: { format: 'text' | 'safe-html'; content: string };
  /** The files of the secure message, in order (see StoredPart). */
  attachments: StoredPart[];
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
