import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAxe, launchBrowser, newContext } from '../support/browser.ts';
import { sampleApp } from './sample-page.tsx';

// The sample page (layout, error summary, a form with every component in its error
// state, table, pagination) served by the real app's middleware, in real Chromium.

let browser: Browser;
let server: ServerType;
let origin: string;

beforeAll(async () => {
  const app = sampleApp();
  server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
      resolve(started),
    );
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Opens a page and collects what the browser refused under the CSP. */
async function open(page: Page, path: string): Promise<string[]> {
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });
  await page.goto(`${origin}${path}`, { waitUntil: 'load' });
  return refused;
}

describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('sample page $label', ({ javaScript }) => {
  for (const path of ['/sample', '/sample?signed-out', '/sample?lang=cy', '/panel', '/missing']) {
    it(`has no WCAG 2.2 A/AA violations (axe-core): ${path}`, async () => {
      const context = await newContext({ browser, javaScript, axe: true });
      try {
        const page = await context.newPage();
        const refused = await open(page, path);
        // With JavaScript htmx ran (and read its config) without tripping the CSP;
        // without, no script of the page ran at all.
        expect(await page.evaluate(() => typeof (window as { htmx?: unknown }).htmx)).toBe(
          javaScript ? 'object' : 'undefined',
        );
        expect((await checkAxe(page)).join('\n\n')).toBe('');
        expect(refused).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('fits a 320 px wide screen without horizontal scrolling (WCAG 1.4.10 reflow)', async () => {
    const context = await newContext({ browser, javaScript, width: 320, height: 640 });
    try {
      const page = await context.newPage();
      for (const path of ['/sample', '/sample?lang=cy', '/panel']) {
        await open(page, path);
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth),
          path,
        ).toBeLessThanOrEqual(320);
      }
    } finally {
      await context.close();
    }
  });
});

describe('sample page behaviour', () => {
  it('without JavaScript, the skip link and the error summary links move to their targets', async () => {
    const context = await newContext({ browser, javaScript: false });
    try {
      const page = await context.newPage();
      await open(page, '/sample');
      const focused = () =>
        page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent);
      await page.click('.govuk-error-summary a[href="#email"]');
      expect(await focused()).toBe('email');
      await page.click('.govuk-error-summary a[href="#topics"]');
      expect(await focused()).toBe('topics');

      await open(page, '/sample');
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('Skip to main content');
      await page.keyboard.press('Enter');
      expect(new URL(page.url()).hash).toBe('#main-content');
    } finally {
      await context.close();
    }
  });

  it('with JavaScript, a boosted link swaps in the next page (even a 404) and focuses its heading', async () => {
    const context = await newContext({ browser, javaScript: true });
    try {
      const page = await context.newPage();
      const refused = await open(page, '/sample');
      await page.click('a.govuk-back-link');
      await page.waitForFunction(() => document.title.startsWith('Page not found'));
      expect(new URL(page.url()).pathname).toBe('/inbox');
      await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
      // No history snapshot of a signed-in page is kept in the browser.
      expect(await page.evaluate(() => sessionStorage.getItem('htmx-history-cache'))).toBeNull();
      expect(refused).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('checkAxe does report violations (the check is not vacuous)', async () => {
    const context = await newContext({ browser, javaScript: true });
    try {
      const page = await context.newPage();
      await page.setContent('<html><body><input type="text"><img src="x.png"></body></html>');
      const violations = (await checkAxe(page)).join('\n');
      expect(violations).toMatch(/^html-has-lang/m);
      expect(violations).toMatch(/^image-alt/m);
      expect(violations).toMatch(/^label/m);
    } finally {
      await context.close();
    }
  });

  it('watermarks read-only content and keeps protected content off paper', async () => {
    const context = await newContext({ browser, javaScript: true });
    try {
      const page = await context.newPage();
      await open(page, '/sample');
      const watermark = await page.evaluate(
        () =>
          getComputedStyle(document.querySelector('.sp-watermark') as Element, '::before').content,
      );
      expect(watermark).toContain('Read only – sam@example.com');
      await page.emulateMedia({ media: 'print' });
      const display = (selector: string) =>
        page.evaluate(
          (s) => getComputedStyle(document.querySelector(s) as Element).display,
          selector,
        );
      expect(await display('.sp-protected')).toBe('none');
      expect(await display('.sp-print-only')).toBe('block');
      expect(await display('.sp-nav')).toBe('none');
    } finally {
      await context.close();
    }
  });

  it('with JavaScript, focuses the error summary so it is read out first', async () => {
    const context = await newContext({ browser, javaScript: true });
    try {
      const page = await context.newPage();
      await open(page, '/sample');
      await page.waitForFunction(() =>
        document.activeElement?.classList.contains('govuk-error-summary'),
      );
    } finally {
      await context.close();
    }
  });
});
