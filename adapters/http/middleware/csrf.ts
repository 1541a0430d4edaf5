import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { Clock, Secrets } from '../../../core/shared/ports.ts';
import { escapeHtml } from '../../../views/escape.ts';
import { stringsFor } from '../../../views/strings/index.ts';
import type { AppEnv } from '../env.ts';
import { requestLanguage } from '../language.ts';

/**
 * Cross-site request forgery protection in two layers, so it holds on old browsers too:
 *
 * 1. Where it is known: Hono's `csrf()` check of `Origin` and `Sec-Fetch-Site`. A POST
 *    whose Origin is another site, or whose Sec-Fetch-Site is anything but
 *    `same-origin`, is refused. A browser old enough to send neither header passes this
 *    layer; a browser that sends Sec-Fetch-Site but no Origin passes only with
 *    `same-origin`.
 * 2. Always: a token in the form (`_csrf`), compared in constant time.
 *    - Signed in: an HMAC of the session id (and a per-response nonce) under the
 *      server's signing key. Another site can neither read it (same-origin policy)
 *      nor compute it.
 *    - Signed out (sign-in, registration, reset): no cookie may be set before sign-in
 *      (the privacy notice promises it), so there is nothing to bind a token to. The
 *      token is an HMAC over the form's path and a coarse timestamp: stateless, it
 *      proves the form was served by us within the last few hours. Anyone can fetch
 *      one, so for these forms layer 1 is what stops a forgery; the token makes a
 *      forgery from a browser without Origin support harder (a page must first fetch
 *      it cross-origin, which the same-origin policy forbids a browser to read) and
 *      stops blind form posts and replays of old pages.
 *
 * Every POST, PUT, PATCH and DELETE without a valid token is refused with 403 and a
 * plain page. GET and HEAD never change state in Sealpost, so they are not checked.
 *
 * Multipart forms (uploads) are streamed, not parsed here: their token is read from the
 * `X-CSRF-Token` header (htmx sends it) or the `_csrf` query parameter of the form's
 * `action`, never from the body.
 */
export type CsrfOptions = {
  secrets: Secrets;
  clock: Clock;
  /** The portal's public URL: its origin is accepted in `Origin` (as is the request's own). */
  publicUrl: string;
  /**
   * Paths of forms a signed-out person uses (sign-in, registration, reset). A signed-in
   * browser may still post them with a signed-out token: a tab opened before signing in.
   */
  isAnonymousForm?: (path: string) => boolean;
  /** The 403 page. Defaults to a short plain HTML page. */
  renderForbidden?: (c: Context<AppEnv>) => Response | Promise<Response>;
};

/** The form field the token travels in. */
export const CSRF_FIELD = '_csrf';
/** The header htmx or a script may send the token in instead. */
export const CSRF_HEADER = 'x-csrf-token';

const HOUR_MS = 3_600_000;
/** A signed-out form works for 2 to 3 hours after it was served. */
const ANONYMOUS_HOURS = 2;
const UNSAFE = /^(POST|PUT|PATCH|DELETE)$/;
const MULTIPART = /^multipart\/form-data/i;
const FORM = /^application\/x-www-form-urlencoded/i;

/**
 * A token for forms of a signed-in session: a fresh random nonce and an HMAC over the
 * session id and the nonce. Bound to the session, so useless to anyone else; different
 * in every response, so a compressed page cannot leak it byte by byte (BREACH: the
 * HTML responses are gzipped, see `compressHtml`).
 */
export function sessionCsrfToken(secrets: Secrets, sessionId: string): string {
  const nonce = secrets.randomToken({ bytes: 10 });
  return `s.${nonce}.${sessionMac(secrets, sessionId, nonce)}`;
}

function sessionMac(secrets: Secrets, sessionId: string, nonce: string): string {
  return secrets.sign({ value: `csrf-session:${sessionId}:${nonce}` });
}

/** True when `token` was made by `sessionCsrfToken` for this session. */
export function isValidSessionToken(secrets: Secrets, sessionId: string, token: string): boolean {
  const match = /^s\.([a-z2-7]{8,32})\.([0-9a-f]{64})$/.exec(token);
  if (!match) return false;
  const expected = sessionMac(secrets, sessionId, match[1] as string);
  return secrets.constantTimeEqual({ a: match[2] as string, b: expected });
}

/**
 * The token for a signed-out form that posts to `path` (without query string): the
 * hour it was made and an HMAC over both.
 */
export function anonymousCsrfToken(secrets: Secrets, clock: Clock, path: string): string {
  const hour = Math.floor(clock.now().getTime() / HOUR_MS);
  return `${hour.toString(36)}.${anonymousMac(secrets, path, hour)}`;
}

function anonymousMac(secrets: Secrets, path: string, hour: number): string {
  return secrets.sign({ value: `csrf-anonymous:${hour}:${path}` });
}

/** True when `token` is a signed-out token for `path` made in the last few hours. */
export function isValidAnonymousToken(
  secrets: Secrets,
  clock: Clock,
  path: string,
  token: string,
): boolean {
  const match = /^([0-9a-z]{1,12})\.([0-9a-f]{64})$/.exec(token);
  if (!match) return false;
  const hour = Number.parseInt(match[1] as string, 36);
  const now = Math.floor(clock.now().getTime() / HOUR_MS);
  if (!(hour <= now && hour >= now - ANONYMOUS_HOURS)) return false;
  return secrets.constantTimeEqual({ a: match[2] as string, b: anonymousMac(secrets, path, hour) });
}

/**
 * The CSRF middleware; mount it after the session middleware. It also sets
 * `c.var.csrfToken` for the page being served: the session's token when signed in,
 * else a signed-out token for the current path (a form posting elsewhere asks
 * `anonymousCsrfToken` for its own path).
 */
export function csrfProtection(options: CsrfOptions): MiddlewareHandler<AppEnv> {
  const publicOrigin = new URL(options.publicUrl).origin;
  // The request's own origin is accepted as well as the public one: a browser can only
  // name our host in both Host and Origin when the page really came from us.
  const isOurOrigin = (origin: string, c: Context) =>
    origin === publicOrigin || origin === new URL(c.req.url).origin;
  const originCheck = csrf({ origin: isOurOrigin, secFetchSite: 'same-origin' });
  const forbidden =
    options.renderForbidden ??
    ((c: Context<AppEnv>) => {
      // A plain page in the request's language, for an app without its own page.
      const lang = requestLanguage(c);
      const s = stringsFor(lang).auth.refused;
      const title = escapeHtml(s.title);
      return c.html(
        `<!doctype html><html lang="${lang}"><head><title>${title}</title></head><body><h1>${title}</h1><p>${escapeHtml(s.body)}</p></body></html>`,
        403,
      );
    });

  return async (c, next) => {
    const session = c.get('session');
    c.set(
      'csrfToken',
      session
        ? sessionCsrfToken(options.secrets, session.id)
        : anonymousCsrfToken(options.secrets, options.clock, c.req.path),
    );
    if (!UNSAFE.test(c.req.method)) return next();

    const ours = (origin: string) => isOurOrigin(origin, c);
    if (!(await passesOriginCheck(c, originCheck, ours))) return forbidden(c);
    const checkToken = async (): Promise<Response | undefined> => {
      const token = await readToken(c);
      if (token === null || !isValidToken(options, c, token)) return forbidden(c);
      await next();
      return undefined;
    };
    const type = c.req.header('content-type') ?? '';
    if (!FORM.test(type)) return checkToken();
    // A url-encoded body is read whole for its token, so it is bounded first.
    let refused: Response | undefined;
    const tooLarge = await limitFormBody(c, async () => {
      refused = await checkToken();
    });
    return tooLarge ?? refused;
  };
}

/**
 * Layer 1. A browser that sends neither Origin nor Sec-Fetch-Site is too old to say;
 * it passes here and the token decides. Otherwise hono/csrf decides, and because it
 * looks only at the content types a cross-site form can send, a foreign `Origin` (or
 * `null`, from sandboxed frames) and a foreign Sec-Fetch-Site without an Origin are
 * refused here for every other type too.
 */
async function passesOriginCheck(
  c: Context<AppEnv>,
  originCheck: MiddlewareHandler,
  isOurOrigin: (origin: string) => boolean,
): Promise<boolean> {
  const origin = c.req.header('origin');
  const fetchSite = c.req.header('sec-fetch-site');
  if (origin === undefined && fetchSite === undefined) return true;
  // Our own `Referrer-Policy: no-referrer` makes Chromium send `Origin: null` on a
  // plain form POST to ourselves (Fetch serialises the origin as null under that
  // policy). Sec-Fetch-Site still tells the truth there, and a sandboxed frame or
  // another site sends `cross-site` with its null, so only `same-origin` passes.
  if (origin === 'null' && fetchSite === 'same-origin') return true;
  if (origin !== undefined && !isOurOrigin(origin)) return false;
  if (origin === undefined && fetchSite !== 'same-origin') return false;
  return isAllowedBy(originCheck, c);
}

async function isAllowedBy(check: MiddlewareHandler, c: Context<AppEnv>): Promise<boolean> {
  try {
    let passed = false;
    await check(c, async () => {
      passed = true;
    });
    return passed;
  } catch (error) {
    if (error instanceof HTTPException && error.status === 403) return false;
    throw error;
  }
}

/**
 * The most a url-encoded form may carry. Such a body is parsed whole (here, for the
 * token), so it is bounded before it is read; files travel as multipart and stream.
 */
export const FORM_BODY_LIMIT = 2 * 1024 * 1024;

const limitFormBody = bodyLimit({
  maxSize: FORM_BODY_LIMIT,
  onError: (c) => c.text(stringsFor(requestLanguage(c)).errors.answers.formTooLarge, 413),
});

/** The token from the header, the query (multipart) or the urlencoded body. */
async function readToken(c: Context<AppEnv>): Promise<string | null> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (MULTIPART.test(type)) return c.req.query(CSRF_FIELD) ?? null;
  if (!FORM.test(type)) return null;
  // Parsed once: Hono keeps the parsed body, so the route reads it again for free.
  const body = await c.req.parseBody().catch(() => null);
  const value = body?.[CSRF_FIELD];
  return typeof value === 'string' ? value : null;
}

function isValidToken(options: CsrfOptions, c: Context<AppEnv>, token: string): boolean {
  const session = c.get('session');
  if (session) {
    if (isValidSessionToken(options.secrets, session.id, token)) return true;
    if (!options.isAnonymousForm?.(c.req.path)) return false;
  }
  // A form served before the session timed out carries that session's token; it still
  // proves the form is ours (routes decide what, if anything, a timed-out session may do).
  const timedOut = c.get('timedOut');
  if (!session && timedOut && isValidSessionToken(options.secrets, timedOut.sessionId, token)) {
    return true;
  }
  return isValidAnonymousToken(options.secrets, options.clock, c.req.path, token);
}
