// `npm run bench:weight`: the bytes a first visit costs (empty cache) for the sign-in
// page, the inbox and a message, on old phones and slow connections. Each page is asked
// for as a browser does (Accept-Encoding: gzip), then everything it references: the
// stylesheets, the scripts (with JavaScript only), images and the icon (a browser asks
// for /favicon.ico when a page names none). Every response is counted as it arrives on
// the socket, headers included. Targets: <= 50 KB with JavaScript, <= 30 KB without
// (1 KB = 1,000 bytes).

import { request } from 'node:http';
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { type BenchApp, COUNCIL, startBenchApp } from './support/app.ts';
import { atMost, emitReport, type Figure, info, progress } from './support/report.ts';

const BENCH = 'weight';
const KB = 1_000;

/** What a browser of 2020 or later sends with a first navigation. */
const BROWSER = {
  'user-agent': 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 Chrome/120 Mobile',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-encoding': 'gzip',
  'accept-language': 'en-GB,en;q=0.9',
};

type Fetched = { status: number; wire: number; body: Buffer; encoding: string | null };

/** One request on its own connection; `wire` is every byte the socket received. */
function fetchCounted(url: string, headers: Record<string, string>): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    let socket: Socket | null = null;
    const req = request(url, { headers: { ...BROWSER, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          wire: socket?.bytesRead ?? 0,
          body: Buffer.concat(chunks),
          encoding: (res.headers['content-encoding'] as string | undefined) ?? null,
        }),
      );
      res.on('error', reject);
    });
    req.on('socket', (s) => {
      socket = s;
    });
    req.on('error', reject);
    req.end();
  });
}

/** The subresources a browser fetches for `html`, split by whether they need JavaScript. */
function subresources(html: string): { always: string[]; scripts: string[] } {
  const always: string[] = [];
  const scripts: string[] = [];
  for (const tag of html.match(/<link\b[^>]*>/g) ?? []) {
    const rel = /\brel="([^"]+)"/.exec(tag)?.[1] ?? '';
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href && /\b(stylesheet|icon)\b/.test(rel)) always.push(href);
    if (href && /\bpreload\b/.test(rel)) always.push(href);
  }
  for (const tag of html.match(/<img\b[^>]*>/g) ?? []) {
    const src = /\bsrc="([^"]+)"/.exec(tag)?.[1];
    if (src && !src.startsWith('data:')) always.push(src);
  }
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
    const src = /\bsrc="([^"]+)"/.exec(tag)?.[1];
    if (src) scripts.push(src);
  }
  if (!/<link\b[^>]*\brel="[^"]*icon/.test(html)) always.push('/favicon.ico');
  // A data: URL is already in the page's bytes; nothing more is fetched for it.
  const unique = (list: string[]) => [
    ...new Set(list.filter((u) => !u.startsWith('data:')).map((u) => u.replaceAll('&amp;', '&'))),
  ];
  return { always: unique(always), scripts: unique(scripts) };
}

/** Stylesheets may pull in fonts and images through url(...). */
function cssUrls(css: string): string[] {
  return [...css.matchAll(/url\(\s*['"]?([^'")]+)['"]?\s*\)/g)]
    .map((m) => m[1] as string)
    .filter((u) => !u.startsWith('data:'));
}

type PageWeight = { html: number; withJs: number; withoutJs: number; parts: string[] };

async function weigh(bench: BenchApp, pathname: string, cookie?: string): Promise<PageWeight> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  const page = await fetchCounted(`${bench.url}${pathname}`, headers);
  if (page.status !== 200) throw new Error(`${pathname} answered ${page.status}`);
  if (page.encoding !== 'gzip') throw new Error(`${pathname} was not gzipped`);
  const html = gunzipSync(page.body).toString('utf8');
  const { always, scripts } = subresources(html);
  const parts = [`html ${page.wire}`];
  const fetchAll = async (urls: string[]) => {
    let total = 0;
    for (const url of urls) {
      const res = await fetchCounted(new URL(url, bench.url).toString(), headers);
      total += res.wire;
      parts.push(
        `${url.replace(/^\/static\//, '')} ${res.wire}${res.status === 200 ? '' : ` (${res.status})`}`,
      );
      if (res.status === 200 && url.includes('.css')) {
        const text =
          res.encoding === 'gzip'
            ? gunzipSync(res.body).toString('utf8')
            : res.body.toString('utf8');
        total += await fetchAll(
          cssUrls(text).map((u) => new URL(u, new URL(url, bench.url)).pathname),
        );
      }
    }
    return total;
  };
  const common = await fetchAll(always);
  const js = await fetchAll(scripts);
  return {
    html: page.wire,
    withoutJs: page.wire + common,
    withJs: page.wire + common + js,
    parts,
  };
}

async function main(): Promise<void> {
  const bench = await startBenchApp();
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    const sender = await bench.addPerson(`housing.officer@${COUNCIL}`, 'staff');
    await bench.addPerson('resident@example.org');
    // A full first page of the inbox: 25 rows.
    let deliveryId = '';
    for (let i = 0; i < 30; i++) {
      deliveryId = await bench.send({
        from: sender,
        to: ['resident@example.org'],
        subject: `Your housing benefit claim, letter ${i + 1}`,
        body: 'Dear resident,\n\nWe need a copy of your tenancy agreement. '.repeat(8),
      });
    }
    const cookie = await bench.signIn('resident@example.org');
    const pages = [
      { name: 'sign-in', path: '/sign-in', cookie: undefined },
      { name: 'inbox', path: '/inbox', cookie },
      { name: 'message', path: `/inbox/${deliveryId}`, cookie },
    ];
    for (const page of pages) {
      const weight = await weigh(bench, page.path, page.cookie);
      progress(BENCH, `${page.name}: ${weight.parts.join(', ')}`);
      figures.push(
        atMost({
          name: `${page.name}, with JS`,
          unit: 'KB',
          sealpost: weight.withJs / KB,
          limit: 50,
        }),
        atMost({
          name: `${page.name}, without JS`,
          unit: 'KB',
          sealpost: weight.withoutJs / KB,
          limit: 30,
        }),
        info({ name: `${page.name}, HTML alone`, unit: 'KB', sealpost: weight.html / KB }),
      );
      notes.push(`${page.name} (bytes on the wire): ${weight.parts.join(', ')}`);
    }
  } finally {
    await bench.close();
  }
  emitReport(BENCH, figures, notes);
}

await main();
