import { type Account, hasSecondFactor } from '../accounts/model.ts';
import { MAX_CHECKED_PASSWORD_LENGTH, normalisePassword } from '../accounts/password-policy.ts';
import type { PasswordHasher } from '../accounts/ports.ts';
import { recordAudit } from '../audit/record.ts';
import type { Cipher } from '../crypto/ports.ts';
import type { EmailLanguageSettings } from '../mail/language.ts';
import type { MailTemplates } from '../mail/ports.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';
import type { Session } from './model.ts';
import { markSecondFactorProved } from './second-factor.ts';
import { reissueSession } from './sessions.ts';
import { prepareSecondFactorNotice } from './totp-notice.ts';

/**
 * The second factor for staff, and for recipients who choose one: time-based one-time passwords (RFC 6238) from an
 * authenticator app, and ten single-use recovery codes for a lost phone.
 *
 * - The key is random (160 bits, RFC 4226's recommendation), shown once as a QR code
 *   and as text, and stored only encrypted by the Cipher (`Account.totpKeyEnc`).
 * - A code is accepted for the current 30-second step and one step either side, so a
 *   phone clock a little off still works (RFC 6238 section 5.2).
 * - Replay protection: the step of the last accepted code is kept inside the same
 *   encrypted value, and only a later step is accepted. A code seen over a shoulder
 *   or in a log cannot be used again, nor can any code of an earlier step.
 * - Recovery codes are 80 random bits each, shown once; only their SHA-256 hashes are
 *   stored (like link tokens: unguessable values need no slow hash), and one that is
 *   used is removed, so each works once.
 */

/** Seconds per time step, as every authenticator app expects. */
export const TOTP_PERIOD_SECONDS = 30;
/** Digits per code, as every authenticator app expects. */
export const TOTP_DIGITS = 6;
/** How many recovery codes an enrolment gives. */
export const RECOVERY_CODE_COUNT = 10;
// 10 random bytes: 80 bits, 16 base32 characters.
const RECOVERY_CODE_BYTES = 10;
// Steps either side of now that are accepted.
const WINDOW_STEPS = 1;

/**
 * HOTP/TOTP arithmetic and encodings, implemented in adapters (on @oslojs/otp): the
 * core may not import packages, and the HMAC-SHA1 of RFC 4226 is not a Secrets job.
 */
export type TotpCodes = {
  /** A new random key of 20 bytes. */
  newKey(): Uint8Array;
  /** True when `code` is the HOTP value of `key` at `counter`; compares in constant time. */
  matches(args: { key: Uint8Array; counter: number; code: string; digits: number }): boolean;
  /** The code for `key` at `counter` (for tests and tooling; the portal never shows it). */
  generate(args: { key: Uint8Array; counter: number; digits: number }): string;
  /** The key as base32 without padding, upper-case: what a person types into an app. */
  encodeKey(args: { key: Uint8Array }): string;
  /** The key from `encodeKey`'s text (spaces and case ignored), or null when it is not one. */
  decodeKey(args: { text: string }): Uint8Array | null;
  /** The `otpauth://totp/...` URI an authenticator app reads from the QR code. */
  keyUri(args: {
    issuer: string;
    accountName: string;
    key: Uint8Array;
    periodSeconds: number;
    digits: number;
  }): string;
};

/** What the second-factor use cases need from the world. */
export type TotpDeps = {
  storage: Storage;
  cipher: Cipher;
  secrets: Secrets;
  ids: Ids;
  clock: Clock;
  totp: TotpCodes;
  /** Checks the password again before an app already set up is replaced. */
  hasher: PasswordHasher;
  /** The wording of the emailed notice of a change (see `emailsSecondFactorChanges`). */
  templates: MailTemplates;
  /** The portal's address without a trailing slash, named in that notice. */
  publicUrl: string;
  /** The settings, for the language of that notice (the council's `emailLanguage`). */
  settings?: EmailLanguageSettings;
};

/** The plaintext inside `Account.totpKeyEnc`: the key and the last step accepted. */
type StoredTotp = { v: 1; key: string; lastStep: number | null };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The time step a code made at `now` belongs to. */
export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / (TOTP_PERIOD_SECONDS * 1000));
}

/**
 * True when the account may set up a second factor at all: staff, and recipients who
 * choose to. A team mailbox never signs in (docs/decisions/0028), so it has none.
 */
export function canEnrolTotp(account: Account): boolean {
  return account.kind === 'staff' || (account.kind === 'external' && !account.sharedMailbox);
}

/** A key being set up, before it is confirmed with a code. */
export type PendingEnrolment = {
  /** The key as text, for typing into an app. */
  keyText: string;
  /** What the QR code holds. */
  uri: string;
  /**
   * The key and a MAC over it, bound to this account and session, for the form to
   * carry back: nothing is stored until the person proves their app has the key.
   */
  token: string;
};

function enrolmentMac(
  deps: Pick<TotpDeps, 'secrets'>,
  a: { accountId: string; sessionId: string; keyText: string },
) {
  return deps.secrets.sign({ value: `totp-enrol:${a.accountId}:${a.sessionId}:${a.keyText}` });
}

/**
 * Starts setting up an authenticator app: a fresh key, its QR URI, and the token the
 * confirmation form carries. Bound by MAC to the account and the session, so a token
 * cannot be planted from another session or made up.
 */
export function startTotpEnrolment(
  deps: Pick<TotpDeps, 'secrets' | 'totp'>,
  input: { account: Account; sessionId: string; issuer: string },
): PendingEnrolment {
  const key = deps.totp.newKey();
  const keyText = deps.totp.encodeKey({ key });
  const uri = deps.totp.keyUri({
    issuer: input.issuer,
    accountName: input.account.email,
    key,
    periodSeconds: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
  });
  const mac = enrolmentMac(deps, {
    accountId: input.account.id,
    sessionId: input.sessionId,
    keyText,
  });
  return { keyText, uri, token: `${keyText}.${mac}` };
}

/** The pending enrolment a form carried back, or null when its token is not genuine. */
export function resumeTotpEnrolment(
  deps: Pick<TotpDeps, 'secrets' | 'totp'>,
  input: { account: Account; sessionId: string; issuer: string; token: string },
): PendingEnrolment | null {
  const dot = input.token.lastIndexOf('.');
  if (dot < 1 || input.token.length > 300) return null;
  const keyText = input.token.slice(0, dot);
  const mac = input.token.slice(dot + 1);
  const expected = enrolmentMac(deps, {
    accountId: input.account.id,
    sessionId: input.sessionId,
    keyText,
  });
  // Constant-time: a forged token learns nothing from how long the refusal took.
  if (!deps.secrets.constantTimeEqual({ a: mac, b: expected })) return null;
  const key = deps.totp.decodeKey({ text: keyText });
  if (!key) return null;
  const uri = deps.totp.keyUri({
    issuer: input.issuer,
    accountName: input.account.email,
    key,
    periodSeconds: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
  });
  return { keyText, uri, token: input.token };
}

/** The outcome of confirming: the recovery codes to show once, or why not. */
export type ConfirmEnrolmentResult =
  | { ok: true; recoveryCodes: string[] }
  | { ok: false; reason: 'invalid-token' | 'wrong-code' | 'wrong-password' };

/**
 * True when setting up a second factor must first prove the password again (ASVS
 * V7.5.1): an unattended signed-in browser must not be enough to move someone's
 * sign-in to another phone. Replacing one always asks. A staff member's first set-up
 * does not (an admin is sent there straight after typing the password); a recipient's
 * does, since their sessions may stay signed in for days ("Keep me signed in").
 */
export function enrolmentNeedsPassword(account: Account): boolean {
  return account.totpKeyEnc !== null || account.kind === 'external';
}

/**
 * Finishes setting up an authenticator app: the code must match the pending key (so
 * the app really has it), then the key is stored encrypted, ten new recovery codes
 * replace any old ones, and `account.totp-enrol` is recorded. Setting up again
 * replaces the previous app and codes, and only with the account's password
 * (`enrolmentNeedsPassword`); a wrong one is recorded as `account.reauth-failed`.
 */
export async function confirmTotpEnrolment(
  deps: TotpDeps,
  input: {
    account: Account;
    sessionId: string;
    issuer: string;
    token: string;
    code: string;
    /** The current password; needed only when `enrolmentNeedsPassword(account)`. */
    password: string | null;
    ip: string | null;
  },
): Promise<ConfirmEnrolmentResult> {
  const pending = resumeTotpEnrolment(deps, input);
  if (!pending) return { ok: false, reason: 'invalid-token' };
  if (enrolmentNeedsPassword(input.account) && !(await passwordMatches(deps, input))) {
    await deps.storage.transaction((repos) =>
      recordAudit(deps, repos, {
        action: 'account.reauth-failed',
        actorId: input.account.id,
        actorLabel: input.account.email,
        ip: input.ip,
        targetType: 'account',
        targetId: input.account.id,
        details: { purpose: input.account.totpKeyEnc !== null ? 'totp-replace' : 'totp-enrol' },
      }),
    );
    return { ok: false, reason: 'wrong-password' };
  }
  const key = deps.totp.decodeKey({ text: pending.keyText });
  if (!key) return { ok: false, reason: 'invalid-token' };
  const step = matchingStep(deps, key, input.code, null);
  if (step === null) return { ok: false, reason: 'wrong-code' };

  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    formatRecoveryCode(deps.secrets.randomToken({ bytes: RECOVERY_CODE_BYTES })),
  );
  const stored = await sealStored(deps, { v: 1, key: pending.keyText, lastStep: step });
  const replaced = input.account.totpKeyEnc !== null;
  const notice = await prepareSecondFactorNotice(deps, {
    account: input.account,
    orgName: input.issuer,
    change: replaced ? 'replaced' : 'enrolled',
  });
  await deps.storage.transaction(async (repos) => {
    const fresh = await repos.accounts.findById({ id: input.account.id, forUpdate: true });
    if (!fresh) return;
    const now = deps.clock.now();
    await repos.accounts.update({
      account: {
        ...fresh,
        totpKeyEnc: stored,
        recoveryCodeHashes: recoveryCodes.map((code) => hashRecoveryCode(deps, code)),
        updatedAt: now,
      },
    });
    await recordAudit(deps, repos, {
      action: 'account.totp-enrol',
      actorId: fresh.id,
      actorLabel: fresh.email,
      ip: input.ip,
      targetType: 'account',
      targetId: fresh.id,
      details: { replaced, recoveryCodes: recoveryCodes.length },
    });
    // Typing a code the new app made proves it is held, but only a first factor may
    // mark the session: replacing the app (or adding one beside a passkey) must not let
    // a stolen session skip the step-up that the factor it already had would ask for.
    if (!hasSecondFactor(fresh)) {
      await markSecondFactorProved(repos, { sessionId: input.sessionId, accountId: fresh.id, now });
    }
    if (notice) await repos.outbox.insert({ mail: notice });
  });
  return { ok: true, recoveryCodes };
}

/** True when `password` is the account's current one (for asking it again). */
export async function passwordMatches(
  deps: Pick<TotpDeps, 'hasher'>,
  input: { account: Account; password: string | null },
): Promise<boolean> {
  const { password } = input;
  if (!password || password.length > MAX_CHECKED_PASSWORD_LENGTH || !input.account.passwordHash) {
    return false;
  }
  return deps.hasher.verify({
    hash: input.account.passwordHash,
    password: normalisePassword(password),
  });
}

/** The outcome of the second step of signing in. */
export type SecondFactorResult =
  | {
      ok: true;
      method: 'totp' | 'recovery-code';
      /** Whose sign-in it was: staff and recipients land on different pages. */
      accountKind: Account['kind'];
      /** Recovery codes left after this one (for a warning when few remain). */
      recoveryCodesLeft: number;
      /** The signed-in session that replaces the half-signed-in one, and its token. */
      session: Session;
      sessionToken: string;
    }
  | { ok: false };

/**
 * Completes a sign-in that waits for its second factor: a current code from the app
 * (a step later than the last accepted one), or an unused recovery code, which is
 * spent. On success the session stops being `twoFactorPending`. Every failure is the
 * same `{ ok: false }` and is recorded as `account.signin-failed`.
 *
 * The key is decrypted before the transaction; inside it, the account row is read
 * again and must still hold the very ciphertext that was checked, so two requests
 * racing with the same code cannot both succeed (the first one replaces it).
 */
export async function verifySecondFactor(
  deps: TotpDeps,
  input: { session: Session; code: string; ip: string | null },
): Promise<SecondFactorResult> {
  const repos = deps.storage.repos;
  const account = await repos.accounts.findById({ id: input.session.accountId });
  if (account?.status !== 'active' || account.totpKeyEnc === null) {
    return { ok: false };
  }
  const cleaned = input.code.replace(/[\s-]/g, '').toLowerCase();
  const checkedEnc = account.totpKeyEnc;
  const method: 'totp' | 'recovery-code' = /^\d{6}$/.test(cleaned) ? 'totp' : 'recovery-code';
  // For a code from the app: the new ciphertext with the step advanced, made before the
  // transaction so the transaction holds the database only to compare and write.
  let advanced: Uint8Array | null = null;
  if (method === 'totp') {
    const stored = await openStored(deps, checkedEnc);
    const key = stored ? deps.totp.decodeKey({ text: stored.key }) : null;
    const step = stored && key ? matchingStep(deps, key, cleaned, stored.lastStep) : null;
    if (stored && step !== null) advanced = await sealStored(deps, { ...stored, lastStep: step });
  }
  const isRecoveryCode = /^[a-z2-7]{16}$/.test(cleaned);
  const recoveryHashes = isRecoveryCode
    ? [hashRecoveryCode(deps, cleaned), legacyRecoveryHash(deps, cleaned)]
    : null;

  return deps.storage.transaction(async (tx): Promise<SecondFactorResult> => {
    const fresh = await tx.accounts.findById({ id: account.id, forUpdate: true });
    const session = await tx.sessions.findById({ id: input.session.id });
    let next: Pick<Account, 'totpKeyEnc' | 'recoveryCodeHashes'> | null = null;
    if (fresh?.totpKeyEnc && session?.twoFactorPending && session.accountId === fresh.id) {
      if (advanced && sameBytes(fresh.totpKeyEnc, checkedEnc)) {
        next = { totpKeyEnc: advanced, recoveryCodeHashes: fresh.recoveryCodeHashes };
      } else if (recoveryHashes) {
        // Every stored hash is compared, in constant time, whether or not one matched.
        let found = -1;
        fresh.recoveryCodeHashes.forEach((stored, index) => {
          for (const hash of recoveryHashes) {
            const same = deps.secrets.constantTimeEqual({ a: hash, b: stored });
            if (same && found < 0) found = index;
          }
        });
        if (found >= 0) {
          next = {
            totpKeyEnc: fresh.totpKeyEnc,
            recoveryCodeHashes: fresh.recoveryCodeHashes.filter((_, i) => i !== found),
          };
        }
      }
    }
    if (!next || !fresh || !session) {
      await recordAudit(deps, tx, {
        action: 'account.signin-failed',
        actorId: null,
        actorLabel: account.email,
        ip: input.ip,
        targetType: 'account',
        targetId: account.id,
        details: { reason: 'second-factor', method },
      });
      return { ok: false };
    }
    const now = deps.clock.now();
    await tx.accounts.update({ account: { ...fresh, ...next, updatedAt: now } });
    // The signed-in session gets a new id: the half-signed-in one's token is worthless.
    const renewed = reissueSession(deps, session);
    await tx.sessions.delete({ id: session.id });
    await tx.sessions.insert({ session: renewed.session });
    await recordAudit(deps, tx, {
      action: 'account.signin',
      actorId: account.id,
      actorLabel: account.email,
      ip: input.ip,
      targetType: 'account',
      targetId: account.id,
      details: { step: 'second-factor', method, recoveryCodesLeft: next.recoveryCodeHashes.length },
    });
    return {
      ok: true,
      method,
      accountKind: account.kind,
      recoveryCodesLeft: next.recoveryCodeHashes.length,
      session: renewed.session,
      sessionToken: renewed.token,
    };
  });
}

/**
 * The step (within one either side of now) whose code `code` is, later than
 * `lastStep`; null when none. Every candidate is checked, so the time taken does not
 * say which step matched.
 */
function matchingStep(
  deps: Pick<TotpDeps, 'clock' | 'totp'>,
  key: Uint8Array,
  code: string,
  lastStep: number | null,
): number | null {
  const cleaned = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(cleaned)) return null;
  const now = totpStep(deps.clock.now());
  let found: number | null = null;
  for (let step = now - WINDOW_STEPS; step <= now + WINDOW_STEPS; step++) {
    const matches = deps.totp.matches({ key, counter: step, code: cleaned, digits: TOTP_DIGITS });
    if (matches && found === null && (lastStep === null || step > lastStep)) found = step;
  }
  return found;
}

/** A recovery code as shown: four groups of four, `abcd-efgh-ijkl-mnop`. */
function formatRecoveryCode(raw: string): string {
  return raw.match(/.{1,4}/g)?.join('-') ?? raw;
}

/**
 * The stored hash of a recovery code, whatever spaces, dashes or case it was typed
 * with: HMAC-SHA-256 under the server's signing key, so a copy of the database alone
 * is no help in trying codes (docs/security/asvs.md, 6.5.2).
 */
export function hashRecoveryCode(deps: Pick<TotpDeps, 'secrets'>, code: string): string {
  const cleaned = code.replace(/[\s-]/g, '').toLowerCase();
  return deps.secrets.sign({ value: `recovery-code:${cleaned}` });
}

/**
 * How versions before 0.2 stored recovery codes (plain SHA-256). Still accepted, so
 * codes already given out keep working; new codes are stored as HMACs.
 */
function legacyRecoveryHash(deps: Pick<TotpDeps, 'secrets'>, code: string): string {
  return deps.secrets.hashToken({ value: `recovery-code:${code}` });
}

async function sealStored(deps: Pick<TotpDeps, 'cipher'>, value: StoredTotp): Promise<Uint8Array> {
  return deps.cipher.encryptBytes({ plaintext: encoder.encode(JSON.stringify(value)) });
}

async function openStored(
  deps: Pick<TotpDeps, 'cipher'>,
  value: Uint8Array,
): Promise<StoredTotp | null> {
  const text = decoder.decode(await deps.cipher.decryptBytes({ ciphertext: value }));
  let parsed: { v?: unknown; key?: unknown; lastStep?: unknown } | null;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (parsed?.v !== 1 || typeof parsed.key !== 'string') return null;
  return {
    v: 1,
    key: parsed.key,
    lastStep: typeof parsed.lastStep === 'number' ? parsed.lastStep : null,
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
