import { createPortal } from '../../../adapters/http/portal.ts';
import { readOutboxMail } from '../../../core/mail/outbox.ts';
import type { Message } from '../../../core/messages/model.ts';
import { decryptText } from '../../../core/messages/open-message.ts';
import { readAll } from '../../../core/shared/streams.ts';
import { codeIn } from '../../support/email-code.ts';
import type { GatewayApp } from './gateway-app.ts';
import { rawClient } from './raw-client.ts';

/** A browser of the portal (as `sealpost serve` builds it), with its own cookies. */
export type PortalReader = {
  email: string;
  /** A GET (or a form POST) through the portal, keeping the session cookie. */
  request(path: string, init?: { form?: Record<string, string> }): Promise<Response>;
};

/** The portal of `gw`, once per gateway: every reader of one test shares it. */
const portals = new WeakMap<GatewayApp, ReturnType<typeof createPortal>>();

function portalOf(gw: GatewayApp) {
  let portal = portals.get(gw);
  if (!portal) {
    portal = createPortal(gw.app);
    portals.set(gw, portal);
  }
  return portal;
}

/** A browser with no cookies yet. */
export function newBrowser(gw: GatewayApp, email: string): PortalReader {
  const portal = portalOf(gw);
  const base = gw.app.config.publicUrl;
  let cookie = '';
  return {
    email,
    async request(path, init = {}) {
      const headers: Record<string, string> = { origin: base };
      if (cookie) headers.cookie = cookie;
      if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await portal.request(`${base}${path}`, {
        method: init.form ? 'POST' : 'GET',
        headers,
        ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
      });
      const set = res.headers.getSetCookie().map((c) => c.split(';')[0]);
      if (set.length > 0) cookie = set.join('; ');
      return res;
    },
  };
}

/** Every outbox mail of `kind` to `to`, read without taking it from the queue. */
async function outboxMails(gw: GatewayApp, kind: string, to: string) {
  // A lease that ends before it starts leaves every row claimable again.
  const due = await gw.app.storage.repos.outbox.claimDue({
    now: new Date('2100-01-01T00:00:00Z'),
    leaseUntil: new Date('2000-01-01T00:00:00Z'),
    limit: 1000,
  });
  return due.filter((m) => m.kind === kind && m.to === to);
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/**
 * Registers the recipient `email` through the portal pages, from the link in the
 * notification of their first secure message to the emailed code, as a person would,
 * and returns their signed-in browser.
 */
export async function registerReader(gw: GatewayApp, email: string): Promise<PortalReader> {
  const [notice] = await outboxMails(gw, 'notification', email);
  if (!notice) throw new Error(`no notification for ${email}`);
  const text = (await readOutboxMail(gw.app, notice)).text;
  const link = /https?:\/\/[^/\s]+(\/open\/[A-Za-z0-9._-]+)/.exec(text)?.[1];
  if (!link) throw new Error('no link in the notification');
  const browser = newBrowser(gw, email);
  const start = await browser.request(link);
  const form = await browser.request(link, { form: { _csrf: csrfOf(await start.text()) } });
  const startPage = await form.text();
  const codeAction = /action="(\/register\/[^"]+\/code)"/.exec(startPage)?.[1];
  if (!codeAction) throw new Error('no code form on the start page');
  const codeSent = await browser.request(codeAction, { form: { _csrf: csrfOf(startPage) } });
  const registerPage = await codeSent.text();
  const codeMail = (await outboxMails(gw, 'email-code', email)).at(-1);
  if (!codeMail) throw new Error('no code email');
  const code = codeIn((await readOutboxMail(gw.app, codeMail)).text);
  const action = /action="(\/register\/[^"/]+)"/.exec(registerPage)?.[1];
  if (!action) throw new Error('no register form');
  const registered = await browser.request(action, {
    form: { _csrf: csrfOf(registerPage), password: 'copper lantern meadow violin 9', code },
  });
  if (registered.status !== 303) throw new Error(`registration answered ${registered.status}`);
  return browser;
}

/** The delivery of message `messageId` to `email`, whose page is `/inbox/<id>`. */
export async function deliveryOf(gw: GatewayApp, messageId: string, email: string) {
  const deliveries = await gw.app.storage.repos.deliveries.listForMessage({ messageId });
  const found = deliveries.find((d) => d.recipientEmail === email);
  if (!found) throw new Error(`no delivery of ${messageId} to ${email}`);
  return found.id;
}

/** The stored body of a message, decrypted. */
export async function storedBody(gw: GatewayApp, message: Message): Promise<string> {
  const blob = await gw.app.blobs.get({ id: message.bodyBlobId });
  if (!blob) throw new Error('the body blob is missing');
  const plain = await gw.app.cipher.decryptStream({ ciphertext: blob });
  return new TextDecoder().decode(await readAll(plain));
}

/** A stored file of a message: its decrypted name, type, size and whether it is inline. */
export type StoredFile = {
  id: string;
  name: string;
  contentType: string;
  size: number;
  inline: boolean;
};

/** The stored files of a message, in order, names decrypted. */
export async function storedFiles(gw: GatewayApp, messageId: string): Promise<StoredFile[]> {
  const rows = await gw.app.storage.repos.attachments.listForMessage({ messageId });
  return Promise.all(
    rows.map(async (a) => ({
      id: a.id,
      name: await decryptText(gw.app, a.nameEnc),
      contentType: a.contentType,
      size: a.size,
      inline: a.inline,
    })),
  );
}

/**
 * Sends `raw` exactly as given over a hand-driven SMTP conversation (dot-stuffed, as
 * every client must) and returns the reply to the end of DATA. `raw` must end in CRLF.
 */
export async function sendRaw(
  port: number,
  envelope: { from: string; to: string[] },
  raw: Buffer,
): Promise<{ code: number; text: string }> {
  if (!raw.subarray(-2).equals(Buffer.from('\r\n'))) throw new Error('raw must end in CRLF');
  const c = await rawClient(port);
  try {
    await c.command('EHLO client.test');
    const from = await c.command(`MAIL FROM:<${envelope.from}>`);
    if (from.code !== 250) return { code: from.code, text: from.lines.join(' ') };
    for (const to of envelope.to) {
      const rcpt = await c.command(`RCPT TO:<${to}>`);
      if (rcpt.code !== 250) return { code: rcpt.code, text: rcpt.lines.join(' ') };
    }
    const data = await c.command('DATA');
    if (data.code !== 354) return { code: data.code, text: data.lines.join(' ') };
    const stuffed = Buffer.from(raw.toString('latin1').replace(/^\./gm, '..'), 'latin1');
    c.write(stuffed);
    c.write('.\r\n');
    const reply = await c.reply(60_000);
    return { code: reply.code, text: reply.lines.join(' ') };
  } finally {
    c.close();
  }
}
