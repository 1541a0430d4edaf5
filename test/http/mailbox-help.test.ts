import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helpDocFile, helpMarkdown } from '../../views/pages/help/markdown.ts';
import { HELP_TOPICS } from '../../views/strings/en/help.ts';
import { stringsFor } from '../../views/strings/index.ts';
import { ROOT } from '../support/cli.ts';
import { inlineCodeIn } from '../views/render.ts';
import { type MailboxHarness, mailboxHarness, sharedCipher } from './mailbox-support.ts';

const keys = sharedCipher();
afterAll(() => keys.close());

const PAGES = ['/help', ...HELP_TOPICS.map((t) => `/help/${t}`)];

describe('help pages', () => {
  let h: MailboxHarness;
  beforeEach(async () => {
    h = await mailboxHarness(keys.cipher());
  });
  afterEach(() => h.close());

  it('are there for someone signed out, without the menu', async () => {
    for (const page of PAGES) {
      const res = await h.get(page);
      expect(res.status, page).toBe(200);
      const html = await res.text();
      expect(html, page).not.toContain('action="/sign-out"');
      expect(inlineCodeIn(html), page).toEqual([]);
    }
    const index = await (await h.get('/help')).text();
    for (const topic of HELP_TOPICS) expect(index).toContain(`href="/help/${topic}"`);
    const problems = await (await h.get('/help/problems')).text();
    for (const words of ['spam or junk folder', 'locked', 'expired', 'Who to contact']) {
      expect(problems).toContain(words);
    }
  });

  it('show the menu to someone signed in', async () => {
    const ann = await h.addAccount('ann@example.org');
    const cookie = await h.signIn(ann.email);
    const html = await (await h.get('/help/passwords', cookie)).text();
    expect(html).toContain('action="/sign-out"');
    expect(html).toContain('aria-current="page"');
  });

  it('answer an unknown topic with 404', async () => {
    expect((await h.get('/help/nothing-here')).status).toBe(404);
  });

  it('keep a Welsh reader in Welsh', async () => {
    const html = await (await h.get('/help?lang=cy')).text();
    expect(html).toContain('<html lang="cy"');
    expect(html).toContain('<h1 class="govuk-heading-l">Cymorth</h1>');
    expect(html).toContain('href="/help/passwords?lang=cy"');
  });
});

describe('docs/recipients', () => {
  // `UPDATE_HELP_DOCS=1 npx vitest run test/http/mailbox-help.test.ts` rewrites them.
  it('mirror the help pages word for word', () => {
    const strings = stringsFor('en');
    for (const topic of [undefined, ...HELP_TOPICS]) {
      const file = path.join(ROOT, 'docs', 'recipients', helpDocFile(topic));
      const expected = helpMarkdown(strings, topic);
      if (process.env.UPDATE_HELP_DOCS === '1') writeFileSync(file, expected);
      expect(readFileSync(file, 'utf8'), file).toBe(expected);
    }
  });
});
