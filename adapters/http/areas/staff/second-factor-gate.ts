import type { MiddlewareHandler } from 'hono';
import type { SettingsReader } from '../../../../core/accounts/deps.ts';
import { mustEnrolSecondFactor } from '../../../../core/auth/second-factor.ts';
import { STAFF_PATHS } from '../../../../views/pages/staff/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';

/**
 * The paths a staff member who must set up a second factor may still reach: the page
 * that sets up an app, signing out, and whatever other ways of setting one up exist
 * (passkeys register under `/account/passkeys`; their script and assets are static and
 * served before this gate).
 */
export const SECOND_FACTOR_SETUP_PATHS: ReadonlySet<string> = new Set<string>([
  STAFF_PATHS.twoFactor,
  STAFF_PATHS.signOut,
  '/sign-out-everywhere',
]);

/** Prefixes of the set-up paths that have sub-paths (a passkey's options, its verification). */
export const SECOND_FACTOR_SETUP_PREFIXES: readonly string[] = ['/account/passkeys'];

/** True when a staff member without a second factor may still reach `path`. */
export function isSecondFactorSetupPath(path: string): boolean {
  return (
    SECOND_FACTOR_SETUP_PATHS.has(path) ||
    SECOND_FACTOR_SETUP_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))
  );
}

/**
 * Staff who must have a second factor (`mustEnrolSecondFactor`: admins always, every
 * staff member when the `staffSecondFactor` setting is `all-staff`) and have none are
 * sent to set one up from every page but the set-up pages and signing out, so they can
 * do nothing else first: not read, not send, not administer. Mounted for the whole app,
 * before every other area, since "nothing else" includes other areas' pages and their
 * htmx fragments.
 */
export function secondFactorGate(args: { settings: SettingsReader }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // The person, not the mailbox: on a team mailbox's pages `account` is the team (a
    // sender without a second factor), and a member working there must still have one.
    const account = c.get('person') ?? c.get('account');
    // A session that proved a second factor elsewhere (single sign-on whose provider
    // vouched for one, `OIDC_PROVIDER_MFA`) has done what the rule asks for.
    const proved = c.get('session')?.secondFactorAt != null;
    if (
      account &&
      account.kind === 'staff' &&
      !proved &&
      !isSecondFactorSetupPath(c.req.path) &&
      mustEnrolSecondFactor(account, await args.settings.get())
    ) {
      return redirectKeepingLang(c, STAFF_PATHS.twoFactor);
    }
    await next();
  };
}
