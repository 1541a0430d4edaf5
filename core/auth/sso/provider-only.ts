import { type Account, hasSecondFactor } from '../../accounts/model.ts';
import type { Settings } from '../../settings/model.ts';

/**
 * True when `account` may sign in only through the provider: a staff account linked to
 * single sign-on (`ssoSubject` set) while single sign-on is configured. Then no
 * password (form, SMTP AUTH, reset or set-password link) and no passwordless passkey
 * signs it in, so a leaver removed at the provider has no other way back in. A passkey
 * as the second step after the provider stays allowed. When single sign-on is not
 * configured the account falls back to the ordinary routes, or no one could sign in.
 */
export function signsInOnlyThroughProvider(
  account: Pick<Account, 'kind' | 'ssoSubject'>,
  ssoConfigured: boolean,
): boolean {
  return ssoConfigured && account.kind === 'staff' && account.ssoSubject !== null;
}

/**
 * True when `account` may not sign in with (or set) a password under these settings:
 * with `staffPasswords: break-glass` (single sign-on working), staff sign in through
 * the provider, and only a local admin (not linked to the provider, `ssoSubject`
 * null) with a second factor keeps a password, for the day the provider is down; an
 * admin the provider manages keeps no password route after leaving. Recipients are
 * never affected. Checked by the sign-in form, SMTP AUTH and password links alike.
 */
export function isPasswordSignInOff(
  settings: Pick<Settings, 'staffPasswords'>,
  account: Account,
): boolean {
  if (settings.staffPasswords !== 'break-glass' || account.kind !== 'staff') return false;
  return !(account.role === 'admin' && hasSecondFactor(account) && account.ssoSubject === null);
}
