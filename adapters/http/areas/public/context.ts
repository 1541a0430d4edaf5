import type { Context } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { LinkInfo } from '../../../../core/access/link-requests.ts';
import type { AccountDeps } from '../../../../core/accounts/deps.ts';
import { emailKey } from '../../../../core/accounts/email.ts';
import type { Account } from '../../../../core/accounts/model.ts';
import type { PasswordProblem } from '../../../../core/accounts/password-policy.ts';
import {
  type completePasswordReset,
  findResetLink,
} from '../../../../core/accounts/reset-password.ts';
import { findSetPasswordLink } from '../../../../core/accounts/set-password.ts';
import { buildDeviceToken } from '../../../../core/auth/device-cookie.ts';
import type { Session } from '../../../../core/auth/model.ts';
import type { RateLimiter } from '../../../../core/auth/rate-limit.ts';
import { invalidateSession } from '../../../../core/auth/sessions.ts';
import { LinkInvalidPage } from '../../../../views/pages/auth/link.tsx';
import { type FormTarget, RegisterStartPage } from '../../../../views/pages/auth/mailbox-proof.tsx';
import {
  type NewPasswordKind,
  NewPasswordPage,
} from '../../../../views/pages/auth/new-password.tsx';
import { type Lang, type Strings, stringsFor } from '../../../../views/strings/index.ts';
import type { AppEnv } from '../../env.ts';
import { adoptChosenLanguage, redirectKeepingLang, requestLanguage } from '../../language.ts';
import { anonymousCsrfToken } from '../../middleware/csrf.ts';
import { setDeviceCookie, setSessionCookie } from '../../middleware/session.ts';
import { HOME_PATH, STAFF_HOME_PATH, TWO_FACTOR_PATH } from './paths.ts';

/** Re-exported for the area's handlers (one definition, in adapters/http/form.ts). */
export { formOf } from '../../form.ts';

/** What the public area needs: the account use cases' dependencies and its limits. */
export type PublicAreaDeps = {
  accounts: AccountDeps;
  /** True when the public URL is https (cookie names and `Secure`). */
  https: boolean;
  /** Sign-in attempts per client address. */
  signInLimiter: RateLimiter;
  /** Reset requests per client address (each may send an email). */
  resetLimiter: RateLimiter;
  /** Emailed codes asked for per client address (each sends an email). */
  codeLimiter: RateLimiter;
  /** Codes typed per client address: on top of each code's own few tries. */
  codeCheckLimiter: RateLimiter;
  /** The council's provider's name for the "Sign in with ..." button, or null without SSO. */
  ssoProviderName?: string | null;
};

/** A request context of the web app. */
export type Ctx = Context<AppEnv>;

/** The pieces every sub-resource of the public area shares (`publicContext`). */
export type PublicContext = ReturnType<typeof publicContext>;

/**
 * The helpers the public area's routes share, made once per area from its deps: page
 * props, rendering, starting a session, where to go after signing in, and the pages
 * more than one sub-resource shows.
 */
export function publicContext(deps: PublicAreaDeps) {
  const { accounts, https } = deps;

  /** Props every page of this area passes to the layout. */
  const pageProps = async (c: Ctx) => {
    const settings = await accounts.settings.get();
    const lang: Lang = requestLanguage(c);
    const strings: Strings = stringsFor(lang);
    return {
      strings,
      lang,
      org: { name: settings.orgName, colour: settings.orgColour },
      csrfToken: c.get('csrfToken'),
    };
  };
  const render = (c: Ctx, page: JSX.Element, status: 200 | 400 | 403 | 404 | 429 = 200) =>
    c.html(page, status);

  /**
   * Signs the browser in: ends whatever session it had (a new id at every sign-in),
   * sets the session cookie and a fresh device cookie, and keeps a language chosen
   * before signing in with an account that has none yet (after the second factor, for
   * a session still waiting for one: see the two-factor routes).
   */
  const startSession = async (
    c: Ctx,
    args: { account: Account; session: Session; sessionToken: string; deviceToken?: string },
  ) => {
    const previous = c.get('session');
    if (previous && previous.id !== args.session.id) {
      await invalidateSession(accounts, { sessionId: previous.id });
    }
    const now = accounts.clock.now();
    setSessionCookie(c, { https, token: args.sessionToken, session: args.session, now });
    setDeviceCookie(c, {
      https,
      token:
        args.deviceToken ?? buildDeviceToken(accounts.secrets, { emailKey: args.account.emailKey }),
    });
    if (!args.session.twoFactorPending) await adoptChosenLanguage(c, accounts, args.account);
  };
  // Staff land on their own side; recipients on their inbox.
  const homeFor = (account: Pick<Account, 'kind'>) =>
    account.kind === 'staff' ? STAFF_HOME_PATH : HOME_PATH;
  const afterSignIn = (args: { session: Session; account: Account }, next: string | null) =>
    args.session.twoFactorPending
      ? `${TWO_FACTOR_PATH}${next ? `?next=${encodeURIComponent(next)}` : ''}`
      : (next ?? homeFor(args.account));
  const ip = (c: Ctx) => c.get('clientIp');
  const userAgent = (c: Ctx) => c.req.header('user-agent') ?? null;

  // ---- Shared pieces -------------------------------------------------------------

  /** A form posting to `action`, with the CSRF token for that path (signed-out tokens are per path). */
  const target = (c: Ctx, action: string): FormTarget => ({
    action,
    csrfToken: c.get('session')
      ? c.get('csrfToken')
      : anonymousCsrfToken(accounts.secrets, accounts.clock, action),
  });

  /** The "not the person it was sent to?" section for a message's link. */
  function notForYou(link: LinkInfo, token: string) {
    return link.canAsk
      ? { askHref: `/r/${encodeURIComponent(token)}/ask`, contact: null }
      : { askHref: null, contact: { name: link.senderName, email: link.senderEmail } };
  }

  async function registerStartPage(
    c: Ctx,
    token: string,
    email: string,
    link: LinkInfo | null,
    tooManyCodes = false,
  ) {
    const props = await pageProps(c);
    const other = link ? notForYou(link, token) : { askHref: null, contact: null };
    return RegisterStartPage({
      ...props,
      email,
      sendCode: target(c, `/register/${token}/code`),
      ...other,
      tooManyCodes,
    });
  }

  async function newPasswordPage(
    c: Ctx,
    kind: NewPasswordKind,
    email: string,
    action: string,
    problems: readonly PasswordProblem[] = [],
  ) {
    const props = await pageProps(c);
    // The CSRF token must be for the path the form posts to, which may not be this one.
    const csrfToken = c.get('session')
      ? props.csrfToken
      : anonymousCsrfToken(accounts.secrets, accounts.clock, action);
    return NewPasswordPage({ ...props, csrfToken, kind, email, action, problems });
  }

  async function invalidLink(c: Ctx, kind: 'message' | 'reset' | 'set-password') {
    return LinkInvalidPage({ ...(await pageProps(c)), kind });
  }

  async function passwordLinkOutcome(
    c: Ctx,
    kind: 'reset' | 'set-password',
    token: string,
    result: Awaited<ReturnType<typeof completePasswordReset>>,
  ) {
    if (result.ok) {
      await startSession(c, result);
      return redirectKeepingLang(c, afterSignIn(result, null));
    }
    if (result.reason === 'invalid-link') return render(c, await invalidLink(c, kind), 404);
    const find = kind === 'reset' ? findResetLink : findSetPasswordLink;
    const link = await find(accounts, { token });
    return render(
      c,
      await newPasswordPage(c, kind, link?.email ?? '', c.req.path, result.problems),
      400,
    );
  }

  return {
    pageProps,
    render,
    startSession,
    homeFor,
    afterSignIn,
    ip,
    userAgent,
    target,
    notForYou,
    registerStartPage,
    newPasswordPage,
    invalidLink,
    passwordLinkOutcome,
  };
}

/** True when `account` is the person a link's message was sent to. */
export function isAddressee(account: Pick<Account, 'emailKey'>, link: LinkInfo): boolean {
  return account.emailKey === emailKey(link.addresseeEmail);
}
