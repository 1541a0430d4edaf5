import { type Account, hasSecondFactor } from '../accounts/model.ts';
import type { PasswordHasher } from '../accounts/ports.ts';
import { recordAudit } from '../audit/record.ts';
import type { Cipher } from '../crypto/ports.ts';
import type { EmailLanguageSettings } from '../mail/language.ts';
import type { MailTemplates } from '../mail/ports.ts';
import type { Settings } from '../settings/model.ts';
import { cleanLineMax } from '../shared/clean-text.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';
import type { Passkey, Session } from './model.ts';
import { isLiveChallenge, issueChallenge, spendChallenge } from './passkey-challenges.ts';
import { markSecondFactorProved, mustEnrolSecondFactor } from './second-factor.ts';
import { passwordMatches } from './totp.ts';
import { prepareSecondFactorNotice } from './totp-notice.ts';
import type { PasskeyOptions, WebAuthnVerifier } from './webauthn-port.ts';

/**
 * Passkeys (WebAuthn credentials) a person registers, names and removes from their
 * account page: a second factor after the password, or, where the admin allows it, a
 * way in on their own (see passkey-sign-in.ts). Only public keys are kept. Every
 * change is audited and, for recipients, emailed to the account's address (the same
 * notice as for an authenticator app, core/auth/totp-notice.ts).
 */

/** What the passkey use cases need from the world. */
export type PasskeyDeps = {
  storage: Storage;
  secrets: Secrets;
  ids: Ids;
  clock: Clock;
  cipher: Cipher;
  hasher: PasswordHasher;
  templates: MailTemplates;
  /** The portal's address without a trailing slash, named in the emailed notice. */
  publicUrl: string;
  /** The settings, for the language of that notice (the council's `emailLanguage`). */
  settings?: EmailLanguageSettings;
  webauthn: WebAuthnVerifier;
  /**
   * Whether single sign-on is configured: while it is, staff linked to the provider
   * may not sign in with a passkey alone (`signsInOnlyThroughProvider`).
   */
  ssoConfigured: boolean;
};

/** The most passkeys one account may hold: plenty for a phone, a laptop and two keys. */
export const MAX_PASSKEYS = 10;
/** The longest name a passkey may be given. */
export const MAX_PASSKEY_NAME = 60;

/**
 * A passkey's name as typed, tidied like every line people read (`cleanLine`: no
 * control or invisible characters), at most `MAX_PASSKEY_NAME` characters; null when
 * nothing is left.
 */
export function cleanPasskeyName(raw: string): string | null {
  const cleaned = cleanLineMax(raw, MAX_PASSKEY_NAME);
  return cleaned === '' ? null : cleaned;
}

/** True when the account may hold passkeys: staff and recipients, never a team mailbox. */
export function canUsePasskeys(account: Account): boolean {
  return !account.sharedMailbox && (account.kind === 'staff' || account.kind === 'external');
}

/** The outcome of asking to register a passkey. */
export type StartRegistrationResult =
  | { ok: true; options: PasskeyOptions }
  | { ok: false; reason: 'not-allowed' | 'too-many' };

/**
 * Starts registering a passkey in a signed-in session: a fresh challenge bound to this
 * session, and the options for the browser, which name the account by its id (opaque;
 * never the address as the handle) and exclude the passkeys it has already.
 */
export async function startPasskeyRegistration(
  deps: PasskeyDeps,
  input: { account: Account; session: Session; orgName: string },
): Promise<StartRegistrationResult> {
  const { account, session } = input;
  if (!canUsePasskeys(account) || session.accountId !== account.id || session.twoFactorPending) {
    return { ok: false, reason: 'not-allowed' };
  }
  const existing = await deps.storage.repos.passkeys.listForAccount({ accountId: account.id });
  if (existing.length >= MAX_PASSKEYS) return { ok: false, reason: 'too-many' };
  const challenge = await deps.storage.transaction((repos) =>
    issueChallenge(deps, repos, {
      use: { kind: 'register', sessionId: session.id, accountId: account.id },
      email: account.email,
    }),
  );
  const options = await deps.webauthn.registrationOptions({
    rpName: input.orgName,
    userId: account.id,
    userName: account.email,
    userDisplayName: account.displayName,
    challenge,
    exclude: existing.map((p) => ({ credentialId: p.credentialId, transports: p.transports })),
  });
  return { ok: true, options };
}

/** The outcome of registering: the new passkey, or why not (never more than that). */
export type FinishRegistrationResult =
  | { ok: true; passkey: Passkey }
  | { ok: false; reason: 'not-allowed' | 'too-many' | 'invalid' | 'duplicate' };

/**
 * Finishes registering: the response must answer a live challenge of this session and
 * pass the adapter's checks (origin, relying party, signature). Then, in one
 * transaction with the account row locked, the challenge is spent, the passkey stored,
 * `passkeyCount` raised, `account.passkey-add` recorded, the notice queued, and the
 * session marked as having proved a second factor (it just used one).
 */
export async function finishPasskeyRegistration(
  deps: PasskeyDeps,
  input: {
    account: Account;
    session: Session;
    response: unknown;
    name: string;
    orgName: string;
    ip: string | null;
  },
): Promise<FinishRegistrationResult> {
  const { account, session } = input;
  if (!canUsePasskeys(account) || session.accountId !== account.id || session.twoFactorPending) {
    return { ok: false, reason: 'not-allowed' };
  }
  const name = cleanPasskeyName(input.name);
  const challenge = deps.webauthn.registrationChallenge({ response: input.response });
  const use = { kind: 'register' as const, sessionId: session.id, accountId: account.id };
  if (
    !name ||
    !challenge ||
    !(await isLiveChallenge(deps, deps.storage.repos, { challenge, use }))
  ) {
    return { ok: false, reason: 'invalid' };
  }
  const verified = await deps.webauthn.verifyRegistration({ response: input.response, challenge });
  if (!verified) {
    await deps.storage.transaction((repos) => spendChallenge(deps, repos, { challenge }));
    return { ok: false, reason: 'invalid' };
  }
  const notice = await prepareSecondFactorNotice(deps, {
    account,
    orgName: input.orgName,
    change: 'passkey-added',
  });
  return deps.storage.transaction(async (repos): Promise<FinishRegistrationResult> => {
    const fresh = await repos.accounts.findById({ id: account.id, forUpdate: true });
    if (!fresh || !(await spendChallenge(deps, repos, { challenge }))) {
      return { ok: false, reason: 'invalid' };
    }
    if (await repos.passkeys.findByCredentialId({ credentialId: verified.credentialId })) {
      return { ok: false, reason: 'duplicate' };
    }
    if (fresh.passkeyCount >= MAX_PASSKEYS) return { ok: false, reason: 'too-many' };
    const now = deps.clock.now();
    const passkey: Passkey = {
      id: deps.ids.newId(),
      accountId: fresh.id,
      credentialId: verified.credentialId,
      publicKey: verified.publicKey,
      counter: verified.counter,
      transports: verified.transports,
      deviceType: verified.deviceType,
      backedUp: verified.backedUp,
      name,
      createdAt: now,
      lastUsedAt: null,
    };
    await repos.passkeys.insert({ passkey });
    await repos.accounts.update({
      account: { ...fresh, passkeyCount: fresh.passkeyCount + 1, updatedAt: now },
    });
    await recordAudit(deps, repos, {
      action: 'account.passkey-add',
      actorId: fresh.id,
      actorLabel: fresh.email,
      ip: input.ip,
      targetType: 'account',
      targetId: fresh.id,
      details: {
        passkeyId: passkey.id,
        deviceType: passkey.deviceType,
        count: fresh.passkeyCount + 1,
      },
    });
    // Only a first factor marks the session: with one already held, a stolen session
    // could otherwise add a passkey to skip the step-up the existing factor asks for.
    if (!hasSecondFactor(fresh)) {
      await markSecondFactorProved(repos, { sessionId: session.id, accountId: fresh.id, now });
    }
    if (notice) await repos.outbox.insert({ mail: notice });
    return { ok: true, passkey };
  });
}

/**
 * Renames one of the account's own passkeys; records `account.passkey-rename` and
 * emails the account in the same transaction (issue 21: every change to how a person
 * signs in is emailed, so a rename they did not make is noticed). False when the name
 * is empty or the passkey is not this account's (the caller answers 404).
 */
export async function renamePasskey(
  deps: Pick<
    PasskeyDeps,
    'storage' | 'ids' | 'clock' | 'secrets' | 'cipher' | 'templates' | 'publicUrl'
  >,
  input: { account: Account; passkeyId: string; name: string; orgName: string; ip: string | null },
): Promise<{ ok: true } | { ok: false; reason: 'not-found' | 'empty-name' }> {
  const name = cleanPasskeyName(input.name);
  if (!name) return { ok: false, reason: 'empty-name' };
  const notice = await prepareSecondFactorNotice(deps, {
    account: input.account,
    orgName: input.orgName,
    change: 'passkey-renamed',
  });
  return deps.storage.transaction(async (repos) => {
    const mine = await repos.passkeys.listForAccount({ accountId: input.account.id });
    const passkey = mine.find((p) => p.id === input.passkeyId);
    if (!passkey) return { ok: false, reason: 'not-found' as const };
    if (passkey.name === name) return { ok: true as const };
    await repos.passkeys.update({ passkey: { ...passkey, name } });
    await recordAudit(deps, repos, {
      action: 'account.passkey-rename',
      actorId: input.account.id,
      actorLabel: input.account.email,
      ip: input.ip,
      targetType: 'account',
      targetId: input.account.id,
      details: { passkeyId: passkey.id },
    });
    if (notice) await repos.outbox.insert({ mail: notice });
    return { ok: true as const };
  });
}

/** The outcome of removing a passkey. */
export type RemovePasskeyResult =
  | { ok: true }
  | { ok: false; reason: 'not-found' | 'wrong-password' | 'last-second-factor' };

/**
 * True when removing passkeys must first prove the password again (ASVS V7.5.1, as
 * for turning an authenticator app off): whenever the account has a password.
 */
export function removalNeedsPassword(account: Account): boolean {
  return account.passwordHash !== null;
}

/**
 * Removes one of the account's own passkeys, with the password typed again; a wrong
 * one is recorded as `account.reauth-failed`. Staff who must have a second factor
 * (`mustEnrolSecondFactor`) cannot remove their last one here (`last-second-factor`):
 * they set up another first, or an admin resets it. In one transaction with the account
 * row locked: the row goes, `passkeyCount` drops, `account.passkey-remove` is recorded
 * and the notice queued.
 */
export async function removePasskey(
  deps: PasskeyDeps,
  input: {
    account: Account;
    passkeyId: string;
    password: string | null;
    settings: Pick<Settings, 'staffSecondFactor' | 'orgName'>;
    ip: string | null;
  },
): Promise<RemovePasskeyResult> {
  const { account } = input;
  const mine = await deps.storage.repos.passkeys.listForAccount({ accountId: account.id });
  if (!mine.some((p) => p.id === input.passkeyId)) return { ok: false, reason: 'not-found' };
  if (removalNeedsPassword(account) && !(await passwordMatches(deps, input))) {
    await deps.storage.transaction((repos) =>
      recordAudit(deps, repos, {
        action: 'account.reauth-failed',
        actorId: account.id,
        actorLabel: account.email,
        ip: input.ip,
        targetType: 'account',
        targetId: account.id,
        details: { purpose: 'passkey-remove' },
      }),
    );
    return { ok: false, reason: 'wrong-password' };
  }
  const notice = await prepareSecondFactorNotice(deps, {
    account,
    orgName: input.settings.orgName,
    change: 'passkey-removed',
  });
  return deps.storage.transaction(async (repos): Promise<RemovePasskeyResult> => {
    const fresh = await repos.accounts.findById({ id: account.id, forUpdate: true });
    if (!fresh) return { ok: false, reason: 'not-found' };
    const left = { ...fresh, passkeyCount: Math.max(0, fresh.passkeyCount - 1) };
    if (mustEnrolSecondFactor(left, input.settings)) {
      return { ok: false, reason: 'last-second-factor' };
    }
    if (!(await repos.passkeys.delete({ id: input.passkeyId, accountId: fresh.id }))) {
      return { ok: false, reason: 'not-found' };
    }
    const now = deps.clock.now();
    await repos.accounts.update({ account: { ...left, updatedAt: now } });
    await recordAudit(deps, repos, {
      action: 'account.passkey-remove',
      actorId: fresh.id,
      actorLabel: fresh.email,
      ip: input.ip,
      targetType: 'account',
      targetId: fresh.id,
      details: { passkeyId: input.passkeyId, count: left.passkeyCount },
    });
    if (notice) await repos.outbox.insert({ mail: notice });
    return { ok: true };
  });
}
