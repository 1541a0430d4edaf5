import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AccountDeps } from '../../../core/accounts/deps.ts';
import type { Account } from '../../../core/accounts/model.ts';
import {
  canUsePasskeys,
  finishPasskeyRegistration,
  type PasskeyDeps,
  removalNeedsPassword,
  removePasskey,
  renamePasskey,
  startPasskeyRegistration,
} from '../../../core/auth/passkeys.ts';
import { mustEnrolSecondFactor } from '../../../core/auth/second-factor.ts';
import { invalidateSession } from '../../../core/auth/sessions.ts';
import { MINUTE_MS } from '../../../core/shared/time.ts';
import { type PasskeyFormErrors, passkeyPaths } from '../../../views/components/passkeys.tsx';
import { RecipientPasskeysPage, StaffPasskeysPage } from '../../../views/pages/passkeys.tsx';
import { TwoFactorEndedPage } from '../../../views/pages/staff/two-factor.tsx';
import type { Sealpost } from '../../compose.ts';
import { simpleWebAuthn } from '../../security/webauthn.ts';
import type { AppEnv } from '../env.ts';
import { clearSessionCookie } from '../middleware/session.ts';
import { sharedRateLimiter } from '../rate-limiters.ts';
import {
  basics,
  type Ctx,
  pageProps,
  notFound as recipientNotFound,
  requireAccount,
  seeOther,
} from './recipient/context.ts';
import { formOf, isStaff, notFound, staffPageProps } from './staff/context.ts';

/** The most a passkey ceremony's JSON may carry: a registration is a few kilobytes. */
export const PASSKEY_JSON_LIMIT = 64 * 1024;

/** What the passkey use cases need, from the composed app. */
export function passkeyDepsFrom(app: Sealpost): PasskeyDeps {
  return {
    storage: app.storage,
    secrets: app.secrets,
    ids: app.ids,
    clock: app.clock,
    cipher: app.cipher,
    hasher: app.hasher,
    templates: app.templates,
    publicUrl: app.config.publicUrl.replace(/\/+$/, ''),
    settings: app.settings,
    webauthn: simpleWebAuthn({ publicUrl: app.config.publicUrl }),
    ssoConfigured: app.sso != null,
  };
}

const DONE = ['added', 'renamed', 'removed'] as const;

/** The JSON body of a passkey request, or null when it is not an object. */
export async function jsonOf(c: Ctx): Promise<Record<string, unknown> | null> {
  const body: unknown = await c.req.json().catch(() => null);
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : null;
}

/**
 * A person's passkeys (`/account/passkeys`), staff and recipients alike: the list,
 * adding one (JSON for the browser's ceremony, driven by passkeys.js), renaming and
 * removing (plain forms). Personal routes: they read `person`, never a shared mailbox
 * being worked from. Reachable by staff who must still set up a second factor (the
 * staff area's gate lets these paths through).
 */
export function passkeyArea(app: Sealpost, options: { accounts: AccountDeps; https: boolean }) {
  const area = new Hono<AppEnv>();
  const deps = passkeyDepsFrom(app);
  const recipientDeps = { app };
  const staffDeps = { accounts: options.accounts };
  // Registrations per account: each is a write and an email to the address.
  const registerLimiter = sharedRateLimiter(app, {
    name: 'passkey-register',
    limit: 20,
    windowMs: 15 * MINUTE_MS,
  });
  // The staff area's limiter by name: wrong passwords typed anywhere count together.
  const reauthLimiter = sharedRateLimiter(app, {
    name: 'two-factor',
    limit: 5,
    windowMs: 15 * MINUTE_MS,
  });

  const gate = requireAccount(recipientDeps);
  area.use(passkeyPaths.page, gate);
  area.use(`${passkeyPaths.page}/*`, gate);
  area.use(passkeyPaths.register, bodyLimit({ maxSize: PASSKEY_JSON_LIMIT }));

  /** The one 404 page, in the look of the person's side of the portal. */
  const missing = (c: Ctx) =>
    isStaff(c.get('person')) || !c.get('account')
      ? notFound(staffDeps, c)
      : recipientNotFound(recipientDeps, c);

  /** The signed-in person when they may have passkeys, else null (a 404). */
  const personOf = (c: Ctx): Account | null => {
    const person = c.get('person');
    return person && canUsePasskeys(person) ? person : null;
  };

  const page = async (
    c: Ctx,
    person: Account,
    extra: { errors?: PasskeyFormErrors; typed?: string } = {},
    status: 200 | 400 = 200,
  ) => {
    const rows = await app.storage.repos.passkeys.listForAccount({ accountId: person.id });
    const done = c.req.query('done');
    const common = {
      passkeys: rows,
      needsPassword: removalNeedsPassword(person),
      done: DONE.find((d) => d === done) ?? null,
      ...extra,
    };
    if (isStaff(person)) {
      const settings = await app.settings.get();
      const props = await staffPageProps(staffDeps, c);
      const required = mustEnrolSecondFactor(person, settings);
      return c.html(StaffPasskeysPage({ ...props, ...common, required }), status);
    }
    return c.html(
      RecipientPasskeysPage({ ...(await pageProps(recipientDeps, c)), ...common }),
      status,
    );
  };

  area.get(passkeyPaths.page, async (c) => {
    const person = personOf(c);
    if (!person) return missing(c);
    return page(c, person);
  });

  area.post(passkeyPaths.register, async (c) => {
    const person = personOf(c);
    const session = c.get('session');
    if (!person || !session) return c.json({ ok: false }, 404);
    if (!(await registerLimiter.hit(`register:${person.id}`)).allowed) {
      return c.json({ ok: false }, 429);
    }
    const body = await jsonOf(c);
    const settings = await app.settings.get();
    if (body?.step === 'options') {
      const started = await startPasskeyRegistration(deps, {
        account: person,
        session,
        orgName: settings.orgName,
      });
      return started.ok
        ? c.json({ ok: true, options: started.options })
        : c.json({ ok: false }, 400);
    }
    if (body?.step !== 'verify') return c.json({ ok: false }, 400);
    const { strings } = await basics(recipientDeps, c);
    const typed = typeof body.name === 'string' ? body.name.slice(0, 200) : '';
    const name =
      typed.trim() === '' ? strings.passkeys.defaultName(person.passkeyCount + 1) : typed;
    const result = await finishPasskeyRegistration(deps, {
      account: person,
      session,
      response: body.response,
      name,
      orgName: settings.orgName,
      ip: c.get('clientIp'),
    });
    if (!result.ok) return c.json({ ok: false }, 400);
    return c.json({ ok: true, redirect: `${passkeyPaths.page}?done=added` });
  });

  area.post(passkeyPaths.remove, async (c) => {
    const person = personOf(c);
    const session = c.get('session');
    if (!person || !session) return missing(c);
    const body = await formOf(c);
    const passkeyId = body.get('passkey').slice(0, 128);
    // Someone else's passkey, or none: the one 404, before any password is counted.
    const mine = await app.storage.repos.passkeys.listForAccount({ accountId: person.id });
    if (!mine.some((p) => p.id === passkeyId)) return missing(c);
    const password = removalNeedsPassword(person) ? body.get('password') : null;
    if (password === '') return page(c, person, { errors: { remove: 'missingPassword' } }, 400);
    if (password !== null) {
      // Counted before it is checked; past the limit the session ends (as for TOTP).
      const key = `reauth:${person.id}`;
      if (!(await reauthLimiter.hit(key)).allowed) {
        await reauthLimiter.reset(key);
        await invalidateSession(app, { sessionId: session.id });
        clearSessionCookie(c, { https: options.https });
        const { lang, strings, org } = await basics(recipientDeps, c);
        return c.html(TwoFactorEndedPage({ lang, strings, org, guessed: 'password' }), 429);
      }
    }
    const result = await removePasskey(deps, {
      account: person,
      passkeyId,
      password,
      settings: await app.settings.get(),
      ip: c.get('clientIp'),
    });
    if (!result.ok && result.reason === 'not-found') return missing(c);
    if (!result.ok && result.reason === 'wrong-password') {
      return page(c, person, { errors: { remove: 'wrongPassword' } }, 400);
    }
    if (password !== null) await reauthLimiter.reset(`reauth:${person.id}`);
    if (!result.ok) return page(c, person, { errors: { remove: 'lastFactor' } }, 400);
    return seeOther(c, `${passkeyPaths.page}?done=removed`);
  });

  area.post(`${passkeyPaths.page}/:id/rename`, async (c) => {
    const person = personOf(c);
    if (!person) return missing(c);
    const id = c.req.param('id').slice(0, 128);
    const typed = (await formOf(c)).get('name').slice(0, 200);
    const settings = await app.settings.get();
    const result = await renamePasskey(deps, {
      account: person,
      passkeyId: id,
      name: typed,
      orgName: settings.orgName,
      ip: c.get('clientIp'),
    });
    if (!result.ok && result.reason === 'not-found') return missing(c);
    if (!result.ok) {
      return page(c, person, { errors: { rename: { id, error: 'emptyName' } }, typed }, 400);
    }
    return seeOther(c, `${passkeyPaths.page}?done=renamed`);
  });

  return area;
}
