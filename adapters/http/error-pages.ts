import type { Context } from 'hono';
import { NotFoundPage, RepairingPage, ServerErrorPage } from '../../views/pages/errors.tsx';
import { stringsFor } from '../../views/strings/index.ts';
import type { AppEnv } from './env.ts';
import { requestLanguage } from './language.ts';

/** How `createApp` renders a page for a missing route or an unexpected error. */
export type ErrorPages = {
  notFound(c: Context<AppEnv>): Promise<Response>;
  serverError(c: Context<AppEnv>, requestId: string): Promise<Response>;
  /** Stored content cannot be decrypted: the service is being repaired (503). */
  repairing(c: Context<AppEnv>, requestId: string): Promise<Response>;
};

/**
 * The portal's own 404 and 500 pages, in the visitor's language and the council's
 * colours. If reading the settings fails too (the database is down), the page falls
 * back to the default name rather than failing a second time.
 */
export function errorPages(
  org: () => Promise<{ name: string; colour: string }>,
  fallback: { name: string; colour: string },
): ErrorPages {
  const context = async (c: Context<AppEnv>) => {
    const lang = requestLanguage(c);
    return {
      lang,
      strings: stringsFor(lang),
      org: await org().catch(() => fallback),
      account: c.get('account') ?? null,
    };
  };
  return {
    async notFound(c) {
      return c.html(NotFoundPage(await context(c)), 404);
    },
    async serverError(c, requestId) {
      // Signed-in state is not shown on an error page: the error may be in it.
      return c.html(ServerErrorPage({ ...(await context(c)), account: null, requestId }), 500);
    },
    async repairing(c, requestId) {
      c.header('Retry-After', '600');
      return c.html(RepairingPage({ ...(await context(c)), account: null, requestId }), 503);
    },
  };
}
