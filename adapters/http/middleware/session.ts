import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Session } from '../../../core/auth/model.ts';
import {
  findTimedOutSession,
  type SessionDeps,
  sessionStatus,
  validateSessionToken,
} from '../../../core/auth/sessions.ts';
import type { AppEnv } from '../env.ts';

/** Days a device cookie lasts (OWASP leaves it open; long enough to span the gaps between messages). */
const DEVICE_COOKIE_DAYS = 180;

/**
 * The session cookie's name. Behind https it carries the `__Host-` prefix: the browser
 * then accepts it only with `Secure`, `Path=/` and no `Domain`, so neither a sibling
 * subdomain nor a plain-http page can plant or overwrite it.
 */
export function sessionCookieName(https: boolean): string {
  return https ? '__Host-sealpost_session' : 'sealpost_session';
}

/** The device cookie's name (OWASP device cookies; see core/auth/device-cookie.ts). */
export function deviceCookieName(https: boolean): string {
  return https ? '__Host-sealpost_device' : 'sealpost_device';
}

/**
 * Sets the session cookie after sign-in. `HttpOnly`: script cannot read it, so an XSS
 * cannot carry the session off. `SameSite=Lax`: another site's form cannot send it
 * with a POST (the CSRF token is the second line of defence). `Secure` behind https.
 * Without "Remember me" it has no `Max-Age`, so it ends when the browser closes;
 * with it, it lasts as long as the session may.
 */
export function setSessionCookie(
  c: Context<AppEnv>,
  args: { https: boolean; token: string; session: Session; now: Date },
): void {
  const maxAge = Math.floor((args.session.expiresAt.getTime() - args.now.getTime()) / 1000);
  setCookie(c, sessionCookieName(args.https), args.token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: args.https,
    path: '/',
    ...(args.session.rememberMe ? { maxAge: Math.max(0, maxAge) } : {}),
  });
}

/** Removes the session cookie (sign-out, or a cookie that no longer names a session). */
export function clearSessionCookie(c: Context<AppEnv>, args: { https: boolean }): void {
  deleteCookie(c, sessionCookieName(args.https), {
    httpOnly: true,
    sameSite: 'Lax',
    secure: args.https,
    path: '/',
  });
}

/**
 * Sets the device cookie after a successful sign-in. It is persistent (that is its
 * point: the browser is recognised next time) and, like the session cookie, HttpOnly,
 * SameSite=Lax and `__Host-` behind https. It names no one: see device-cookie.ts.
 */
export function setDeviceCookie(c: Context<AppEnv>, args: { https: boolean; token: string }): void {
  setCookie(c, deviceCookieName(args.https), args.token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: args.https,
    path: '/',
    maxAge: DEVICE_COOKIE_DAYS * 24 * 60 * 60,
  });
}

/** The device cookie the browser sent, if any. */
export function readDeviceCookie(c: Context<AppEnv>, args: { https: boolean }): string | null {
  return getCookie(c, deviceCookieName(args.https)) ?? null;
}

/**
 * Where a page's script asks how long its session has left (see
 * `areas/session-status.ts`). A GET here is not activity: the lookup does not move the
 * idle timer, or asking would keep an abandoned session alive for ever.
 */
export const SESSION_STATUS_PATH = '/session/status';

/**
 * On the answer to an htmx request from a signed-in page, the session's status as JSON
 * (`SessionStatus`), so the page's script need not ask `SESSION_STATUS_PATH` again
 * after every boosted link or form.
 */
export const SESSION_STATUS_HEADER = 'X-Sealpost-Session';

/**
 * Reads the session cookie on every request and sets `c.var.session` and
 * `c.var.account` (both null when signed out). A session still waiting for its second
 * factor sets `session` but leaves `account` null, so no page that checks `account`
 * can be reached with a password alone. A cookie that names no valid session is
 * removed. Signed-in responses get `Cache-Control: no-store`, so no shared or browser
 * cache keeps a copy of a page with someone's messages on it.
 */
export function sessionMiddleware(args: {
  sessions: SessionDeps;
  https: boolean;
}): MiddlewareHandler<AppEnv> {
  const name = sessionCookieName(args.https);
  return async (c, next) => {
    c.set('session', null);
    c.set('account', null);
    c.set('person', null);
    c.set('actingFor', null);
    c.set('timedOut', null);
    const token = getCookie(c, name);
    if (token !== undefined) {
      const touch = !(c.req.method === 'GET' && c.req.path === SESSION_STATUS_PATH);
      const valid = await validateSessionToken(args.sessions, { token, touch });
      if (valid) {
        c.set('session', valid.session);
        c.set('account', valid.session.twoFactorPending ? null : valid.account);
        c.set('person', valid.session.twoFactorPending ? null : valid.account);
      } else {
        // A session that ended by inactivity a moment ago keeps its cookie for a while:
        // a message being written when it ended can still be saved as a draft.
        const timedOut = await findTimedOutSession(args.sessions, { token });
        if (timedOut) c.set('timedOut', timedOut);
        else clearSessionCookie(c, args);
      }
    }
    await next();
    if (c.get('session') !== null || token !== undefined) {
      c.res.headers.set('Cache-Control', 'no-store');
    }
    const session = c.get('session');
    // The person, not the mailbox they may act for: the session and its limits are theirs.
    const account = c.get('person');
    if (session && account && c.req.header('HX-Request') === 'true') {
      const { policy, clock } = args.sessions;
      const status = sessionStatus(policy, session, account, clock.now());
      c.res.headers.set(SESSION_STATUS_HEADER, JSON.stringify(status));
    }
  };
}
