import { Hono } from 'hono';
import {
  extendSession,
  type SessionDeps,
  type SessionEnd,
  sessionEnd,
} from '../../../core/auth/sessions.ts';
import type { AppEnv } from '../env.ts';
import { SESSION_STATUS_PATH } from '../middleware/session.ts';

/** "Stay signed in": a POST (with the CSRF token in `X-CSRF-Token`) that counts as activity. */
export const SESSION_EXTEND_PATH = '/session/extend';

/** What the page's script is told: how long is left, and whether activity can move it. */
export type SessionStatus =
  | { signedIn: false }
  | {
      signedIn: true;
      /** Whole seconds until the session ends if nothing else happens. */
      endsInSeconds: number;
      /** True when that end is the idle limit, which "Stay signed in" moves. */
      byInactivity: boolean;
      /** The idle limit itself, or null for a recipient's "Remember me" session. */
      idleSeconds: number | null;
    };

/**
 * The two requests behind the warning before an idle sign-out (WCAG 2.2.1, Timing
 * Adjustable): `views/static/sealpost.js` asks how long is left without counting as
 * activity (see `SESSION_STATUS_PATH`), warns two minutes before the end, and "Stay
 * signed in" posts to `SESSION_EXTEND_PATH`. Only a fully signed-in session counts: one
 * waiting for its second factor has no pages to stay on. Without JavaScript there is no
 * warning, and nothing is lost either: a form sent after the timeout is kept as a draft.
 */
export function sessionStatusArea(deps: { sessions: SessionDeps }): Hono<AppEnv> {
  const area = new Hono<AppEnv>();

  area.get(SESSION_STATUS_PATH, (c) => {
    const session = c.get('session');
    const account = c.get('account');
    if (!session || !account) return c.json<SessionStatus>({ signedIn: false });
    return c.json<SessionStatus>(statusOf(sessionEnd(deps.sessions.policy, session, account)));
  });

  area.post(SESSION_EXTEND_PATH, async (c) => {
    const session = c.get('session');
    const account = c.get('account');
    if (!session || !account) return c.json<SessionStatus>({ signedIn: false }, 401);
    const extended = await extendSession(deps.sessions, { session });
    c.set('session', extended);
    return c.json<SessionStatus>(statusOf(sessionEnd(deps.sessions.policy, extended, account)));
  });

  function statusOf(end: SessionEnd): SessionStatus {
    const left = end.at.getTime() - deps.sessions.clock.now().getTime();
    return {
      signedIn: true,
      endsInSeconds: Math.max(0, Math.floor(left / 1000)),
      byInactivity: end.byInactivity,
      idleSeconds: end.idleSeconds,
    };
  }

  return area;
}
