import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../adapters/http/env.ts';
import {
  assetUrl,
  brandColourForText,
  compressHtml,
  DEFAULT_BRAND_COLOUR,
  pickEncoding,
  staticAssets,
  themeCss,
  themeUrl,
} from '../../adapters/http/static.ts';
import { sampleApp } from './sample-page.tsx';

const appCss = readFileSync(new URL('../../views/static/app.css', import.meta.url), 'utf8');

describe('static assets', () => {
  const app = sampleApp();

  it('serves hashed URLs with a year of caching, the right type and nosniff', async () => {
    for (const [name, type] of [
      ['app.css', 'text/css; charset=utf-8'],
      ['htmx.min.js', 'text/javascript; charset=utf-8'],
      ['sealpost.js', 'text/javascript; charset=utf-8'],
      ['passkeys.js', 'text/javascript; charset=utf-8'],
      // @simplewebauthn/browser's bundle, from the installed package: our origin, not a CDN.
      ['webauthn.min.js', 'text/javascript; charset=utf-8'],
    ] as const) {
      const res = await app.request(assetUrl(name));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('vary')).toBe('Accept-Encoding');
    }
    expect(await (await app.request(assetUrl('app.css'))).text()).toBe(appCss);
  });

  it('answers gzip or brotli from precompressed copies, as the browser accepts', async () => {
    const gz = await app.request(assetUrl('app.css'), { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    const body = new Uint8Array(await gz.arrayBuffer());
    expect(gunzipSync(body).toString('utf8')).toBe(appCss);
    expect(Number(gz.headers.get('content-length'))).toBe(body.byteLength);

    const br = await app.request(assetUrl('htmx.min.js'), {
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('etag')).toMatch(/^"[0-9a-f]{12}-br"$/);
  });

  it('answers a matching If-None-Match with 304', async () => {
    const first = await app.request(assetUrl('sealpost.js'));
    const etag = first.headers.get('etag') ?? '';
    const again = await app.request(assetUrl('sealpost.js'), {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
  });

  it('serves the plain and stale names too, but has them revalidated', async () => {
    const plain = await app.request('/static/app.css');
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, no-cache');
    const stale = await app.request('/static/app.000000000000.css');
    expect(stale.status).toBe(200);
    expect(stale.headers.get('cache-control')).toBe('public, no-cache');
    expect((await app.request('/static/secret.txt')).status).toBe(404);
    expect((await app.request('/static/..%2Fpackage.json')).status).toBe(404);
  });

  it('serves the theme for the current colour, cached forever only under its own hash', async () => {
    let colour = '#1d70b8';
    const themed = new Hono<AppEnv>().route('/', staticAssets({ brandColour: () => colour }));
    const url = themeUrl(colour);
    const res = await themed.request(url);
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe(themeCss('#1d70b8'));
    colour = '#00703c';
    const afterChange = await themed.request(url);
    expect(afterChange.headers.get('cache-control')).toBe('public, no-cache');
    expect(await afterChange.text()).toContain('--sp-brand:#00703c');
    expect(themeUrl('#00703c')).not.toBe(url);
  });

  it('does not let the security headers turn static files into no-store', async () => {
    const res = await app.request(assetUrl('app.css'));
    expect(res.headers.get('cache-control')).not.toContain('no-store');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('brand colour', () => {
  it('keeps a colour white text can sit on, and darkens one it cannot', () => {
    expect(brandColourForText('#0b0c0c')).toBe('#0b0c0c');
    expect(brandColourForText('1D70B8')).toBe('#1d70b8');
    const light = brandColourForText('#ffdd00');
    expect(light).not.toBe('#ffdd00');
    expect(contrastWithWhite(light)).toBeGreaterThanOrEqual(4.5);
    expect(contrastWithWhite(brandColourForText('#fff'))).toBeGreaterThanOrEqual(4.5);
  });

  it('refuses anything but a hex colour, so settings cannot inject CSS', () => {
    for (const bad of ['red', '#12345', 'url(x)', '#000;}body{display:none', '', 'var(--x)']) {
      expect(brandColourForText(bad)).toBe(DEFAULT_BRAND_COLOUR);
    }
    expect(themeCss('#000;}body{display:none')).not.toContain('body');
  });
});

describe('HTML compression', () => {
  it('gzips HTML pages when accepted, and says it varies', async () => {
    const app = sampleApp();
    const res = await app.request('/sample', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    const html = gunzipSync(new Uint8Array(await res.arrayBuffer())).toString('utf8');
    expect(html).toMatch(/^<!doctype html>/);
    const plain = await app.request('/sample');
    expect(plain.headers.get('content-encoding')).toBeNull();
  });

  it('leaves other responses alone', async () => {
    const app = new Hono<AppEnv>();
    app.use(compressHtml());
    app.get('/json', (c) => c.json({ big: 'x'.repeat(5000) }));
    const res = await app.request('/json', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBeNull();
  });
});

describe('pickEncoding', () => {
  it('prefers brotli, then gzip, and respects q=0', () => {
    expect(pickEncoding('gzip, deflate, br')).toBe('br');
    expect(pickEncoding('gzip')).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('identity')).toBe('identity');
    expect(pickEncoding('gzip;q=0')).toBe('identity');
    expect(pickEncoding(undefined)).toBe('identity');
  });
});

function contrastWithWhite(hex: string): number {
  const channels = [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16) / 255);
  const [r = 0, g = 0, b = 0] = channels.map((c) =>
    c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
  );
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
}
