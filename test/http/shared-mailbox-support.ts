import { expect } from 'vitest';
import { mailboxDepsFrom } from '../../adapters/http/areas/mailbox-deps.ts';
import { emailKey } from '../../core/accounts/email.ts';
import type { Account } from '../../core/accounts/model.ts';
import { normalisePassword } from '../../core/accounts/password-policy.ts';
import type { AuditEvent } from '../../core/audit/model.ts';
import { readOutboxMail } from '../../core/mail/outbox.ts';
import { sendMessage } from '../../core/messages/send-message.ts';
import { streamOf } from '../../core/shared/streams.ts';
import { GOOD_PASSWORD } from '../auth/support.ts';
import { newestCodeTo } from '../support/email-code.ts';
import { COUNCIL, type ComposeHarness, composeHarness } from './compose-harness.ts';

/** The generic address whose holder lets colleagues work from it. */
export const GENERIC = 'care.referrals@partner.org.uk';

/**
 * The whole portal as served (SQLite, or PostgreSQL with `DATABASE_URL`), with what the
 * shared-mailbox tests need besides: a council sender, sending a message, the outbox
 * decrypted, forms posted with the page's own CSRF token, and registering through the
 * real flow (the link, then the emailed code).
 */
export async function sharedMailboxHarness(env: Record<string, string> = {}) {
  const h: ComposeHarness = await composeHarness(env);
  const { storage } = h.app;

  const addStaff = async (email: string): Promise<Account> => {
    const now = h.clock.now();
    const account: Account = {
      id: h.app.ids.newId(),
      email,
      emailKey: emailKey(email),
      displayName: 'Olive Officer',
      kind: 'staff',
      role: 'sender',
      passwordHash: await h.app.hasher.hash({ password: normalisePassword(GOOD_PASSWORD) }),
      status: 'active',
      failedSignIns: 0,
      failureWindowStartedAt: null,
      lockedUntil: null,
      totpKeyEnc: null,
      recoveryCodeHashes: [],
      legalHold: false,
      createdAt: now,
      updatedAt: now,
      lastSignInAt: null,
      passwordChangedAt: now,
      sharedMailbox: false,
      ssoSubject: null,
      passkeyCount: 0,
      language: null,
    };
    await storage.repos.accounts.insert({ account });
    return account;
  };
  const officer = await addStaff(`officer@${COUNCIL}`);

  /** Olive sends a message to `to`; returns its delivery id for that address. */
  const send = async (
    to: string,
    subject: string,
    files: Array<{ name: string; text: string }> = [],
  ): Promise<string> => {
    const settings = await h.app.settings.get();
    const result = await sendMessage(
      mailboxDepsFrom(h.app),
      {
        maxAttachments: settings.maxAttachments,
        maxTotalBytes: settings.maxTotalBytes,
        accessDays: settings.accessDays,
        retentionDays: settings.retentionDays,
        orgName: settings.orgName,
      },
      {
        senderId: officer.id,
        to: [to],
        cc: [],
        subject,
        body: 'Please see the referral.',
        bodyFormat: 'text',
        attachments: files.map((f) => ({
          name: f.name,
          contentType: 'text/plain',
          content: streamOf(new TextEncoder().encode(f.text)),
        })),
        readOnly: false,
        classification: null,
        source: 'web',
      },
    );
    if (!result.ok) throw new Error(`send failed: ${JSON.stringify(result.issues)}`);
    for (const id of result.deliveryIds) {
      const delivery = await storage.repos.deliveries.findById({ id });
      if (delivery?.recipientEmail === to) return id;
    }
    throw new Error('no delivery to that address');
  };

  /** The emails in the outbox, decrypted, oldest first (left in place). */
  const outbox = async () => {
    const mails = await storage.repos.outbox.claimDue({
      now: new Date('2100-01-01T00:00:00Z'),
      leaseUntil: new Date('2100-01-01T00:01:00Z'),
      limit: 1000,
    });
    for (const mail of mails) {
      await storage.repos.outbox.update({ mail: { ...mail, status: 'pending', leaseUntil: null } });
    }
    const sorted = [...mails].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    return Promise.all(
      sorted.map(async (mail) => {
        const content = await readOutboxMail({ cipher: h.app.cipher }, mail);
        return { kind: mail.kind, to: content.to, subject: content.subject, text: content.text };
      }),
    );
  };

  /** POSTs a form with the CSRF token of `formPage` as this browser sees it. */
  const post = async (
    pathname: string,
    cookie: string | undefined,
    fields: Record<string, string>,
    formPage = pathname,
  ) => {
    const csrf = cookie
      ? await h.tokenFrom(formPage, cookie)
      : /name="_csrf" value="([^"]+)"/.exec(await (await h.get(formPage)).text())?.[1];
    return h.postForm(pathname, {
      ...(cookie ? { cookie } : {}),
      csrf: csrf ?? null,
      fields: Object.entries(fields),
    });
  };

  /** Registers through the link of an invitation: the page, the emailed code, a password. */
  const registerWith = async (token: string, email: string) => {
    const start = await h.get(`/register/${token}`);
    expect(start.status).toBe(200);
    const sent = await post(`/register/${token}/code`, undefined, {}, `/register/${token}`);
    expect(sent.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await sent.text())?.[1] ?? null;
    h.clock.advance(1_000);
    const done = await h.postForm(`/register/${token}`, {
      csrf,
      fields: [
        ['code', newestCodeTo(await outbox(), email)],
        ['password', GOOD_PASSWORD],
      ],
    });
    expect(done.status).toBe(303);
    const cookie = done.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    return { location: done.headers.get('location'), cookie };
  };

  /** The newest audit event of `action` (events recorded "soon" may take a moment). */
  const lastAudit = async (action: AuditEvent['action']): Promise<AuditEvent | undefined> => {
    for (let i = 0; i < 50; i += 1) {
      const events = await storage.repos.audit.list({ filter: { action }, limit: 10 });
      if (events.length > 0) return events.sort((a, b) => b.seq - a.seq)[0];
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return undefined;
  };

  return { ...h, officer, send, outbox, post, registerWith, lastAudit };
}

/** The harness's type. */
export type SharedMailboxHarness = Awaited<ReturnType<typeof sharedMailboxHarness>>;

/** The acting line of a page ("You are working in …"), or null. */
export function actingLineOf(html: string): string | null {
  return /You are working in (?:<[^>]+>)*([^<]+)/.exec(html)?.[1] ?? null;
}
