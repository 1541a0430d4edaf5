import type { AccountDeps } from './deps.ts';
import {
  completePasswordLink,
  findPasswordLink,
  type PasswordLinkResult,
} from './reset-password.ts';

/**
 * A new staff member's first password, from the link `sealpost admin create` gave
 * out (see `createStaffAccount`). The same steps as a reset: the link is spent once
 * by POST, the policy applies, and a new session starts.
 */
export function completeSetPassword(
  deps: AccountDeps,
  input: { token: string; password: string; ip: string | null; userAgent: string | null },
): Promise<PasswordLinkResult> {
  return completePasswordLink(deps, { ...input, purposes: ['set-password'] });
}

/** The set-password page's view of a link before it is spent: the address, or null. */
export function findSetPasswordLink(
  deps: Pick<AccountDeps, 'storage' | 'secrets' | 'clock' | 'settings' | 'ssoConfigured'>,
  input: { token: string },
): Promise<{ email: string; hasSecondFactor: boolean } | null> {
  return findPasswordLink(deps, { token: input.token, purposes: ['set-password'] });
}
