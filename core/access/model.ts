/**
 * A request the originator of a message decides: more time for an expired delivery,
 * or a forwarded copy to an address outside the council's allowed domains.
 */
export type AccessRequest = {
  id: string;
  kind: 'extension' | 'forward';
  messageId: string;
  /** The requester's own delivery of the message. */
  deliveryId: string;
  requesterId: string;
  /** For `forward`: the outside address the copy would go to. */
  forwardToEmail: string | null;
  status: 'pending' | 'granted' | 'denied';
  createdAt: Date;
  decidedAt: Date | null;
  decidedById: string | null;
};
