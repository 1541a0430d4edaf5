import { Hono } from 'hono';
import type { AccountDeps } from '../../../core/accounts/deps.ts';
import { saveAccountLanguage } from '../../../core/accounts/language.ts';
import { LANGUAGE_PATH } from '../../../views/components/language-switch.tsx';
import { hrefWithLang, isLang } from '../../../views/strings/index.ts';
import type { AppEnv } from '../env.ts';
import { setLanguageCookie } from '../language.ts';
import { safeNextPath } from './public/paths.ts';

/**
 * The language switch (`POST /language`, the footer's small forms): `lang` is the
 * language chosen, `back` the page it was chosen on. It sets the `sealpost_lang`
 * preference cookie (the person chose: this is the only place it is ever set) and,
 * signed in, keeps the choice with the person's account, for their pages and emails.
 * Then 303 to `back` with `lang=` set and the rest of its query kept (`next=`, `page=`,
 * filters). `back` must be a path on this site (`safeNextPath`), else the home page:
 * never a redirect elsewhere. A POST with the CSRF token like every form, so neither a
 * prefetcher nor another site can change a signed-in person's language; a signed-out
 * browser carries the signed-out token for this path.
 */
export function languageArea(deps: {
  accounts: Pick<AccountDeps, 'storage' | 'clock'>;
  https: boolean;
}): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  area.post(LANGUAGE_PATH, async (c) => {
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const lang = body.lang;
    const back = safeNextPath(typeof body.back === 'string' ? body.back : null) ?? '/';
    if (!isLang(lang)) return c.redirect(back, 303);
    setLanguageCookie(c, { https: deps.https, lang });
    const person = c.get('person');
    if (person) {
      await saveAccountLanguage(deps.accounts, { accountId: person.id, language: lang });
    }
    return c.redirect(hrefWithLang(back, lang), 303);
  });
  return area;
}
