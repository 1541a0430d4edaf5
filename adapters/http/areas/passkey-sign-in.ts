import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AccountDeps } from '../../../core/accounts/deps.ts';
import { buildDeviceToken } from '../../../core/auth/device-cookie.ts';
import {
  finishPasskeySecondFactor,
  finishPasskeySignIn,
  startPasskeySecondFactor,
  startPasskeySignIn,
} from '../../../core/auth/passkey-sign-in.ts';
import type { RateLimiter } from '../../../core/auth/rate-limit.ts';
import { invalidateSession } from '../../../core/auth/sessions.ts';
import { passkeyPaths } from '../../../views/components/passkeys.tsx';
import type { Sealpost } from '../../compose.ts';
import type { AppEnv } from '../env.ts';
import { adoptChosenLanguage, pathKeepingLang } from '../language.ts';
import { setDeviceCookie, setSessionCookie } from '../middleware/session.ts';
import { jsonOf, PASSKEY_JSON_LIMIT, passkeyDepsFrom } from './passkeys.ts';
import { HOME_PATH, STAFF_HOME_PATH, safeNextPath } from './public/paths.ts';

/**
 * Signing in with a passkey (`POST /sign-in/passkey`, JSON, driven by passkeys.js):
 * - a session waiting for its second factor uses it as that step (the two-factor
 *   page's "Use a passkey");
 * - a signed-out browser signs in with it alone, only while the setting
 *   `passkeySignIn` is `passwordless` (the sign-in page's "Sign in with a passkey").
 * `{ step: 'options' }` answers the browser's options; `{ step: 'verify', response }`
 * answers where to go next, or `{ ok: false }` and nothing more. Rate-limited per
 * client address like the password form, and CSRF-checked like every POST (the token
 * travels in `X-CSRF-Token`; signed out, it is the signed-out token for this path).
 */
export function passkeySignInArea(
  app: Sealpost,
  options: { accounts: AccountDeps; https: boolean; limiter: RateLimiter },
): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  const deps = { ...passkeyDepsFrom(app), policy: options.accounts.policy };
  const { https } = options;
  const homeFor = (kind: string) => (kind === 'staff' ? STAFF_HOME_PATH : HOME_PATH);

  area.use(passkeyPaths.signIn, bodyLimit({ maxSize: PASSKEY_JSON_LIMIT }));
  area.post(passkeyPaths.signIn, async (c) => {
    const ip = c.get('clientIp');
    if (!(await options.limiter.hit(ip ?? 'unknown')).allowed) return c.json({ ok: false }, 429);
    const body = await jsonOf(c);
    const next = safeNextPath(c.req.query('next'));
    const session = c.get('session');
    const account = c.get('account');
    // Where to go once signed in, in the language of the page the button was on.
    const landing = (kind: string) => pathKeepingLang(c, next ?? homeFor(kind));
    // Already signed in (another tab finished first): on to where they were going.
    if (account) return c.json({ ok: true, redirect: landing(account.kind) });

    if (session?.twoFactorPending) {
      if (body?.step === 'options') {
        const opts = await startPasskeySecondFactor(deps, { session });
        return opts ? c.json({ ok: true, options: opts }) : c.json({ ok: false }, 400);
      }
      if (body?.step !== 'verify') return c.json({ ok: false }, 400);
      const result = await finishPasskeySecondFactor(deps, {
        session,
        response: body.response,
        ip,
      });
      if (!result.ok) return c.json({ ok: false }, 400);
      setSessionCookie(c, {
        https,
        token: result.sessionToken,
        session: result.session,
        now: app.clock.now(),
      });
      await adoptChosenLanguage(c, app, result.account);
      return c.json({ ok: true, redirect: landing(result.account.kind) });
    }

    const settings = await app.settings.get();
    if (body?.step === 'options') {
      const opts = await startPasskeySignIn(deps, { settings });
      return opts ? c.json({ ok: true, options: opts }) : c.json({ ok: false }, 404);
    }
    if (body?.step !== 'verify') return c.json({ ok: false }, 400);
    const result = await finishPasskeySignIn(deps, {
      response: body.response,
      settings,
      ip,
      userAgent: c.req.header('user-agent') ?? null,
    });
    if (!result.ok) return c.json({ ok: false }, 400);
    // A new id at every sign-in: whatever session the browser had ends.
    if (session) await invalidateSession(app, { sessionId: session.id });
    setSessionCookie(c, {
      https,
      token: result.sessionToken,
      session: result.session,
      now: app.clock.now(),
    });
    setDeviceCookie(c, {
      https,
      token: buildDeviceToken(app.secrets, { emailKey: result.account.emailKey }),
    });
    if (!result.session.twoFactorPending) await adoptChosenLanguage(c, app, result.account);
    return c.json({ ok: true, redirect: landing(result.account.kind) });
  });
  return area;
}
