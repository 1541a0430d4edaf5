import { raw } from 'hono/html';
import { LANGUAGES, type Lang, type Strings } from '../strings/index.ts';

/** Where the language switch posts (`adapters/http/areas/language.ts`). */
export const LANGUAGE_PATH = '/language';

/**
 * Where the layout leaves room, inside each form of the language switch, for the
 * fields only the request knows: the CSRF token for `LANGUAGE_PATH` and `back`, the
 * page being read (path and query), to come back to. The layout is a function of its
 * props and knows neither, so `adapters/http/language.ts` fills them in once the page
 * is rendered. An HTML comment: page content is escaped, so nothing a person typed can
 * forge it.
 */
export const LANGUAGE_SWITCH_SLOT = '<!--sp-language-switch-->';

/**
 * The footer's language switch: the current language, and for each other one a small
 * POST form whose button looks like a link. A POST because, signed in, choosing
 * saves the language on the account (a link could be followed by a prefetcher or
 * forged); it works without JavaScript, and it is never boosted: `<html lang>` must
 * change with the page.
 */
export function LanguageSwitch(props: { strings: Strings; lang: Lang }) {
  const s = props.strings;
  return (
    <nav aria-label={s.layout.language}>
      <ul class="govuk-footer__inline-list">
        {LANGUAGES.map((lang) => (
          <li class="govuk-footer__inline-list-item">
            {lang === props.lang ? (
              <span class="sp-footer__current" lang={lang} aria-current="true">
                {s.common.languageNames[lang]}
              </span>
            ) : (
              <form method="post" action={LANGUAGE_PATH} class="sp-nav__form" hx-boost="false">
                {raw(LANGUAGE_SWITCH_SLOT)}
                <input type="hidden" name="lang" value={lang} />
                <button type="submit" class="sp-link-button govuk-footer__link" lang={lang}>
                  {s.common.languageNames[lang]}
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
