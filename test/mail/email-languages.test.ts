import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { runJob } from '../../core/lifecycle/run-job.ts';
import { chooseMailLanguage } from '../../core/mail/language.ts';
import { runOutboxOnce } from '../../core/mail/outbox-worker.ts';
import type { MailLanguage, MailTemplates, RenderedMail } from '../../core/mail/ports.ts';
import { mailTemplates } from '../../views/mail/templates.ts';
import { en } from '../../views/strings/en.ts';
import { translationGaps } from '../../views/strings/index.ts';
import { type ComposeHarness, composeHarness, type Part } from '../http/compose-harness.ts';
import { DAY, lifecycleHarness } from '../lifecycle/support.ts';
import { startSmtpSink } from './support/smtp-sink.ts';

const URL_ = 'https://messages.example.gov.uk';
const ORG = 'Barnet Council';

/** Every template with values, and the values a Welsh email may repeat as they are. */
const SAMPLES: Array<{ name: keyof MailTemplates; render: (l: MailLanguage) => RenderedMail }> = [
  {
    name: 'notification',
    render: (l) =>
      mailTemplates.notification(
        {
          orgName: ORG,
          senderName: 'Jo Bloggs',
          recipientEmail: 'ann@example.org',
          link: `${URL_}/open/abc.def`,
          publicUrl: URL_,
        },
        l,
      ),
  },
  ...(['extension', 'forward', 'link'] as const).map((kind) => ({
    name: 'accessRequested' as const,
    render: (l: MailLanguage) =>
      mailTemplates.accessRequested(
        {
          orgName: ORG,
          requesterEmail: 'ann@example.org',
          kind,
          link: `${URL_}/staff/requests/r1`,
        },
        l,
      ),
  })),
  ...[true, false].map((registered) => ({
    name: 'mailboxInvitation' as const,
    render: (l: MailLanguage) =>
      mailTemplates.mailboxInvitation(
        {
          orgName: ORG,
          mailboxEmail: 'housing@partner.org',
          link: `${URL_}/register/t.s`,
          registered,
          publicUrl: URL_,
          linkDays: 14,
        },
        l,
      ),
  })),
  ...[true, false].map((granted) => ({
    name: 'accessDecision' as const,
    render: (l: MailLanguage) =>
      mailTemplates.accessDecision(
        {
          orgName: ORG,
          granted,
          accessEndsAt: granted ? new Date('2025-03-20T14:30:00Z') : null,
          link: `${URL_}/inbox/d1`,
        },
        l,
      ),
  })),
  ...(['register', 'access-request'] as const).map((purpose) => ({
    name: 'emailCode' as const,
    render: (l: MailLanguage) =>
      mailTemplates.emailCode(
        { orgName: ORG, code: '123456', purpose, minutes: 15, publicUrl: URL_ },
        l,
      ),
  })),
  {
    name: 'lockout',
    render: (l) =>
      mailTemplates.lockout(
        {
          orgName: ORG,
          link: `${URL_}/reset/t.s`,
          publicUrl: URL_,
          lockedMinutes: 30,
          linkMinutes: 60,
        },
        l,
      ),
  },
  {
    name: 'reset',
    render: (l) =>
      mailTemplates.reset(
        { orgName: ORG, link: `${URL_}/reset/t.s`, publicUrl: URL_, linkMinutes: 60 },
        l,
      ),
  },
  ...(
    [
      'enrolled',
      'replaced',
      'removed',
      'passkey-added',
      'passkey-removed',
      'passkey-renamed',
      'reset',
    ] as const
  ).map((change) => ({
    name: 'secondFactorChanged' as const,
    render: (l: MailLanguage) =>
      mailTemplates.secondFactorChanged({ orgName: ORG, change, publicUrl: URL_ }, l),
  })),
  {
    name: 'setPassword',
    render: (l) =>
      mailTemplates.setPassword(
        {
          orgName: ORG,
          name: 'Jo Bloggs',
          link: `${URL_}/set-password/t.s`,
          publicUrl: URL_,
          linkDays: 7,
        },
        l,
      ),
  },
  {
    name: 'internalDelivery',
    render: (l) =>
      mailTemplates.internalDelivery(
        {
          orgName: ORG,
          senderName: 'Jo Bloggs',
          senderEmail: 'jo@example.org',
          subject: 'Rent 42',
          body: 'Diolch',
          attachmentNames: ['rent.pdf'],
          link: `${URL_}/staff/inbox/d1`,
        },
        l,
      ),
  },
  ...[true, false].map((deleted) => ({
    name: 'unretrieved' as const,
    render: (l: MailLanguage) =>
      mailTemplates.unretrieved(
        {
          orgName: ORG,
          recipients: ['ann@example.org', 'bob@example.org'],
          sentAt: new Date('2025-03-03T09:05:00Z'),
          days: 14,
          deleted,
          link: `${URL_}/staff/sent/m1`,
        },
        l,
      ),
  })),
  {
    name: 'deliveryReport',
    render: (l) =>
      mailTemplates.deliveryReport(
        {
          subject: 'Rent 42',
          arrivalDate: new Date('2025-03-03T09:05:00Z'),
          recipients: [{ address: 'gone@barnet.gov.uk', temporary: false, reply: '550 5.1.1' }],
        },
        l,
      ),
  },
];

/** What the Welsh may repeat: the values passed in (names, addresses, links). */
const VALUES =
  /https:\/\/\S+|[\w.+-]+@[\w.-]+|Barnet Council|Jo Bloggs|Rent 42|Diolch|rent\.pdf|550 5\.1\.1|123456/g;

/** Every word of three letters or more in the English table's emails. */
function englishWords(): Set<string> {
  const words = new Set<string>();
  const walk = (node: unknown): void => {
    if (typeof node === 'string')
      for (const w of node.toLowerCase().match(/[a-z]{3,}/g) ?? []) words.add(w);
    else if (typeof node === 'function') walk(String(node));
    else if (typeof node === 'object' && node !== null) Object.values(node).forEach(walk);
  };
  walk(en.emails);
  walk(en.deliveryReport);
  // Code, not words: parts of the functions' source and of the values' placeholders.
  for (const w of ['orgname', 'publicurl', 'length', 'const', 'return', 'date', 'instanceof']) {
    words.delete(w);
  }
  // Welsh words spelt like English ones: "Does dim…" (there is no), "person".
  for (const w of ['does', 'person']) words.delete(w);
  return words;
}

function wordsIn(text: string): string[] {
  return (
    text
      .replace(VALUES, ' ')
      .replace(/<[^>]+>/g, ' ')
      .toLowerCase()
      .match(/[a-zâêîôûŵŷáéíóúàèìòùäëïöüẁẃẅỳýÿ’']{3,}/g) ?? []
  );
}

function hrefsOf(html: string): string[] {
  return [...html.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] ?? '').replaceAll('&amp;', '&'));
}

describe('emails in English, Welsh and both', () => {
  it('has Welsh for every email string', () => {
    const gaps = translationGaps('cy').filter(
      (key) =>
        key.startsWith('emails.') ||
        key.startsWith('deliveryReport.') ||
        key.startsWith('admin.settings.emailLanguage') ||
        key === 'admin.settings.errors.emailLanguage',
    );
    expect(gaps).toEqual([]);
  });

  it.each(SAMPLES.map((s, i) => [`${s.name} #${i}`, s] as const))('%s', (_label, sample) => {
    const english = sample.render('en');
    const welsh = sample.render('cy');
    const both = sample.render('en+cy');

    // English: as before, lang="en", links untouched.
    if (sample.name !== 'deliveryReport') {
      expect(english.html).toMatch(/^<!doctype html><html lang="en"><body>/);
      expect(welsh.html).toMatch(/^<!doctype html><html lang="cy"><body>/);
      expect(both.html).toMatch(/^<!doctype html><html lang="cy"><body>/);
      expect(both.html).toContain('<div lang="en">');
      for (const href of hrefsOf(english.html)) expect(href).not.toContain('lang=');
      for (const href of hrefsOf(welsh.html)) expect(href).toMatch(/[?&]lang=cy(&|$)/);
      // The bilingual HTML: Welsh links before the English part, English ones after,
      // each saying which language the person chose by following it.
      const [cyPart = '', enPart = ''] = both.html.split('<div lang="en">');
      for (const href of hrefsOf(cyPart)) expect(href).toMatch(/[?&]lang=cy(&|$)/);
      for (const href of hrefsOf(enPart)) expect(href).toMatch(/[?&]lang=en(&|$)/);
    } else {
      expect(english.html + welsh.html + both.html).toBe('');
    }
    for (const link of welsh.text.match(
      /https:\/\/\S+\/(open|reset|register|inbox|staff|set-password)\S*/g,
    ) ?? [])
      expect(link).toContain('lang=cy');

    // Welsh only: no English word from the table, apart from the values passed in.
    const table = englishWords();
    const stray = wordsIn(`${welsh.subject}\n${welsh.text}\n${welsh.html}`).filter((w) =>
      table.has(w),
    );
    expect(stray).toEqual([]);
    expect(welsh.subject).not.toBe(english.subject);

    // Both: "Welsh / English", Welsh first in every part.
    expect(both.subject).toBe(`${welsh.subject} / ${english.subject}`);
    const cyAt = both.text.indexOf(welsh.text.split('\n')[0] ?? '');
    const enAt = both.text.indexOf(english.text.split('\n')[0] ?? '');
    expect(cyAt).toBe(0);
    expect(enAt).toBeGreaterThan(cyAt);
    expect(both.text).toContain('- - - -');
  });

  it('writes numbers, plurals and dates the Welsh way', () => {
    const code = (minutes: number) =>
      mailTemplates.emailCode(
        { orgName: ORG, code: '123456', purpose: 'register', minutes, publicUrl: URL_ },
        'cy',
      ).text;
    expect(code(2)).toContain('am 2 funud');
    expect(code(15)).toContain('am 15 munud');
    expect(
      mailTemplates.emailCode(
        { orgName: ORG, code: '1', purpose: 'register', minutes: 1, publicUrl: URL_ },
        'en',
      ).text,
    ).toContain('for 1 minute.');
    const decision = (l: MailLanguage) =>
      mailTemplates.accessDecision(
        {
          orgName: ORG,
          granted: true,
          accessEndsAt: new Date('2025-03-20T14:30:00Z'),
          link: `${URL_}/inbox/d1`,
        },
        l,
      ).text;
    expect(decision('en')).toContain('until 14:30 on 20 March 2025.');
    expect(decision('cy')).toContain('tan 14:30 ar 20 Mawrth 2025.');
    const unopened = (days: number, l: MailLanguage) =>
      mailTemplates.unretrieved(
        {
          orgName: ORG,
          recipients: ['ann@example.org'],
          sentAt: new Date('2025-03-03T09:05:00Z'),
          days,
          deleted: false,
          link: `${URL_}/staff/sent/m1`,
        },
        l,
      );
    expect(unopened(14, 'en').subject).toBe('Not opened: your secure message of 3 March 2025');
    expect(unopened(14, 'cy').subject).toContain('3 Mawrth 2025');
    expect(unopened(1, 'en').text).toContain('after 1 day by: ann@example.org.');
    expect(unopened(14, 'en').text).toContain('after 14 days by: ann@example.org.');
    expect(unopened(2, 'cy').text).toContain('Mae 2 ddiwrnod wedi mynd heibio');
    expect(unopened(14, 'cy').text).toContain('Mae 14 diwrnod wedi mynd heibio');
  });

  it('keeps the reply once in a bilingual internal delivery', () => {
    const mail = mailTemplates.internalDelivery(
      {
        orgName: ORG,
        senderName: 'Jo',
        senderEmail: 'jo@example.org',
        subject: 'Rent',
        body: 'UNIQUE-REPLY-BODY',
        attachmentNames: [],
        link: `${URL_}/staff/inbox/d1`,
      },
      'en+cy',
    );
    expect(mail.text.split('UNIQUE-REPLY-BODY')).toHaveLength(2);
    expect(mail.html.split('UNIQUE-REPLY-BODY')).toHaveLength(2);
  });
});

describe('chooseMailLanguage', () => {
  it('takes the account, then the page, then the setting', () => {
    expect(chooseMailLanguage({ account: { language: 'cy' }, page: 'en', setting: 'en' })).toBe(
      'cy',
    );
    expect(chooseMailLanguage({ account: { language: null }, page: 'cy', setting: 'en' })).toBe(
      'cy',
    );
    expect(chooseMailLanguage({ account: null, setting: 'bilingual' })).toBe('en+cy');
    expect(chooseMailLanguage({ account: { language: 'en' }, setting: 'bilingual' })).toBe('en');
    expect(chooseMailLanguage({ account: { language: 'fr' }, page: 'xx' })).toBe('en');
    expect(chooseMailLanguage({})).toBe('en');
  });
});

describe('the language of emails sent by the app', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanups.reverse()) await fn();
    cleanups.length = 0;
  });

  async function stack(env: Record<string, string> = {}): Promise<ComposeHarness> {
    const h = await composeHarness(env);
    cleanups.push(() => h.close());
    return h;
  }

  it('sends the unretrieved notice in its sender’s language, else the council’s setting', async () => {
    for (const [setting, chosen, expected] of [
      ['en', null, 'en'],
      ['cy', null, 'cy'],
      ['bilingual', null, 'en+cy'],
      ['bilingual', 'cy', 'cy'],
      ['cy', 'en', 'en'],
    ] as const) {
      const h = await lifecycleHarness({ settings: { emailLanguage: setting } });
      cleanups.push(() => h.close());
      const officer = await h.addAccount('officer@barnet.gov.uk', { language: chosen });
      await h.send({ from: officer, to: ['dan@example.org'] });
      h.clock.set(new Date(h.clock.now().getTime() + 14 * DAY));
      const run = await runJob(h.lifecycle(), { name: 'unretrieved-notice' });
      expect(run.ran && run.run.counts).toMatchObject({ noticed: 1, mails: 1 });
      const [mail] = await h.outbox('unretrieved');
      const label = `${setting}/${chosen}`;
      expect(mail?.to, label).toBe('officer@barnet.gov.uk');
      const english = 'has not been opened after 14 days by: dan@example.org.';
      const welsh = 'Mae 14 diwrnod wedi mynd heibio';
      const html = mail?.html ?? '';
      if (expected === 'en') {
        expect(mail?.text, label).toContain(english);
        expect(mail?.text, label).not.toContain(welsh);
        expect(html, label).toContain('<html lang="en">');
      } else if (expected === 'cy') {
        expect(mail?.text, label).toContain(welsh);
        expect(mail?.text, label).not.toContain(english);
        expect(html, label).toContain('<html lang="cy">');
        expect(mail?.text, label).toMatch(/\/staff\/sent\/[\w-]+\?lang=cy/);
      } else {
        expect(mail?.text.indexOf(welsh), label).toBe(0);
        expect(mail?.text.indexOf(english), label).toBeGreaterThan(0);
        expect(mail?.subject, label).toMatch(/^Heb ei hagor: .+ \/ Not opened: /);
        expect(html, label).toContain('<div lang="en">');
      }
    }
  });

  it('sends a reset asked for on a Welsh page in Welsh', async () => {
    const h = await stack();
    await h.addPerson('ann@example.org');
    const csrf = await h.tokenFrom('/reset?lang=cy', '');
    const res = await h.postForm('/reset?lang=cy', {
      csrf,
      fields: [['email', 'ann@example.org']],
    });
    expect(res.status).toBe(200);
    const mails = await outboxOf(h);
    const reset = mails.find((m) => m.kind === 'reset');
    expect(reset?.subject).toBe(`Dewis cyfrinair newydd (negeseuon diogel ${ORG_OF(h)})`);
    expect(reset?.text).toMatch(/\/reset\/[\w-]+\.[\w-]+\?lang=cy/);
    expect(reset?.html).toContain('<html lang="cy">');
    expect(reset?.text).not.toContain('Someone asked');
  });

  it('sends a new recipient both languages with `bilingual`, and Welsh only to one who chose it', async () => {
    const sink = await startSmtpSink();
    cleanups.push(() => sink.close());
    const h = await stack({
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      SMTP_REQUIRE_TLS: 'false',
      MAIL_FROM: 'Barnet Council <no-reply@barnet.gov.uk>',
    });
    expect(await h.app.settings.update({ emailLanguage: 'bilingual' })).toEqual({});
    const ann = await h.addPerson('ann@example.org');
    // A recipient who chose Welsh, and a new one who has no account yet.
    const chose = await h.addPerson('gwen@barnet.gov.uk');
    await h.app.storage.repos.accounts.update({ account: { ...chose, language: 'cy' } });
    expect(ann.language).toBeNull();

    const cookie = await h.signIn('ann@example.org');
    const csrf = await h.tokenFrom('/compose', cookie);
    const parts: Part[] = Object.entries({
      to: 'officer@barnet.gov.uk',
      cc: 'gwen@barnet.gov.uk',
      subject: 'Housing repair 42',
      body: 'The damp is back.',
    }).map(([name, value]) => ({ name, value }));
    const { res } = await h.postMultipart(`/compose?_csrf=${encodeURIComponent(csrf)}`, {
      cookie,
      parts,
    });
    expect(res.status).toBe(303);

    const sent = await runOutboxOnce({
      storage: h.app.storage,
      cipher: h.app.cipher,
      mailer: h.app.mailer,
      clock: h.clock,
      logger: h.app.logger,
      limit: 50,
      leaseMs: 60_000,
    });
    expect(sent.sent).toBeGreaterThanOrEqual(2);
    const byRecipient = async (address: string) => {
      const raw = sink.received.find((m) => m.to.includes(address))?.raw;
      if (!raw) throw new Error(`nothing was sent to ${address}`);
      return simpleParser(raw);
    };

    const first = await byRecipient('officer@barnet.gov.uk');
    const org = ORG_OF(h);
    expect(first.subject).toBe(`${org}: neges ddiogel i chi / Secure message from ${org}`);
    expect(first.text).toContain('wedi anfon neges ddiogel atoch chi.');
    expect(first.text).toContain('has sent you a secure message.');
    expect(first.text?.indexOf('atoch chi')).toBeLessThan(
      first.text?.indexOf('has sent you') ?? -1,
    );
    expect(first.html).toContain('<html lang="cy">');
    expect(first.html).toContain('<div lang="en">');
    expect(first.html).toMatch(/href="https:\/\/messages\.example\.gov\.uk\/open\/[^"]+\?lang=cy"/);

    const welsh = await byRecipient('gwen@barnet.gov.uk');
    expect(welsh.subject).toBe(`${org}: neges ddiogel i chi`);
    expect(welsh.text).toContain('wedi anfon neges ddiogel atoch chi.');
    expect(welsh.text).not.toContain('secure message');
    expect(welsh.html).toContain('<html lang="cy">');
    expect(welsh.html).not.toContain('lang="en"');
  });
});

/** The organisation name the harness's configuration gives. */
function ORG_OF(h: ComposeHarness): string {
  return h.app.config.orgName;
}

/** The outbox's emails, decrypted (they stay queued). */
async function outboxOf(h: ComposeHarness) {
  const { readOutboxMail } = await import('../../core/mail/outbox.ts');
  const rows = await h.app.storage.repos.outbox.claimDue({
    now: new Date('2100-01-01T00:00:00Z'),
    leaseUntil: new Date('2100-01-01T00:01:00Z'),
    limit: 100,
  });
  return Promise.all(
    rows.map(async (row) => ({
      kind: row.kind,
      ...(await readOutboxMail({ cipher: h.app.cipher }, row)),
    })),
  );
}
