import type { Context, MiddlewareHandler } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { Account } from '../../../../core/accounts/model.ts';
import type { SessionPolicy } from '../../../../core/auth/sessions.ts';
import type { ContactDeps } from '../../../../core/contacts/deps.ts';
import type { MailboxDeps } from '../../../../core/messages/deps.ts';
import type { DraftDeps } from '../../../../core/messages/drafts.ts';
import type { AddressingPolicy } from '../../../../core/messages/forward-message.ts';
import type { Settings } from '../../../../core/settings/model.ts';
import type { SignedInPageProps } from '../../../../views/pages/compose/shared.tsx';
import { NotFoundPage, SignInRequiredPage } from '../../../../views/pages/errors.tsx';
import { type MailboxPageProps, mailboxPaths } from '../../../../views/pages/mailbox/shared.tsx';
import {
  DEFAULT_LANG,
  hrefWithLang,
  type Lang,
  type Strings,
  stringsFor,
} from '../../../../views/strings/index.ts';
import type { Sealpost } from '../../../compose.ts';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang, requestLanguage } from '../../language.ts';

/** What the recipient area needs from the composition root. */
export type RecipientAreaDeps = {
  /** The composed app (settings, config, storage, blobs, clock, ...). */
  app: Sealpost;
  /** True when the public URL is https (the session cookie's name and flags). */
  https: boolean;
  /** Idle timeouts, to tell a timed-out person how long they were away. */
  policy: SessionPolicy;
  /** What the mailbox, reading and sending use cases need. */
  mailbox: MailboxDeps;
  /** What the draft use cases need. */
  drafts: DraftDeps;
  /** What the address book's use cases need. */
  contacts: ContactDeps;
};

/** A request context of the web app. */
export type Ctx = Context<AppEnv>;

/** Props of a signed-in mailbox page, with the settings they came from. */
export type PageProps = MailboxPageProps & { settings: Settings };

/** Ids are random and short; anything longer is not one, and is not looked up. */
export const MAX_ID_LENGTH = 128;

/** The language of this request (`requestLanguage`). */
export function languageOf(c: Ctx): Lang {
  return requestLanguage(c);
}

/** Props every page of this area gives the layout; signed in or not. */
export async function basics(deps: Pick<RecipientAreaDeps, 'app'>, c: Ctx) {
  const settings = await deps.app.settings.get();
  const lang = languageOf(c);
  const strings: Strings = stringsFor(lang);
  return { settings, lang, strings, org: { name: settings.orgName, colour: settings.orgColour } };
}

/** The signed-in account; `requireAccount` (or the route itself) has made sure there is one. */
export function signedIn(c: Ctx): Account {
  const account = c.get('account');
  if (!account) throw new Error('recipient area reached without an account');
  return account;
}

/** Props of a signed-in mailbox page (the gate guarantees the account). */
export async function pageProps(deps: Pick<RecipientAreaDeps, 'app'>, c: Ctx): Promise<PageProps> {
  const { settings, lang, strings, org } = await basics(deps, c);
  const account = signedIn(c);
  return {
    settings,
    lang,
    strings,
    org,
    account: { displayName: account.displayName, email: account.email },
    csrfToken: c.get('csrfToken'),
  };
}

/** Props of a signed-in compose, drafts, sent or contacts page, beside the basics. */
export async function composePageProps(
  deps: Pick<RecipientAreaDeps, 'app'>,
  c: Ctx,
  account: Account,
) {
  const b = await basics(deps, c);
  const props: SignedInPageProps = {
    strings: b.strings,
    lang: b.lang,
    org: b.org,
    account: { displayName: account.displayName },
    csrfToken: c.get('csrfToken'),
  };
  return { ...b, props };
}

/** A page, with its status. */
export function render(c: Ctx, page: JSX.Element, status: 200 | 400 | 401 | 404 | 429 = 200) {
  return c.html(page, status);
}

/** The one "not found" answer for every delivery id that is missing or not this person's. */
export async function notFound(deps: Pick<RecipientAreaDeps, 'app'>, c: Ctx): Promise<Response> {
  return render(c, NotFoundPage(await pageProps(deps, c)), 404);
}

/** The same 404 for a missing draft, message, contact or group and for someone else's. */
export async function notFoundFor(
  deps: Pick<RecipientAreaDeps, 'app'>,
  c: Ctx,
  account: Account,
): Promise<Response> {
  const { props } = await composePageProps(deps, c, account);
  return render(c, NotFoundPage(props), 404);
}

/** 401 with a way to sign in and come back here (to "Write a message" after a POST). */
/** The sign-in page, coming back to `next`, in the page's language. */
export function signInLink(next: string, lang: Lang): string {
  const href = `/sign-in?next=${encodeURIComponent(next)}`;
  return lang === DEFAULT_LANG ? href : hrefWithLang(href, lang);
}

export async function signInRequired(
  deps: Pick<RecipientAreaDeps, 'app'>,
  c: Ctx,
): Promise<Response> {
  const b = await basics(deps, c);
  const back = c.req.method === 'GET' ? new URL(c.req.url).pathname : '/compose';
  return render(
    c,
    SignInRequiredPage({
      strings: b.strings,
      lang: b.lang,
      org: b.org,
      signInHref: signInLink(back, b.lang),
    }),
    401,
  );
}

/** A redirect after a POST, keeping a language chosen in the URL. */
export function seeOther(c: Ctx, path: string): Response {
  return redirectKeepingLang(c, path);
}

/** The delivery id from the path, or null when it cannot be one. */
export function idOf(c: Ctx): string | null {
  const id = c.req.param('id') ?? '';
  return id.length > 0 && id.length <= MAX_ID_LENGTH ? id : null;
}

/** Where the council lets a recipient reply and forward to. */
export function policyOf(settings: Settings): AddressingPolicy {
  return {
    internalDomains: settings.internalDomains,
    allowSubdomains: settings.allowSubdomains,
    forwardOutside: settings.forwardOutside,
    orgName: settings.orgName,
    emailLanguage: settings.emailLanguage,
  };
}

/**
 * The POST paths a session that has just timed out may still reach: Send on a reply or
 * a forward saves what was typed as a draft instead of losing it.
 */
export function isAnswerPost(c: Ctx): boolean {
  return c.req.method === 'POST' && /^\/inbox\/[^/]+\/(reply|forward)$/.test(c.req.path);
}

/**
 * Pages with someone's messages need a full session (a session still waiting for its
 * second factor has no account). Signed out, the page says so and offers sign-in,
 * which comes back here afterwards.
 */
export function requireAccount(deps: Pick<RecipientAreaDeps, 'app'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('account')) return next();
    // Send on a reply or forward just after the session timed out: the route saves it.
    if (c.get('timedOut') && isAnswerPost(c)) return next();
    const { lang, strings, org } = await basics(deps, c);
    const url = new URL(c.req.url);
    const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : mailboxPaths.inbox;
    // Half signed in (a second factor still to enter): on to the code, not the password.
    const signIn = c.get('session')?.twoFactorPending ? '/sign-in/two-factor' : '/sign-in';
    const signInHref = `${signIn}?next=${encodeURIComponent(back)}${lang === 'en' ? '' : `&lang=${lang}`}`;
    return render(c, SignInRequiredPage({ strings, lang, org, account: null, signInHref }), 401);
  };
}
