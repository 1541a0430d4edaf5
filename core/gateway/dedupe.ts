/** What identifies one SMTP transaction of a mail, for the duplicate check. */
export type DedupeInput = {
  /** The Message-ID header, or null when the mail has none. */
  messageId: string | null;
  /** SHA-256 (hex) of the raw message: used in place of a missing Message-ID. */
  rawSha256: string;
  /** Envelope sender; '' for the null sender. */
  envelopeFrom: string;
  /** Envelope recipients, in any order. */
  envelopeTo: readonly string[];
};

/**
 * The key that makes a resent copy of a mail recognisable: SHA-256 over the
 * Message-ID, the envelope sender and the sorted envelope recipients (all compared
 * without case, as mail servers do for domains and as people expect of addresses).
 * A client that did not see our 250 (a dropped connection, a gateway crash) sends
 * the same mail again with all three unchanged, so the retry finds the stored copy.
 *
 * `part` tells apart the several secure messages one mail can become (one per Bcc
 * recipient, so no one learns of a blind copy); '' is the message to the visible
 * recipients. `sha256Hex` is injected so core stays free of I/O.
 */
export function gatewayDedupeKey(
  input: DedupeInput,
  part: string,
  sha256Hex: (value: string) => string,
): string {
  const recipients = [...new Set(input.envelopeTo.map((a) => a.trim().toLowerCase()))].sort();
  // JSON keeps the fields apart: no choice of addresses can make two inputs collide.
  const identity = input.messageId?.trim() || `sha256:${input.rawSha256}`;
  return sha256Hex(
    JSON.stringify([
      'sealpost-gateway-1',
      identity,
      input.envelopeFrom.trim().toLowerCase(),
      recipients,
      part,
    ]),
  );
}
