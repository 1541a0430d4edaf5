import { describe, expect, it } from 'vitest';
import { measureFirstVisit, PAGE_WEIGHT_BUDGET } from './page-weight.ts';
import { sampleApp } from './sample-page.tsx';

describe('page weight of a first visit', () => {
  const app = sampleApp();
  const fetch = (url: string, init?: RequestInit) => app.request(url, init);

  it('stays within 30 KB gzipped without JavaScript (HTML and CSS)', async () => {
    const weight = await measureFirstVisit({ fetch, path: '/sample', withJs: false });
    expect(weight.resources.map((r) => r.kind).sort()).toEqual(['css', 'css', 'html']);
    expect(weight.totalGzipped).toBeLessThanOrEqual(PAGE_WEIGHT_BUDGET.withoutJs);
  });

  it('stays within 50 KB gzipped with JavaScript (htmx, sealpost.js and passkeys.js added)', async () => {
    const weight = await measureFirstVisit({ fetch, path: '/sample', withJs: true });
    // The WebAuthn helper is not among them: passkeys.js loads it only when a passkey is used.
    expect(weight.resources.filter((r) => r.kind === 'js').map((r) => r.url)).toEqual([
      expect.stringMatching(/\/static\/htmx\.min\.[0-9a-f]{12}\.js$/),
      expect.stringMatching(/\/static\/sealpost\.[0-9a-f]{12}\.js$/),
      expect.stringMatching(/\/static\/passkeys\.[0-9a-f]{12}\.js$/),
    ]);
    expect(weight.totalGzipped).toBeLessThanOrEqual(PAGE_WEIGHT_BUDGET.withJs);
  });

  it('refuses a page that pulls in a third-party resource', async () => {
    const page = '<!doctype html><link rel="stylesheet" href="https://cdn.example/x.css">';
    const fetchThirdParty = async () =>
      new Response(page, { headers: { 'content-type': 'text/html' } });
    await expect(
      measureFirstVisit({ fetch: fetchThirdParty, path: '/', withJs: false }),
    ).rejects.toThrow(/third-party/);
  });
});
