import type { MiddlewareHandler } from 'hono';
import type { Storage } from '../../../core/storage/ports.ts';
import {
  ACTING_SLOT,
  ActingLine,
  MAILBOXES_NAV_SLOT,
  MAILBOXES_PATH,
  MailboxesNavItem,
} from '../../../views/components/acting-line.tsx';
import { isLang, type Lang, pickLanguage, stringsFor } from '../../../views/strings/index.ts';
import type { AppEnv } from '../env.ts';

const HTML = /^\s*text\/html/i;
const PAGE_LANG = /^<!doctype html><html lang="([a-z]{2})"/i;

/**
 * Fills the layout's `ACTING_SLOT` and `MAILBOXES_NAV_SLOT` on a recipient's page: while
 * the person works from a shared mailbox, "You are working in care.referrals@…" with a
 * link to switch, on every page, so nobody answers from the wrong address; and the menu
 * item "Shared mailboxes" for anyone who has one or an invitation to one.
 *
 * Cost: nothing while acting (the acting middleware already loaded the mailbox); else
 * one indexed lookup of the person's memberships, and only on a full page whose menu
 * has the slot (not on fragments, downloads, redirects or staff pages, whose own menu
 * says "Team mailboxes"). A staff member's team mailbox line is the staff pages' own.
 */
export function actingLine(args: { storage: Storage }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const person = c.get('person');
    const res = c.res;
    const type = res.headers.get('Content-Type');
    if (!person || c.req.method === 'HEAD' || !type || !HTML.test(type)) return;
    if (res.headers.has('Content-Encoding')) return;
    if (c.req.header('HX-Request') === 'true' && c.req.header('HX-Boosted') !== 'true') return;
    const html = await res.text();
    const lineAt = html.indexOf(ACTING_SLOT);
    const navAt = html.indexOf(MAILBOXES_NAV_SLOT);
    let filled = html;
    if (lineAt >= 0 || navAt >= 0) {
      const lang = pageLang(html, c.req.query('lang'), c.req.header('accept-language'));
      const strings = stringsFor(lang);
      const actingFor = c.get('actingFor');
      const mine = actingFor?.kind === 'external' ? actingFor : null;
      const line = mine ? String(ActingLine({ strings, lang, email: mine.email })) : '';
      let nav = '';
      if (navAt >= 0 && person.kind === 'external') {
        const hasMailboxes =
          mine !== null ||
          (await args.storage.repos.mailboxMembers.listForMember({ memberId: person.id })).length >
            0;
        const current = c.req.path === MAILBOXES_PATH;
        if (hasMailboxes) nav = String(MailboxesNavItem({ strings, lang, current }));
      }
      // A function, not a string: `$&` in an address must not be read as a pattern.
      filled = filled.replace(ACTING_SLOT, () => line).replace(MAILBOXES_NAV_SLOT, () => nav);
    }
    res.headers.delete('Content-Length');
    c.res = new Response(filled, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}

function pageLang(html: string, query: string | undefined, acceptLanguage: string | undefined) {
  const written = PAGE_LANG.exec(html.slice(0, 80))?.[1];
  if (isLang(written)) return written as Lang;
  return pickLanguage({ query, acceptLanguage });
}
