import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium; playwright-core downloads no browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Starts headless Chromium for end-to-end and accessibility tests. The flags keep it
 * quiet and self-contained: no sandbox (containers), no GPU, no background traffic.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser profile (no cookies, no cache), with JavaScript on or off: every page
 * must work both ways.
 *
 * axe-core cannot run where JavaScript is disabled (its timers never fire and the page
 * is closed under it). For an accessibility check of the no-JavaScript page, pass
 * `axe: true` with `javaScript: false`: the engine stays on for axe, but every script
 * the page asks for is refused (and the CSP already refuses inline ones), so the page
 * renders exactly as it would with JavaScript off.
 *
 * `bypassCSP` is for tests that must inject inline code; `checkAxe` does not need it, so
 * leave it off and the page is also tested against its real CSP.
 */
export async function newContext(args: {
  browser: Browser;
  javaScript: boolean;
  axe?: boolean;
  /** CSS pixels; defaults to a 1280 x 800 window (a laptop; 320 is checked per page). */
  width?: number;
  height?: number;
  bypassCSP?: boolean;
}): Promise<BrowserContext> {
  const emulateNoScript = !args.javaScript && args.axe === true;
  const context = await args.browser.newContext({
    javaScriptEnabled: args.javaScript || emulateNoScript,
    viewport: { width: args.width ?? 1280, height: args.height ?? 800 },
    bypassCSP: args.bypassCSP ?? false,
    locale: 'en-GB',
  });
  if (emulateNoScript) {
    await context.route(
      (url) => url.pathname.endsWith('.js'),
      (route) => route.abort('blockedbyclient'),
    );
  }
  return context;
}

/** The WCAG rule sets Sealpost must pass: 2.0, 2.1 and 2.2, levels A and AA. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

type AxeNode = { target: unknown[]; html: string; failureSummary?: string };
type AxeViolation = {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
};

let axeSource: string | undefined;

/**
 * Runs axe-core on the page as it stands and returns its WCAG A/AA violations, each as
 * a readable paragraph (rule, impact, help link, and every offending element); an empty
 * list means none. axe is evaluated through the DevTools protocol, which the page's CSP
 * does not govern, so no `bypassCSP` is needed. The context needs JavaScript (see
 * `newContext`'s `axe` option for the no-JavaScript page).
 */
export async function checkAxe(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const hasAxe = await page.evaluate(() => 'axe' in window);
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = (await page.evaluate(
    (tags) =>
      (
        window as unknown as {
          axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> };
        }
      ).axe
        .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
        .then((results) => results.violations),
    AXE_TAGS,
  )) as AxeViolation[];
  return violations.map(formatViolation);
}

function formatViolation(violation: AxeViolation): string {
  const nodes = violation.nodes
    .map((node) => {
      const summary = (node.failureSummary ?? '').replace(/\s*\n\s*/g, ' ').trim();
      return `  - ${node.target.join(' ')}: ${node.html}\n    ${summary}`;
    })
    .join('\n');
  return `${violation.id} (${violation.impact ?? 'unknown'}): ${violation.help}\n  ${violation.helpUrl}\n${nodes}`;
}

/**
 * The checks every page of an end-to-end flow gets: no WCAG 2.2 A/AA violation found by
 * axe at the window's width (1280 unless the test chose another) and again at 320 CSS
 * pixels, and no horizontal scrolling at 320 (WCAG 1.4.10 Reflow), measured by
 * narrowing the window for a moment and putting it back.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  expect((await checkAxe(page)).join('\n\n'), `axe on ${what}`).toBe('');
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  expect((await checkAxe(page)).join('\n\n'), `axe on ${what} at 320 px`).toBe('');
  const { width, culprits } = await page.evaluate(() => {
    // The deepest elements that stick out to the right, to say what to fix.
    // (sticking out itself, or holding content that overflows it, such as a long word).
    const wide = [...document.querySelectorAll('body *')].filter(
      (el) =>
        // A table may scroll in its own box; a stacked one (a list on a phone) may not.
        el.parentElement?.closest('.sp-table-scroll:not(.sp-stacked)') == null &&
        (el.getBoundingClientRect().right > 321 ||
          (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible')),
    );
    const leaves = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
    return {
      width: document.documentElement.scrollWidth,
      culprits: leaves.slice(0, 3).map((el) => el.outerHTML.slice(0, 160)),
    };
  });
  if (size) await page.setViewportSize(size);
  expect(
    width,
    `${what}: wider than a 320 px screen (WCAG 1.4.10); sticking out: ${culprits.join(' | ')}`,
  ).toBeLessThanOrEqual(320);
}
