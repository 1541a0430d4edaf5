import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openpgpCipher } from '../../adapters/crypto/openpgp/index.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { makeOutboxMail } from '../factories.ts';
import { type AdminHarness, adminHarness } from './admin-support.ts';

/** A fresh keyring per test: key rotation changes it. */
function freshCipher() {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealpost-admin-keys-'));
  const cipher = openpgpCipher({
    keysDir: path.join(dir, 'keys'),
    passphrase: 'admin test passphrase',
    logger: createLogger({
      level: 'silent',
      destination: new Writable({ write: (_c, _e, done) => done() }),
    }),
  });
  return { cipher, close: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('admin failed email and keys', () => {
  let h: AdminHarness;
  let keys: ReturnType<typeof freshCipher>;
  let cookie: string;
  let adminId: string;
  beforeEach(async () => {
    keys = freshCipher();
    h = await adminHarness(keys.cipher);
    adminId = (await h.addStaff('ada', 'admin')).id;
    cookie = await h.signInAdmin('ada@barnet.gov.uk');
  });
  afterEach(async () => {
    await h.close();
    keys.close();
  });

  it('lists failed email with its recipient and reason, and retries one', async () => {
    const failed = makeOutboxMail({
      kind: 'notification',
      status: 'failed',
      to: 'bounced@example.org',
      attempts: 8,
      lastError: '550 5.1.1 <bounced@example.org>: mailbox unavailable',
      createdAt: h.clock.now(),
    });
    await h.storage.repos.outbox.insert({ mail: failed });
    await h.storage.repos.outbox.insert({
      mail: makeOutboxMail({ status: 'pending', to: 'waiting@example.org' }),
    });
    const page = await (await h.get('/admin/mail', cookie)).text();
    expect(page).toContain('bounced@example.org');
    expect(page).toContain('550 5.1.1 &lt;bounced@example.org&gt;: mailbox unavailable');
    expect(page).toContain('New message notice');
    expect(page).toContain('1 email is waiting to be sent.');
    expect(page).not.toContain('waiting@example.org');

    const res = await h.post(`/admin/mail/${failed.id}/retry`, { cookie, formPage: '/admin/mail' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/mail?done=retried');
    expect(await h.storage.repos.outbox.findById({ id: failed.id })).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: h.clock.now(),
    });
    const after = await (await h.get('/admin/mail?done=retried', cookie)).text();
    expect(after).toContain('The email is back in the queue');
    expect(after).toContain('No emails have failed.');
    const [event] = await h.audit('mail.retry');
    expect(event).toMatchObject({
      actorId: adminId,
      targetType: 'mail',
      targetId: failed.id,
      details: { kind: 'notification', attempts: 8 },
    });
    expect(JSON.stringify(event)).not.toContain('bounced@example.org');

    // Retrying again does nothing: it is no longer failed.
    const again = await h.post(`/admin/mail/${failed.id}/retry`, {
      cookie,
      formPage: '/admin/mail',
    });
    expect(again.status).toBe(400);
    expect(await h.audit('mail.retry')).toHaveLength(1);
    const missing = await h.post('/admin/mail/no-such-mail/retry', {
      cookie,
      formPage: '/admin/mail',
    });
    expect(missing.status).toBe(404);
  });

  it('words a failure code in the admin’s language, the server’s reply as it is', async () => {
    const rows = [
      ['refused@example.org', 'smtp-refused:550 5.1.1 <refused@example.org>: no such user'],
      ['gaveup@example.org', 'gave-up:8:smtp-unreachable:ECONNREFUSED'],
      ['damaged@example.org', 'stored-damaged'],
    ] as const;
    for (const [to, lastError] of rows) {
      await h.storage.repos.outbox.insert({
        mail: makeOutboxMail({ status: 'failed', to, attempts: 8, lastError }),
      });
    }
    const english = await (await h.get('/admin/mail', cookie)).text();
    expect(english).toContain(
      'The mail server refused the email: 550 5.1.1 &lt;refused@example.org&gt;: no such user',
    );
    expect(english).toContain(
      'Gave up after 8 tries. Last reason: The mail server could not be reached or broke off (ECONNREFUSED).',
    );
    expect(english).toContain('The stored email is damaged and cannot be read.');
    expect(english).not.toContain('smtp-refused');

    const welsh = await (await h.get('/admin/mail?lang=cy', cookie)).text();
    expect(welsh).toContain(
      'Gwrthododd y gweinydd e-bost yr e-bost: 550 5.1.1 &lt;refused@example.org&gt;: no such user',
    );
    expect(welsh).toContain('Rhoddwyd y gorau iddi ar ôl 8 cynnig. Y rheswm olaf: ');
    expect(welsh).toContain('(ECONNREFUSED)');
    expect(welsh).not.toContain('The stored email is damaged');
    expect(welsh).not.toContain('gave-up:');
  });

  it('lists the keys and rotates to a new primary key, recorded', async () => {
    const before = await keys.cipher.listKeys();
    expect(before).toHaveLength(1);
    const page = await (await h.get('/admin/keys', cookie)).text();
    const grouped =
      (before[0]?.fingerprint ?? '')
        .toUpperCase()
        .match(/.{1,4}/g)
        ?.join(' ') ?? '';
    expect(page).toContain(grouped);
    expect(page).toContain('Primary');
    expect(page).toContain('sealpost keys reencrypt');

    const res = await h.post('/admin/keys/rotate', { cookie, formPage: '/admin/keys' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/keys?done=rotated');
    const after = await keys.cipher.listKeys();
    expect(after).toHaveLength(2);
    expect(after[0]?.isPrimary).toBe(true);
    expect(after[0]?.fingerprint).not.toBe(before[0]?.fingerprint);
    const shown = await (await h.get('/admin/keys?done=rotated', cookie)).text();
    expect(shown).toContain('New primary key');
    expect(shown).toContain('Older: decrypts only');
    const [event] = await h.audit('key.rotate');
    expect(event).toMatchObject({
      actorId: adminId,
      targetType: 'key',
      details: { fingerprint: after[0]?.fingerprint },
    });
  });
});
