import type { AccountDeps } from '../../accounts/deps.ts';
import { emailKey, normaliseEmail } from '../../accounts/email.ts';
import { type Account, hasSecondFactor } from '../../accounts/model.ts';
import { recordAudit } from '../../audit/record.ts';
import { cleanLineMax } from '../../shared/clean-text.ts';
import type { Repositories } from '../../storage/ports.ts';
import type { Session } from '../model.ts';
import { buildSession, endResumeTokens } from '../sessions.ts';
import type { SsoClaims, SsoPolicy, SsoRefusal, StaffRole } from './model.ts';
import { auditSsoRefusal } from './refusal.ts';
import { isRightTenant, providerProvedSecondFactor, roleFromClaims } from './roles.ts';

/** What the callback brings to the use case, after the adapter validated the ID token. */
export type SsoSignInInput = {
  policy: SsoPolicy;
  claims: SsoClaims;
  refreshToken: string | null;
  ip: string | null;
  userAgent: string | null;
};

/** The outcome: a session for the account, or the refusal's code. */
export type SsoSignInResult =
  | { ok: true; account: Account; session: Session; sessionToken: string }
  | { ok: false; reason: SsoRefusal };

const NAME_MAX = 100;

/** The subject as stored in `Account.ssoSubject`: one person at one provider. */
export function ssoSubjectOf(issuer: string, sub: string): string {
  return `${issuer} ${sub}`;
}

/**
 * The address the provider gives: `email`, else Entra's `preferred_username` when it is
 * one. None when the provider itself says the address is not verified
 * (`email_verified: false`): an address nobody proved must not link or make an account.
 */
function addressOf(claims: SsoClaims): string | null {
  if (claims.email_verified === false) return null;
  for (const name of ['email', 'preferred_username']) {
    const value = claims[name];
    if (typeof value !== 'string') continue;
    const normalised = normaliseEmail(value.trim());
    if (normalised.ok) return normalised.email;
  }
  return null;
}

/**
 * Signs a staff member in after the provider vouched for them (just-in-time
 * provisioning, docs/decisions/0029):
 *
 * - the account is the one linked to `<issuer> <sub>`; failing that, a staff account
 *   with the same address not yet linked is linked (`account.sso-linked`) and its
 *   password cleared, since it signs in only through the provider from now on; an address
 *   that belongs to a recipient, a team mailbox or another person at the provider is
 *   refused, so no one outside the council is ever turned into staff;
 * - no mapped role: refused, and every session of the account ends now (a leaver);
 * - first sign-in with a role: a staff account without a password is made
 *   (`account.sso-provisioned`);
 * - every sign-in writes the name and role the provider gives (`account.sso-role-change`
 *   when the role changed);
 * - the session counts the provider's second factor when the provider proved one;
 *   otherwise a staff member with their own second factor is asked for it, as after a
 *   password.
 *
 * Every refusal is recorded as `account.sso-refused` with its reason.
 */
export async function completeSsoSignIn(
  deps: AccountDeps,
  input: SsoSignInInput,
): Promise<SsoSignInResult> {
  const { policy, claims } = input;
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  const email = addressOf(claims);
  const refuse = async (
    repos: Repositories,
    reason: SsoRefusal,
    account: Account | null,
  ): Promise<SsoSignInResult> => {
    await auditSsoRefusal(deps, repos, {
      reason,
      accountId: account?.id ?? null,
      label: account?.email ?? email,
      ip: input.ip,
    });
    return { ok: false, reason };
  };
  if (!isRightTenant(policy, claims)) return refuse(deps.storage.repos, 'wrong-tenant', null);
  if (sub === '') return refuse(deps.storage.repos, 'id-token-invalid', null);
  const role = roleFromClaims(policy, claims);
  const subject = ssoSubjectOf(policy.issuer, sub);
  const mfa = providerProvedSecondFactor(policy, claims);
  // Encrypted before the transaction: sealing may need the field key, which is not read
  // inside one.
  const refreshEnc =
    input.refreshToken === null
      ? null
      : await deps.cipher.encryptBytes({ plaintext: new TextEncoder().encode(input.refreshToken) });

  return deps.storage.transaction(async (repos): Promise<SsoSignInResult> => {
    let account = await repos.accounts.findBySsoSubject({ ssoSubject: subject, forUpdate: true });
    let linking = false;
    if (!account && email) {
      const byAddress = await repos.accounts.findByEmailKey({ emailKey: emailKey(email) });
      if (byAddress) {
        if (byAddress.kind !== 'staff' || byAddress.sharedMailbox) {
          return refuse(repos, 'recipient-address', null);
        }
        // Linked to someone else at the provider: two people, one address; an admin decides.
        if (byAddress.ssoSubject !== null) return refuse(repos, 'recipient-address', byAddress);
        account = await repos.accounts.findById({ id: byAddress.id, forUpdate: true });
        linking = account !== null;
      }
    }
    if (role === null) {
      if (account) await repos.sessions.deleteForAccount({ accountId: account.id });
      return refuse(repos, 'no-role', account);
    }
    if (account && account.status !== 'active') return refuse(repos, 'disabled', account);
    const now = deps.clock.now();
    const name = nameOf(claims, email ?? account?.email ?? '');

    if (!account) {
      if (!email) return refuse(repos, 'no-email', null);
      account = newStaffAccount(deps, { email, name, role, subject, now });
      await repos.accounts.insert({ account });
      await audit(deps, repos, input, account, 'account.sso-provisioned', { role });
    } else {
      const before = account;
      account = {
        ...account,
        displayName: name || account.displayName,
        role,
        ssoSubject: subject,
        // Linked now: the provider is the only way in from here on, so the old
        // password stops working (`signsInOnlyThroughProvider`).
        passwordHash: linking ? null : account.passwordHash,
        lastSignInAt: now,
        updatedAt: now,
      };
      await repos.accounts.update({ account });
      if (linking) {
        await audit(deps, repos, input, account, 'account.sso-linked', {
          passwordCleared: before.passwordHash !== null,
        });
      }
      if (before.role !== role) {
        await audit(deps, repos, input, account, 'account.sso-role-change', {
          from: before.role,
          to: role,
        });
      }
    }

    const built = buildSession(deps, {
      account,
      rememberMe: false,
      ip: input.ip,
      userAgent: input.userAgent,
    });
    const session: Session = {
      ...built.session,
      // The provider's own second factor counts; otherwise the person's own is asked for.
      twoFactorPending: !mfa && hasSecondFactor(account),
      secondFactorAt: mfa ? now : null,
      ssoCheckedAt: now,
      ssoRefreshEnc: refreshEnc,
    };
    await repos.sessions.insert({ session });
    await endResumeTokens(repos, account.id, now);
    await audit(deps, repos, input, account, 'account.signin', { sso: true, providerMfa: mfa });
    return { ok: true, account, session, sessionToken: built.token };
  });
}

/** The display name the provider gives, cleaned to one short line; the address if none. */
function nameOf(claims: SsoClaims, fallback: string): string {
  const raw = typeof claims.name === 'string' ? claims.name.replace(/[<>]/g, '') : '';
  const name = cleanLineMax(raw, NAME_MAX);
  return name !== '' ? name : fallback;
}

function newStaffAccount(
  deps: Pick<AccountDeps, 'ids'>,
  args: { email: string; name: string; role: StaffRole; subject: string; now: Date },
): Account {
  return {
    id: deps.ids.newId(),
    email: args.email,
    emailKey: emailKey(args.email),
    displayName: args.name,
    kind: 'staff',
    role: args.role,
    // No password: the provider is how this person signs in.
    passwordHash: null,
    status: 'active',
    failedSignIns: 0,
    failureWindowStartedAt: null,
    lockedUntil: null,
    totpKeyEnc: null,
    recoveryCodeHashes: [],
    legalHold: false,
    createdAt: args.now,
    updatedAt: args.now,
    lastSignInAt: args.now,
    passwordChangedAt: null,
    sharedMailbox: false,
    ssoSubject: args.subject,
    passkeyCount: 0,
    language: null,
  };
}

async function audit(
  deps: AccountDeps,
  repos: Repositories,
  input: SsoSignInInput,
  account: Account,
  action:
    | 'account.sso-provisioned'
    | 'account.sso-linked'
    | 'account.sso-role-change'
    | 'account.signin',
  details: Record<string, string | boolean>,
): Promise<void> {
  await recordAudit(deps, repos, {
    action,
    actorId: account.id,
    actorLabel: account.email,
    ip: input.ip,
    targetType: 'account',
    targetId: account.id,
    details,
  });
}
