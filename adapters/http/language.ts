import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AccountDeps } from '../../core/accounts/deps.ts';
import { saveAccountLanguage } from '../../core/accounts/language.ts';
import type { Clock, Secrets } from '../../core/shared/ports.ts';
import { LANGUAGE_PATH, LANGUAGE_SWITCH_SLOT } from '../../views/components/language-switch.tsx';
import { escapeHtml } from '../../views/escape.ts';
import { hrefWithLang, isLang, type Lang, pickLanguage } from '../../views/strings/index.ts';
import type { AppEnv } from './env.ts';
import { anonymousCsrfToken } from './middleware/csrf.ts';
import type { SlotFiller } from './middleware/page-slots.ts';

type Ctx = Context<AppEnv>;

/**
 * The language preference cookie: strictly necessary, set only when a person chooses a
 * language with the switch (never from a `?lang=` link or Accept-Language), so a
 * signed-out choice lasts. The privacy notice names it (views/strings/en/info.ts).
 */
export const LANGUAGE_COOKIE = 'sealpost_lang';
const LANGUAGE_COOKIE_DAYS = 365;

/**
 * The language of this request (`pickLanguage`): `?lang=`, then the signed-in
 * person's saved language (the person, never a shared mailbox they act for), then the
 * cookie, then Accept-Language, else English.
 */
export function requestLanguage(c: Ctx): Lang {
  return pickLanguage({
    query: c.req.query('lang'),
    account: c.get('person')?.language ?? null,
    cookie: getCookie(c, LANGUAGE_COOKIE),
    acceptLanguage: c.req.header('accept-language'),
  });
}

/** The language named by `?lang=` on this request, or null. */
export function urlLanguage(c: Ctx): Lang | null {
  const lang = c.req.query('lang');
  return isLang(lang) ? lang : null;
}

/** The language the browser chose with the switch before (the cookie), or null. */
export function cookieLanguage(c: Ctx): Lang | null {
  const lang = getCookie(c, LANGUAGE_COOKIE);
  return isLang(lang) ? lang : null;
}

/** An internal path with this request's `?lang=` on it, when it has one. */
export function pathKeepingLang(c: Ctx, path: string, lang: Lang | null = urlLanguage(c)): string {
  return lang ? hrefWithLang(path, lang) : path;
}

/**
 * A redirect to an internal path that keeps a language chosen in the URL: every
 * redirect in the portal goes through this, so a `?lang=cy` page never lands on an
 * English one. (A language from the account or the cookie needs no carrying.)
 */
export function redirectKeepingLang(
  c: Ctx,
  path: string,
  status: 301 | 302 | 303 | 307 | 308 = 303,
): Response {
  return c.redirect(pathKeepingLang(c, path), status);
}

/** Sets the preference cookie: only ever after the person chose with the switch. */
export function setLanguageCookie(c: Ctx, args: { https: boolean; lang: Lang }): void {
  setCookie(c, LANGUAGE_COOKIE, args.lang, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: args.https,
    path: '/',
    maxAge: LANGUAGE_COOKIE_DAYS * 24 * 60 * 60,
  });
}

/**
 * At sign-in: a language the person chose before signing in (`?lang=` on the form, or
 * the cookie) is kept with an account that has none yet. Accept-Language is not a
 * choice and is never saved. Call it once the session is complete (not while a second
 * factor is still to come). `lang` overrides the request's own (SSO carries it across
 * the provider's redirect).
 */
export async function adoptChosenLanguage(
  c: Ctx,
  deps: Pick<AccountDeps, 'storage' | 'clock'>,
  account: { id: string; language?: string | null },
  lang: Lang | null = null,
): Promise<void> {
  const chosen = lang ?? urlLanguage(c) ?? cookieLanguage(c);
  if (!chosen || (account.language !== undefined && account.language !== null)) return;
  await saveAccountLanguage(deps, { accountId: account.id, language: chosen, onlyIfUnset: true });
}

/** The longest page address the switch comes back to with its query; longer ones lose it. */
const MAX_BACK = 2_000;

/**
 * Fills the language switch's `LANGUAGE_SWITCH_SLOT` (views/components/language-switch.tsx)
 * with the fields only the request knows: the CSRF token for `LANGUAGE_PATH` (the
 * session's token when signed in, else a signed-out token for that path) and `back`,
 * this page's path and query (after a POST, only its path: the form is not re-sent;
 * on a "not found" or an error page, the home page).
 * Runs inside `pageSlots`, on every full page, signed in or not.
 */
export function languageSwitchFields(args: { secrets: Secrets; clock: Clock }): SlotFiller {
  return (c, html) => {
    if (!html.includes(LANGUAGE_SWITCH_SLOT)) return html;
    const token = c.get('session')
      ? c.get('csrfToken')
      : anonymousCsrfToken(args.secrets, args.clock, LANGUAGE_PATH);
    const url = new URL(c.req.url);
    const full = `${url.pathname}${url.search}`;
    // A "not found" or an error names no path: every one is the same page (the
    // access-control suites compare them byte for byte), so the switch goes home.
    const status = c.res.status;
    const back =
      status === 404 || status >= 500
        ? '/'
        : c.req.method === 'GET' && full.length <= MAX_BACK
          ? full
          : url.pathname;
    const fields =
      `<input type="hidden" name="_csrf" value="${escapeHtml(token)}">` +
      `<input type="hidden" name="back" value="${escapeHtml(back)}">`;
    return html.replaceAll(LANGUAGE_SWITCH_SLOT, fields);
  };
}
