import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../core/accounts/model.ts';
import { addDays } from '../../core/shared/time.ts';
import { type MailboxHarness, mailboxHarness, sharedCipher, stable } from './mailbox-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

const FILE = { name: 'x.pdf', contentType: 'application/pdf', bytes: new Uint8Array([1, 2, 3]) };

/**
 * Every route that takes an id answers another person's id exactly as a missing one:
 * same status, same page (less the per-response CSRF nonce), and nothing changes.
 */
describe('ids that are not yours', () => {
  let h: MailboxHarness;
  let ann: Account;
  let bob: Account;
  let annCookie: string;
  let bobDelivery: string;
  let bobExpired: string;
  let bobAttachment: string;
  let annDelivery: string;
  let notFoundPage: string;

  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher(), { settings: { forwardOutside: 'request' } });
    ann = await h.addAccount('ann@example.org');
    bob = await h.addAccount('bob@example.org');
    const forBob = await h.send({ to: [bob.email], subject: 'Bob only', files: [FILE] });
    bobDelivery = forBob.deliveries[bob.email] as string;
    const [attachment] = await h.storage.repos.attachments.listForMessage({
      messageId: forBob.messageId,
    });
    bobAttachment = attachment?.id ?? '';
    const expired = await h.send({ to: [bob.email], subject: 'Bob expired' });
    bobExpired = expired.deliveries[bob.email] as string;
    await h.setAccessEnd(bobExpired, addDays(h.clock.now(), -1));
    const forAnn = await h.send({ to: [ann.email], subject: 'Ann only', files: [FILE] });
    annDelivery = forAnn.deliveries[ann.email] as string;
    annCookie = await h.signIn(ann.email);
    const missing = await h.get('/inbox/no-such-delivery', annCookie);
    expect(missing.status).toBe(404);
    notFoundPage = stable(await missing.text());
    expect(notFoundPage).toContain('Page not found');
  });
  afterEach(() => h.close());

  const expectNotFound = async (res: Response, what: string) => {
    expect(res.status, what).toBe(404);
    expect(stable(await res.text()), what).toBe(notFoundPage);
  };

  it('answers every GET with the same 404 as a missing id', async () => {
    for (const id of [bobDelivery, bobExpired, 'no-such-delivery', 'x'.repeat(500)]) {
      for (const path of [
        `/inbox/${id}`,
        `/inbox/${id}/attachments/${bobAttachment}`,
        `/inbox/${id}/reply`,
        `/inbox/${id}/reply?all=1`,
        `/inbox/${id}/forward`,
        `/inbox/${id}/delete`,
      ]) {
        await expectNotFound(await h.get(path, annCookie), path);
      }
    }
  });

  it('answers every POST with the same 404, and changes nothing', async () => {
    const posts: Array<[string, Record<string, string>]> = [
      [`/inbox/${bobDelivery}/reply`, { subject: 'Re: x', body: 'hi' }],
      [`/inbox/${bobDelivery}/reply?all=1`, { subject: 'Re: x', body: 'hi' }],
      [`/inbox/${bobDelivery}/forward`, { to: 'colleague@barnet.gov.uk, out@gmail.com' }],
      [`/inbox/${bobDelivery}/delete`, {}],
      [`/inbox/${bobExpired}/request-access`, {}],
      [`/inbox/${bobExpired}/delete`, {}],
    ];
    for (const [path, fields] of posts) {
      await expectNotFound(
        await h.post(path, { cookie: annCookie, formPage: '/inbox', fields }),
        path,
      );
      const missing = path.replace(bobDelivery, 'no-such').replace(bobExpired, 'no-such');
      await expectNotFound(
        await h.post(missing, { cookie: annCookie, formPage: '/inbox', fields }),
        missing,
      );
    }
    expect(
      await h.storage.repos.messages.listSent({ senderId: ann.id, limit: 5, offset: 0 }),
    ).toEqual([]);
    expect(await h.storage.repos.accessRequests.listForRequester({ requesterId: ann.id })).toEqual(
      [],
    );
    const bobCookie = await h.signIn(bob.email);
    expect((await h.get(`/inbox/${bobDelivery}`, bobCookie)).status).toBe(200);
    const bobInbox = await (await h.get('/inbox', bobCookie)).text();
    expect(bobInbox).toContain('Bob only');
  });

  it('does not serve another message’s file through your own delivery', async () => {
    await expectNotFound(
      await h.get(`/inbox/${annDelivery}/attachments/${bobAttachment}`, annCookie),
      'own delivery, foreign attachment',
    );
    await expectNotFound(
      await h.get(`/inbox/${annDelivery}/attachments/no-such-file`, annCookie),
      'own delivery, missing attachment',
    );
  });

  it('treats a message you deleted as missing', async () => {
    await h.post(`/inbox/${annDelivery}/delete`, { cookie: annCookie, formPage: '/inbox' });
    await expectNotFound(await h.get(`/inbox/${annDelivery}`, annCookie), 'deleted');
  });
});
