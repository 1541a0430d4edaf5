// The gateway's decision about a mail it stores as a secure message commits in the
// message's own transaction: one commit per mail, not two. Mails it stores nothing for
// (rejected, relayed, refused by sendMessage) still leave their decision in the trail.

import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpGateway } from '../../adapters/gateway/smtp-gateway.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { type AcceptMailDeps, acceptMail } from '../../core/gateway/accept-mail.ts';
import type { Policy } from '../../core/gateway/ports.ts';
import type { Storage } from '../../core/storage/ports.ts';
import { type GatewayApp, openGatewayApp } from './support/gateway-app.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The storage, counting transactions and audit appends made outside any transaction. */
function counting(storage: Storage) {
  const counts = { transactions: 0, separateAppends: 0 };
  const wrapped: Storage = {
    ...storage,
    repos: {
      ...storage.repos,
      audit: {
        ...storage.repos.audit,
        append: (args) => {
          counts.separateAppends++;
          return storage.repos.audit.append(args);
        },
      },
    },
    transaction: (fn) => {
      counts.transactions++;
      return storage.transaction(fn);
    },
  };
  return { wrapped, counts };
}

async function gatewayWith(gw: GatewayApp, storage: Storage, policy: Policy) {
  const deps: AcceptMailDeps = {
    ...gw.app,
    publicUrl: gw.app.config.publicUrl,
    storage,
    relay: null,
    policy,
  };
  const server = await startSmtpGateway({
    host: '127.0.0.1',
    port: 0,
    tls: null,
    networks: ['127.0.0.1/32'],
    maxBytes: 1024 * 1024,
    maxRecipients: 10,
    logger: createLogger({ level: 'silent' }),
    checkSender: async () => null,
    authenticate: null,
    accept: async (mail) => acceptMail(deps, await gw.app.settings.get(), mail),
  });
  cleanups.push(() => server.close());
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.port });
  cleanups.push(async () => transport.close());
  return transport;
}

const encrypt: Policy = {
  name: 'test',
  evaluate: async () => ({ action: 'encrypt', reasons: ['test rule'] }),
};

describe('the gateway decision', () => {
  it('commits with the secure message: one transaction, no separate audit commit', async () => {
    const gw = await openGatewayApp();
    cleanups.push(() => gw.close());
    const { wrapped, counts } = counting(gw.app.storage);
    const client = await gatewayWith(gw, wrapped, encrypt);
    const mail = { from: 'jo@council.test', to: 'citizen@example.org', text: 'Hello' };
    // The first mail also creates the staff sender (its own commit); the second is typical.
    await client.sendMail({ ...mail, subject: 'first' });
    counts.transactions = 0;
    counts.separateAppends = 0;
    const info = await client.sendMail({ ...mail, subject: 'second' });
    expect(info.response).toBe('250 Accepted: stored as a secure message.');
    expect(counts).toEqual({ transactions: 1, separateAppends: 0 });

    const events = await gw.app.storage.repos.audit.list({ limit: 100, order: 'desc' });
    const [send, decision] = events;
    expect(send?.action).toBe('message.send');
    expect(decision).toMatchObject({
      action: 'gateway.decision',
      seq: (send?.seq ?? 0) - 1,
      details: { action: 'encrypt', externalRecipients: 1 },
    });
  });

  it('is recorded on its own when nothing is stored: rejected, or refused by sending', async () => {
    const gw = await openGatewayApp();
    cleanups.push(() => gw.close());
    const reject: Policy = {
      name: 'test',
      evaluate: async () => ({ action: 'reject', reasons: ['rule'], message: 'No.' }),
    };
    const rejecting = await gatewayWith(gw, gw.app.storage, reject);
    await expect(
      rejecting.sendMail({ from: 'jo@council.test', to: 'a@example.org', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    // A sender outside the council's domains: sending refuses, nothing is stored.
    const encrypting = await gatewayWith(gw, gw.app.storage, encrypt);
    await expect(
      encrypting.sendMail({ from: 'someone@example.net', to: 'a@example.org', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    const decisions = await gw.app.storage.repos.audit.list({
      filter: { action: 'gateway.decision' },
      limit: 10,
    });
    expect(decisions.map((e) => e.details.action)).toEqual(['reject', 'encrypt']);
    expect(
      await gw.app.storage.repos.audit.list({ filter: { action: 'message.send' }, limit: 10 }),
    ).toEqual([]);
  });
});
