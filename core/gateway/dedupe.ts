/** What identifies one SMTP transaction of a mail, for the duplicate check. */
export type DedupeInput = {
  /** SHA-256 (hex) of the raw message as received (line endings made CRLF). */
  rawSha256: string;
  /** Envelope sender; '' for the null sender. */
  envelopeFrom: string;
  /** Envelope recipients, in any order. */
  envelopeTo: readonly string[];
};

/**
 * The key that makes a resent copy of a mail recognisable: SHA-256 over a digest of
 * the received bytes, the envelope sender and the sorted envelope recipients (compared
 * without case, as mail servers do for domains and as people expect of addresses).
 * A client that did not see our 250 (a dropped connection, a gateway crash) sends
 * the same bytes again with the same envelope, so the retry finds the stored copy.
 *
 * The Message-ID is deliberately not part of it: business systems and scanners reuse
 * one Message-ID for different mails, and a different mail must never be taken for a
 * copy and dropped. The bytes tell a copy from a new mail; the Message-ID cannot.
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
  return sha256Hex(
    JSON.stringify([
      'sealpost-gateway-2',
      `sha256:${input.rawSha256}`,
      input.envelopeFrom.trim().toLowerCase(),
      recipients,
      part,
    ]),
  );
}
