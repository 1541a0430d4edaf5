import type { Hono } from 'hono';
import { mustEnrolSecondFactor } from '../../../../core/auth/second-factor.ts';
import { invalidateSession } from '../../../../core/auth/sessions.ts';
import {
  canEnrolTotp,
  confirmTotpEnrolment,
  enrolmentNeedsPassword,
  resumeTotpEnrolment,
  startTotpEnrolment,
  type TotpDeps,
  verifySecondFactor,
} from '../../../../core/auth/totp.ts';
import { accountTwoFactorPaths } from '../../../../views/pages/mailbox/two-factor.tsx';
import { STAFF_PATHS } from '../../../../views/pages/staff/shared.tsx';
import {
  RecoveryCodesPage,
  TotpSetupPage,
  TwoFactorEndedPage,
  TwoFactorPage,
} from '../../../../views/pages/staff/two-factor.tsx';
import { stringsFor } from '../../../../views/strings/index.ts';
import type { AppEnv } from '../../env.ts';
import { adoptChosenLanguage, redirectKeepingLang } from '../../language.ts';
import { clearSessionCookie, setSessionCookie } from '../../middleware/session.ts';
import { HOME_PATH, safeNextPath } from '../public/paths.ts';
import {
  type Ctx,
  formOf,
  isStaff,
  langOf,
  notFound,
  type StaffAreaDeps,
  staffPageProps,
} from './context.ts';

/** Where staff land when nothing else was asked for. */
const STAFF_HOME = STAFF_PATHS.home;

/**
 * Where a second step lands, by whose it was: staff on their side, recipients (who may
 * choose a second factor too) in their inbox; after a recovery code, on the page that
 * sets up a new app.
 */
function landingFor(kind: 'staff' | 'external' | null) {
  return kind === 'external'
    ? { home: HOME_PATH, setUp: accountTwoFactorPaths.page }
    : { home: STAFF_HOME, setUp: STAFF_PATHS.twoFactor };
}

/**
 * The second step of signing in (`/sign-in/two-factor`, where the shared sign-in sends
 * a session that is `twoFactorPending`) and setting up an authenticator app
 * (`/staff/two-factor`). Staff who must have one and do not are sent to set it up by `secondFactorGate`.
 */
export function twoFactorRoutes(area: Hono<AppEnv>, deps: StaffAreaDeps): void {
  const totpDeps: TotpDeps = { ...deps.accounts, totp: deps.totp };
  const issuer = async () => (await deps.accounts.settings.get()).orgName;

  /** Props for the signed-out look of the code page. */
  const signedOutProps = async (c: Ctx) => {
    const settings = await deps.accounts.settings.get();
    const lang = langOf(c);
    return {
      strings: stringsFor(lang),
      lang,
      org: { name: settings.orgName, colour: settings.orgColour },
      csrfToken: c.get('csrfToken'),
    };
  };

  /** "Use a passkey" for an account that has one (and whether it has an app too), else null. */
  const passkeyOf = async (session: { accountId: string }) => {
    const account = await deps.accounts.storage.repos.accounts.findById({ id: session.accountId });
    return account && account.passkeyCount > 0 ? { hasApp: account.totpKeyEnc !== null } : null;
  };

  area.get(STAFF_PATHS.signIn2fa, async (c) => {
    const next = safeNextPath(c.req.query('next'));
    const session = c.get('session');
    if (!session) return redirectKeepingLang(c, '/sign-in');
    if (!session.twoFactorPending) {
      return redirectKeepingLang(c, next ?? landingFor(c.get('person')?.kind ?? null).home);
    }
    return c.html(
      TwoFactorPage({ ...(await signedOutProps(c)), next, passkey: await passkeyOf(session) }),
    );
  });

  area.post(STAFF_PATHS.signIn2fa, async (c) => {
    const body = await formOf(c);
    const next = safeNextPath(body.get('next'));
    const session = c.get('session');
    if (!session) return redirectKeepingLang(c, '/sign-in');
    if (!session.twoFactorPending) {
      return redirectKeepingLang(c, next ?? landingFor(c.get('person')?.kind ?? null).home);
    }
    const code = body.get('code').trim().slice(0, 64);
    if (code === '') {
      return c.html(
        TwoFactorPage({
          ...(await signedOutProps(c)),
          next,
          error: 'missing',
          passkey: await passkeyOf(session),
        }),
        400,
      );
    }
    // Six digits are a million guesses: after a few wrong ones the half-signed-in
    // session ends, and the password (with its own lockout) must be typed again.
    // Every attempt is counted before the code is checked, in one atomic step of the
    // shared store: guesses sent in parallel (to several workers, say) cannot all pass
    // a check made before any of them was counted. A right code clears the count.
    const key = session.accountId;
    if (!(await deps.twoFactorLimiter.hit(key)).allowed) {
      await invalidateSession(deps.accounts, { sessionId: session.id });
      clearSessionCookie(c, { https: deps.https });
      return c.html(TwoFactorEndedPage(await signedOutProps(c)), 429);
    }
    const result = await verifySecondFactor(totpDeps, { session, code, ip: c.get('clientIp') });
    if (!result.ok) {
      return c.html(
        TwoFactorPage({
          ...(await signedOutProps(c)),
          next,
          error: 'failed',
          passkey: await passkeyOf(session),
        }),
        400,
      );
    }
    await deps.twoFactorLimiter.reset(key);
    setSessionCookie(c, {
      https: deps.https,
      token: result.sessionToken,
      session: result.session,
      now: deps.accounts.clock.now(),
    });
    // Signed in at last: a language chosen before signing in is kept with the account.
    await adoptChosenLanguage(c, deps.accounts, { id: session.accountId });
    const landing = landingFor(result.accountKind);
    // A recovery code means a lost phone: offer a new app (and new codes) straight away.
    if (result.method === 'recovery-code') {
      return redirectKeepingLang(c, `${landing.setUp}?codesLeft=${result.recoveryCodesLeft}`);
    }
    return redirectKeepingLang(c, next ?? landing.home);
  });

  area.get(STAFF_PATHS.twoFactor, async (c) => {
    const account = c.get('account');
    if (!isStaff(account) || !canEnrolTotp(account)) return notFound(deps, c);
    const session = c.get('session');
    if (!session) return notFound(deps, c);
    const pending = startTotpEnrolment(totpDeps, {
      account,
      sessionId: session.id,
      issuer: await issuer(),
    });
    return c.html(
      TotpSetupPage({
        ...(await staffPageProps(deps, c)),
        required: mustEnrolSecondFactor(account, await deps.accounts.settings.get()),
        alreadyEnrolled: account.totpKeyEnc !== null,
        codesLeft: codesLeftOf(c.req.query('codesLeft')),
        next: safeNextPath(c.req.query('next')),
        ...pending,
      }),
    );
  });

  area.post(STAFF_PATHS.twoFactor, async (c) => {
    const account = c.get('account');
    const session = c.get('session');
    if (!isStaff(account) || !canEnrolTotp(account) || !session) return notFound(deps, c);
    const body = await formOf(c);
    const props = await staffPageProps(deps, c);
    // Where to go once set up (a message that asked for a second factor): in the form's
    // address, as on the recipient's page, and only ever a path on this site.
    const next = safeNextPath(c.req.query('next'));
    const common = {
      ...props,
      required: mustEnrolSecondFactor(account, await deps.accounts.settings.get()),
      alreadyEnrolled: account.totpKeyEnc !== null,
      next,
    };
    const input = { account, sessionId: session.id, issuer: await issuer() };
    const token = body.get('token');
    const code = body.get('code').trim().slice(0, 64);
    const pending = resumeTotpEnrolment(totpDeps, { ...input, token });
    if (!pending) {
      // A page from another session (or a tampered one): start again with a new key.
      const fresh = startTotpEnrolment(totpDeps, input);
      return c.html(TotpSetupPage({ ...common, ...fresh, expired: true }), 400);
    }
    const needsPassword = enrolmentNeedsPassword(account);
    const password = needsPassword ? body.get('password') : null;
    const missing = {
      error: code === '' ? ('missing' as const) : undefined,
      passwordError: needsPassword && password === '' ? ('missingPassword' as const) : undefined,
    };
    if (missing.error || missing.passwordError) {
      return c.html(TotpSetupPage({ ...common, ...pending, ...missing }), 400);
    }
    // Wrong passwords typed here are guesses from a signed-in browser: after a few, the
    // session ends and the password (with its lockout) must be typed at sign-in again.
    // The attempt is counted before the password is checked, atomically in the shared
    // store, so guesses sent in parallel cannot all pass; a right password clears it.
    const reauthKey = `reauth:${account.id}`;
    if (needsPassword && !(await deps.twoFactorLimiter.hit(reauthKey)).allowed) {
      // Signing in again proves the password, so the count starts afresh after it.
      await deps.twoFactorLimiter.reset(reauthKey);
      await invalidateSession(deps.accounts, { sessionId: session.id });
      clearSessionCookie(c, { https: deps.https });
      return c.html(TwoFactorEndedPage({ ...(await signedOutProps(c)), guessed: 'password' }), 429);
    }
    const result = await confirmTotpEnrolment(totpDeps, {
      ...input,
      token,
      code,
      password,
      ip: c.get('clientIp'),
    });
    if (!result.ok) {
      // A wrong code means the password was right (it is checked first): no guess.
      // Nothing else clears the count, or requests failing early could wipe it.
      if (needsPassword && result.reason === 'wrong-code') {
        await deps.twoFactorLimiter.reset(reauthKey);
      }
      // The same key again: the app already has it, so nothing needs scanning twice.
      const why =
        result.reason === 'wrong-password'
          ? { passwordError: 'wrongPassword' as const }
          : { error: 'wrongCode' as const };
      return c.html(TotpSetupPage({ ...common, ...pending, ...why }), 400);
    }
    if (needsPassword) await deps.twoFactorLimiter.reset(reauthKey);
    // Shown once, in this response only (signed-in pages are `no-store`).
    return c.html(RecoveryCodesPage({ ...props, codes: result.recoveryCodes, next }));
  });
}

/** The recovery codes left, from the query after signing in with one, or null. */
function codesLeftOf(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,2}$/.test(value)) return null;
  return Number(value);
}
