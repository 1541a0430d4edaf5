import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMessage } from '../../core/messages/send-message.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { startTestPortal, type TestPortal } from '../e2e/support/portal.ts';
import { type FetchLike, measureFirstVisit, PAGE_WEIGHT_BUDGET } from './page-weight.ts';

// The page-weight budgets, measured on the real portal rather than a sample page: the
// sign-in page signed out, and the inbox and a message (with an attachment) signed in,
// each as a first visit with an empty cache, with JavaScript and without. Budgets:
// 30 KB gzipped without JavaScript (HTML + CSS), 50 KB with it (+ scripts).

const PASSWORD = 'lantern meadow copper violin';
const READER = 'reader@example.org';

let portal: TestPortal;
let cookie: string;
let messagePath: string;
/** Every HTML page fetched, by URL, so a page measured is known to be the real one. */
const pages = new Map<string, { status: number; html: string }>();

/** The global fetch against the running server, keeping a copy of each HTML page. */
const fetchPortal: FetchLike = async (url, init) => {
  const res = await fetch(url, init);
  if (res.headers.get('content-type')?.startsWith('text/html')) {
    pages.set(url, { status: res.status, html: await res.clone().text() });
  }
  return res;
};

beforeAll(async () => {
  portal = await startTestPortal({ prefix: 'sealpost-page-weight-' });
  const officer = await portal.addAccount({
    email: 'officer@barnet.gov.uk',
    password: PASSWORD,
    kind: 'staff',
    role: 'sender',
    displayName: 'Olive Officer',
  });
  await portal.addAccount({ email: READER, password: PASSWORD });

  const { app, origin } = portal;
  const sent = await sendMessage({ ...app, publicUrl: origin }, await app.settings.get(), {
    senderId: officer.id,
    to: [READER],
    cc: [],
    subject: 'Your care plan',
    body: 'Hello,\nyour plan is attached. Read it before our meeting on Tuesday.\n\nOlive',
    bodyFormat: 'text',
    attachments: [
      {
        name: 'Care plan.pdf',
        contentType: 'application/pdf',
        content: streamOf(randomBytes(40_000)),
      },
    ],
    readOnly: false,
    classification: 'OFFICIAL-SENSITIVE',
    source: 'web',
  });
  if (!sent.ok) throw new Error(JSON.stringify(sent.issues));
  messagePath = `/inbox/${sent.deliveryIds[0]}`;
  cookie = await signIn(origin, READER, PASSWORD);
}, 60_000);

afterAll(async () => {
  await portal?.stop();
});

/**
 * Signs in as a browser would, with the CSRF token from the form, and returns the
 * Cookie header to send next (the session and device cookies).
 */
async function signIn(origin: string, email: string, password: string): Promise<string> {
  const form = await (await fetch(`${origin}/sign-in`)).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1];
  if (!csrf) throw new Error('no CSRF token on the sign-in page');
  const res = await fetch(`${origin}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
  });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/inbox');
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  expect(cookies.some((c) => c?.startsWith('sealpost_session='))).toBe(true);
  return cookies.join('; ');
}

const KB = 1024;
const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

describe.each([
  { page: 'the sign-in page (signed out)', path: () => '/sign-in', signedIn: false, h1: 'Sign in' },
  { page: 'the inbox', path: () => '/inbox', signedIn: true, h1: 'Inbox' },
  {
    page: 'a message with an attachment',
    path: () => messagePath,
    signedIn: true,
    h1: 'Your care plan',
  },
])('a first visit to $page', ({ path, signedIn, h1 }) => {
  it.each([
    { withJs: false, budget: PAGE_WEIGHT_BUDGET.withoutJs, label: 'without JavaScript' },
    { withJs: true, budget: PAGE_WEIGHT_BUDGET.withJs, label: 'with JavaScript' },
  ])('stays within budget $label', async ({ withJs, budget, label }) => {
    const weight = await measureFirstVisit({
      fetch: fetchPortal,
      path: path(),
      withJs,
      origin: portal.origin,
      headers: signedIn ? { cookie } : {},
    });
    const page = pages.get(weight.resources.find((r) => r.kind === 'html')?.url ?? '');
    expect(page?.status).toBe(200);
    expect(page?.html).toMatch(new RegExp(`<h1[^>]*>${h1}</h1>`));
    expect(page?.html.includes('Care plan.pdf')).toBe(path() === messagePath);
    expect(weight.resources.filter((r) => r.kind === 'js').length > 0).toBe(withJs);

    const lines = weight.resources.map(
      (r) =>
        `  ${r.kind.padEnd(5)} ${kb(r.gzipped).padStart(8)} gzipped (${kb(r.bytes)} raw)  ${new URL(r.url).pathname}`,
    );
    console.info(
      `${path()} ${label}: ${kb(weight.totalGzipped)} gzipped of ${kb(budget)}\n${lines.join('\n')}`,
    );
    expect(weight.totalGzipped).toBeLessThanOrEqual(budget);
  });
});
