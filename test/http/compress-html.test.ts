// gzipHtml over a real socket (where @hono/node-server's own Response is in use, and its
// fast path is taken) and through app.request() (the standard Response): the same
// bytes and headers either way.

import { gunzipSync } from 'node:zlib';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../adapters/http/env.ts';
import { acceptsGzip, gzipHtml } from '../../adapters/http/middleware/compress-html.ts';
import { freePort } from '../support/cli.ts';

const PAGE = `<!doctype html><html><body>${'<p>Ceredigion — “quoted” £5</p>'.repeat(400)}</body></html>`;

function sample(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(gzipHtml());
  app.get('/page', (c) => {
    c.header('Content-Security-Policy', "default-src 'self'");
    c.header('Cache-Control', 'no-store');
    c.header('ETag', '"abc"');
    return c.html(PAGE);
  });
  app.get('/async', (c) => c.html(Promise.resolve(PAGE)));
  app.get('/no-transform', (c) => {
    c.header('Cache-Control', 'no-transform');
    return c.html(PAGE);
  });
  app.get('/empty', (c) => c.html('', 200));
  app.get('/json', (c) => c.json({ big: 'x'.repeat(5000) }));
  return app;
}

describe('gzipHtml', () => {
  let server: ServerType | undefined;
  let url = '';
  beforeAll(async () => {
    const port = await freePort();
    await new Promise<void>((resolve) => {
      server = serve({ fetch: sample().fetch, port, hostname: '127.0.0.1' }, () => resolve());
    });
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(
    () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  );

  const ways = {
    'over a socket': (path: string, init?: RequestInit) => fetch(`${url}${path}`, init),
    'through app.request': (path: string, init?: RequestInit) =>
      Promise.resolve(sample().request(path, init)),
  };

  for (const [way, get] of Object.entries(ways)) {
    describe(way, () => {
      it('gzips an HTML page whole, keeping its headers, weakening its ETag, adding Vary', async () => {
        // fetch would decode gzip itself: ask without decoding by reading the raw bytes.
        const res = await get('/page', { headers: { 'accept-encoding': 'gzip' } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('etag')).toBe('W/"abc"');
        expect(res.headers.get('vary')).toBe('Accept-Encoding');
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        if (way === 'through app.request') {
          expect(res.headers.get('content-encoding')).toBe('gzip');
          const body = gunzipSync(new Uint8Array(await res.arrayBuffer())).toString('utf8');
          expect(body).toBe(PAGE);
        } else {
          // undici decodes Content-Encoding: the text is the page, and it did arrive gzipped.
          expect(res.headers.get('content-encoding')).toBe('gzip');
          expect(await res.text()).toBe(PAGE);
        }
      });

      it('gzips a page rendered asynchronously too', async () => {
        const res = await get('/async', { headers: { 'accept-encoding': 'br;q=1, gzip;q=0.5' } });
        expect(res.headers.get('content-encoding')).toBe('gzip');
        if (way === 'through app.request') {
          expect(gunzipSync(new Uint8Array(await res.arrayBuffer())).toString('utf8')).toBe(PAGE);
        } else expect(await res.text()).toBe(PAGE);
      });

      it('leaves alone what the client refuses, no-transform, HEAD, empty bodies and non-HTML', async () => {
        const refused = await get('/page', { headers: { 'accept-encoding': 'gzip;q=0, br' } });
        expect(refused.headers.get('content-encoding')).toBeNull();
        expect(refused.headers.get('vary')).toBe('Accept-Encoding');
        expect(refused.headers.get('etag')).toBe('"abc"');
        expect(await refused.text()).toBe(PAGE);
        const kept = await get('/no-transform', { headers: { 'accept-encoding': 'gzip' } });
        expect(kept.headers.get('content-encoding')).toBeNull();
        const head = await get('/page', { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
        expect(head.headers.get('content-encoding')).toBeNull();
        const empty = await get('/empty', { headers: { 'accept-encoding': 'gzip' } });
        expect(empty.status).toBe(200);
        expect(await empty.text()).toBe('');
        const json = await get('/json', { headers: { 'accept-encoding': 'gzip' } });
        expect(json.headers.get('content-encoding')).toBeNull();
      });
    });
  }

  it('reads Accept-Encoding as browsers and proxies write it', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('GZIP;q=0.1')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('*;q=0')).toBe(false);
    expect(acceptsGzip('br, identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
