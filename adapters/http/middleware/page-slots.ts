import type { Context, MiddlewareHandler } from 'hono';
import { isLang, type Lang } from '../../../views/strings/index.ts';
import type { AppEnv } from '../env.ts';
import { requestLanguage } from '../language.ts';

const HTML = /^\s*text\/html/i;
// The page's own language, as the layout wrote it: what fills a slot must speak it too.
const PAGE_LANG = /^<!doctype html><html lang="([a-z]{2})"/i;

/** Fills slots of one page's HTML and returns it; `lang` is the page's language. */
export type SlotFiller = (c: Context<AppEnv>, html: string, lang: Lang) => string | Promise<string>;

/**
 * Fills the slots the layout leaves on a page for what it cannot know (the session's
 * end, the shared mailbox being worked from, the language switch's token and page):
 * the page is read once, every filler runs on it, and one response goes out, whatever
 * the number of slots. `fillers` run on the pages of a session; `everyPage` on signed-out
 * pages too. Only full HTML pages are touched: not HEAD, fragments, downloads,
 * redirects or compressed bodies. Mount after the session and CSRF middleware, inside
 * compression.
 */
export function pageSlots(
  fillers: SlotFiller[],
  everyPage: SlotFiller[] = [],
): MiddlewareHandler<AppEnv> {
  const all = [...fillers, ...everyPage];
  return async (c, next) => {
    await next();
    const res = c.res;
    const type = res.headers.get('Content-Type');
    const run = c.get('session') ? all : everyPage;
    if (run.length === 0 || c.req.method === 'HEAD' || !type || !HTML.test(type)) return;
    if (res.headers.has('Content-Encoding')) return;
    // An htmx fragment has no layout, so nothing to fill (a boosted page does).
    if (c.req.header('HX-Request') === 'true' && c.req.header('HX-Boosted') !== 'true') return;
    let html = await res.text();
    const lang = pageLang(c, html);
    for (const fill of run) html = await fill(c, html, lang);
    // Hono copies the old response's headers onto the new one: a length must not survive.
    res.headers.delete('Content-Length');
    c.res = new Response(html, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}

function pageLang(c: Context<AppEnv>, html: string): Lang {
  const written = PAGE_LANG.exec(html.slice(0, 80))?.[1];
  if (isLang(written)) return written;
  return requestLanguage(c);
}
