import { type Context, Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { SealpostError } from '../../core/shared/errors.ts';
import { pickLanguage, type Strings, stringsFor } from '../../views/strings/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { AppEnv } from './env.ts';
import type { ErrorPages } from './error-pages.ts';
import { securityHeaders } from './security-headers.ts';

/** What the HTTP layer needs from the composition root. */
export type HttpDeps = {
  logger: Logger;
  /** True when the database answers; drives `/healthz`. */
  isHealthy: () => Promise<boolean>;
  /** Whether the public URL is https (sets HSTS and `Secure` cookies). */
  https: boolean;
  /** Take the client address from X-Forwarded-For (only behind the council's own proxy). */
  trustProxy?: boolean;
  /** Sub-apps mounted at `/` in order (public, recipient, staff, admin). */
  areas?: Array<Hono<AppEnv>>;
  /** Full pages for 404 and 500; plain text when absent (tests of the bare skeleton). */
  pages?: ErrorPages;
  /**
   * Told when stored content could not be decrypted (a key missing or not unlocked):
   * the service is broken for everyone until an admin repairs it, and `/healthz` says so.
   */
  onKeyTrouble?: () => void;
};

/** Error codes that mean the keys, not the request, are at fault. */
const KEY_TROUBLE = new Set(['key_not_found', 'decrypt_failed', 'keys_missing']);

/** The whole web application: middleware, then each area of routes. */
export function createApp(deps: HttpDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId({ limitLength: 64 }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        // The path only: query strings can carry tokens.
        path: new URL(c.req.url).pathname,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });
  app.use(async (c, next) => {
    c.set(
      'clientIp',
      clientAddress(
        c.req.header('x-forwarded-for'),
        c.env?.incoming?.socket?.remoteAddress,
        deps.trustProxy,
      ),
    );
    await next();
  });
  app.use(securityHeaders({ https: deps.https }));

  app.get('/healthz', async (c) => {
    const ok = await deps.isHealthy().catch(() => false);
    return c.json({ status: ok ? 'ok' : 'unavailable' }, ok ? 200 : 503);
  });

  for (const area of deps.areas ?? []) app.route('/', area);

  app.notFound((c) => (deps.pages ? deps.pages.notFound(c) : c.text(answers(c).notFound, 404)));
  app.onError(async (error, c) => {
    const requestId = c.get('requestId');
    if (error instanceof SealpostError && error.isPublic) {
      deps.logger.warn({ requestId, code: error.code }, error.message);
      if (error.status === 404 && deps.pages) return deps.pages.notFound(c);
      return c.text(publicErrorText(answers(c), error.code), error.status as 400);
    }
    if (error instanceof SealpostError && KEY_TROUBLE.has(error.code)) {
      deps.logger.error(
        { requestId, code: error.code, err: error },
        'stored data cannot be decrypted',
      );
      deps.onKeyTrouble?.();
      if (deps.pages) {
        try {
          return await deps.pages.repairing(c, requestId);
        } catch {
          // Fall through to the plain answer below.
        }
      }
      return c.text(answers(c).repairing(requestId), 503);
    }
    deps.logger.error({ requestId, err: error }, 'unhandled error');
    if (deps.pages) {
      try {
        return await deps.pages.serverError(c, requestId);
      } catch {
        // Rendering the page failed as well: the plain sentence below still answers.
      }
    }
    return c.text(answers(c).serverError(requestId), 500);
  });
  return app;
}

/**
 * The client's address. Behind a trusted proxy it is the last X-Forwarded-For entry
 * (the one our proxy added; earlier ones are whatever the client claimed).
 */
export function clientAddress(
  forwarded: string | undefined,
  socket: string | undefined,
  trustProxy = false,
): string {
  if (trustProxy && forwarded) {
    const last = forwarded.split(',').at(-1)?.trim();
    if (last) return last;
  }
  return socket ?? 'unknown';
}

/** The plain-text answers in the language the request asks for (no account is read). */
function answers(c: Context<AppEnv>): Strings['errors']['answers'] {
  const lang = pickLanguage({
    query: c.req.query('lang'),
    acceptLanguage: c.req.header('accept-language'),
  });
  return stringsFor(lang).errors.answers;
}

/** The words for a public error: by its code, never its (developer's) message. */
function publicErrorText(words: Strings['errors']['answers'], code: string): string {
  switch (code) {
    case 'not_found':
      return words.notFound;
    case 'upload_refused':
      return words.uploadRefused;
    case 'temporary_failure':
      return words.temporaryFailure;
    default:
      return words.invalidInput;
  }
}
