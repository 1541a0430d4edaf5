import { Hono } from 'hono';
import {
  extendSession,
  type SessionDeps,
  type SessionStatus,
  sessionStatus,
} from '../../../core/auth/sessions.ts';
import type { AppEnv } from '../env.ts';
import { SESSION_STATUS_PATH } from '../middleware/session.ts';

/** "Stay signed in": a POST (with the CSRF token in `X-CSRF-Token`) that counts as activity. */
export const SESSION_EXTEND_PATH = '/session/extend';

/**
 * The two requests behind the warning before an idle sign-out (WCAG 2.2.1, Timing
 * Adjustable): `views/static/sealpost.js` asks how long is left without counting as
 * activity (see `SESSION_STATUS_PATH`), warns two minutes before the end, and "Stay
 * signed in" posts to `SESSION_EXTEND_PATH`. (After an htmx request it reads the same
 * status from the answer's header instead: see `sessionMiddleware`.) Only a fully
 * signed-in session counts: one waiting for its second factor has no pages to stay on.
 * Without JavaScript there is no warning, and nothing is lost either: a form sent after
 * the timeout is kept as a draft.
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

  return area;
}
