import type { Account } from '../accounts/model.ts';
import { recordAudit } from '../audit/record.ts';
import type { Settings } from '../settings/model.ts';
import type { Repositories } from '../storage/ports.ts';
import type { Passkey, Session } from './model.ts';
import {
  type ChallengeUse,
  isLiveChallenge,
  issueChallenge,
  spendChallenge,
} from './passkey-challenges.ts';
import type { PasskeyDeps } from './passkeys.ts';
import { buildSession, reissueSession, type SessionPolicy } from './sessions.ts';
import { signsInOnlyThroughProvider } from './sso/provider-only.ts';
import type { PasskeyOptions } from './webauthn-port.ts';

/**
 * Signing in with a passkey: as the second step after the password (any account that
 * has one), or on its own when the admin allows it (`passkeySignIn: 'passwordless'`),
 * where the authenticator must verify the person (PIN, fingerprint) so it stands for
 * both factors. A refused passkey is recorded as `account.signin-failed` with the
 * reason `passkey-counter` (a counter that did not move forward: a cloned
 * authenticator, perhaps) or `passkey-invalid` (anything else); the person is told no
 * more than that it did not work.
 */

/** The options for the second step, or null when this session has no passkey step to take. */
export async function startPasskeySecondFactor(
  deps: PasskeyDeps,
  input: { session: Session },
): Promise<PasskeyOptions | null> {
  const { session } = input;
  if (!session.twoFactorPending) return null;
  const account = await deps.storage.repos.accounts.findById({ id: session.accountId });
  if (account?.status !== 'active' || account.passkeyCount === 0) return null;
  const passkeys = await deps.storage.repos.passkeys.listForAccount({ accountId: account.id });
  const challenge = await deps.storage.transaction((repos) =>
    issueChallenge(deps, repos, {
      use: { kind: 'second-factor', sessionId: session.id, accountId: account.id },
      email: account.email,
    }),
  );
  return deps.webauthn.authenticationOptions({
    challenge,
    allow: passkeys.map((p) => ({ credentialId: p.credentialId, transports: p.transports })),
    userVerification: 'preferred',
  });
}

/** The options for signing in with a passkey alone, or null when the setting does not allow it. */
export async function startPasskeySignIn(
  deps: PasskeyDeps,
  input: { settings: Pick<Settings, 'passkeySignIn'> },
): Promise<PasskeyOptions | null> {
  if (input.settings.passkeySignIn !== 'passwordless') return null;
  const challenge = await deps.storage.transaction((repos) =>
    issueChallenge(deps, repos, { use: { kind: 'passwordless' }, email: '' }),
  );
  // No list of passkeys: the browser offers those it holds for us (discoverable ones).
  return deps.webauthn.authenticationOptions({
    challenge,
    allow: [],
    userVerification: 'required',
  });
}

/** The outcome of a passkey sign-in (either kind). */
export type PasskeySignInResult =
  | {
      ok: true;
      account: Account;
      /** The signed-in session (a new id), and its cookie token. */
      session: Session;
      sessionToken: string;
      /** When the account last signed in before this (passwordless only; else null). */
      previousSignInAt: Date | null;
    }
  | { ok: false };

type Checked =
  | { ok: true; account: Account; passkey: Passkey; challenge: string; newCounter: number }
  | { ok: false; account: Account | null; challenge: string | null; reason: string };

/**
 * Everything that can be checked before the transaction: the assertion names a live
 * challenge issued for `use`, a passkey of an active account (this session's, for the
 * second step; the one its user handle names, signing in alone), and verifies.
 */
async function checkAssertion(
  deps: PasskeyDeps,
  input: { response: unknown; use: ChallengeUse; accountId: string | null; requireUv: boolean },
): Promise<Checked> {
  const repos = deps.storage.repos;
  const read = deps.webauthn.readAssertion({ response: input.response });
  const passkey = read
    ? await repos.passkeys.findByCredentialId({ credentialId: read.credentialId })
    : null;
  const owner = passkey ? await repos.accounts.findById({ id: passkey.accountId }) : null;
  const expected = input.accountId ? await repos.accounts.findById({ id: input.accountId }) : owner;
  const fail = (reason: string): Checked => ({
    ok: false,
    account: expected,
    challenge: read?.challenge ?? null,
    reason,
  });
  if (
    !read ||
    !(await isLiveChallenge(deps, repos, { challenge: read.challenge, use: input.use }))
  ) {
    return fail('passkey-invalid');
  }
  if (!passkey || !owner || owner.id !== expected?.id || owner.status !== 'active') {
    return fail('passkey-invalid');
  }
  // Signing in alone, the authenticator says whose it is: it must agree with the row.
  if (!input.accountId && read.userHandle !== null && read.userHandle !== owner.id) {
    return fail('passkey-invalid');
  }
  const verified = await deps.webauthn.verifyAuthentication({
    response: input.response,
    challenge: read.challenge,
    credential: passkey,
    requireUserVerification: input.requireUv,
  });
  if (!verified.ok)
    return fail(verified.reason === 'counter' ? 'passkey-counter' : 'passkey-invalid');
  return {
    ok: true,
    account: owner,
    passkey,
    challenge: read.challenge,
    newCounter: verified.newCounter,
  };
}

/** Records a refused passkey, spending its challenge so it cannot be tried again. */
async function refuse(
  deps: PasskeyDeps,
  repos: Repositories,
  checked: Extract<Checked, { ok: false }>,
  ip: string | null,
): Promise<{ ok: false }> {
  if (checked.challenge) await spendChallenge(deps, repos, { challenge: checked.challenge });
  await recordAudit(deps, repos, {
    action: 'account.signin-failed',
    actorId: null,
    actorLabel: checked.account?.email ?? '',
    ip,
    targetType: 'account',
    targetId: checked.account?.id ?? null,
    details: { reason: checked.reason, method: 'passkey' },
  });
  return { ok: false };
}

/**
 * Writes the passkey's new counter, inside the transaction: false when another request
 * moved it on meanwhile (the same assertion twice: only one may win).
 */
async function advanceCounter(
  repos: Repositories,
  checked: Extract<Checked, { ok: true }>,
  now: Date,
): Promise<boolean> {
  const fresh = await repos.passkeys.findByCredentialId({
    credentialId: checked.passkey.credentialId,
  });
  if (!fresh || fresh.counter !== checked.passkey.counter) return false;
  await repos.passkeys.update({
    passkey: { ...fresh, counter: checked.newCounter, lastUsedAt: now },
  });
  return true;
}

/**
 * Completes a half-signed-in session's second step with a passkey: on success the
 * session is reissued exactly as after an app code (a new id, `twoFactorPending`
 * false, `secondFactorAt` now) and `account.signin` is recorded with method `passkey`.
 */
export async function finishPasskeySecondFactor(
  deps: PasskeyDeps,
  input: { session: Session; response: unknown; ip: string | null },
): Promise<PasskeySignInResult> {
  const { session } = input;
  const use: ChallengeUse = {
    kind: 'second-factor',
    sessionId: session.id,
    accountId: session.accountId,
  };
  const checked = await checkAssertion(deps, {
    response: input.response,
    use,
    accountId: session.accountId,
    requireUv: false,
  });
  return deps.storage.transaction(async (tx): Promise<PasskeySignInResult> => {
    if (!checked.ok) return refuse(deps, tx, checked, input.ip);
    const now = deps.clock.now();
    const current = await tx.sessions.findById({ id: session.id });
    if (
      !current?.twoFactorPending ||
      current.accountId !== checked.account.id ||
      !(await spendChallenge(deps, tx, { challenge: checked.challenge })) ||
      !(await advanceCounter(tx, checked, now))
    ) {
      return refuse(
        deps,
        tx,
        { ...checked, ok: false, challenge: null, reason: 'passkey-invalid' },
        input.ip,
      );
    }
    const renewed = reissueSession(deps, current);
    await tx.sessions.delete({ id: current.id });
    await tx.sessions.insert({ session: renewed.session });
    await recordAudit(deps, tx, {
      action: 'account.signin',
      actorId: checked.account.id,
      actorLabel: checked.account.email,
      ip: input.ip,
      targetType: 'account',
      targetId: checked.account.id,
      details: { step: 'second-factor', method: 'passkey' },
    });
    return {
      ok: true,
      account: checked.account,
      session: renewed.session,
      sessionToken: renewed.token,
      previousSignInAt: null,
    };
  });
}

/**
 * Signs a signed-out browser in with a passkey alone (only while the setting is
 * `passwordless`; user verification required). The new session is fully signed in,
 * with `secondFactorAt` set: a verified passkey is possession and the person's PIN or
 * fingerprint at once. Records `account.signin` with method `passkey`. Refused (reason
 * `sso-only`) for staff who sign in only through the provider; a passkey as the second
 * step after the provider (`finishPasskeySecondFactor`) stays allowed.
 */
export async function finishPasskeySignIn(
  deps: PasskeyDeps & { policy: SessionPolicy },
  input: {
    response: unknown;
    settings: Pick<Settings, 'passkeySignIn'>;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<PasskeySignInResult> {
  if (input.settings.passkeySignIn !== 'passwordless') return { ok: false };
  const checked = await checkAssertion(deps, {
    response: input.response,
    use: { kind: 'passwordless' },
    accountId: null,
    requireUv: true,
  });
  return deps.storage.transaction(async (tx): Promise<PasskeySignInResult> => {
    if (!checked.ok) return refuse(deps, tx, checked, input.ip);
    const now = deps.clock.now();
    const account = await tx.accounts.findById({ id: checked.account.id, forUpdate: true });
    // Staff the provider manages sign in through it only: a leaver's passkey is no way
    // back in. The same answer as any refused passkey; the trail says why.
    if (account && signsInOnlyThroughProvider(account, deps.ssoConfigured)) {
      return refuse(deps, tx, { ...checked, ok: false, reason: 'sso-only' }, input.ip);
    }
    if (
      account?.status !== 'active' ||
      !(await spendChallenge(deps, tx, { challenge: checked.challenge })) ||
      !(await advanceCounter(tx, checked, now))
    ) {
      return refuse(
        deps,
        tx,
        { ...checked, ok: false, challenge: null, reason: 'passkey-invalid' },
        input.ip,
      );
    }
    const signedIn: Account = { ...account, lastSignInAt: now, updatedAt: now };
    await tx.accounts.update({ account: signedIn });
    const built = buildSession(deps, {
      account: signedIn,
      rememberMe: false,
      ip: input.ip,
      userAgent: input.userAgent,
    });
    const session: Session = { ...built.session, twoFactorPending: false, secondFactorAt: now };
    await tx.sessions.insert({ session });
    await recordAudit(deps, tx, {
      action: 'account.signin',
      actorId: signedIn.id,
      actorLabel: signedIn.email,
      ip: input.ip,
      targetType: 'account',
      targetId: signedIn.id,
      details: { step: 'passwordless', method: 'passkey' },
    });
    return {
      ok: true,
      account: signedIn,
      session,
      sessionToken: built.token,
      previousSignInAt: account.lastSignInAt,
    };
  });
}
