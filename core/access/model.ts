/**
 * A request the originator of a message decides: more time for an expired delivery
 * (`extension`), a forwarded copy to an address outside the council's allowed domains
 * (`forward`), or access for someone who was given a notification's link but is not
 * its addressee (`link`: "this message was sent to someone else").
 */
export type AccessRequest = {
  id: string;
  kind: AccessRequestKind;
  messageId: string;
  /**
   * The delivery the request is about: the requester's own for `extension` and
   * `forward`, the addressee's (whose link was used) for `link`.
   */
  deliveryId: string;
  /** Who asked: a recipient, or for `link` the account of the address that proved itself. */
  requesterId: string;
  /** For `forward` and `link`: the address a granted copy goes to. */
  forwardToEmail: string | null;
  /** For `link`: why the requester says they need it, encrypted; null when they gave no reason. */
  reasonEnc: Uint8Array | null;
  status: 'pending' | 'granted' | 'denied';
  createdAt: Date;
  decidedAt: Date | null;
  decidedById: string | null;
};

/** What a request asks for. */
export type AccessRequestKind = 'extension' | 'forward' | 'link';
