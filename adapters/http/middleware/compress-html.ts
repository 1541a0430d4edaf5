import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';

const gzipAsync = promisify(gzip);

/** Bodies larger than this are gzipped on the thread pool rather than the event loop. */
const INLINE_LIMIT = 128 * 1024;
const HTML = /^\s*text\/html/i;
const NO_TRANSFORM = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;
const VARY_ACCEPT_ENCODING = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

/**
 * The body's bytes. @hono/node-server's Response keeps a string or byte body as it was
 * given, under a symbol it does not export; reading it there avoids building a web
 * Response and a stream just to read the body back. Any other Response is read the
 * standard way.
 */
async function bodyBytes(res: Response): Promise<Uint8Array> {
  const cache = Reflect.get(res, cacheKeyOf(res) ?? NONE) as unknown;
  const body = Array.isArray(cache) ? cache[1] : undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  return new Uint8Array(await res.arrayBuffer());
}

const NONE = Symbol('none');
let cacheKey: symbol | null = null;
/** The symbol, once one lightweight response has shown it (app.request() makes none). */
function cacheKeyOf(res: Response): symbol | null {
  cacheKey ??= Object.getOwnPropertySymbols(res).find((s) => s.description === 'cache') ?? null;
  return cacheKey;
}

/** Whether `Accept-Encoding` allows gzip: named with q > 0, or `*` with q > 0. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let wildcard = 0;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number.parseFloat(q.slice(2)) : 1;
    const value = Number.isNaN(weight) ? 0 : weight;
    if (name.trim() === 'gzip') return value > 0;
    if (name.trim() === '*') wildcard = value;
  }
  return wildcard > 0;
}

/**
 * Gzips an HTML response whole with node:zlib, the way hono/compress decides (not a
 * partial or already encoded response, not HEAD, not `no-transform`; `Vary:
 * Accept-Encoding` added; a strong ETag made weak), but without its per-request web
 * streams: hono/compress pipes the body through a CompressionStream, and
 * @hono/node-server then reads that stream chunk by chunk; a page is a string already,
 * so one `gzipSync` and a byte body, which the server writes in one go, cost less.
 * Large bodies go to the thread pool so one big page does not stall other requests.
 */
export function gzipHtml(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const res = c.res;
    const headers = res.headers;
    const type = headers.get('Content-Type');
    const cacheControl = headers.get('Cache-Control');
    if (
      res.status === 206 ||
      headers.has('Content-Encoding') ||
      headers.has('Transfer-Encoding') ||
      c.req.method === 'HEAD' ||
      !type ||
      !HTML.test(type) ||
      (cacheControl && NO_TRANSFORM.test(cacheControl))
    ) {
      return;
    }
    const vary = headers.get('Vary');
    if (vary !== '*' && !(vary && VARY_ACCEPT_ENCODING.test(vary))) {
      headers.set('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    }
    if (!acceptsGzip(c.req.header('Accept-Encoding'))) return;
    const plain = await bodyBytes(res);
    const out = new Headers(headers);
    // Cleared first: assigning over a response makes Hono copy the old one's headers
    // onto the new (a stale Content-Length among them) through its body stream.
    c.res = undefined as unknown as Response;
    if (plain.byteLength === 0) {
      // Nothing to compress; the body was read, so the response is made again.
      const empty = res.status === 204 || res.status === 304 ? null : '';
      c.res = new Response(empty, { status: res.status, headers: out });
      return;
    }
    const packed = plain.byteLength > INLINE_LIMIT ? await gzipAsync(plain) : gzipSync(plain);
    out.set('Content-Encoding', 'gzip');
    out.set('Content-Length', String(packed.byteLength));
    const etag = out.get('ETag');
    if (etag && !etag.startsWith('W/')) out.set('ETag', `W/${etag}`);
    // No statusText: reading it would build the web Response this middleware avoids.
    c.res = new Response(packed, { status: res.status, headers: out });
  };
}
