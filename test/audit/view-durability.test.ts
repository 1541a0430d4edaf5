// Decision 0025 against a real `sealpost serve`: a first open (tracking and its audit
// event) is on disk before the page is answered, so kill -9 straight after the answer
// keeps it; repeat views are queued, and SIGTERM writes the queue before the process
// exits, so every view is in the trail and `sealpost audit verify` finds it intact.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../adapters/compose.ts';
import { parseConfig } from '../../adapters/config/config.ts';
import { sqliteStorage } from '../../adapters/storage/sqlite/index.ts';
import { buildSession, DEFAULT_SESSION_POLICY } from '../../core/auth/sessions.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { makeAccount } from '../factories.ts';
import { runCli, startServe, stop, tempDir } from '../support/cli.ts';
import { silentLogger, storeOneMessage } from '../support/installation.ts';

const dataDir = tempDir('sealpost-view-durability-');
const env = {
  DATA_DIR: dataDir,
  PUBLIC_URL: 'http://127.0.0.1',
  SEALPOST_KEY_PASSPHRASE: 'view durability test passphrase',
  JOBS: 'off',
};
let deliveryId = '';
let cookie = '';

/** The database as a second process would find it. */
async function inspect<T>(read: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = sqliteStorage({ path: path.join(dataDir, 'sealpost.db') });
  try {
    return await read(storage);
  } finally {
    await storage.close();
  }
}

const opens = (storage: Storage) =>
  storage.repos.audit.list({
    filter: { action: 'message.open', targetId: deliveryId },
    limit: 100,
  });

beforeAll(async () => {
  const app = await compose(parseConfig(env), { logger: silentLogger() });
  try {
    const ann = makeAccount({ email: 'ann@example.org' });
    await app.storage.repos.accounts.insert({ account: ann });
    await storeOneMessage(app, { officer: 'jo@council.test', subject: 'Hi', body: 'Hello Ann' });
    const officer = await app.storage.repos.accounts.findByEmailKey({
      emailKey: 'jo@council.test',
    });
    const [message] = await app.storage.repos.messages.listSent({
      senderId: officer?.id ?? '',
      limit: 1,
      offset: 0,
    });
    const deliveries = await app.storage.repos.deliveries.listForMessage({
      messageId: message?.id ?? '',
    });
    deliveryId = deliveries.find((d) => d.recipientEmail === ann.email)?.id ?? '';
    const { session, token } = buildSession(
      { secrets: app.secrets, clock: app.clock, policy: DEFAULT_SESSION_POLICY },
      { account: ann, rememberMe: false, ip: null, userAgent: null },
    );
    await app.storage.repos.sessions.insert({ session });
    cookie = `sealpost_session=${token}`;
  } finally {
    await app.close();
  }
  expect(deliveryId).not.toBe('');
});

describe('message views under a real serve process', () => {
  it('has the first open on disk before the page is answered: kill -9 after it keeps it', async () => {
    const server = await startServe(env);
    try {
      const res = await fetch(`${server.url}/inbox/${deliveryId}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Hello Ann');
    } finally {
      // No graceful stop: nothing queued may be relied on, only what committed.
      await stop(server.child, 'SIGKILL');
    }
    const [delivery, events] = await inspect(async (storage) => [
      await storage.repos.deliveries.findById({ id: deliveryId }),
      await opens(storage),
    ]);
    expect(delivery).toMatchObject({ firstOpenedAt: expect.any(Date) });
    expect(events).toHaveLength(1);
  });

  it('writes queued repeat views on SIGTERM; the trail verifies', async () => {
    const server = await startServe(env);
    try {
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${server.url}/inbox/${deliveryId}`, { headers: { cookie } });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    } finally {
      expect(await stop(server.child, 'SIGTERM')).toBe(0);
    }
    expect(await inspect(opens)).toHaveLength(6);
    const verified = await runCli(['audit', 'verify'], env);
    expect(verified.stdout).toContain('audit trail intact');
    expect(verified.code).toBe(0);
  });
});
