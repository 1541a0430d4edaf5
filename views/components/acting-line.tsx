import { DEFAULT_LANG, hrefWithLang, type Lang, type Strings } from '../strings/index.ts';

/** The page where a person chooses which mailbox to work from. */
export const MAILBOXES_PATH = '/mailboxes';

/**
 * Where the layout leaves room for the line "You are working in care.referrals@…" on a
 * signed-in page, filled in per request by adapters/http/middleware/acting-line.ts (the
 * layout is a function of its props and does not know the session). An HTML comment, as
 * `SESSION_END_SLOT` is: page content is escaped, so nothing typed can forge it.
 */
export const ACTING_SLOT = '<!--sp-acting-->';

/** Where the signed-in menu leaves room for "Shared mailboxes" (same middleware). */
export const MAILBOXES_NAV_SLOT = '<!--sp-mailboxes-nav-->';

/**
 * The line at the top of every recipient page while the person works from a shared
 * mailbox: which address they are in, and a link to switch. Not a live region: it is
 * read where it stands, at the top of every page, so a person always knows whose
 * mailbox a reply will go out from. Text, not colour alone, carries it (WCAG 1.4.1).
 */
export function ActingLine(props: { strings: Strings; lang: Lang; email: string }) {
  const s = props.strings.mailboxes.acting;
  return (
    <div class="govuk-width-container sp-acting">
      <p class="govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0">
        <strong>
          {s.before}
          <span class="govuk-!-text-break-word">{props.email}</span>
        </strong>{' '}
        <a class="govuk-link" href={mailboxesHref(props.lang)}>
          {s.switch}
        </a>
      </p>
    </div>
  );
}

/** The menu item "Shared mailboxes", marked current on its own page. */
export function MailboxesNavItem(props: { strings: Strings; lang: Lang; current: boolean }) {
  const text = props.strings.mailboxes.nav;
  return (
    <li
      class={`govuk-service-navigation__item${props.current ? ' govuk-service-navigation__item--active' : ''}`}
    >
      <a
        class="govuk-service-navigation__link"
        href={mailboxesHref(props.lang)}
        aria-current={props.current ? 'page' : undefined}
      >
        {props.current ? (
          <strong class="govuk-service-navigation__active-fallback">{text}</strong>
        ) : (
          text
        )}
      </a>
    </li>
  );
}

/** The mailboxes page, keeping a language other than English in the URL as the layout does. */
function mailboxesHref(lang: Lang): string {
  return lang === DEFAULT_LANG ? MAILBOXES_PATH : hrefWithLang(MAILBOXES_PATH, lang);
}
