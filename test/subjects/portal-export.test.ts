// GET /account/export: a recipient downloads their own correspondence as a zip, with
// the sender's controls holding; signed out they are sent to sign in; staff get 404.

import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recipientExportArea } from '../../adapters/http/areas/recipient-export.ts';
import type { AppEnv } from '../../adapters/http/env.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import type { Account } from '../../core/accounts/model.ts';
import { type LifecycleHarness, lifecycleHarness } from '../lifecycle/support.ts';
import { readEml, readZip, type SeededPerson, seedPerson } from './support.ts';

let h: LifecycleHarness;
let p: SeededPerson;
let signedIn: Account | null;
let portal: Hono<AppEnv>;

beforeEach(async () => {
  h = await lifecycleHarness();
  p = await seedPerson(h);
  const app = {
    logger: createLogger({
      level: 'silent',
      destination: new Writable({ write: (_c, _e, done) => done() }),
    }),
    storage: h.storage,
    cipher: h.cipher,
    blobs: h.blobs,
    secrets: h.secrets,
    ids: h.ids,
    clock: h.clock,
  };
  signedIn = null;
  // The session middleware's part, reduced to what the route reads.
  portal = new Hono<AppEnv>();
  portal.use('*', async (c, next) => {
    c.set('account', signedIn);
    c.set('clientIp', '198.51.100.7');
    await next();
  });
  portal.route('/', recipientExportArea(app));
});
afterEach(async () => {
  await h.close();
});

describe('GET /account/export', () => {
  it('streams a zip of what the recipient may download, and records it', async () => {
    signedIn = p.ann;
    const res = await portal.request('/account/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="sealpost-messages-\d{4}-\d{2}-\d{2}\.zip"$/,
    );
    const entries = readZip(Buffer.from(await res.arrayBuffer()));
    const names = [...entries.keys()];
    expect(names.every((n) => n.startsWith('sealpost-export/'))).toBe(true);
    const received = names.filter((n) => n.includes('/messages/received/'));
    expect(received).toHaveLength(1);
    const eml = await readEml(entries.get(received[0] as string)?.toString('utf8') ?? '');
    expect(eml.parts).toEqual(['Here is the decision letter.', 'Application approved.']);
    expect(names.filter((n) => n.includes('/messages/sent/'))).toHaveLength(1);
    const index = JSON.parse(entries.get('sealpost-export/index.json')?.toString('utf8') ?? '{}');
    expect(index.counts).toMatchObject({ received: 1, sent: 1, withheld: 2 });
    const [event] = await h.storage.repos.audit.list({
      filter: { action: 'subject.export' },
      limit: 5,
    });
    expect(event).toMatchObject({
      actorId: p.ann.id,
      ip: '198.51.100.7',
      details: { scope: 'self-service' },
    });
  });

  it('sends a signed-out browser to sign in, and gives staff a 404', async () => {
    const out = await portal.request('/account/export');
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/sign-in?next=%2Faccount%2Fexport');
    expect(out.headers.get('set-cookie')).toBeNull();
    signedIn = p.officer;
    expect((await portal.request('/account/export')).status).toBe(404);
  });
});
