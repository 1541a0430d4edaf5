import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

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
  /** CSS pixels; defaults to a 1024 x 768 window. */
  width?: number;
  height?: number;
  bypassCSP?: boolean;
}): Promise<BrowserContext> {
  const emulateNoScript = !args.javaScript && args.axe === true;
  const context = await args.browser.newContext({
    javaScriptEnabled: args.javaScript || emulateNoScript,
    viewport: { width: args.width ?? 1024, height: args.height ?? 768 },
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
