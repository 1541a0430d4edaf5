/** Government Security Classifications marking, shown to the recipient. */
export type Classification = 'OFFICIAL' | 'OFFICIAL-SENSITIVE';

/** Where a message entered Sealpost. */
export type MessageSource = 'web' | 'cli' | 'gateway' | 'portal';

/** One message as sent: content lives encrypted in blobs and `*Enc` columns. */
export type Message = {
  id: string;
  senderId: string;
  /** The subject, encrypted by the Cipher. */
  subjectEnc: Uint8Array;
  /** Blob holding the encrypted body. */
  bodyBlobId: string;
  /**
   * `text`: plain text. `safe-html`: HTML made safe once when the message was stored,
   * shown as it is. `html`: HTML stored before that rule, not yet made safe by the
   * body migration (core/lifecycle/safe-bodies.ts); never shown as HTML.
   */
  bodyFormat: 'text' | 'html' | 'safe-html';
  classification: Classification | null;
  /** Chosen by the sender: no forward, no download, watermark. */
  readOnly: boolean;
  /**
   * Chosen by the sender: the recipient must have proved a second factor in this
   * session before the message opens (step-up; they set one up first if they have none).
   */
  secondFactorRequired: boolean;
  source: MessageSource;
  /** The message this one answers, if any. */
  inReplyToId: string | null;
  /** The first message of the conversation (itself for a new one). */
  threadId: string;
  /** Sum of body and attachment sizes in bytes (plaintext). */
  sizeBytes: number;
  createdAt: Date;
  /** The retention purge deletes the message after this instant. */
  retainUntil: Date;
  /** A legal hold stops purge and erasure. */
  legalHold: boolean;
  /** For gateway mail: hash of Message-ID, sender and recipients, so a resend is not stored twice. */
  dedupeKey: string | null;
};

/** One recipient's copy of a message: access, tracking and visibility are per delivery. */
export type Delivery = {
  id: string;
  messageId: string;
  recipientId: string;
  recipientEmail: string;
  kind: 'to' | 'cc';
  accessEndsAt: Date;
  revokedAt: Date | null;
  notifiedAt: Date | null;
  firstOpenedAt: Date | null;
  /** Set when the recipient deleted it from their mailbox (the message itself stays). */
  hiddenAt: Date | null;
  /** When the sender was told this delivery was never opened. */
  unretrievedNoticeAt: Date | null;
  createdAt: Date;
  /**
   * The delivery this copy came from, when it was not addressed by the sender: a forward
   * made in the portal, or access granted on request. Such a copy is private to the
   * people in its chain: it is never listed among the message's "To" and "Copied to",
   * and Reply all never includes it.
   */
  forwardedFromId: string | null;
  /** The account that forwarded it in the portal (null when access was granted on request). */
  forwardedById: string | null;
};

/** True when the sender addressed this delivery (not a forward or a granted request). */
export function isAddressed(delivery: Pick<Delivery, 'forwardedFromId'>): boolean {
  return delivery.forwardedFromId === null;
}

/** A file sent with a message, or waiting in a draft. */
export type Attachment = {
  id: string;
  /** The message it belongs to; null while it belongs to a draft. */
  messageId: string | null;
  draftId: string | null;
  /** The file name, encrypted by the Cipher. */
  nameEnc: Uint8Array;
  contentType: string;
  /** Plaintext size in bytes. */
  size: number;
  blobId: string;
  /**
   * An image shown in place in the body (its `cid:N` is its position among the
   * message's files) rather than listed as a file.
   */
  inline: boolean;
  createdAt: Date;
};

/** A message being written; everything typed is in `contentEnc` (encrypted JSON). */
export type Draft = {
  id: string;
  accountId: string;
  contentEnc: Uint8Array;
  createdAt: Date;
  updatedAt: Date;
};

/** The plaintext inside `Draft.contentEnc`. */
export type DraftContent = {
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  inReplyToId: string | null;
  /** Set when the draft was saved because the session had ended on Send. */
  savedOnTimeout?: boolean;
  /**
   * For a draft saved on timeout in a shared mailbox's drafts (decision 0028): the
   * person who was writing it, whom signing in again takes back to it.
   */
  savedBy?: string | null;
  /**
   * For a recipient's reply, reply all or forward saved as a draft: which of their own
   * deliveries it answers (so sending it from the draft threads it, or forwards that
   * message), and for a forward the original's files that were ticked.
   */
  answer?: DraftAnswer | null;
  /** For a staff member's message: the options of the staff compose form, as typed. */
  staff?: StaffDraftOptions | null;
};

/** What a staff draft remembers besides the text (see `DraftContent.staff`), as typed. */
export type StaffDraftOptions = {
  readOnly: boolean;
  /** "Second factor required" (step-up); missing in drafts saved before it existed. */
  secondFactorRequired?: boolean;
  accessDays: string;
  accessDate: { day: string; month: string; year: string };
  classification: '' | 'OFFICIAL' | 'OFFICIAL-SENSITIVE';
  /** The staff inbox delivery being answered, or ''. */
  replyTo: string;
};

/** What a draft of a reply or forward remembers besides the text (see `DraftContent.answer`). */
export type DraftAnswer = {
  kind: 'reply' | 'reply-all' | 'forward';
  deliveryId: string;
  /** Forward only: ids of the original's files to carry. */
  keepFileIds: string[];
};

/** A row of a mailbox listing: a delivery with what the list shows of its message. */
export type InboxItem = {
  delivery: Delivery;
  message: Pick<
    Message,
    | 'id'
    | 'senderId'
    | 'subjectEnc'
    | 'createdAt'
    | 'classification'
    | 'readOnly'
    | 'secondFactorRequired'
    | 'sizeBytes'
  >;
  senderEmail: string;
  senderName: string;
  attachmentCount: number;
};

/** What a delivery's recipient may do now. */
export type DeliveryState = 'active' | 'expired' | 'revoked';

/** The state of a delivery at `now`: revocation wins over expiry. */
export function deliveryState(delivery: Delivery, now: Date): DeliveryState {
  if (delivery.revokedAt !== null) return 'revoked';
  if (now.getTime() >= delivery.accessEndsAt.getTime()) return 'expired';
  return 'active';
}
