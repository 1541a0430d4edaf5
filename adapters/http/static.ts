import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { Hono, type MiddlewareHandler } from 'hono';
import { type AssetName, provideAssetLinks } from '../../views/assets.ts';
import { brandColourForText } from '../../views/brand-colour.ts';
import type { AppEnv } from './env.ts';
import { gzipHtml } from './middleware/compress-html.ts';

export type { AssetName } from '../../views/assets.ts';
export { brandColourForText, DEFAULT_BRAND_COLOUR } from '../../views/brand-colour.ts';

/** Bytes a Response can carry (a Node Buffer may sit on a shared pool). */
type Bytes = Uint8Array<ArrayBuffer>;

type Asset = {
  /** `/static/app.3f9a1c2b7d.css`: the URL the pages use, cacheable forever. */
  url: string;
  /** `/static/app.css`: also answered, but revalidated, for anyone who types it. */
  plainUrl: string;
  /** The first 12 hex digits of the content's SHA-256: in the URL and the ETag. */
  hash: string;
  contentType: string;
  identity: Bytes;
  gzip: Bytes;
  brotli: Bytes;
};

const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
/** Hashed URLs never change content, so a browser keeps them for a year without asking. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Unhashed or stale URLs: cacheable, but checked with the server every time. */
const REVALIDATE = 'public, no-cache';

const require = createRequire(import.meta.url);
const SOURCES: Record<AssetName, { path: string; contentType: string }> = {
  'app.css': {
    path: fileURLToPath(new URL('../../views/static/app.css', import.meta.url)),
    contentType: CSS,
  },
  'sealpost.js': {
    path: fileURLToPath(new URL('../../views/static/sealpost.js', import.meta.url)),
    contentType: JS,
  },
  // Served from the installed package, never copied into the tree, so `npm update`
  // is the only way it changes.
  'htmx.min.js': { path: require.resolve('htmx.org/dist/htmx.min.js'), contentType: JS },
  'passkeys.js': {
    path: fileURLToPath(new URL('../../views/static/passkeys.js', import.meta.url)),
    contentType: JS,
  },
  // The package exports only its modules, so the bundle is found beside its entry point.
  'webauthn.min.js': {
    path: join(
      dirname(require.resolve('@simplewebauthn/browser')),
      '../dist/bundle/index.umd.min.js',
    ),
    contentType: JS,
  },
};

let loaded: Map<AssetName, Asset> | undefined;

/**
 * Reads, hashes and precompresses every asset once (on first use, in practice at
 * start-up): answering a request is then a lookup, with no disk or CPU work.
 */
function assets(): Map<AssetName, Asset> {
  if (loaded) return loaded;
  const table = new Map<AssetName, Asset>();
  for (const [name, source] of Object.entries(SOURCES) as Array<
    [AssetName, (typeof SOURCES)[AssetName]]
  >) {
    const identity = readFileSync(source.path);
    const hash = contentHash(identity);
    table.set(name, {
      url: hashedPath(name, hash),
      plainUrl: `/static/${name}`,
      hash,
      contentType: source.contentType,
      identity: new Uint8Array(identity),
      gzip: new Uint8Array(gzipSync(identity, { level: 9 })),
      brotli: new Uint8Array(
        brotliCompressSync(identity, {
          params: {
            [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
            [zlibConstants.BROTLI_PARAM_SIZE_HINT]: identity.length,
          },
        }),
      ),
    });
  }
  loaded = table;
  return table;
}

/** The URL to put in a page for an asset: `/static/app.<hash>.css`, cacheable forever. */
export function assetUrl(name: AssetName): string {
  const asset = assets().get(name);
  if (!asset) throw new Error(`Unknown static asset: ${name}`);
  return asset.url;
}

/** The stylesheet that carries the council's colour; everything else is in app.css. */
export function themeCss(colour: string): string {
  return `:root{--sp-brand:${brandColourForText(colour)};--govuk-brand-colour:var(--sp-brand)}\n`;
}

/** The URL of the theme stylesheet for a colour: changes when the colour does. */
export function themeUrl(colour: string): string {
  return hashedPath('theme.css', contentHash(Buffer.from(themeCss(colour))));
}

/**
 * Serves `/static/*`: the hashed URLs with a year of caching, the plain names with
 * revalidation, each precompressed (brotli, else gzip, else as is), and the theme
 * stylesheet generated from the council's current colour.
 */
export function staticAssets(options: {
  /** The council's colour from settings, read on each theme request (it can change). */
  brandColour: () => string | Promise<string>;
}): Hono<AppEnv> {
  const table = assets();
  // From here on, pages link to the hashed URLs this area serves.
  provideAssetLinks({ assetUrl, themeUrl });
  const byPath = new Map<string, { asset: Asset; cacheControl: string }>();
  for (const asset of table.values()) {
    byPath.set(asset.url, { asset, cacheControl: IMMUTABLE });
    byPath.set(asset.plainUrl, { asset, cacheControl: REVALIDATE });
  }

  const app = new Hono<AppEnv>();
  app.get('/static/:file', async (c) => {
    const path = c.req.path;
    const known = byPath.get(path);
    if (known) return sendAsset(c.req.header(), known.asset, known.cacheControl);

    const file = c.req.param('file');
    const theme = /^theme(?:\.([0-9a-f]{12}))?\.css$/.exec(file);
    if (theme) {
      const css = themeCss(await options.brandColour());
      const hash = contentHash(Buffer.from(css));
      const body = new TextEncoder().encode(css);
      const asset: Asset = {
        url: hashedPath('theme.css', hash),
        plainUrl: '/static/theme.css',
        hash,
        contentType: CSS,
        identity: body,
        // A hundred bytes: compression would only add overhead.
        gzip: body,
        brotli: body,
      };
      return sendAsset(c.req.header(), asset, theme[1] === hash ? IMMUTABLE : REVALIDATE, false);
    }

    // A hashed name from an older (or newer) release, as during a rolling restart: the
    // current file is better than a page without styles, but must not be kept.
    const stale = /^(app|htmx\.min|sealpost|passkeys|webauthn\.min)\.[0-9a-f]{12}\.(css|js)$/.exec(
      file,
    );
    if (stale) {
      const asset = table.get(`${stale[1]}.${stale[2]}` as AssetName);
      if (asset) return sendAsset(c.req.header(), asset, REVALIDATE);
    }
    return c.notFound();
  });
  return app;
}

/**
 * Compresses HTML pages with gzip when the browser accepts it (static files come
 * precompressed and are left alone). On a slow mobile connection this roughly quarters
 * a page's transfer.
 *
 * BREACH: a compressed HTTPS response that holds a secret (the CSRF token, message
 * text) and echoes attacker-chosen input can leak the secret through its size, if an
 * attacker can make the victim's browser send many requests with its cookies. Sealpost
 * relies on the session cookie being `SameSite` (no cross-site requests carry it) and
 * on the CSRF token being masked afresh for each response.
 */
export function compressHtml(): MiddlewareHandler<AppEnv> {
  return gzipHtml();
}

function sendAsset(
  requestHeaders: Record<string, string>,
  asset: Asset,
  cacheControl: string,
  negotiate = true,
): Response {
  const encoding = negotiate ? pickEncoding(requestHeaders['accept-encoding']) : 'identity';
  const headers = new Headers({
    'Content-Type': asset.contentType,
    'Cache-Control': cacheControl,
    // Each encoding is its own representation, so each has its own strong validator.
    ETag: `"${asset.hash}${encoding === 'identity' ? '' : `-${encoding}`}"`,
    'X-Content-Type-Options': 'nosniff',
  });
  if (negotiate) headers.set('Vary', 'Accept-Encoding');
  const ifNoneMatch = requestHeaders['if-none-match'] ?? '';
  if (ifNoneMatch.includes(`"${asset.hash}`)) return new Response(null, { status: 304, headers });
  const body = encoding === 'br' ? asset.brotli : encoding === 'gzip' ? asset.gzip : asset.identity;
  if (encoding !== 'identity') headers.set('Content-Encoding', encoding);
  headers.set('Content-Length', String(body.byteLength));
  return new Response(body, { status: 200, headers });
}

/** The best encoding the browser accepts: brotli, then gzip, else none (`q=0` refuses). */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | 'identity' {
  if (!acceptEncoding) return 'identity';
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number.parseFloat(q.slice(2)) : 1;
    accepted.set(name.trim(), Number.isNaN(weight) ? 0 : weight);
  }
  const weightOf = (name: string) => accepted.get(name) ?? accepted.get('*') ?? 0;
  if (weightOf('br') > 0) return 'br';
  if (weightOf('gzip') > 0) return 'gzip';
  return 'identity';
}

function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

function hashedPath(name: string, hash: string): string {
  const dot = name.lastIndexOf('.');
  return `/static/${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}
