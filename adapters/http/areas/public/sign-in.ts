import type { Hono } from 'hono';
import { describeLink } from '../../../../core/access/link-requests.ts';
import type { Account } from '../../../../core/accounts/model.ts';
import { signIn } from '../../../../core/accounts/sign-in.ts';
import { endResumeTokens, signOut } from '../../../../core/auth/sessions.ts';
import { findTimeoutDraftFor } from '../../../../core/messages/timeout-draft.ts';
import { LAYOUT_PATHS } from '../../../../views/layout.tsx';
import {
  type SignInMissing,
  type SignInNotice,
  SignInPage,
} from '../../../../views/pages/auth/sign-in.tsx';
import { staffDraftPath } from '../../../../views/pages/staff/shared.tsx';
import type { AppEnv } from '../../env.ts';
import { redirectKeepingLang } from '../../language.ts';
import { anonymousCsrfToken } from '../../middleware/csrf.ts';
import { clearSessionCookie, readDeviceCookie } from '../../middleware/session.ts';
import {
  type Ctx,
  formOf,
  isAddressee,
  type PublicAreaDeps,
  type PublicContext,
} from './context.ts';
import { safeNextPath } from './paths.ts';

/** Signing in with a password (and the address people type), and signing out. */
export function signInRoutes(area: Hono<AppEnv>, deps: PublicAreaDeps, shared: PublicContext) {
  const { accounts, https } = deps;
  const { pageProps, render, startSession, homeFor, afterSignIn, ip, userAgent, notForYou } =
    shared;
  const ssoOffer = deps.ssoProviderName ? { providerName: deps.ssoProviderName } : null;

  /** "Sign in with a passkey" when passkeys may sign in alone: its signed-out token. */
  const passkeyOffer = async () =>
    (await accounts.settings.get()).passkeySignIn === 'passwordless'
      ? { csrfToken: anonymousCsrfToken(accounts.secrets, accounts.clock, '/sign-in/passkey') }
      : null;

  // ---- Sign in and out -----------------------------------------------------------

  // The address people type: their mailbox when signed in, else the sign-in page.
  area.get('/', (c) => {
    const account = c.get('account');
    if (!account) return redirectKeepingLang(c, '/sign-in');
    return redirectKeepingLang(c, homeFor(account));
  });

  area.get('/sign-in', async (c) => {
    const next = safeNextPath(c.req.query('next'));
    const signedIn = c.get('account');
    if (signedIn) return redirectKeepingLang(c, next ?? homeFor(signedIn));
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
    const page = async (extra: {
      failed?: boolean;
      waitMinutes?: number;
      missing?: SignInMissing;
    }) =>
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

    // A field left empty is asked for (GOV.UK pattern) before anything is checked: no
    // attempt is counted against the connection or the account, and nothing is revealed.
    const missing: SignInMissing = {
      email: email.trim() === '',
      password: body.get('password') === '',
    };
    if (missing.email || missing.password) return render(c, await page({ missing }), 400);

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
      return redirectKeepingLang(c, `/r/${encodeURIComponent(linkToken)}/ask`);
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
    return redirectKeepingLang(c, afterSignIn(result, back));
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
    return redirectKeepingLang(c, '/sign-in?notice=signed-out');
  });

  area.post('/sign-out-everywhere', async (c) => {
    const session = c.get('session');
    if (session) await signOut(accounts, { session, everywhere: true, ip: ip(c) });
    else await endTimedOut(c);
    clearSessionCookie(c, { https });
    return redirectKeepingLang(c, '/sign-in?notice=signed-out-everywhere');
  });
}

function isNotice(value: string | undefined): value is SignInNotice {
  return (
    value === 'signed-out' ||
    value === 'signed-out-everywhere' ||
    value === 'password-changed' ||
    value === 'sso-ended'
  );
}

/** The page of one of the account's drafts: staff have their own. */
function draftPathFor(account: Pick<Account, 'kind'>, draftId: string): string {
  return account.kind === 'staff'
    ? staffDraftPath(draftId)
    : `${LAYOUT_PATHS.nav.drafts}/${encodeURIComponent(draftId)}`;
}
