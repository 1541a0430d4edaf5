// The footer's privacy notice and accessibility statement answer on every page, signed
// in or not, and say what the service really does (its settings, its cookies).

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inlineCodeIn } from '../views/render.ts';
import { type MailboxHarness, mailboxHarness, sharedCipher } from './mailbox-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

describe('privacy and accessibility pages', () => {
  let h: MailboxHarness;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
  });
  afterEach(() => h.close());

  it('answer signed out, without setting a cookie, with the settings in force', async () => {
    const privacy = await h.get('/privacy');
    expect(privacy.status).toBe(200);
    expect(privacy.headers.get('set-cookie')).toBeNull();
    const text = await privacy.text();
    expect(inlineCodeIn(text)).toEqual([]);
    const settings = h.settings;
    expect(text).toContain(`for ${settings.accessDays} days`);
    expect(text).toContain(`deleted ${settings.retentionDays} days after`);
    expect(text).toContain('sealpost_session');
    expect(text).toContain('sealpost_device');

    const accessibility = await h.get('/accessibility');
    expect(accessibility.status).toBe(200);
    expect(await accessibility.text()).toContain('WCAG');
  });

  it('are what the footer links to', async () => {
    const html = await (await h.get('/help')).text();
    expect(html).toContain('href="/privacy"');
    expect(html).toContain('href="/accessibility"');
  });
});
