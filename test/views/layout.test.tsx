import { describe, expect, it } from 'vitest';
import { staticAssets } from '../../adapters/http/static.ts';
import { LANGUAGE_SWITCH_SLOT } from '../../views/components/language-switch.tsx';
import { escapeHtml } from '../../views/escape.ts';
import { HTMX_CONFIG, Layout } from '../../views/layout.tsx';
import { NotFoundPage, ServerErrorPage, SignInRequiredPage } from '../../views/pages/errors.tsx';
import { stringsFor } from '../../views/strings/index.ts';
import { inlineCodeIn, render } from './render.ts';
import { SAMPLE_ORG, SamplePage, SamplePanelPage } from './sample-page.tsx';

const en = stringsFor('en');
const cy = stringsFor('cy');
const org = { name: 'Anytown <Council> & "Friends"', colour: '#1d70b8' };

function count(html: string, pattern: RegExp): number {
  return [...html.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))]
    .length;
}

describe('Layout', () => {
  it('is a full page with lang, a title naming the council, and a skip link to main', async () => {
    const html = await render(
      <Layout title="Inbox" strings={en} lang="en" org={org}>
        <h1 class="govuk-heading-l">Inbox</h1>
      </Layout>,
    );
    expect(html.startsWith('<!doctype html><html lang="en" class="govuk-template">')).toBe(true);
    expect(html).toContain(
      '<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>',
    );
    expect(html).toContain(
      '<title>Inbox – Anytown &lt;Council&gt; &amp; &quot;Friends&quot;</title>',
    );
    expect(html).toContain('<a href="#main-content" class="govuk-skip-link"');
    expect(html).toContain('<main class="govuk-main-wrapper" id="main-content">');
    // The council's name, escaped, in the header; no crown, no GOV.UK logo.
    expect(html).toContain('>Anytown &lt;Council&gt; &amp; &quot;Friends&quot;</a>');
    expect(html).not.toMatch(/GOV\.UK|govuk-header__logotype|<svg[^>]*crown/i);
  });

  it('leaves the single <h1> to the page', async () => {
    const empty = await render(<Layout title="T" strings={en} lang="en" org={org} />);
    expect(count(empty, /<h1\b/)).toBe(0);
    const sample = await render(<SamplePage lang="en" signedIn />);
    expect(count(sample, /<h1\b/)).toBe(1);
    const panel = await render(<SamplePanelPage lang="en" />);
    expect(count(panel, /<h1\b/)).toBe(1);
  });

  it('has no inline script, style attribute or style element (strict CSP)', async () => {
    for (const page of [
      <SamplePage lang="en" signedIn />,
      <SamplePage lang="cy" signedIn={false} />,
      <NotFoundPage strings={en} lang="en" org={org} />,
      <ServerErrorPage strings={en} lang="en" org={org} requestId="r-1" />,
      <SignInRequiredPage strings={en} lang="en" org={org} signInHref="/sign-in" />,
    ]) {
      expect(inlineCodeIn(await render(page))).toEqual([]);
    }
  });

  it('loads only our stylesheets and deferred scripts, with hashed URLs', async () => {
    // Building the static area is what gives pages the hashed URLs it serves.
    staticAssets({ brandColour: () => org.colour });
    const html = await render(<Layout title="T" strings={en} lang="en" org={org} />);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts).toEqual([
      expect.stringMatching(/^<script src="\/static\/htmx\.min\.[0-9a-f]{12}\.js" defer=""/),
      expect.stringMatching(/^<script src="\/static\/sealpost\.[0-9a-f]{12}\.js" defer=""/),
      expect.stringMatching(/^<script src="\/static\/passkeys\.[0-9a-f]{12}\.js" defer=""/),
    ]);
    expect(html).toMatch(/<link rel="stylesheet" href="\/static\/app\.[0-9a-f]{12}\.css"\/>/);
    expect(html).toMatch(/<link rel="stylesheet" href="\/static\/theme\.[0-9a-f]{12}\.css"\/>/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('configures htmx through a meta tag: no eval, no script tags, no injected style, no history copies', async () => {
    const html = await render(<Layout title="T" strings={en} lang="en" org={org} />);
    const content = /<meta name="htmx-config" content="([^"]*)"/.exec(html)?.[1] ?? '';
    const config = JSON.parse(content.replaceAll('&quot;', '"'));
    expect(config).toEqual(HTMX_CONFIG);
    expect(config).toMatchObject({
      allowEval: false,
      allowScriptTags: false,
      selfRequestsOnly: true,
      includeIndicatorStyles: false,
      historyCacheSize: 0,
    });
    expect(html).toContain('<body class="govuk-template__body" hx-boost="true">');
  });

  it('shows the menu and a POST sign-out with the CSRF token only when signed in', async () => {
    const signedOut = await render(<Layout title="T" strings={en} lang="en" org={org} />);
    expect(signedOut).not.toContain('aria-label="Menu"');
    expect(signedOut).not.toContain('Sign out');

    const html = await render(
      <Layout
        title="Sent"
        strings={en}
        lang="en"
        org={org}
        account={{ displayName: 'Sam' }}
        csrfToken="tok-1"
        nav="sent"
        extraNav={[{ key: 'admin', href: '/admin', text: 'Admin' }]}
      />,
    );
    for (const [href, text] of [
      ['/inbox', 'Inbox'],
      ['/drafts', 'Drafts'],
      ['/compose', 'Write a message'],
      ['/contacts', 'Contacts'],
      ['/help', 'Help'],
      ['/admin', 'Admin'],
    ]) {
      expect(html).toContain(`href="${href}">${text}</a>`);
    }
    expect(html).toContain(
      'href="/sent" aria-current="page"><strong class="govuk-service-navigation__active-fallback">Sent</strong>',
    );
    expect(html).toMatch(
      /<form method="post" action="\/sign-out" class="sp-nav__form"><input type="hidden" name="_csrf" value="tok-1"\/><button type="submit"[^>]*>Sign out<\/button><\/form>/,
    );
  });

  it('has footer links and a language switch that posts the other language', async () => {
    const html = await render(<Layout title="T" strings={en} lang="en" org={org} />);
    expect(html).toContain('href="/help">Help</a>');
    expect(html).toContain('href="/accessibility">Accessibility statement</a>');
    expect(html).toContain('href="/privacy">Privacy notice</a>');
    expect(html).toContain(
      '<span class="sp-footer__current" lang="en" aria-current="true">English</span>',
    );
    // A POST (signed in it saves the choice), never boosted: `<html lang>` changes too.
    // The middleware fills the slot with the CSRF token and the page to come back to.
    expect(html).toContain(
      `<form method="post" action="/language" class="sp-nav__form" hx-boost="false">${LANGUAGE_SWITCH_SLOT}<input type="hidden" name="lang" value="cy"/><button type="submit" class="sp-link-button govuk-footer__link" lang="cy">Cymraeg</button></form>`,
    );
  });

  it('in Welsh, says so in <html lang>, translates, and keeps lang=cy on its links', async () => {
    const html = await render(
      <Layout
        title="Mewnflwch"
        strings={cy}
        lang="cy"
        org={org}
        account={{ displayName: 'S' }}
        csrfToken="t"
      />,
    );
    expect(html).toContain('<html lang="cy"');
    expect(html).toContain('Neidio i’r prif gynnwys');
    expect(html).toContain('href="/inbox?lang=cy">Mewnflwch</a>');
    expect(html).toContain('action="/sign-out?lang=cy"');
    expect(html).toContain('<input type="hidden" name="lang" value="en"/>');
    // A key the Welsh file leaves out falls back to English rather than breaking.
    expect(html).toContain('>English</');
  });

  it('puts "Error: " before the title when the form has problems', async () => {
    const html = await render(
      <Layout title="Sign in" strings={en} lang="en" org={org} hasErrors />,
    );
    expect(html).toContain('<title>Error: Sign in – Anytown');
  });
});

describe('error pages', () => {
  it('404 says what to check without saying whether anything exists', async () => {
    const html = await render(<NotFoundPage strings={en} lang="en" org={SAMPLE_ORG} />);
    expect(html).toContain('<h1 class="govuk-heading-l">Page not found</h1>');
    expect(html).toContain('<title>Page not found – Royal Borough');
  });

  it('500 gives the reference and nothing else about the error', async () => {
    const html = await render(
      <ServerErrorPage strings={cy} lang="cy" org={SAMPLE_ORG} requestId="abc-123" />,
    );
    expect(html).toContain('Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth');
    expect(html).toContain(escapeHtml(cy.errors.serverError.reference('abc-123')));
    expect(html).not.toContain('quote this reference');
  });

  it('"you need to sign in" links to the sign-in page and shows no menu', async () => {
    const html = await render(
      <SignInRequiredPage
        strings={en}
        lang="en"
        org={SAMPLE_ORG}
        account={{ displayName: 'x' }}
        signInHref="/sign-in?next=%2Finbox"
      />,
    );
    expect(html).toContain('<h1 class="govuk-heading-l">You need to sign in</h1>');
    expect(html).toContain('href="/sign-in?next=%2Finbox" draggable="false" class="govuk-button"');
    expect(html).not.toContain('Sign out');
  });
});
