import { expect } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../adapters/http/security-headers.ts';
import { isScriptUrl, startTags } from './html.ts';

/**
 * The headers every response of the portal carries, whatever produced it (a page, a
 * redirect, a refusal, an error page, a static file, a download): the strict CSP of
 * the portal issue, no sniffing, no framing, no referrer, isolated origin, HSTS.
 */
export function expectSecurityHeaders(res: Response, what: string): void {
  const h = res.headers;
  expect(h.get('content-security-policy'), `${what}: CSP`).toBe(CONTENT_SECURITY_POLICY);
  expect(h.get('x-content-type-options'), `${what}: nosniff`).toBe('nosniff');
  expect(h.get('x-frame-options'), `${what}: framing`).toBe('DENY');
  expect(h.get('referrer-policy'), `${what}: referrer`).toBe('no-referrer');
  expect(h.get('cross-origin-opener-policy'), `${what}: COOP`).toBe('same-origin');
  expect(h.get('cross-origin-resource-policy'), `${what}: CORP`).toBe('same-origin');
  expect(h.get('permissions-policy'), `${what}: permissions`).toMatch(/camera=\(\)/);
  const hsts = h.get('strict-transport-security') ?? '';
  expect(
    Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0),
    `${what}: HSTS a year`,
  ).toBeGreaterThanOrEqual(31_536_000);
  expect(hsts, `${what}: HSTS subdomains`).toMatch(/includeSubDomains/);
  // No CORS at all: no other origin may read a response.
  expect(h.get('access-control-allow-origin'), `${what}: CORS`).toBeNull();
  expect(h.get('access-control-allow-credentials'), `${what}: CORS`).toBeNull();
  // Nothing that advertises the software in use.
  expect(h.get('x-powered-by'), `${what}: X-Powered-By`).toBeNull();
  expect(h.get('server'), `${what}: Server`).toBeNull();
  // A body says what it is, with its charset when it is text.
  const type = h.get('content-type');
  if (res.status !== 204 && res.status !== 304 && type !== null) {
    if (/^text\//.test(type)) expect(type, `${what}: charset`).toMatch(/charset=utf-8/i);
  }
}

/** The strict CSP's directives must stay strict, whoever edits security-headers.ts. */
export function expectStrictPolicy(policy: string): void {
  const directives = new Map(
    policy.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')] as const;
    }),
  );
  expect(directives.get('default-src')).toBe("'none'");
  expect(directives.get('script-src')).toBe("'self'");
  expect(directives.get('style-src')).toBe("'self'");
  expect(directives.get('object-src')).toBe("'none'");
  expect(directives.get('base-uri')).toBe("'none'");
  expect(directives.get('frame-ancestors')).toBe("'none'");
  expect(directives.get('form-action')).toBe("'self'");
  expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|strict-dynamic|\*|http:/);
}

/**
 * A page that works under that CSP: no inline script, style or event handler, no
 * script URL, scripts and styles only from /static, no element that can run or embed.
 */
export function expectNoInlineCode(html: string, what: string): void {
  expect(html, `${what}: no <style>`).not.toMatch(/<style\b/i);
  for (const tag of startTags(html)) {
    expect(tag.name, `${what}: unreadable tag ${tag.source}`).not.toBe('?');
    // The portal draws its own QR codes as inline SVG (shapes only); what people send
    // never becomes markup at all (see injection.test.ts).
    expect(
      ['iframe', 'object', 'embed', 'math', 'base', 'frame', 'applet', 'foreignobject'],
      `${what}: ${tag.source}`,
    ).not.toContain(tag.name);
    const attr = (name: string) => tag.attributes.find(([n]) => n === name)?.[1];
    if (tag.name === 'script') {
      expect(attr('src'), `${what}: scripts come from /static`).toMatch(/^\/static\/[^/]+$/);
    }
    if (tag.name === 'link' && attr('rel') === 'stylesheet') {
      expect(attr('href'), `${what}: styles come from /static`).toMatch(/^\/static\/[^/]+$/);
    }
    if (tag.name === 'meta') expect(attr('http-equiv'), `${what}: ${tag.source}`).toBeUndefined();
    for (const [name, value] of tag.attributes) {
      expect(name.startsWith('on'), `${what}: event handler in ${tag.source}`).toBe(false);
      expect(name, `${what}: inline style in ${tag.source}`).not.toBe('style');
      if (/^(href|src|action|formaction|xlink:href|srcdoc|data)$/.test(name)) {
        expect(isScriptUrl(value), `${what}: script URL in ${tag.source}`).toBe(false);
      }
    }
  }
}

/**
 * A cookie as the portal must set it behind https: `__Host-` (so no subdomain or plain
 * http page can plant it), Secure, HttpOnly, SameSite Lax or Strict, Path=/ and no Domain.
 */
export function expectCookieFlags(line: string, what: string): void {
  const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
  const flags = attributes.map((a) => a.toLowerCase());
  expect(pair, `${what}: __Host- prefix`).toMatch(/^__Host-/);
  expect(flags, `${what}: Secure`).toContain('secure');
  expect(flags, `${what}: HttpOnly`).toContain('httponly');
  expect(
    flags.some((f) => f === 'samesite=lax' || f === 'samesite=strict'),
    `${what}: SameSite`,
  ).toBe(true);
  expect(flags, `${what}: Path=/`).toContain('path=/');
  expect(
    flags.some((f) => f.startsWith('domain=')),
    `${what}: no Domain`,
  ).toBe(false);
}
