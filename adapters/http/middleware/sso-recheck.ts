import type { MiddlewareHandler } from 'hono';
import type { AccountDeps } from '../../../core/accounts/deps.ts';
import type { Session } from '../../../core/auth/model.ts';
import { isSsoRecheckDue, recheckSsoSession } from '../../../core/auth/sso/recheck.ts';
import type { SsoSetup } from '../../compose.ts';
import type { AppEnv } from '../env.ts';
import { pathKeepingLang, redirectKeepingLang } from '../language.ts';
import { clearSessionCookie, SESSION_STATUS_PATH } from './session.ts';

/** Where a person whose session the provider no longer confirms is sent. */
export const SSO_ENDED_PATH = '/sign-in?notice=sso-ended';

/**
 * After the session middleware: when a session started through the provider is due
 * for its recheck (`OIDC_RECHECK_MINUTES`, at most the staff idle timeout), asks the
 * provider again (core/auth/sso/recheck.ts). Only a due request pays for the round
 * trip; every other request costs one date comparison. If the provider no longer
 * confirms the person, every session of the account has ended and the browser goes to
 * the sign-in page with a notice (htmx is told to go there too).
 *
 * Within one process, concurrent requests of one session share one recheck: a refresh
 * token may rotate, and using the old one twice could make the provider revoke the
 * grant. Two processes may still both refresh at the same instant; the later one then
 * fails and ends the session, which is the safe side.
 */
export function ssoRecheck(args: {
  accounts: AccountDeps;
  sso: SsoSetup;
  https: boolean;
}): MiddlewareHandler<AppEnv> {
  const running = new Map<string, ReturnType<typeof recheckSsoSession>>();
  return async (c, next) => {
    const session = c.get('session');
    const person = c.get('person');
    const now = args.accounts.clock.now();
    if (
      !session ||
      !person ||
      c.req.path === SESSION_STATUS_PATH ||
      !isSsoRecheckDue(session, now, args.sso.recheckMs)
    ) {
      return next();
    }
    let check = running.get(session.id);
    if (!check) {
      check = recheckSsoSession(args.accounts, {
        provider: args.sso.provider,
        policy: args.sso.policy,
        session,
        account: person,
        ip: c.get('clientIp'),
      });
      running.set(session.id, check);
      void check.finally(() => running.delete(session.id)).catch(() => {});
    }
    const result = await check;
    if (!result.ok) {
      c.set('session', null as Session | null);
      c.set('account', null);
      c.set('person', null);
      clearSessionCookie(c, { https: args.https });
      if (c.req.header('HX-Request') === 'true')
        c.header('HX-Redirect', pathKeepingLang(c, SSO_ENDED_PATH));
      return redirectKeepingLang(c, SSO_ENDED_PATH);
    }
    c.set('session', result.session);
    c.set('account', result.account);
    c.set('person', result.account);
    return next();
  };
}
