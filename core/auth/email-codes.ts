import { emailKey } from '../accounts/email.ts';
import type { Cipher } from '../crypto/ports.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { MailTemplates } from '../mail/ports.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Repositories, Storage } from '../storage/ports.ts';
import type { EmailCode, EmailCodePurpose } from './model.ts';

/** How long a code works: long enough to switch to the mail app and back. */
export const CODE_MINUTES = 15;
/** Wrong tries one code allows; after that a new code must be asked for. */
export const CODE_MAX_ATTEMPTS = 5;
/** Codes one address may be sent in an hour, whoever asks (no mail-bombing anyone). */
export const CODES_PER_ADDRESS_PER_HOUR = 5;
/** Digits in a code: what people can copy by eye, with the tries above to bound guessing. */
export const CODE_DIGITS = 6;

const HOUR_MS = 3_600_000;
// The base32 alphabet `Secrets.randomToken` uses; its first 30 letters map evenly onto
// 10 digits (3 each), the last two are skipped so no digit is likelier than another.
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** What sending a code needs from the world. */
export type EmailCodeDeps = {
  storage: Storage;
  secrets: Secrets;
  ids: Ids;
  clock: Clock;
  cipher: Cipher;
  templates: MailTemplates;
  publicUrl: string;
};

/** The outcome of asking for a code. */
export type SendCodeResult =
  | { ok: true; expiresAt: Date }
  /** The address has been sent the most codes an hour allows. */
  | { ok: false; reason: 'too-many-codes' };

/** Why a typed code was not accepted. */
export type CodeProblem =
  /** Nothing typed. */
  | 'code-missing'
  /** Not the code sent (tries are left). */
  | 'code-wrong'
  /** No live code: never sent, expired, used, or out of tries. Ask for a new one. */
  | 'code-expired';

/** The outcome of checking a typed code (nothing is spent: see `spendEmailCode`). */
export type CheckCodeResult = { ok: true; code: EmailCode } | { ok: false; problem: CodeProblem };

/** A code of `CODE_DIGITS` digits, each uniformly random. */
function newCode(secrets: Secrets): string {
  let digits = '';
  while (digits.length < CODE_DIGITS) {
    for (const letter of secrets.randomToken({ bytes: 10 })) {
      const value = BASE32.indexOf(letter);
      if (value >= 0 && value < 30) digits += String(value % 10);
      if (digits.length === CODE_DIGITS) break;
    }
  }
  return digits;
}

/**
 * The stored form of a code: an HMAC under the server's key over everything it is
 * bound to. A million possible codes would fall to a plain hash in a second, so a
 * copy of the table without the key must be useless; binding purpose, address and
 * subject means a code sent for one thing is never accepted for another.
 */
function hashCode(
  secrets: Secrets,
  args: { purpose: EmailCodePurpose; emailKey: string; subjectId: string; code: string },
): string {
  return secrets.sign({
    value: `email-code:${args.purpose}:${args.emailKey}:${args.subjectId}:${args.code}`,
  });
}

/**
 * Emails a fresh code to `email` that proves, when typed back, that the person reads
 * that mailbox now. It replaces any earlier code for the same purpose and subject. At
 * most `CODES_PER_ADDRESS_PER_HOUR` codes go to one address in an hour, whoever asks
 * (the caller also limits each client). The mail goes through the durable outbox.
 */
export async function sendEmailCode(
  deps: EmailCodeDeps,
  input: {
    purpose: EmailCodePurpose;
    email: string;
    subjectId: string;
    orgName: string;
  },
): Promise<SendCodeResult> {
  const now = deps.clock.now();
  const key = emailKey(input.email);
  const sent = await deps.storage.repos.emailCodes.countSentSince({
    emailKey: key,
    since: new Date(now.getTime() - HOUR_MS),
  });
  if (sent >= CODES_PER_ADDRESS_PER_HOUR) return { ok: false, reason: 'too-many-codes' };

  const code = newCode(deps.secrets);
  const expiresAt = new Date(now.getTime() + CODE_MINUTES * 60_000);
  const row: EmailCode = {
    id: deps.ids.newId(),
    purpose: input.purpose,
    email: input.email,
    emailKey: key,
    subjectId: input.subjectId,
    codeHash: hashCode(deps.secrets, {
      purpose: input.purpose,
      emailKey: key,
      subjectId: input.subjectId,
      code,
    }),
    attempts: 0,
    createdAt: now,
    expiresAt,
    usedAt: null,
  };
  const mail = await prepareOutboxMail(deps, {
    kind: 'email-code',
    mail: {
      to: input.email,
      ...deps.templates.emailCode({
        orgName: input.orgName,
        code,
        purpose: input.purpose,
        minutes: CODE_MINUTES,
        publicUrl: deps.publicUrl,
      }),
      headers: {},
    },
  });
  await deps.storage.transaction(async (repos) => {
    await repos.emailCodes.insert({ code: row });
    await repos.outbox.insert({ mail });
  });
  return { ok: true, expiresAt };
}

/**
 * Checks a typed code against the newest live code for this purpose, address and
 * subject. A wrong one counts against the code's tries; the last wrong try uses it up.
 * Spaces and dashes people type between digits are ignored. The comparison of hashes
 * is constant-time.
 */
export async function checkEmailCode(
  deps: Pick<EmailCodeDeps, 'storage' | 'secrets' | 'clock'>,
  input: { purpose: EmailCodePurpose; email: string; subjectId: string; typed: string },
): Promise<CheckCodeResult> {
  const typed = input.typed.replace(/[\s-]/g, '');
  if (typed === '') return { ok: false, problem: 'code-missing' };
  const key = emailKey(input.email);
  const repos = deps.storage.repos;
  const live = await repos.emailCodes.findLatest({
    purpose: input.purpose,
    emailKey: key,
    subjectId: input.subjectId,
    now: deps.clock.now(),
  });
  if (!live || live.attempts >= CODE_MAX_ATTEMPTS) return { ok: false, problem: 'code-expired' };
  const hash = hashCode(deps.secrets, {
    purpose: input.purpose,
    emailKey: key,
    subjectId: input.subjectId,
    code: typed.slice(0, 20),
  });
  if (deps.secrets.constantTimeEqual({ a: hash, b: live.codeHash }))
    return { ok: true, code: live };
  const attempts = await repos.emailCodes.recordFailure({ id: live.id });
  return { ok: false, problem: attempts >= CODE_MAX_ATTEMPTS ? 'code-expired' : 'code-wrong' };
}

/**
 * Spends a checked code inside the transaction that acts on it: true for the one
 * caller that won, so two submissions of one code cannot both succeed.
 */
export async function spendEmailCode(
  repos: Repositories,
  args: { code: EmailCode; at: Date },
): Promise<boolean> {
  return repos.emailCodes.markUsed({ id: args.code.id, at: args.at });
}
