import type { Context } from 'hono';
import { type SessionPolicy, sessionEnd } from '../../../core/auth/sessions.ts';
import type { Clock } from '../../../core/shared/ports.ts';
import { SESSION_END_SLOT, SessionEnd } from '../../../views/components/session-end.tsx';
import { type Lang, stringsFor } from '../../../views/strings/index.ts';
import { safeNextPath } from '../areas/public/paths.ts';
import type { AppEnv } from '../env.ts';
import type { SlotFiller } from './page-slots.ts';

/**
 * Fills the layout's `SESSION_END_SLOT` on a signed-in page with the line that says
 * when the session ends and offers "Stay signed in" (views/components/session-end.tsx).
 * The layout cannot: it knows neither the session nor the page's address.
 *
 * The end is computed from the session as this very request left it (its activity
 * already counted), so it is the true end if nothing more happens. Rendering the line
 * is not activity in itself: nothing here writes to the session. A page without a fully
 * signed-in session (half-way through two steps, or ended while the page was built)
 * gets the slot emptied. Runs inside `pageSlots` (page-slots.ts).
 */
export function sessionEndLine(args: { policy: SessionPolicy; clock: Clock }): SlotFiller {
  return (c, html, lang) => {
    const at = html.indexOf(SESSION_END_SLOT);
    if (at < 0) return html;
    return html.slice(0, at) + lineFor(c, args, lang) + html.slice(at + SESSION_END_SLOT.length);
  };
}

/** The line for this request's session, or '' when there is no full session. */
function lineFor(
  c: Context<AppEnv>,
  args: { policy: SessionPolicy; clock: Clock },
  lang: Lang,
): string {
  const session = c.get('session');
  const account = c.get('person');
  if (!session || !account || session.twoFactorPending) return '';
  const end = sessionEnd(args.policy, session, account);
  const url = new URL(c.req.url);
  // Only a page that a GET answered can be asked for again. After a POST (a form with
  // problems) or on an error page, "Stay signed in" goes to the home page: re-asking
  // would re-send or fail again. (So a "not found" names no path either: every one is
  // the same page, whatever was asked for.)
  const isPage = c.req.method === 'GET' && c.res.status >= 200 && c.res.status < 300;
  const returnTo = isPage ? safeNextPath(`${url.pathname}${url.search}`) : null;
  return String(
    SessionEnd({
      strings: stringsFor(lang),
      lang,
      csrfToken: c.get('csrfToken'),
      endsAt: end.at,
      now: args.clock.now(),
      byInactivity: end.byInactivity,
      returnTo,
    }),
  );
}
