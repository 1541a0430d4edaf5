import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AccountDeps } from '../../../core/accounts/deps.ts';
import type { RateLimiter } from '../../../core/auth/rate-limit.ts';
import { invalidateSession } from '../../../core/auth/sessions.ts';
import { completeSsoSignIn } from '../../../core/auth/sso/complete.ts';
import type { SsoRefusal } from '../../../core/auth/sso/model.ts';
import { auditSsoRefusal } from '../../../core/auth/sso/refusal.ts';
import { beginSsoState, SSO_STATE_MINUTES, spendSsoState } from '../../../core/auth/sso/state.ts';
import { SsoRefusedPage } from '../../../views/pages/auth/sso-refused.tsx';
import { isLang, type Lang, stringsFor } from '../../../views/strings/index.ts';
import type { SsoSetup } from '../../compose.ts';
import type { AppEnv } from '../env.ts';
import { adoptChosenLanguage, pathKeepingLang, requestLanguage, urlLanguage } from '../language.ts';
import { setSessionCookie } from '../middleware/session.ts';
import { STAFF_HOME_PATH, TWO_FACTOR_PATH } from './public/paths.ts';

/** Where the sign-in through the provider starts (the button on the sign-in page). */
export const SSO_START_PATH = '/sign-in/sso';
/** Where the provider sends the browser back: register exactly this at the provider. */
export const SSO_CALLBACK_PATH = '/sign-in/sso/callback';

/** What the single sign-on routes need. */
export type SsoAreaDeps = {
  accounts: AccountDeps;
  sso: SsoSetup;
  https: boolean;
  /** Sign-ins started per client address: each stores a state row. */
  startLimiter: RateLimiter;
};

type Ctx = Context<AppEnv>;

/**
 * The cookie that binds the browser to the sign-in it started: only its hash is kept
 * with the state, so a callback URL carried to another browser (or planted in a
 * victim's by an attacker, login CSRF) is refused. `HttpOnly`; `SameSite=Lax`, which
 * browsers still send on the provider's top-level redirect back; `__Host-` and `Secure`
 * behind https; gone after the state's ten minutes.
 */
function ssoCookieName(https: boolean): string {
  return https ? '__Host-sealpost_sso' : 'sealpost_sso';
}

/**
 * Staff single sign-on (docs/decisions/0029): GET /sign-in/sso sends the browser to
 * the provider; GET /sign-in/sso/callback checks the answer and signs the person in,
 * or shows why not (`SsoRefusedPage`, every refusal audited as `account.sso-refused`).
 * Both are GETs because the provider's redirect is one; neither changes anything that
 * a third party could use: the state is single use and bound to this browser.
 */
export function ssoArea(deps: SsoAreaDeps): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  const { accounts, sso, https } = deps;
  const cookie = ssoCookieName(https);
  const publicUrl = accounts.publicUrl.replace(/\/+$/, '');

  const refused = async (
    c: Ctx,
    reason: SsoRefusal | 'too-many',
    status: 400 | 403 | 429 | 503,
  ) => {
    const settings = await accounts.settings.get();
    const lang: Lang = requestLanguage(c);
    return c.html(
      SsoRefusedPage({
        strings: stringsFor(lang),
        lang,
        org: { name: settings.orgName, colour: settings.orgColour },
        csrfToken: c.get('csrfToken'),
        reason,
      }),
      status,
    );
  };
  const audit = (c: Ctx, reason: SsoRefusal, code: string | null = null) =>
    auditSsoRefusal(accounts, accounts.storage.repos, {
      reason,
      ip: c.get('clientIp'),
      ...(code ? { details: { code } } : {}),
    });

  area.get(SSO_START_PATH, async (c) => {
    const limit = await deps.startLimiter.hit(c.get('clientIp'));
    if (!limit.allowed) {
      c.header('Retry-After', String(Math.ceil(limit.retryAfterMs / 1000)));
      return refused(c, 'too-many', 429);
    }
    const started = await beginSsoState(accounts);
    const url = await sso.provider.authorizationUrl(started);
    if (!url.ok) {
      await audit(c, 'provider-unreachable');
      return refused(c, 'provider-unreachable', 503);
    }
    // A language chosen in the URL rides along in the cookie (the provider's redirect
    // back cannot carry it): `<browser key>.<lang>`; only the key is ever hashed.
    const lang = urlLanguage(c);
    setCookie(c, cookie, lang ? `${started.browserKey}.${lang}` : started.browserKey, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: https,
      path: '/',
      maxAge: SSO_STATE_MINUTES * 60,
    });
    return c.redirect(url.url, 303);
  });

  area.get(SSO_CALLBACK_PATH, async (c) => {
    const state = (c.req.query('state') ?? '').slice(0, 200);
    const [browserKey = null, carried] = getCookie(c, cookie)?.split('.', 2) ?? [];
    const lang = isLang(carried) ? carried : null;
    const spent = await spendSsoState(accounts, { state, browserKey });
    // Spent or not, the cookie has done its work; a browser that sent none is told nothing.
    if (browserKey !== null) {
      deleteCookie(c, cookie, { httpOnly: true, sameSite: 'Lax', secure: https, path: '/' });
    }
    if (!spent.ok) {
      await audit(c, spent.reason);
      return refused(c, spent.reason, 400);
    }
    // The URL the provider redirected to, under the public address (behind a proxy the
    // request's own URL may be an internal one); only its query is read.
    const query = new URL(c.req.url).search;
    const finished = await sso.provider.finish({
      callbackUrl: `${publicUrl}${SSO_CALLBACK_PATH}${query}`,
      state,
      nonce: spent.nonce,
      codeVerifier: spent.codeVerifier,
    });
    if (!finished.ok) {
      await audit(c, finished.reason, finished.code);
      return refused(c, finished.reason, finished.reason === 'provider-unreachable' ? 503 : 403);
    }
    const result = await completeSsoSignIn(accounts, {
      policy: sso.policy,
      claims: finished.tokens.claims,
      refreshToken: finished.tokens.refreshToken,
      ip: c.get('clientIp'),
      userAgent: c.req.header('user-agent') ?? null,
    });
    if (!result.ok) return refused(c, result.reason, 403);
    // A new session id at every sign-in: whatever session the browser had ends.
    const previous = c.get('session');
    if (previous && previous.id !== result.session.id) {
      await invalidateSession(accounts, { sessionId: previous.id });
    }
    setSessionCookie(c, {
      https,
      token: result.sessionToken,
      session: result.session,
      now: accounts.clock.now(),
    });
    if (!result.session.twoFactorPending) {
      await adoptChosenLanguage(c, accounts, result.account, lang);
    }
    const landing = result.session.twoFactorPending ? TWO_FACTOR_PATH : STAFF_HOME_PATH;
    return c.redirect(pathKeepingLang(c, landing, lang ?? urlLanguage(c)), 303);
  });

  return area;
}
