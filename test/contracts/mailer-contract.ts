import { afterEach, describe, expect, it } from 'vitest';
import { MAIL_FAILURE_CODES } from '../../core/mail/failure.ts';
import type { MailContent } from '../../core/mail/model.ts';
import type { Mailer, SendResult } from '../../core/mail/ports.ts';

/**
 * One mail as it arrived at the far end of a transport, read back by the test: from an
 * SMTP server's DATA, an .eml file, or a fake's memory. Header names are lower case.
 */
export type DeliveredMail = {
  /** The Message-ID header (angle brackets included), or null when the transport keeps none. */
  messageId: string | null;
  /** The recipient: RCPT TO, or the To header when the transport has no envelope. */
  to: string;
  /** MAIL FROM ('' for the null sender), when the transport has an envelope to read. */
  envelopeFrom?: string;
  subject: string;
  /** The plain-text part, decoded. */
  text: string;
  /** The HTML part, decoded, or null when the mail has none. */
  html: string | null;
  /** At least every extra header the mail was given, decoded. */
  headers: Record<string, string>;
  /** True for a delivery status notification (multipart/report). */
  report: boolean;
};

/** A mailer under test, and a way to read back what reached the other side. */
export type MailerUnderTest = {
  mailer: Mailer;
  /** Every mail delivered so far, in any order. */
  received(): Promise<DeliveredMail[]>;
  /** Frees what the factory started (a server, a folder); the suite closes the mailer itself. */
  dispose?(): Promise<void>;
};

/** Ways to make the transport fail, for the failure promises; a case left out registers no test (CI allows no skipped tests). */
export type MailerFailures = {
  /** A mailer whose transport refuses every mail for good (an SMTP server answering 550). */
  permanent?: () => Promise<MailerUnderTest>;
  /** A mailer whose transport cannot take mail now (a 451, a folder that is gone). */
  temporary?: () => Promise<MailerUnderTest>;
  /** A mailer whose transport is not there at all (nothing listening): must be temporary. */
  unreachable?: () => Promise<MailerUnderTest>;
};

const baseMail = (over: Partial<MailContent> = {}): MailContent => ({
  to: 'jane.doe@example.org',
  subject: 'Secure message from Barnet Council',
  text: 'Open https://portal.example/r/abc.def to read it.\n\nBarnet Council',
  html: '<p>Open <a href="https://portal.example/r/abc.def">the message</a>.</p>',
  headers: { 'Auto-Submitted': 'auto-generated' },
  ...over,
});

/** Line endings and the trailing newline a transport may add are not content. */
const body = (text: string) => text.replace(/\r\n/g, '\n').replace(/\n+$/, '');

function expectWellFormed(result: SendResult): void {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) {
    expect(typeof result.permanent).toBe('boolean');
    // A code (core/mail/failure.ts), or a transport's own words: never nothing.
    const error = result.error;
    if (typeof error === 'string') expect(error.trim()).not.toBe('');
    else expect(MAIL_FAILURE_CODES).toContain(error.code);
  }
}

/** Sends and checks the result is a SendResult: a throw fails the test. */
async function send(mailer: Mailer, id: string, mail: MailContent): Promise<SendResult> {
  const result = await mailer.send({ id, mail });
  expectWellFormed(result);
  return result;
}

/**
 * The promises every Mailer (core/mail/ports.ts) keeps, whatever the transport. The
 * outbox worker relies on them: a mail arrives as it was written (subject, bodies and
 * headers intact, non-ASCII and long lines included), each outbox id keeps one
 * Message-ID across retries, failures come back as values that say whether a retry
 * can help (a throw would be treated as a bug), a mail that would inject a header is
 * refused for good and never sent, and `close` ends cleanly.
 *
 * `create` builds a fresh mailer for each test with a way to read back what it
 * delivered (see `DeliveredMail`); `failures` builds mailers whose transport refuses,
 * for the failure promises (cases it leaves out register no test, e.g. a fake that cannot fail).
 */
export function mailerContract(
  name: string,
  create: () => Promise<MailerUnderTest>,
  failures: MailerFailures = {},
): void {
  describe(`Mailer contract: ${name}`, () => {
    let open: MailerUnderTest[] = [];
    const start = async (make: () => Promise<MailerUnderTest> = create) => {
      const made = await make();
      open.push(made);
      return made;
    };
    afterEach(async () => {
      const done = open;
      open = [];
      for (const m of done) {
        await m.mailer.close();
        await m.dispose?.();
      }
    });

    const only = async (m: MailerUnderTest): Promise<DeliveredMail> => {
      const got = await m.received();
      expect(got).toHaveLength(1);
      return got[0] as DeliveredMail;
    };

    it('delivers one mail with its recipient, subject, text, html and headers intact', async () => {
      const m = await start();
      const mail = baseMail({ headers: { 'Auto-Submitted': 'auto-generated', 'X-Case': 'C-42' } });
      expect(await send(m.mailer, 'contract-one', mail)).toEqual({ ok: true });
      const got = await only(m);
      expect(got.to.toLowerCase()).toBe(mail.to);
      expect(got.subject).toBe(mail.subject);
      expect(body(got.text)).toBe(body(mail.text));
      expect(got.html?.trim()).toBe(mail.html);
      expect(got.headers['auto-submitted']).toBe('auto-generated');
      expect(got.headers['x-case']).toBe('C-42');
      expect(got.report).toBe(false);
    });

    it('sends text alone when there is no html', async () => {
      const m = await start();
      expect(await send(m.mailer, 'contract-plain', baseMail({ html: null }))).toEqual({
        ok: true,
      });
      const got = await only(m);
      expect(got.html).toBeNull();
      expect(body(got.text)).toBe(body(baseMail().text));
    });

    it('keeps non-ASCII subjects, bodies and header values exactly', async () => {
      const m = await start();
      const subject = 'Neges ddiogel gan Gyngor Sir Gâr – ŵ ŷ “quoted” 密码 🔐';
      const text = 'Annwyl Siân,\nMae gennych neges ddiogel. Ŵyr, ŷd, café, naïve, 日本語, 🙂.';
      const html = '<p>Annwyl Siân, mae gennych <strong>neges ddiogel</strong> – 🙂</p>';
      const mail = baseMail({ subject, text, html, headers: { 'X-Note': 'Gâr – café 🙂' } });
      expect(await send(m.mailer, 'contract-unicode', mail)).toEqual({ ok: true });
      const got = await only(m);
      expect(got.subject).toBe(subject);
      expect(body(got.text)).toBe(body(text));
      expect(got.html?.trim()).toBe(html);
      expect(got.headers['x-note']).toBe('Gâr – café 🙂');
    });

    it('keeps long lines and long subjects whole (a link is never broken)', async () => {
      const m = await start();
      const token = 'a1B2c3D4e5'.repeat(120);
      const link = `https://portal.example/r/${token}`;
      const subject = `Re: ${'a long subject with many words '.repeat(12).trim()}`;
      const longLine = `${'word '.repeat(400).trim()}.`;
      const text = `Open ${link}\n${longLine}\nÂ ${'é'.repeat(1500)}`;
      const html = `<p><a href="${link}">${'x'.repeat(3000)}</a></p>`;
      expect(await send(m.mailer, 'contract-long', baseMail({ subject, text, html }))).toEqual({
        ok: true,
      });
      const got = await only(m);
      expect(got.subject).toBe(subject);
      expect(body(got.text)).toBe(body(text));
      expect(got.html?.trim()).toBe(html);
    });

    it('delivers an empty subject and an empty body', async () => {
      const m = await start();
      const mail = baseMail({ subject: '', text: '', html: null });
      expect(await send(m.mailer, 'contract-empty', mail)).toEqual({ ok: true });
      const got = await only(m);
      expect(got.subject).toBe('');
      expect(body(got.text)).toBe('');
    });

    it('delivers a large body intact', async () => {
      const m = await start();
      const line = 'Line of a long letter, with some Welsh: ŵ ŷ â, and digits 0123456789.\n';
      const text = line.repeat(8000);
      expect(await send(m.mailer, 'contract-large', baseMail({ text, html: null }))).toEqual({
        ok: true,
      });
      expect(body((await only(m)).text)).toBe(body(text));
    });

    it('gives each outbox id its own Message-ID, the same on every attempt', async () => {
      const m = await start();
      expect(await send(m.mailer, 'contract-a', baseMail({ subject: 'A' }))).toEqual({ ok: true });
      expect(await send(m.mailer, 'contract-a', baseMail({ subject: 'A' }))).toEqual({ ok: true });
      expect(await send(m.mailer, 'contract-b', baseMail({ subject: 'B' }))).toEqual({ ok: true });
      const got = await m.received();
      const a = got.filter((g) => g.subject === 'A');
      const b = got.filter((g) => g.subject === 'B');
      // At least once: a retry may deliver a second copy, or replace the first.
      expect(a.length).toBeGreaterThanOrEqual(1);
      expect(a.length).toBeLessThanOrEqual(2);
      expect(b).toHaveLength(1);
      const ids = new Set(a.map((g) => g.messageId));
      expect(ids.size).toBe(1);
      const [idA] = ids;
      if (idA !== null && idA !== undefined) {
        expect(idA).toMatch(/^<[^<>\s]+>$/);
        expect(idA).toContain('contract-a');
        expect(b[0]?.messageId).not.toBe(idA);
      }
    });

    it('keeps parallel sends apart: each mail arrives once, with its own content', async () => {
      const m = await start();
      const ids = Array.from({ length: 12 }, (_, i) => `contract-par-${i}`);
      const results = await Promise.all(
        ids.map((id, i) =>
          send(m.mailer, id, baseMail({ subject: `Mail ${i}`, text: `Body of mail ${i}.` })),
        ),
      );
      expect(results).toEqual(ids.map(() => ({ ok: true })));
      const got = await m.received();
      expect(got).toHaveLength(ids.length);
      for (const [i, id] of ids.entries()) {
        const mine = got.filter((g) => g.subject === `Mail ${i}`);
        expect(mine).toHaveLength(1);
        expect(body(mine[0]?.text ?? '')).toBe(`Body of mail ${i}.`);
        if (mine[0]?.messageId) expect(mine[0].messageId).toContain(id);
      }
    });

    it('sends a delivery report as a report, its text as the readable part', async () => {
      const m = await start();
      const mail = baseMail({
        to: 'sender@example.org',
        subject: 'Undelivered Mail Returned to Sender',
        text: 'Your mail to bob@barnet.gov.uk could not be delivered.',
        html: null,
        headers: { 'Auto-Submitted': 'auto-replied' },
        report: {
          reportingMta: 'gateway.barnet.gov.uk',
          arrivalDate: '2026-01-05T10:30:00.000Z',
          recipients: [
            { address: 'bob@barnet.gov.uk', status: '5.1.1', diagnostic: '550 5.1.1 No such user' },
          ],
          originalHeaders: 'From: sender@example.org\r\nSubject: Hello\r\n',
        },
      });
      expect(await send(m.mailer, 'contract-report', mail)).toEqual({ ok: true });
      const got = await only(m);
      expect(got.report).toBe(true);
      expect(got.to.toLowerCase()).toBe('sender@example.org');
      expect(got.subject).toBe(mail.subject);
      expect(got.text).toContain('could not be delivered');
      // RFC 3464: from the null sender, so a report that cannot be delivered is dropped.
      if (got.envelopeFrom !== undefined) expect(got.envelopeFrom).toBe('');
    });

    it.each([
      ['a line break in the subject', { subject: 'Hello\r\nBcc: eve@example.com' }],
      ['a bare LF in the subject', { subject: 'Hello\nBcc: eve@example.com' }],
      ['a line break in a header value', { headers: { 'X-Case': 'C-1\r\nBcc: eve@example.com' } }],
      ['a header the transport sets', { headers: { Bcc: 'eve@example.com' } }],
      ['a header name that is not one', { headers: { 'X Case: 1\r\nBcc': 'eve@example.com' } }],
      ['a list of recipients', { to: 'jane@example.org, eve@example.com' }],
      ['a display name as recipient', { to: 'Jane <jane@example.org>' }],
    ] satisfies Array<[string, Partial<MailContent>]>)(
      'refuses for good, and sends nothing, when a mail has %s',
      async (_what, over) => {
        const m = await start();
        const result = await send(m.mailer, 'contract-unsafe', baseMail(over));
        expect(result).toMatchObject({ ok: false, permanent: true });
        expect(await m.received()).toEqual([]);
      },
    );

    it('answers an id that cannot be a Message-ID with a result, never a throw or a stray mail', async () => {
      const m = await start();
      for (const id of ['../escape', 'a b', '<x>', 'x'.repeat(300), '']) {
        const result = await send(m.mailer, id, baseMail());
        if (!result.ok) expect(result.permanent).toBe(true);
      }
      for (const got of await m.received()) {
        if (got.messageId !== null) expect(got.messageId).not.toMatch(/[/\s]|\.\./);
      }
    });

    it('closes cleanly, whether or not it sent anything', async () => {
      const idle = await create();
      await expect(idle.mailer.close()).resolves.toBeUndefined();
      await idle.dispose?.();
      const busy = await create();
      expect(await send(busy.mailer, 'contract-close', baseMail())).toEqual({ ok: true });
      await expect(busy.mailer.close()).resolves.toBeUndefined();
      expect(await busy.received()).toHaveLength(1);
      await busy.dispose?.();
    });

    if (failures.permanent)
      it('reports a refusal for good as permanent, as a value', async () => {
        const m = await start(failures.permanent);
        const result = await send(m.mailer, 'contract-refused', baseMail());
        expect(result).toMatchObject({ ok: false, permanent: true });
        expect(await m.received()).toEqual([]);
      });

    if (failures.temporary)
      it('reports a failure a retry can mend as temporary, as a value', async () => {
        const m = await start(failures.temporary);
        const result = await send(m.mailer, 'contract-deferred', baseMail());
        expect(result).toMatchObject({ ok: false, permanent: false });
        expect(await m.received()).toEqual([]);
      });

    if (failures.unreachable)
      it('reports a transport that is not there as temporary, and still closes', async () => {
        const m = await start(failures.unreachable);
        const result = await send(m.mailer, 'contract-unreachable', baseMail());
        expect(result).toMatchObject({ ok: false, permanent: false });
        // The error is one line for the admin page, and never the mail's own text.
        if (!result.ok) {
          const error = result.error;
          const text =
            typeof error === 'string' ? error : `${error.code} ${Object.values(error).join(' ')}`;
          expect(text).not.toMatch(/[\r\n]/);
          expect(text).not.toContain('portal.example/r/');
        }
      });
  });
}
