import { Hono } from 'hono';
import { FormRefusedPage } from '../../../views/pages/auth/forbidden.tsx';
import { stringsFor } from '../../../views/strings/index.ts';
import type { AppEnv } from '../env.ts';
import { requestLanguage } from '../language.ts';
import { askRoutes } from './public/ask.ts';
import { type Ctx, type PublicAreaDeps, publicContext } from './public/context.ts';
import { messageLinkRoutes } from './public/message-link.ts';
import { registerRoutes } from './public/register.ts';
import { resetRoutes } from './public/reset.ts';
import { setPasswordRoutes } from './public/set-password.ts';
import { signInRoutes } from './public/sign-in.ts';

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

/**
 * Everything a signed-out person can do: sign in and out, follow an emailed link,
 * register, reset a password, set a first password. Every route reads top to bottom:
 * limit, validate, call the use case, render. GET never changes anything; every form
 * is a POST with the CSRF token (checked by the middleware before these handlers run).
 *
 * Each sub-resource is a file under public/, sharing the helpers of public/context.ts;
 * they are registered in the order the routes always had.
 */
export function publicArea(deps: PublicAreaDeps): Hono<AppEnv> {
  const area = new Hono<AppEnv>();
  const shared = publicContext(deps);
  signInRoutes(area, deps, shared);
  messageLinkRoutes(area, deps, shared);
  registerRoutes(area, deps, shared);
  askRoutes(area, deps, shared);
  resetRoutes(area, deps, shared);
  setPasswordRoutes(area, deps, shared);
  return area;
}

/** The page shown when a form fails the CSRF check (see `csrfProtection`). */
export async function renderFormRefused(
  c: Ctx,
  org: { name: string; colour: string },
): Promise<Response> {
  const lang = requestLanguage(c);
  return c.html(FormRefusedPage({ strings: stringsFor(lang), lang, org }), 403);
}
