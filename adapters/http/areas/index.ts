import { Hono } from 'hono';
import type { AccountDeps } from '../../../core/accounts/deps.ts';
import type { SessionPolicy } from '../../../core/auth/sessions.ts';
import { MINUTE_MS } from '../../../core/shared/time.ts';
import type { Sealpost } from '../../compose.ts';
import type { AppEnv } from '../env.ts';
import { languageSwitchFields } from '../language.ts';
import { actingForMailbox } from '../middleware/acting.ts';
import { actingLine } from '../middleware/acting-line.ts';
import { csrfProtection } from '../middleware/csrf.ts';
import { pageSlots } from '../middleware/page-slots.ts';
import { sessionMiddleware } from '../middleware/session.ts';
import { sessionEndLine } from '../middleware/session-end.ts';
import { ssoRecheck } from '../middleware/sso-recheck.ts';
import { sharedRateLimiter } from '../rate-limiters.ts';
import { compressHtml, staticAssets } from '../static.ts';
import { adminArea } from './admin.ts';
import { languageArea } from './language.ts';
import { passkeySignInArea } from './passkey-sign-in.ts';
import { passkeyArea } from './passkeys.ts';
import { isAnonymousForm, publicArea, renderFormRefused } from './public.ts';
import { recipientArea } from './recipient.ts';
import { recipientExportArea } from './recipient-export.ts';
import { sessionStatusArea } from './session-status.ts';
import { ssoArea } from './sso.ts';
import { staffArea } from './staff.ts';

/** What `buildAreas` may be told besides the composed app (tests inject limits). */
export type AreaOptions = {
  /** Sign-in attempts allowed per client address in `signInWindowMs`. */
  signInLimit?: number;
  signInWindowMs?: number;
  /** Reset emails asked for per client address in `resetWindowMs`. */
  resetLimit?: number;
  /** Emailed codes asked for per client address in an hour (default 20). */
  codeLimit?: number;
  /** Codes typed per client address in an hour (default 60). */
  codeCheckLimit?: number;
  resetWindowMs?: number;
};

/** The session lifetimes from the config. */
export function sessionPolicyFrom(config: Sealpost['config']): SessionPolicy {
  return {
    recipientIdleMinutes: config.sessionIdleMinutes,
    staffIdleMinutes: config.staffIdleMinutes,
    maxHours: config.sessionMaxHours,
    rememberMeDays: config.rememberMeDays,
  };
}

/** The account use cases' dependencies, from the composed app. */
export function accountDepsFrom(app: Sealpost): AccountDeps {
  return {
    storage: app.storage,
    hasher: app.hasher,
    commonPasswords: app.commonPasswords,
    secrets: app.secrets,
    ids: app.ids,
    clock: app.clock,
    cipher: app.cipher,
    templates: app.templates,
    settings: app.settings,
    policy: sessionPolicyFrom(app.config),
    publicUrl: app.config.publicUrl.replace(/\/+$/, ''),
    ssoConfigured: app.sso != null,
  };
}

/**
 * Every area of the web app, in the order `createApp` mounts them: static files first
 * (no session lookup, no `no-store`), then the session and CSRF middleware that every
 * later area relies on, then the areas themselves.
 */
export function buildAreas(app: Sealpost, options: AreaOptions = {}): Array<Hono<AppEnv>> {
  const https = app.config.publicUrl.startsWith('https:');
  const accounts = accountDepsFrom(app);
  const org = async () => {
    const settings = await app.settings.get();
    return { name: settings.orgName, colour: settings.orgColour };
  };

  const foundation = new Hono<AppEnv>();
  foundation.use(compressHtml());
  foundation.use(sessionMiddleware({ sessions: accounts, https }));
  // Single sign-on: a session the provider must confirm again is checked when due.
  if (app.sso) foundation.use(ssoRecheck({ accounts, sso: app.sso, https }));
  // Shared mailboxes: on the mailbox routes, `account` becomes the mailbox acted for.
  foundation.use(actingForMailbox({ storage: app.storage, settings: app.settings }));
  foundation.use(
    csrfProtection({
      secrets: app.secrets,
      clock: app.clock,
      publicUrl: app.config.publicUrl,
      isAnonymousForm,
      renderForbidden: async (c) => renderFormRefused(c, await org()),
    }),
  );
  // Inside the CSRF check: the session-end line carries the page's token. One read of
  // the page fills all: the session's end, "You are working in care.referrals@…" with
  // the "Shared mailboxes" menu item, and (on every page) the language switch's fields.
  foundation.use(
    pageSlots(
      [
        sessionEndLine({ policy: accounts.policy, clock: app.clock }),
        actingLine({ storage: app.storage }),
      ],
      [languageSwitchFields({ secrets: app.secrets, clock: app.clock })],
    ),
  );

  return [
    staticAssets({ brandColour: async () => (await org()).colour }),
    foundation,
    languageArea({ accounts, https }),
    sessionStatusArea({ sessions: accounts }),
    staffArea(app, { accounts, https }),
    adminArea(app, { accounts }),
    ...(app.sso
      ? [
          ssoArea({
            accounts,
            sso: app.sso,
            https,
            startLimiter: sharedRateLimiter(app, {
              name: 'sso-start',
              limit: options.signInLimit ?? 30,
              windowMs: options.signInWindowMs ?? 15 * MINUTE_MS,
            }),
          }),
        ]
      : []),
    publicArea({
      accounts,
      https,
      ssoProviderName: app.sso?.providerName ?? null,
      // Generous enough for a library or council office behind one address; the
      // account lockout, not this, is what stops guessing.
      signInLimiter: sharedRateLimiter(app, {
        name: 'sign-in',
        limit: options.signInLimit ?? 30,
        windowMs: options.signInWindowMs ?? 15 * MINUTE_MS,
      }),
      resetLimiter: sharedRateLimiter(app, {
        name: 'reset',
        limit: options.resetLimit ?? 10,
        windowMs: options.resetWindowMs ?? 60 * MINUTE_MS,
      }),
      // Each code is an email: a client may ask for a few, the address's own hourly
      // limit (in the database) stops anyone flooding one mailbox from many clients.
      codeLimiter: sharedRateLimiter(app, {
        name: 'code',
        limit: options.codeLimit ?? 20,
        windowMs: 60 * MINUTE_MS,
      }),
      // Typed codes: each code allows 5 tries already; this stops one client trying
      // the codes of many links.
      codeCheckLimiter: sharedRateLimiter(app, {
        name: 'code-check',
        limit: options.codeCheckLimit ?? 60,
        windowMs: 60 * MINUTE_MS,
      }),
    }),
    recipientArea(app, { https, policy: accounts.policy }),
    // Passkeys: a person's own list under /account/passkeys, and signing in with one.
    passkeyArea(app, { accounts, https }),
    passkeySignInArea(app, {
      accounts,
      https,
      limiter: sharedRateLimiter(app, {
        name: 'passkey-sign-in',
        limit: options.signInLimit ?? 30,
        windowMs: options.signInWindowMs ?? 15 * MINUTE_MS,
      }),
    }),
    recipientExportArea(app),
  ];
}
