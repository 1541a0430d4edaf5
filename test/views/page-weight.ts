import { gzipSync } from 'node:zlib';

/** A fetch-like function: `app.request` from Hono, or the global `fetch` with a base URL. */
export type FetchLike = (url: string, init?: RequestInit) => Response | Promise<Response>;

/** One downloaded resource and what it weighs on the wire. */
export type Resource = {
  url: string;
  kind: 'html' | 'css' | 'js' | 'other';
  bytes: number;
  gzipped: number;
};

/** The weight of a first visit: every resource it needs, and the gzipped total. */
export type PageWeight = { resources: Resource[]; totalGzipped: number };

/** The budgets a page must meet on a first visit (HTML + CSS, + JS when enabled), gzipped. */
export const PAGE_WEIGHT_BUDGET = { withoutJs: 30 * 1024, withJs: 50 * 1024 };

/**
 * Measures a first visit to `path` with an empty cache: the HTML, every stylesheet it
 * links (and anything those import or `url()`), and, with JavaScript, every script it
 * loads. Each resource counts as its gzipped size (zlib's default level, like a
 * server's on-the-fly compression), measured here rather than read from the response,
 * so it does not matter whether the fetch decompresses. Favicons and `data:` URLs are
 * free. Use it in a page-weight test:
 *
 *     const weight = await measureFirstVisit({ fetch: app.request, path: '/sign-in', withJs: false });
 *     expect(weight.totalGzipped).toBeLessThanOrEqual(PAGE_WEIGHT_BUDGET.withoutJs);
 */
export async function measureFirstVisit(args: {
  fetch: FetchLike;
  path: string;
  withJs: boolean;
  /** Origin for resolving relative URLs; only same-origin resources are fetched. */
  origin?: string;
  /** Request headers to send, e.g. a session cookie for a signed-in page. */
  headers?: Record<string, string>;
}): Promise<PageWeight> {
  const origin = args.origin ?? 'http://localhost';
  const resources: Resource[] = [];
  const seen = new Set<string>();

  async function get(url: string, kind: Resource['kind']): Promise<string> {
    // Ask for no encoding: we compress the body ourselves for a like-for-like measure.
    const res = await args.fetch(url, {
      headers: { 'accept-encoding': 'identity', ...args.headers },
    });
    if (!res.ok && kind !== 'html') throw new Error(`${url} answered ${res.status}`);
    const body = new Uint8Array(await res.arrayBuffer());
    resources.push({ url, kind, bytes: body.byteLength, gzipped: gzipSync(body).byteLength });
    return new TextDecoder().decode(body);
  }

  function resolve(ref: string, base: string): string | null {
    if (ref.startsWith('data:')) return null;
    const url = new URL(ref, base);
    if (url.origin !== origin) throw new Error(`third-party resource in the page: ${url.href}`);
    if (seen.has(url.href)) return null;
    seen.add(url.href);
    return url.href;
  }

  const pageUrl = new URL(args.path, origin).href;
  const html = await get(pageUrl, 'html');

  for (const href of stylesheetHrefs(html)) {
    const url = resolve(href, pageUrl);
    if (url) await getCss(url);
  }
  if (args.withJs) {
    for (const src of scriptSrcs(html)) {
      const url = resolve(src, pageUrl);
      if (url) await get(url, 'js');
    }
  }

  async function getCss(url: string): Promise<void> {
    const css = await get(url, 'css');
    for (const match of css.matchAll(
      /url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3/g,
    )) {
      const ref = match[2] ?? match[4];
      if (!ref) continue;
      const inner = resolve(ref, url);
      if (!inner) continue;
      if (match[4]) await getCss(inner);
      else await get(inner, 'other');
    }
  }

  return {
    resources,
    totalGzipped: resources.reduce((sum, resource) => sum + resource.gzipped, 0),
  };
}

/** `href`s of `<link rel="stylesheet">` elements, in document order. */
function stylesheetHrefs(html: string): string[] {
  return [...html.matchAll(/<link\b[^>]*>/gi)]
    .map((tag) => tag[0])
    .filter((tag) => /\brel\s*=\s*["']?[^"'>]*\bstylesheet\b/i.test(tag))
    .map((tag) => attribute(tag, 'href'))
    .filter((href): href is string => Boolean(href));
}

/** `src`s of `<script>` elements, in document order. */
function scriptSrcs(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>/gi)]
    .map((tag) => attribute(tag[0], 'src'))
    .filter((src): src is string => Boolean(src));
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  const value = match?.[1] ?? match?.[2] ?? match?.[3];
  return value?.replace(/&amp;/g, '&');
}
