import type { Context, MiddlewareHandler } from 'hono';
import { type SessionPolicy, sessionEnd } from '../../../core/auth/sessions.ts';
import type { Clock } from '../../../core/shared/ports.ts';
import { SESSION_END_SLOT, SessionEnd } from '../../../views/components/session-end.tsx';
import { isLang, type Lang, pickLanguage, stringsFor } from '../../../views/strings/index.ts';
import { safeNextPath } from '../areas/public.ts';
import type { AppEnv } from '../env.ts';

const HTML = /^\s*text\/html/i;
// The page's own language, as the layout wrote it: the line must speak it too.
const PAGE_LANG = /^<!doctype html><html lang="([a-z]{2})"/i;

/**
 * Fills the layout's `SESSION_END_SLOT` on a signed-in page with the line that says
 * when the session ends and offers "Stay signed in" (views/components/session-end.tsx).
 * The layout cannot: it knows neither the session nor the page's address.
 *
 * The end is computed from the session as this very request left it (its activity
 * already counted), so it is the true end if nothing more happens. Rendering the line
 * is not activity in itself: nothing here writes to the session. A page without a fully
 * signed-in session (half-way through two steps, or ended while the page was built)
 * gets the slot emptied. Mount after the session and CSRF middleware.
 */
export function sessionEndLine(args: {
  policy: SessionPolicy;
  clock: Clock;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get('Content-Type');
    if (!c.get('session') || c.req.method === 'HEAD' || !type || !HTML.test(type)) return;
    if (res.headers.has('Content-Encoding')) return;
    // An htmx fragment has no layout, so nothing to fill (a boosted page does).
    if (c.req.header('HX-Request') === 'true' && c.req.header('HX-Boosted') !== 'true') return;
    const html = await res.text();
    const at = html.indexOf(SESSION_END_SLOT);
    const filled =
      at < 0
        ? html
        : html.slice(0, at) + lineFor(c, args, html) + html.slice(at + SESSION_END_SLOT.length);
    // Hono copies the old response's headers onto the new one: a length must not survive.
    res.headers.delete('Content-Length');
    c.res = new Response(filled, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}

/** The line for this request's session, or '' when there is no full session. */
function lineFor(
  c: Context<AppEnv>,
  args: { policy: SessionPolicy; clock: Clock },
  html: string,
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
  const lang = pageLang(c, html);
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

function pageLang(c: Context<AppEnv>, html: string): Lang {
  const written = PAGE_LANG.exec(html.slice(0, 80))?.[1];
  if (isLang(written)) return written;
  return pickLanguage({
    query: c.req.query('lang'),
    acceptLanguage: c.req.header('accept-language'),
  });
}
