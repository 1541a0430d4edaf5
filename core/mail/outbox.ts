import type { Cipher } from '../crypto/ports.ts';
import type { Clock, Ids } from '../shared/ports.ts';
import type { MailContent, MailKind, OutboxMail } from './model.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Builds an outbox row with its content encrypted, ready to insert in the same
 * transaction as the change that caused it. Done before the transaction opens so the
 * (comparatively slow) encryption never holds the database.
 */
export async function prepareOutboxMail(
  deps: { cipher: Cipher; ids: Ids; clock: Clock },
  args: { kind: MailKind; mail: MailContent; id?: string },
): Promise<OutboxMail> {
  const now = deps.clock.now();
  return {
    id: args.id ?? deps.ids.newId(),
    kind: args.kind,
    to: args.mail.to,
    payloadEnc: await deps.cipher.encryptBytes({
      plaintext: encoder.encode(JSON.stringify(args.mail)),
    }),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    leaseUntil: null,
    lastError: null,
    createdAt: now,
    sentAt: null,
  };
}

/** The email inside an outbox row. */
export async function readOutboxMail(
  deps: { cipher: Cipher },
  mail: OutboxMail,
): Promise<MailContent> {
  const bytes = await deps.cipher.decryptBytes({ ciphertext: mail.payloadEnc });
  return JSON.parse(decoder.decode(bytes)) as MailContent;
}
