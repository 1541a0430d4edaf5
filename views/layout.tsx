import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { assetUrl, themeUrl } from './assets.ts';
import { brandColourForText } from './brand-colour.ts';
import { ACTING_SLOT, MAILBOXES_NAV_SLOT } from './components/acting-line.tsx';
import { CsrfField } from './components/csrf-field.tsx';
import { classes } from './components/field.tsx';
import { LanguageSwitch } from './components/language-switch.tsx';
import { SESSION_END_SLOT } from './components/session-end.tsx';
import { TimeoutWarning } from './components/timeout-warning.tsx';
import { DEFAULT_LANG, hrefWithLang, type Lang, type Strings } from './strings/index.ts';

/** The sections of the signed-in menu; `nav` says which one the page belongs to. */
export type NavKey = 'inbox' | 'sent' | 'drafts' | 'compose' | 'contacts' | 'help';

/** An extra menu link, e.g. "Admin" for staff. */
export type NavLink = { key: string; href: string; text: string };

/** Where the layout's links go; the routes must answer these paths. */
export const LAYOUT_PATHS = {
  home: '/',
  signOut: '/sign-out',
  nav: {
    inbox: '/inbox',
    sent: '/sent',
    drafts: '/drafts',
    compose: '/compose',
    contacts: '/contacts',
    help: '/help',
  } satisfies Record<NavKey, string>,
  footer: { help: '/help', accessibility: '/accessibility', privacy: '/privacy' },
};

const NAV_ORDER: NavKey[] = ['inbox', 'sent', 'drafts', 'compose', 'contacts', 'help'];

/**
 * htmx's settings, read from `<meta name="htmx-config">` (so no inline script):
 * - no eval and no script tags from responses: CSP forbids them, and so do we;
 * - requests only to our own origin;
 * - no injected indicator `<style>` (CSP forbids inline style; app.css has none needed);
 * - no history snapshots: a signed-in page must not be copied into sessionStorage, and
 *   going back to a page not in the (empty) cache reloads it from the server;
 * - error pages (a form with problems comes back as 400) are swapped in like any page,
 *   as a browser without htmx would show them.
 */
export const HTMX_CONFIG = {
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  includeIndicatorStyles: false,
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  historyRestoreAsHxRequest: false,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '[45]..', swap: true, error: true },
    { code: '...', swap: false },
  ],
};

/** What every page gives the layout. */
export type LayoutProps = {
  /** The page's own title, usually its `<h1>` text; the tab shows "Title – Council". */
  title: string;
  strings: Strings;
  lang: Lang;
  org: {
    name: string;
    /** The council's colour (`#rrggbb`), for the header; darkened if white text needs it. */
    colour: string;
  };
  /** The signed-in person; shows the menu and "Sign out". */
  account?: { displayName: string } | null | undefined;
  /** Needed with `account`: the sign-out form posts it. */
  csrfToken?: string | undefined;
  /**
   * A signed-in page that brings its own menu (staff pages pass `account: null`): it
   * still gets the session line and the timeout warning. Implied by `account`.
   */
  signedIn?: boolean;
  /** The menu section the page belongs to. */
  nav?: NavKey | undefined;
  /** Menu links after the standard ones (before Sign out). */
  extraNav?: NavLink[];
  /** Puts "Error: " before the title, as GOV.UK does when a form has problems. */
  hasErrors?: boolean;
  /**
   * Add `lang=` to the layout's links. Defaults to true for any language but English:
   * a choice made from a `?lang=` link (no cookie, no account) lives only in the URL.
   */
  carryLang?: boolean;
  /** A back link or breadcrumbs: between the header and `<main>`. */
  beforeContent?: Child;
  /** The page: it brings its own single `<h1>`. */
  children?: Child;
};

/**
 * The page every screen of the portal sits in: a plain GOV.UK-style page with the
 * council's name (no crown, no GOV.UK logo), a skip link, the menu for signed-in people,
 * `<main id="main-content">`, and a footer with help links and the language switch.
 *
 * It works without JavaScript. The only scripts are ours, from our origin, deferred:
 * htmx (which boosts links and forms into partial page loads), sealpost.js and passkeys.js.
 */
export function Layout(props: LayoutProps) {
  const s = props.strings;
  const link = (href: string) => linkKeepingLang(props, href);
  const title = `${props.hasErrors ? s.layout.errorTitlePrefix : ''}${s.layout.pageTitle(props.title, props.org.name)}`;
  const signedIn = Boolean(props.account) || props.signedIn === true;

  return (
    <>
      {raw('<!doctype html>')}
      <html lang={props.lang} class="govuk-template">
        <head>
          <meta charset="utf-8" />
          <title>{title}</title>
          {cachedHead(props.org.colour)}
        </head>
        <body class="govuk-template__body" hx-boost="true">
          <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">
            {s.layout.skipLink}
          </a>
          <header>
            <div class="govuk-generic-header sp-header">
              <div class="govuk-generic-header__container govuk-width-container">
                <div class="govuk-generic-header__logo">
                  <a
                    href={link(LAYOUT_PATHS.home)}
                    class="govuk-generic-header__homepage-link sp-header__name"
                  >
                    {props.org.name}
                  </a>
                </div>
              </div>
            </div>
            <section
              aria-label={s.layout.serviceInformation}
              class="govuk-service-navigation sp-nav"
            >
              <div class="govuk-width-container">
                <div class="govuk-service-navigation__container">
                  <span class="govuk-service-navigation__service-name">
                    <span class="govuk-service-navigation__text">{s.layout.serviceName}</span>
                  </span>
                  {props.account ? <SignedInMenu {...props} link={link} /> : null}
                </div>
              </div>
            </section>
            {/* The shared mailbox being worked from, filled in per request (see ACTING_SLOT). */}
            {signedIn ? raw(ACTING_SLOT) : null}
            {/* When the session ends, filled in per request (see SESSION_END_SLOT). */}
            {signedIn ? raw(SESSION_END_SLOT) : null}
          </header>
          <div class="govuk-width-container">
            {props.beforeContent}
            <main class="govuk-main-wrapper" id="main-content">
              {props.children}
            </main>
          </div>
          {cachedFooter(props, link)}
          {signedIn ? (
            <TimeoutWarning
              strings={s}
              csrfToken={props.csrfToken}
              signOutHref={link(LAYOUT_PATHS.signOut)}
              signInHref={link('/sign-in')}
            />
          ) : null}
        </body>
      </html>
    </>
  );
}

/**
 * Parts of the page that depend only on a few inputs (the asset URLs, the council's
 * colour and name, the language), rendered once per combination and reused as HTML
 * strings: building the same elements for every request is work for nothing. Bounded,
 * and emptied when full, since a council changes its name or colour rarely.
 */
const renderedParts = new WeakMap<object, Map<string, ReturnType<typeof raw>>>();
const MOST_PARTS = 64;
const NO_STRINGS = {};

/** The part named `key`, built once for each strings module (a language) that asks. */
function cachedPart(strings: object, key: string, build: () => unknown) {
  let parts = renderedParts.get(strings);
  if (!parts) {
    parts = new Map();
    renderedParts.set(strings, parts);
  }
  let part = parts.get(key);
  if (!part) {
    if (parts.size >= MOST_PARTS) parts.clear();
    part = raw(String(build()));
    parts.set(key, part);
  }
  return part;
}

/** The `<head>` after the title: the same for every page of a council's colour. */
function cachedHead(colour: string) {
  const app = assetUrl('app.css');
  const htmx = assetUrl('htmx.min.js');
  const script = assetUrl('sealpost.js');
  const passkeys = assetUrl('passkeys.js');
  const theme = themeUrl(colour);
  const key = `head\n${app}\n${htmx}\n${script}\n${passkeys}\n${theme}\n${colour}`;
  return cachedPart(NO_STRINGS, key, () => (
    <>
      <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
      <meta name="theme-color" content={brandColourForText(colour)} />
      <meta name="htmx-config" content={JSON.stringify(HTMX_CONFIG)} />
      {/* No favicon request on a slow connection: an empty icon. */}
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href={app} />
      <link rel="stylesheet" href={theme} />
      <script src={htmx} defer />
      <script src={script} defer />
      {/* Small, and on every page so a boosted navigation to a passkey button finds it. */}
      <script src={passkeys} defer />
    </>
  ));
}

/** The footer: the same for every page in one language, for one council name. */
function cachedFooter(props: LayoutProps, link: (href: string) => string) {
  const carry = link('/') !== '/';
  return cachedPart(props.strings, `footer\n${props.lang}\n${carry}\n${props.org.name}`, () => (
    <Footer {...props} link={link} />
  ));
}

/**
 * An internal link for a page: with `lang=` when the page carries its language in URLs
 * (see `LayoutProps.carryLang`). Pages use it for their own links too.
 */
export function linkKeepingLang(page: Pick<LayoutProps, 'lang' | 'carryLang'>, href: string) {
  const carry = page.carryLang ?? page.lang !== DEFAULT_LANG;
  return carry ? hrefWithLang(href, page.lang) : href;
}

function SignedInMenu(props: LayoutProps & { link: (href: string) => string }) {
  const s = props.strings.layout;
  const items: Array<NavLink & { current: boolean }> = [
    ...NAV_ORDER.map((key) => ({
      key,
      href: LAYOUT_PATHS.nav[key],
      text: s.nav[key],
      current: props.nav === key,
    })),
    ...(props.extraNav ?? []).map((item) => ({ ...item, current: props.nav === item.key })),
  ];
  return (
    <nav aria-label={s.menu} class="govuk-service-navigation__wrapper">
      <ul class="govuk-service-navigation__list" id="navigation">
        {items.map((item) => (
          <li
            class={classes(
              'govuk-service-navigation__item',
              item.current && 'govuk-service-navigation__item--active',
            )}
          >
            <a
              class="govuk-service-navigation__link"
              href={props.link(item.href)}
              aria-current={item.current ? 'page' : undefined}
            >
              {item.current ? (
                <strong class="govuk-service-navigation__active-fallback">{item.text}</strong>
              ) : (
                item.text
              )}
            </a>
          </li>
        ))}
        {/* "Shared mailboxes", for people who have one, filled in per request. */}
        {raw(MAILBOXES_NAV_SLOT)}
        <li class="govuk-service-navigation__item">
          {/* A POST with the CSRF token: a link could be followed by a prefetcher or forged. */}
          <form method="post" action={props.link(LAYOUT_PATHS.signOut)} class="sp-nav__form">
            {props.csrfToken ? <CsrfField token={props.csrfToken} /> : null}
            <button type="submit" class="sp-link-button govuk-service-navigation__link">
              {s.signOut}
            </button>
          </form>
        </li>
      </ul>
    </nav>
  );
}

function Footer(props: LayoutProps & { link: (href: string) => string }) {
  const s = props.strings;
  return (
    <footer class="govuk-footer">
      <div class="govuk-width-container">
        <div class="govuk-footer__meta">
          <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
            <h2 class="govuk-visually-hidden">{s.layout.supportLinks}</h2>
            <ul class="govuk-footer__inline-list">
              {(['help', 'accessibility', 'privacy'] as const).map((key) => (
                <li class="govuk-footer__inline-list-item">
                  <a class="govuk-footer__link" href={props.link(LAYOUT_PATHS.footer[key])}>
                    {s.layout.footer[key]}
                  </a>
                </li>
              ))}
            </ul>
            <LanguageSwitch strings={s} lang={props.lang} />
            <p class="govuk-footer__meta-custom">{props.org.name}</p>
          </div>
        </div>
      </div>
    </footer>
  );
}
