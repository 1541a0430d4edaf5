import type { Context } from 'hono';
import { Hono } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import {
  describeLink,
  type LinkInfo,
  MAX_REASON_LENGTH,
  requestAccessByLink,
  sendLinkRequestCode,
} from '../../../core/access/link-requests.ts';
import type { AccountDeps } from '../../../core/accounts/deps.ts';
import { emailKey, normaliseEmail } from '../../../core/accounts/email.ts';
import type { Account } from '../../../core/accounts/model.ts';
import {
  findRegistrationLink,
  register,
  sendRegistrationCode,
} from '../../../core/accounts/register.ts';
import {
  completePasswordReset,
  findResetLink,
  requestPasswordReset,
} from '../../../core/accounts/reset-password.ts';
import { completeSetPassword, findSetPasswordLink } from '../../../core/accounts/set-password.ts';
import { signIn } from '../../../core/accounts/sign-in.ts';
import { buildDeviceToken } from '../../../core/auth/device-cookie.ts';
import type { Session } from '../../../core/auth/model.ts';
import type { RateLimiter } from '../../../core/auth/rate-limit.ts';
import { endResumeTokens, invalidateSession, signOut } from '../../../core/auth/sessions.ts';
import { findTimeoutDraftFor } from '../../../core/messages/timeout-draft.ts';
import { MAILBOXES_PATH } from '../../../views/components/acting-line.tsx';
import { LAYOUT_PATHS } from '../../../views/layout.tsx';
import { FormRefusedPage } from '../../../views/pages/auth/forbidden.tsx';
import { LinkInvalidPage, LinkStartPage } from '../../../views/pages/auth/link.tsx';
import {
  AskAccessPage,
  AskDonePage,
  AskOffPage,
  type CodeProblemCode,
  type FormTarget,
  RegisterStartPage,
  RegisterWithCodePage,
} from '../../../views/pages/auth/mailbox-proof.tsx';
import { type NewPasswordKind, NewPasswordPage } from '../../../views/pages/auth/new-password.tsx';
import { ResetRequestPage, ResetSentPage } from '../../../views/pages/auth/reset-request.tsx';
import { type SignInNotice, SignInPage } from '../../../views/pages/auth/sign-in.tsx';
import { staffDraftPath } from '../../../views/pages/staff/shared.tsx';
import { type Lang, pickLanguage, type Strings, stringsFor } from '../../../views/strings/index.ts';
import type { AppEnv } from '../env.ts';
import { anonymousCsrfToken } from '../middleware/csrf.ts';
import {
  clearSessionCookie,
  readDeviceCookie,
  setDeviceCookie,
  setSessionCookie,
} from '../middleware/session.ts';

/** Where a signed-in person lands by default. */
export const HOME_PATH = '/inbox';
/** Where staff land after signing in. */
export const STAFF_HOME_PATH = '/staff';
/** The page a staff member with a second factor goes to after the password (the staff area answers it). */
export const TWO_FACTOR_PATH = '/sign-in/two-factor';
/** The page of one delivered message (the recipient area answers it). */
export const messagePath = (deliveryId: string) => `/inbox/${encodeURIComponent(deliveryId)}`;

/**
 * Paths of the forms a signed-out person posts. The CSRF middleware accepts their
 * signed-out token from a signed-in browser too (a tab opened before signing in).
 */
export function isAnonymousForm(path: string): boolean {
  return (
    path === '/sign-in' ||
    // Signing in with a passkey alone: JSON, its signed-out token made for this path.
    path === '/sign-in/passkey' ||
    path === '/reset' ||
    /^\/(r|open|register|reset|set-password)\/[^/]+$/.test(path) ||
    /^\/register\/[^/]+\/code$/.test(path) ||
    /^\/r\/[^/]+\/ask(\/confirm)?$/.test(path)
  );
}

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

type Ctx = Context<AppEnv>;

/**
 * Everything a signed-out person can do: sign in and out, follow an emailed link,
 * register, reset a password, set a first password. Every route reads top to bottom:
 * limit, validate, call the use case, render. GET never changes anything; every form
 * is a POST with the CSRF token (checked by the middleware before these handlers run).
 */
export function publicArea(deps: PublicAreaDeps): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  const { accounts, https } = deps;
  const ssoOffer = deps.ssoProviderName ? { providerName: deps.ssoProviderName } : null;

  /** Props every page of this area passes to the layout. */
  const pageProps = async (c: Ctx) => {
    const settings = await accounts.settings.get();
    const lang: Lang = pickLanguage({
      query: c.req.query('lang'),
      acceptLanguage: c.req.header('accept-language'),
    });
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
   * Where a person who has just registered from a link to no message lands: the shared
   * mailboxes page when an invitation waits for them (the link in an invitation email),
   * so they see it at once, else the inbox.
   */
  const landingAfterRegister = async (account: Account): Promise<string> => {
    const memberships = await accounts.storage.repos.mailboxMembers.listForMember({
      memberId: account.id,
    });
    return memberships.some((m) => m.acceptedAt === null) ? MAILBOXES_PATH : HOME_PATH;
  };

  /**
   * Signs the browser in: ends whatever session it had (a new id at every sign-in),
   * sets the session cookie and a fresh device cookie.
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
  };
  // Staff land on their own side; recipients on their inbox.
  const homeFor = (account: Pick<Account, 'kind'>) =>
    account.kind === 'staff' ? STAFF_HOME_PATH : HOME_PATH;
  const afterSignIn = (args: { session: Session; account: Account }, next: string | null) =>
    args.session.twoFactorPending
      ? `${TWO_FACTOR_PATH}${next ? `?next=${encodeURIComponent(next)}` : ''}`
      : (next ?? homeFor(args.account));
  /** "Sign in with a passkey" when passkeys may sign in alone: its signed-out token. */
  const passkeyOffer = async () =>
    (await accounts.settings.get()).passkeySignIn === 'passwordless'
      ? { csrfToken: anonymousCsrfToken(accounts.secrets, accounts.clock, '/sign-in/passkey') }
      : null;
  const ip = (c: Ctx) => c.get('clientIp');
  const userAgent = (c: Ctx) => c.req.header('user-agent') ?? null;

  // ---- Sign in and out -----------------------------------------------------------

  // The address people type: their mailbox when signed in, else the sign-in page.
  area.get('/', (c) => {
    const account = c.get('account');
    if (!account) return c.redirect('/sign-in', 303);
    return c.redirect(homeFor(account), 303);
  });

  area.get('/sign-in', async (c) => {
    const next = safeNextPath(c.req.query('next'));
    const signedIn = c.get('account');
    if (signedIn) return c.redirect(next ?? homeFor(signedIn), 303);
    const notice = c.req.query('notice');
    const linkToken = c.req.query('link');
    const link = linkToken ? await describeLink(accounts, { token: linkToken }) : null;
    return render(
      c,
      SignInPage({
        ...(await pageProps(c)),
        email: '',
        next,
        rememberMeDays: accounts.policy.rememberMeDays,
        notice: isNotice(notice) ? notice : null,
        notForYou: link && linkToken ? notForYou(link, linkToken) : null,
        link: link ? linkToken : null,
        sso: ssoOffer,
        passkey: await passkeyOffer(),
      }),
    );
  });

  area.post('/sign-in', async (c) => {
    const body = await formOf(c);
    const email = body.get('email').slice(0, 320);
    const next = safeNextPath(body.get('next'));
    const rememberMe = body.get('remember') === 'yes';
    const linkToken = body.get('link').slice(0, 200);
    const link = linkToken ? await describeLink(accounts, { token: linkToken }) : null;
    const page = async (extra: { failed?: boolean; waitMinutes?: number }) =>
      SignInPage({
        ...(await pageProps(c)),
        email,
        next,
        rememberMe,
        rememberMeDays: accounts.policy.rememberMeDays,
        notForYou: link ? notForYou(link, linkToken) : null,
        link: link ? linkToken : null,
        sso: ssoOffer,
        passkey: await passkeyOffer(),
        ...extra,
      });

    const limit = await deps.signInLimiter.hit(ip(c));
    if (!limit.allowed) {
      c.header('Retry-After', String(Math.ceil(limit.retryAfterMs / 1000)));
      return render(c, await page({ waitMinutes: Math.ceil(limit.retryAfterMs / 60_000) }), 429);
    }
    const result = await signIn(accounts, {
      email,
      password: body.get('password'),
      rememberMe,
      deviceToken: readDeviceCookie(c, { https }),
      ip: ip(c),
      userAgent: userAgent(c),
    });
    if (!result.ok) return render(c, await page({ failed: true }), 400);
    await startSession(c, result);
    // Signed in from someone else's link: their message is not this account's, so
    // the way on is asking the sender, not a "not found".
    if (link && !isAddressee(result.account, link) && !result.session.twoFactorPending) {
      return c.redirect(`/r/${encodeURIComponent(linkToken)}/ask`, 303);
    }
    // Back where they were: the message they were writing when the session timed out
    // (its page says it was saved then), before any page they asked for; after the
    // second step for staff who have one.
    // A draft written in a shared mailbox is there (decision 0028): the new session
    // works from that mailbox again, as the old one did.
    const found = await findTimeoutDraftFor(accounts, {
      person: result.account,
      since: result.previousSignInAt,
      genericAllowed: (await accounts.settings.get()).sharedMailboxes,
    });
    if (found?.mailboxId) {
      await accounts.storage.repos.sessions.setActingMailbox({
        id: result.session.id,
        mailboxId: found.mailboxId,
      });
    }
    const back = found ? draftPathFor(result.account, found.draft.id) : next;
    return c.redirect(afterSignIn(result, back), 303);
  });

  /** A cookie whose session timed out can still save a draft; signing out ends that too. */
  const endTimedOut = async (c: Ctx) => {
    const timedOut = c.get('timedOut');
    if (timedOut) {
      await endResumeTokens(accounts.storage.repos, timedOut.account.id, accounts.clock.now());
    }
  };

  area.post('/sign-out', async (c) => {
    const session = c.get('session');
    if (session) await signOut(accounts, { session, everywhere: false, ip: ip(c) });
    else await endTimedOut(c);
    clearSessionCookie(c, { https });
    return c.redirect('/sign-in?notice=signed-out', 303);
  });

  area.post('/sign-out-everywhere', async (c) => {
    const session = c.get('session');
    if (session) await signOut(accounts, { session, everywhere: true, ip: ip(c) });
    else await endTimedOut(c);
    clearSessionCookie(c, { https });
    return c.redirect('/sign-in?notice=signed-out-everywhere', 303);
  });

  // ---- Links in notification emails ------------------------------------------------

  // A GET only shows a button: mail scanners that follow links must not get further.
  // `/open/<token>` is the same link under the name core/messages/new-delivery.ts uses.
  for (const linkPath of ['/r/:token', '/open/:token']) {
    area.get(linkPath, async (c) =>
      render(c, LinkStartPage({ ...(await pageProps(c)), action: c.req.path })),
    );

    area.post(linkPath, async (c) => {
      const token = c.req.param('token') ?? '';
      const link = await findRegistrationLink(accounts, { token });
      if (!link) return render(c, await invalidLink(c, 'message'), 404);
      const described = await describeLink(accounts, { token });
      if (link.state === 'sign-in') {
        const target = link.deliveryId ? messagePath(link.deliveryId) : HOME_PATH;
        const account = c.get('account');
        // Signed in as someone else: this is not their message; they may ask for it.
        if (account && described && !isAddressee(account, described)) {
          return c.redirect(`/r/${token}/ask`, 303);
        }
        if (account) return c.redirect(target, 303);
        const linkParam = described ? `&link=${encodeURIComponent(token)}` : '';
        return c.redirect(`/sign-in?next=${encodeURIComponent(target)}${linkParam}`, 303);
      }
      return render(c, await registerStartPage(c, token, link.email, described));
    });
  }

  area.get('/register/:token', async (c) => {
    const token = c.req.param('token');
    const link = await findRegistrationLink(accounts, { token });
    if (!link) return render(c, await invalidLink(c, 'message'), 404);
    if (link.state === 'sign-in') return c.redirect(`/r/${token}`, 303);
    const described = await describeLink(accounts, { token });
    return render(c, await registerStartPage(c, token, link.email, described));
  });

  // Emails the code that proves the address: a link alone proves nothing.
  area.post('/register/:token/code', async (c) => {
    const token = c.req.param('token');
    const link = await findRegistrationLink(accounts, { token });
    if (!link) return render(c, await invalidLink(c, 'message'), 404);
    if (link.state === 'sign-in') return c.redirect(`/r/${token}`, 303);
    const described = await describeLink(accounts, { token });
    const limit = await deps.codeLimiter.hit(ip(c));
    const sent = limit.allowed ? await sendRegistrationCode(accounts, { token }) : null;
    if (limit.allowed && !sent) return render(c, await invalidLink(c, 'message'), 404);
    if (!sent?.ok) {
      return render(c, await registerStartPage(c, token, link.email, described, true), 429);
    }
    return render(c, await registerWithCodePage(c, token, link.email, { codeSent: true }));
  });

  area.post('/register/:token', async (c) => {
    const token = c.req.param('token');
    const body = await formOf(c);
    const code = body.get('code').slice(0, 40);
    if (!(await deps.codeCheckLimiter.hit(ip(c))).allowed) {
      const link = await findRegistrationLink(accounts, { token });
      if (link?.state !== 'register') return render(c, await invalidLink(c, 'message'), 404);
      const state = { code, codeProblem: 'too-many-tries' as const };
      return render(c, await registerWithCodePage(c, token, link.email, state), 429);
    }
    const result = await register(accounts, {
      token,
      code,
      password: body.get('password'),
      ip: ip(c),
      userAgent: userAgent(c),
    });
    if (result.ok) {
      await startSession(c, result);
      const target = result.deliveryId
        ? messagePath(result.deliveryId)
        : await landingAfterRegister(result.account);
      return c.redirect(target, 303);
    }
    if (result.reason === 'already-registered') {
      const target = result.deliveryId ? messagePath(result.deliveryId) : HOME_PATH;
      return c.redirect(`/sign-in?next=${encodeURIComponent(target)}`, 303);
    }
    if (result.reason === 'invalid-link') return render(c, await invalidLink(c, 'message'), 404);
    const link = await findRegistrationLink(accounts, { token });
    const email = link?.state === 'register' ? link.email : '';
    return render(
      c,
      await registerWithCodePage(c, token, email, {
        code,
        codeProblem: result.codeProblem,
        passwordProblems: result.problems,
      }),
      400,
    );
  });

  // ---- "This message was sent to someone else" ----------------------------------------

  area.get('/r/:token/ask', async (c) => {
    const token = c.req.param('token');
    const link = await describeLink(accounts, { token });
    if (!link) return render(c, await invalidLink(c, 'message'), 404);
    if (!link.canAsk) return render(c, await askOffPage(c, link));
    return render(c, await askPage(c, token, link, { step: 'email' }));
  });

  area.post('/r/:token/ask', async (c) => {
    const token = c.req.param('token');
    const body = await formOf(c);
    const typed = { email: body.get('email').trim().slice(0, 320), reason: askReason(body) };
    const link = await describeLink(accounts, { token });
    if (!link) return render(c, await invalidLink(c, 'message'), 404);
    if (!link.canAsk) return render(c, await askOffPage(c, link));
    if (!(await deps.codeLimiter.hit(ip(c))).allowed) {
      const problems = ['too-many-codes'] as const;
      return render(c, await askPage(c, token, link, { step: 'email', ...typed, problems }), 429);
    }
    const sent = await sendLinkRequestCode(accounts, { token, email: typed.email });
    if (!sent.ok && sent.reason === 'not-found')
      return render(c, await invalidLink(c, 'message'), 404);
    if (!sent.ok && sent.reason === 'off') return render(c, await askOffPage(c, link));
    if (!sent.ok && sent.reason === 'invalid') {
      const problems = sent.problems;
      return render(c, await askPage(c, token, link, { step: 'email', ...typed, problems }), 400);
    }
    const email = sent.ok ? sent.email : typed.email;
    return render(c, await askPage(c, token, link, { step: 'code', ...typed, email }));
  });

  area.post('/r/:token/ask/confirm', async (c) => {
    const token = c.req.param('token');
    const body = await formOf(c);
    const typed = {
      email: body.get('email').trim().slice(0, 320),
      reason: askReason(body),
      code: body.get('code').slice(0, 40),
    };
    if (!(await deps.codeCheckLimiter.hit(ip(c))).allowed) {
      const link = await describeLink(accounts, { token });
      if (!link) return render(c, await invalidLink(c, 'message'), 404);
      const problems = ['too-many-tries'] as const;
      return render(c, await askPage(c, token, link, { step: 'code', ...typed, problems }), 429);
    }
    const result = await requestAccessByLink(accounts, { token, ...typed, ip: ip(c) });
    const link = await describeLink(accounts, { token });
    if (!link || (!result.ok && result.reason === 'not-found')) {
      return render(c, await invalidLink(c, 'message'), 404);
    }
    if (!result.ok && result.reason === 'off') return render(c, await askOffPage(c, link));
    if (!result.ok && result.reason === 'invalid') {
      const problems = result.problems;
      return render(c, await askPage(c, token, link, { step: 'code', ...typed, problems }), 400);
    }
    if (!result.ok) return render(c, await invalidLink(c, 'message'), 404);
    return render(
      c,
      AskDonePage({
        ...(await pageProps(c)),
        status: result.status,
        merged: result.merged,
        senderName: link.senderName,
      }),
    );
  });

  // ---- Forgotten password ------------------------------------------------------------

  area.get('/reset', async (c) =>
    render(c, ResetRequestPage({ ...(await pageProps(c)), email: '' })),
  );

  area.post('/reset', async (c) => {
    const body = await formOf(c);
    const email = body.get('email').trim().slice(0, 320);
    const props = await pageProps(c);
    const s = props.strings.auth.reset;
    const problem =
      email === '' ? s.emailMissing : normaliseEmail(email).ok ? undefined : s.emailInvalid;
    if (problem) return render(c, ResetRequestPage({ ...props, email, error: problem }), 400);
    // Over the limit, the page is the same but nothing is sent: the answer must not
    // differ from the one for an unknown address.
    if ((await deps.resetLimiter.hit(ip(c))).allowed) {
      await requestPasswordReset(accounts, { email, ip: ip(c) });
    }
    return render(c, ResetSentPage({ ...props, email }));
  });

  area.get('/reset/:token', async (c) => {
    const link = await findResetLink(accounts, { token: c.req.param('token') });
    if (!link) return render(c, await invalidLink(c, 'reset'), 404);
    return render(c, await newPasswordPage(c, 'reset', link.email, c.req.path));
  });

  area.post('/reset/:token', async (c) => {
    const token = c.req.param('token');
    const body = await formOf(c);
    const input = { token, password: body.get('password'), ip: ip(c), userAgent: userAgent(c) };
    const result = await completePasswordReset(accounts, input);
    return passwordLinkOutcome(c, 'reset', token, result);
  });

  // ---- A new staff member's first password ---------------------------------------------

  area.get('/set-password/:token', async (c) => {
    const link = await findSetPasswordLink(accounts, { token: c.req.param('token') });
    if (!link) return render(c, await invalidLink(c, 'set-password'), 404);
    return render(c, await newPasswordPage(c, 'set-password', link.email, c.req.path));
  });

  area.post('/set-password/:token', async (c) => {
    const token = c.req.param('token');
    const body = await formOf(c);
    const input = { token, password: body.get('password'), ip: ip(c), userAgent: userAgent(c) };
    const result = await completeSetPassword(accounts, input);
    return passwordLinkOutcome(c, 'set-password', token, result);
  });

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

  async function registerWithCodePage(
    c: Ctx,
    token: string,
    email: string,
    state: {
      codeSent?: boolean;
      code?: string;
      codeProblem?: CodeProblemCode | null;
      passwordProblems?: readonly string[];
    },
  ) {
    return RegisterWithCodePage({
      ...(await pageProps(c)),
      email,
      register: target(c, `/register/${token}`),
      resend: target(c, `/register/${token}/code`),
      code: state.code ?? '',
      codeProblem: state.codeProblem ?? null,
      passwordProblems: state.passwordProblems ?? [],
      codeSent: state.codeSent ?? false,
    });
  }

  async function askPage(
    c: Ctx,
    token: string,
    link: LinkInfo,
    state: {
      step: 'email' | 'code';
      email?: string;
      reason?: string;
      code?: string;
      problems?: Parameters<typeof AskAccessPage>[0]['problems'];
    },
  ) {
    return AskAccessPage({
      ...(await pageProps(c)),
      step: state.step,
      senderName: link.senderName,
      email: state.email ?? '',
      reason: state.reason ?? '',
      code: state.code ?? '',
      problems: state.problems ?? [],
      submit: target(c, state.step === 'email' ? `/r/${token}/ask` : `/r/${token}/ask/confirm`),
      resend: target(c, `/r/${token}/ask`),
      maxReason: MAX_REASON_LENGTH,
    });
  }

  async function askOffPage(c: Ctx, link: LinkInfo) {
    return AskOffPage({
      ...(await pageProps(c)),
      contact: { name: link.senderName, email: link.senderEmail },
    });
  }

  async function newPasswordPage(
    c: Ctx,
    kind: NewPasswordKind,
    email: string,
    action: string,
    problems: readonly string[] = [],
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
      return c.redirect(afterSignIn(result, null), 303);
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

  return area;
}

/** The page shown when a form fails the CSRF check (see `csrfProtection`). */
export async function renderFormRefused(
  c: Ctx,
  org: { name: string; colour: string },
): Promise<Response> {
  const lang = pickLanguage({
    query: c.req.query('lang'),
    acceptLanguage: c.req.header('accept-language'),
  });
  return c.html(FormRefusedPage({ strings: stringsFor(lang), lang, org }), 403);
}

/**
 * `next` when it is a path on this site, else null: it must start with exactly one
 * '/' (so `//evil.example` and `/\evil.example`, which browsers treat as another
 * host, are refused) and hold no backslash, control character or space.
 */
export function safeNextPath(next: string | undefined | null): string | null {
  if (!next || next.length > 2_000) return null;
  if (!next.startsWith('/') || next.startsWith('//')) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
  if (/[\\\s\u0000-\u001f\u007f]/.test(next)) return null;
  return next;
}

function isNotice(value: string | undefined): value is SignInNotice {
  return (
    value === 'signed-out' ||
    value === 'signed-out-everywhere' ||
    value === 'password-changed' ||
    value === 'sso-ended'
  );
}

/** The urlencoded form fields as strings ('' when missing or a file). */
async function formOf(c: Ctx): Promise<{ get(name: string): string }> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  return {
    get(name: string) {
      const value = (body as Record<string, unknown>)[name];
      return typeof value === 'string' ? value : '';
    },
  };
}

/** The page of one of the account's drafts: staff have their own. */
function draftPathFor(account: Pick<Account, 'kind'>, draftId: string): string {
  return account.kind === 'staff'
    ? staffDraftPath(draftId)
    : `${LAYOUT_PATHS.nav.drafts}/${encodeURIComponent(draftId)}`;
}

/** True when `account` is the person a link's message was sent to. */
function isAddressee(account: Pick<Account, 'emailKey'>, link: LinkInfo): boolean {
  return account.emailKey === emailKey(link.addresseeEmail);
}

/** The reason typed on the "ask the sender" forms, kept whole up to a little past its limit. */
function askReason(body: { get(name: string): string }): string {
  return body.get('reason').slice(0, MAX_REASON_LENGTH + 100);
}
