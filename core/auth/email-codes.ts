import { emailKey } from '../accounts/email.ts';
import type { Cipher } from '../crypto/ports.ts';
import { chooseMailLanguage } from '../mail/language.ts';
import { prepareOutboxMail } from '../mail/outbox.ts';
import type { MailTemplates } from '../mail/ports.ts';
import type { Settings } from '../settings/model.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Repositories, Storage } from '../storage/ports.ts';
import type { EmailCode, EmailCodePurpose } from './model.ts';

/** How long a code works: long enough to switch to the mail app and back. */
export const CODE_MINUTES = 15;
/** Wrong tries one code allows; after that a new code must be asked for. */
export const CODE_MAX_ATTEMPTS = 5;
/** Codes one address may be sent in an hour, whoever asks (no mail-bombing anyone). */
export const CODES_PER_ADDRESS_PER_HOUR = 5;
/**
 * Digits in a code: few enough to copy by eye, enough that guessing is hopeless. Any
 * live code is accepted (up to `CODES_PER_ADDRESS_PER_HOUR` at once) with
 * `CODE_MAX_ATTEMPTS` tries each: at most 25 guesses an hour against 5 codes, a chance
 * of about one in a million an hour with 8 digits (one in ten thousand with 6).
 */
export const CODE_DIGITS = 8;

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
    /** The language of the page the person asked on (see `chooseMailLanguage`). */
    pageLanguage?: string | null | undefined;
    /** The council's `emailLanguage`, when the person and the page say nothing. */
    emailLanguage?: Settings['emailLanguage'] | undefined;
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
  const account = await deps.storage.repos.accounts.findByEmailKey({ emailKey: key });
  const language = chooseMailLanguage({
    account,
    page: input.pageLanguage,
    setting: input.emailLanguage,
  });
  const mail = await prepareOutboxMail(deps, {
    kind: 'email-code',
    mail: {
      to: input.email,
      ...deps.templates.emailCode(
        {
          orgName: input.orgName,
          code,
          purpose: input.purpose,
          minutes: CODE_MINUTES,
          publicUrl: deps.publicUrl,
        },
        language,
      ),
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
 * Checks a typed code against the live codes for this purpose, address and subject
 * (any of them: a second request must not cancel the code its owner is typing). Each
 * check takes one try from the newest code that has tries left, in one atomic update
 * before comparing, so guesses sent in parallel get no more tries than guesses sent
 * one by one; once every live code is out of tries, a new one must be asked for.
 * Spaces and dashes people type between digits are ignored; hashes are compared in
 * constant time.
 */
export async function checkEmailCode(
  deps: Pick<EmailCodeDeps, 'storage' | 'secrets' | 'clock'>,
  input: { purpose: EmailCodePurpose; email: string; subjectId: string; typed: string },
): Promise<CheckCodeResult> {
  const typed = input.typed.replace(/[\s-]/g, '');
  if (typed === '') return { ok: false, problem: 'code-missing' };
  const key = emailKey(input.email);
  const repos = deps.storage.repos;
  const live = await repos.emailCodes.listLive({
    purpose: input.purpose,
    emailKey: key,
    subjectId: input.subjectId,
    now: deps.clock.now(),
  });
  let taken: EmailCode | null = null;
  for (const code of live) {
    if (code.attempts >= CODE_MAX_ATTEMPTS) continue;
    if (await repos.emailCodes.takeAttempt({ id: code.id, max: CODE_MAX_ATTEMPTS })) {
      taken = code;
      break;
    }
  }
  if (!taken) return { ok: false, problem: 'code-expired' };
  const hash = hashCode(deps.secrets, {
    purpose: input.purpose,
    emailKey: key,
    subjectId: input.subjectId,
    code: typed.slice(0, 20),
  });
  let match: EmailCode | null = null;
  for (const code of live) {
    // Every live code is compared, so the time taken says nothing about which matched.
    if (deps.secrets.constantTimeEqual({ a: hash, b: code.codeHash })) match ??= code;
  }
  if (match) return { ok: true, code: match };
  const triesLeft = live.some((c) =>
    c.id === taken?.id ? c.attempts + 1 < CODE_MAX_ATTEMPTS : c.attempts < CODE_MAX_ATTEMPTS,
  );
  return { ok: false, problem: triesLeft ? 'code-wrong' : 'code-expired' };
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
