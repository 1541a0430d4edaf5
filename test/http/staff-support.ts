import { expect } from 'vitest';
import { oslojsTotp } from '../../adapters/security/totp.ts';
import type { Account } from '../../core/accounts/model.ts';
import { TOTP_DIGITS, totpStep } from '../../core/auth/totp.ts';
import { GOOD_PASSWORD } from '../auth/support.ts';
import { BASE, COUNCIL_DOMAIN, csrfOf, type MailboxHarness } from './mailbox-support.ts';

/** TOTP arithmetic for the tests: the same adapter the portal uses. */
export const totp = oslojsTotp();

/** The code an authenticator app would show for `keyText` at `at` (or one step off). */
export function codeFor(keyText: string, at: Date, stepOffset = 0): string {
  const key = totp.decodeKey({ text: keyText });
  if (!key) throw new Error(`not a TOTP key: ${keyText}`);
  return totp.generate({ key, counter: totpStep(at) + stepOffset, digits: TOTP_DIGITS });
}

/** The cookies a response sets, as the Cookie header a browser would send next. */
export function cookiesOf(res: Response, previous = ''): string {
  const jar = new Map<string, string>();
  for (const pair of previous.split('; ').filter(Boolean)) {
    const [name = '', ...rest] = pair.split('=');
    jar.set(name, rest.join('='));
  }
  for (const header of res.headers.getSetCookie()) {
    const [pair = ''] = header.split(';');
    const [name = '', ...rest] = pair.split('=');
    const value = rest.join('=');
    if (value === '' || /max-age=0/i.test(header)) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
}

/** The key text the set-up page shows (the manual-entry key). */
export function keyOnPage(html: string): string {
  const match = /data-testid="totp-key">([A-Z2-7 ]+)</.exec(html);
  if (!match?.[1]) throw new Error('no TOTP key on the page');
  return match[1].replace(/\s/g, '');
}

/** The hidden enrolment token on the set-up page. */
export function enrolTokenOnPage(html: string): string {
  const match = /name="token" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no enrolment token on the page');
  return match[1];
}

/** The recovery codes shown once after setting up. */
export function recoveryCodesOnPage(html: string): string[] {
  return [...html.matchAll(/>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</g)].map(
    (m) => m[1] as string,
  );
}

/** Staff-area helpers over a mailbox harness. */
export function staffHelpers(h: MailboxHarness) {
  /** A staff account with the test password (no second factor yet). */
  const addStaff = (
    local: string,
    role: 'sender' | 'admin' | 'auditor',
    extra: Partial<Account> = {},
  ) =>
    h.addAccount(`${local}@${COUNCIL_DOMAIN}`, {
      kind: 'staff',
      role,
      displayName: local.charAt(0).toUpperCase() + local.slice(1),
      ...extra,
    });

  /** Signs in with the password only; returns the cookies and where it was sent. */
  const passwordStep = async (email: string) => {
    const res = await h.post('/sign-in', {
      formPage: '/sign-in',
      fields: { email, password: GOOD_PASSWORD },
    });
    expect(res.status).toBe(303);
    return { cookie: cookiesOf(res), location: res.headers.get('location') ?? '' };
  };

  /** Sets up TOTP for the signed-in staff member; returns the key text and recovery codes. */
  const enrol = async (cookie: string) => {
    const page = await h.get('/staff/two-factor', cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    const keyText = keyOnPage(html);
    const res = await h.post('/staff/two-factor', {
      cookie,
      csrf: csrfOf(html) ?? '',
      fields: {
        token: enrolTokenOnPage(html),
        code: codeFor(keyText, h.clock.now()),
        // Replacing an app asks for the password again; a first set-up does not.
        ...(html.includes('name="password"') ? { password: GOOD_PASSWORD } : {}),
      },
    });
    expect(res.status).toBe(200);
    const codes = recoveryCodesOnPage(await res.text());
    expect(codes).toHaveLength(10);
    return { keyText, recoveryCodes: codes };
  };

  /** Enters a second-factor code for a pending session; returns the response. */
  const secondStep = async (cookie: string, code: string) =>
    h.post('/sign-in/two-factor', { cookie, formPage: '/sign-in/two-factor', fields: { code } });

  /**
   * A staff member fully signed in with a second factor: enrols on first use (after
   * which the clock moves on a step, as a person would take a moment), then signs in
   * again through both steps. Returns the cookie and the key.
   */
  const signInWithTotp = async (email: string, keyText?: string) => {
    let key = keyText;
    if (!key) {
      const first = await passwordStep(email);
      key = (await enrol(first.cookie)).keyText;
      h.clock.advance(30_000);
    }
    const { cookie, location } = await passwordStep(email);
    expect(location).toMatch(/^\/sign-in\/two-factor/);
    const res = await secondStep(cookie, codeFor(key, h.clock.now()));
    expect(res.status).toBe(303);
    return { cookie: cookiesOf(res, cookie), keyText: key };
  };

  /** POSTs a multipart form (the compose Send step), with the CSRF token in the query. */
  const postMultipart = async (
    p: string,
    args: {
      cookie: string;
      csrf: string;
      fields: Array<[string, string]>;
      files?: Array<{ name: string; type: string; bytes: Uint8Array }>;
    },
  ) => {
    const form = new FormData();
    for (const [name, value] of args.fields) form.append(name, value);
    for (const file of args.files ?? []) {
      form.append(
        'attachments',
        new Blob([Buffer.from(file.bytes)], { type: file.type }),
        file.name,
      );
    }
    if (!args.files?.length) form.append('attachments', new Blob([]), '');
    const url = `${BASE}${p}${p.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(args.csrf)}`;
    return h.app.request(url, {
      method: 'POST',
      body: form,
      headers: { cookie: args.cookie, origin: BASE },
    });
  };

  return { addStaff, passwordStep, enrol, secondStep, signInWithTotp, postMultipart };
}

/** The hidden fields of the preview's Send form, in order. */
export function hiddenFields(html: string): Array<[string, string]> {
  const form = /<form[^>]*action="\/staff\/compose\/send"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (!form) throw new Error('no Send form on the page');
  return [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
    m[1] as string,
    decodeEntities(m[2] as string),
  ]);
}

/** Undoes the HTML escaping of an attribute value. */
export function decodeEntities(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCharCode(Number.parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
