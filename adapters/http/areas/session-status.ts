import { Hono } from 'hono';
import {
  extendSession,
  type SessionDeps,
  type SessionStatus,
  sessionStatus,
} from '../../../core/auth/sessions.ts';
import { SESSION_STAY_PATH } from '../../../views/components/session-end.tsx';
import type { AppEnv } from '../env.ts';
import { redirectKeepingLang } from '../language.ts';
import { SESSION_STATUS_PATH } from '../middleware/session.ts';
import { HOME_PATH, STAFF_HOME_PATH, safeNextPath, TWO_FACTOR_PATH } from './public/paths.ts';

/** "Stay signed in": a POST (with the CSRF token in `X-CSRF-Token`) that counts as activity. */
export const SESSION_EXTEND_PATH = '/session/extend';

/**
 * The two requests behind the warning before an idle sign-out (WCAG 2.2.1, Timing
 * Adjustable): `views/static/sealpost.js` asks how long is left without counting as
 * activity (see `SESSION_STATUS_PATH`), warns two minutes before the end, and "Stay
 * signed in" posts to `SESSION_EXTEND_PATH`. (After an htmx request it reads the same
 * status from the answer's header instead: see `sessionMiddleware`.) Only a fully
 * signed-in session counts: one waiting for its second factor has no pages to stay on.
 * Without JavaScript every signed-in page states when the session ends instead (see
 * `views/components/session-end.tsx`), with a plain "Stay signed in" form that posts to
 * `SESSION_STAY_PATH` and comes back to the page; and a form sent after the timeout
 * is kept as a draft.
 */
export function sessionStatusArea(deps: { sessions: SessionDeps }): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  const { policy, clock } = deps.sessions;

  area.get(SESSION_STATUS_PATH, (c) => {
    const session = c.get('session');
    const account = c.get('account');
    if (!session || !account) return c.json<SessionStatus>({ signedIn: false });
    return c.json(sessionStatus(policy, session, account, clock.now()));
  });

  area.post(SESSION_EXTEND_PATH, async (c) => {
    const session = c.get('session');
    const account = c.get('account');
    if (!session || !account) return c.json<SessionStatus>({ signedIn: false }, 401);
    const extended = await extendSession(deps.sessions, { session });
    return c.json(sessionStatus(policy, extended, account, clock.now()));
  });

  // The same for a browser without JavaScript: a form (CSRF token checked by the
  // middleware), then back to the page it was on. `next` must be a path on this site,
  // or it would be an open redirect; anything else goes to the person's home page.
  // Too late (the session has ended): sign in, and come back to that page afterwards.
  area.post(SESSION_STAY_PATH, async (c) => {
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const next = safeNextPath(typeof body.next === 'string' ? body.next : null);
    const session = c.get('session');
    const account = c.get('account');
    if (!session || !account) {
      const signIn = session?.twoFactorPending ? TWO_FACTOR_PATH : '/sign-in';
      return redirectKeepingLang(c, next ? `${signIn}?next=${encodeURIComponent(next)}` : signIn);
    }
    await extendSession(deps.sessions, { session });
    const home = account.kind === 'staff' ? STAFF_HOME_PATH : HOME_PATH;
    return redirectKeepingLang(c, next ?? home);
  });

  return area;
}
