import type { Hono } from 'hono';
import type { Account } from '../../../../core/accounts/model.ts';
import { invalidateSession } from '../../../../core/auth/sessions.ts';
import {
  canEnrolTotp,
  confirmTotpEnrolment,
  resumeTotpEnrolment,
  startTotpEnrolment,
  type TotpDeps,
} from '../../../../core/auth/totp.ts';
import { removeTotp } from '../../../../core/auth/totp-remove.ts';
import { MINUTE_MS } from '../../../../core/shared/time.ts';
import {
  accountTwoFactorPaths,
  RecipientRecoveryCodesPage,
  RecipientTotpSetupPage,
  RecipientTwoFactorPage,
} from '../../../../views/pages/mailbox/two-factor.tsx';
import { TwoFactorEndedPage } from '../../../../views/pages/staff/two-factor.tsx';
import { oslojsTotp } from '../../../security/totp.ts';
import type { AppEnv } from '../../env.ts';
import { formOf } from '../../form.ts';
import { clearSessionCookie } from '../../middleware/session.ts';
import { sharedRateLimiter } from '../../rate-limiters.ts';
import { safeNextPath } from '../public/paths.ts';
import {
  basics,
  type Ctx,
  notFound,
  pageProps,
  type RecipientAreaDeps,
  seeOther,
} from './context.ts';

/**
 * A recipient's own, optional second factor (`/account/two-factor`): set up an
 * authenticator app (the staff page's steps and core use cases), see how many recovery
 * codes are left, set up a new app, turn it off. Every change needs the password typed
 * again, is audited and is emailed to the account's address (core does both).
 *
 * Personal routes: they read `person`, so a member working from a shared mailbox sets
 * up their own sign-in, never the mailbox's (docs/decisions/0028). Staff have their own
 * page, and a team mailbox never signs in: both get the 404 page here.
 */
export function recipientTwoFactorRoutes(area: Hono<AppEnv>, deps: RecipientAreaDeps): void {
  const { app } = deps;
  const totpDeps: TotpDeps = {
    storage: app.storage,
    cipher: app.cipher,
    secrets: app.secrets,
    ids: app.ids,
    clock: app.clock,
    hasher: app.hasher,
    templates: app.templates,
    publicUrl: app.config.publicUrl.replace(/\/+$/, ''),
    settings: app.settings,
    totp: oslojsTotp(),
  };
  // The staff area's limiter by name: wrong passwords typed on either page count together.
  const reauthLimiter = sharedRateLimiter(app, {
    name: 'two-factor',
    limit: 5,
    windowMs: 15 * MINUTE_MS,
  });
  const orgName = async () => (await app.settings.get()).orgName;

  /**
   * Counts a password attempt before it is checked (atomically, so guesses sent in
   * parallel cannot all pass); past the limit the session ends and signing in again,
   * with the account lockout, is the only way on. Null when the attempt may go ahead.
   */
  const guardPassword = async (c: Ctx, person: Account, sessionId: string) => {
    const key = `reauth:${person.id}`;
    if ((await reauthLimiter.hit(key)).allowed) return null;
    await reauthLimiter.reset(key);
    await invalidateSession(app, { sessionId });
    clearSessionCookie(c, { https: deps.https });
    const { lang, strings, org } = await basics(deps, c);
    return c.html(TwoFactorEndedPage({ lang, strings, org, guessed: 'password' }), 429);
  };

  area.get(accountTwoFactorPaths.page, async (c) => {
    const person = recipientOf(c);
    const session = c.get('session');
    if (!person || !session) return notFound(deps, c);
    const props = await pageProps(deps, c);
    const codesLeft = codesLeftOf(c.req.query('codesLeft'));
    const enrolled = person.totpKeyEnc !== null;
    if (enrolled && codesLeft === null && c.req.query('replace') === undefined) {
      return c.html(
        RecipientTwoFactorPage({ ...props, codesLeft: person.recoveryCodeHashes.length }),
      );
    }
    const pending = startTotpEnrolment(totpDeps, {
      account: person,
      sessionId: session.id,
      issuer: props.settings.orgName,
    });
    return c.html(
      RecipientTotpSetupPage({
        ...props,
        ...pending,
        alreadyEnrolled: enrolled,
        codesLeft,
        removed: !enrolled && c.req.query('done') === 'removed',
        next: safeNextPath(c.req.query('next')),
      }),
    );
  });

  area.post(accountTwoFactorPaths.page, async (c) => {
    const person = recipientOf(c);
    const session = c.get('session');
    if (!person || !session) return notFound(deps, c);
    const body = await formOf(c);
    const props = await pageProps(deps, c);
    const input = { account: person, sessionId: session.id, issuer: props.settings.orgName };
    // A message that asked for a second step: where the person goes once it is set up.
    const next = safeNextPath(c.req.query('next'));
    const common = { ...props, alreadyEnrolled: person.totpKeyEnc !== null, next };
    const token = body.get('token');
    const code = body.get('code').trim().slice(0, 64);
    const password = body.get('password');
    const pending = resumeTotpEnrolment(totpDeps, { ...input, token });
    if (!pending) {
      // A page from another session (or a tampered one): start again with a new key.
      const fresh = startTotpEnrolment(totpDeps, input);
      return c.html(RecipientTotpSetupPage({ ...common, ...fresh, expired: true }), 400);
    }
    const missing = {
      error: code === '' ? ('missing' as const) : undefined,
      passwordError: password === '' ? ('missingPassword' as const) : undefined,
    };
    if (missing.error || missing.passwordError) {
      return c.html(RecipientTotpSetupPage({ ...common, ...pending, ...missing }), 400);
    }
    const ended = await guardPassword(c, person, session.id);
    if (ended) return ended;
    const result = await confirmTotpEnrolment(totpDeps, {
      ...input,
      token,
      code,
      password,
      ip: c.get('clientIp'),
    });
    // The password is checked first: anything past it means it was right.
    if (result.ok || result.reason === 'wrong-code') {
      await reauthLimiter.reset(`reauth:${person.id}`);
    }
    if (!result.ok) {
      const why =
        result.reason === 'wrong-password'
          ? { passwordError: 'wrongPassword' as const }
          : { error: 'wrongCode' as const };
      return c.html(RecipientTotpSetupPage({ ...common, ...pending, ...why }), 400);
    }
    // Shown once, in this response only (signed-in pages are `no-store`).
    return c.html(RecipientRecoveryCodesPage({ ...props, codes: result.recoveryCodes, next }));
  });

  area.post(accountTwoFactorPaths.remove, async (c) => {
    const person = recipientOf(c);
    const session = c.get('session');
    if (!person || !session || person.totpKeyEnc === null) return notFound(deps, c);
    const password = (await formOf(c)).get('password');
    const page = async (passwordError: 'wrongPassword' | 'missingPassword') =>
      c.html(
        RecipientTwoFactorPage({
          ...(await pageProps(deps, c)),
          codesLeft: person.recoveryCodeHashes.length,
          passwordError,
        }),
        400,
      );
    if (password === '') return page('missingPassword');
    const ended = await guardPassword(c, person, session.id);
    if (ended) return ended;
    const result = await removeTotp(totpDeps, {
      account: person,
      password,
      orgName: await orgName(),
      ip: c.get('clientIp'),
    });
    if (!result.ok && result.reason === 'wrong-password') return page('wrongPassword');
    await reauthLimiter.reset(`reauth:${person.id}`);
    return seeOther(c, `${accountTwoFactorPaths.page}?done=removed`);
  });
}

/** The signed-in person when they may have a second factor here: a recipient, not a team. */
function recipientOf(c: Ctx): Account | null {
  const person = c.get('person');
  return person && person.kind === 'external' && canEnrolTotp(person) ? person : null;
}

/** The recovery codes left, from the query after signing in with one, or null. */
function codesLeftOf(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,2}$/.test(value)) return null;
  return Number(value);
}
