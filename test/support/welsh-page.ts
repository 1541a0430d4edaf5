import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { entriesFor } from '../../views/strings/catalogue/catalogue.ts';
import { catalogueFolder, loadFolder } from '../../views/strings/catalogue/folder.ts';
import { en } from '../../views/strings/en.ts';
import { expectAccessible } from './browser.ts';

/**
 * The English a Welsh page must not show: every piece of text of the English table
 * (split at its `{values}`), less what Welsh rightly shares with English (a word that
 * the Welsh catalogue itself uses, such as "PDF", "staff" or "English" on the language
 * switch). Dictionary-free: if it is in the `en` table and not in Welsh, it is English.
 */
function englishPieces(): string[] {
  const welsh = [...loadFolder(en, 'cy', catalogueFolder('cy')).catalogue.values()]
    .flat()
    .join('\n')
    .toLowerCase();
  const pieces = new Set<string>();
  for (const entry of entriesFor(en)) {
    const texts = entry.kind === 'text' ? [entry.source] : [entry.source, entry.sourcePlural];
    for (const text of texts)
      for (const piece of text.split(/\{\w+\}/)) {
        const trimmed = piece
          .replace(/\s+/g, ' ')
          .trim()
          .replace(/^[\s:,.;()“”"‘’'–-]+|[\s:,.;()“”"‘’'–-]+$/g, '');
        // A piece must carry a word: at least one run of three letters.
        if (!/[A-Za-z]{3}/.test(trimmed)) continue;
        if (containsWords(welsh, trimmed.toLowerCase())) continue;
        pieces.add(trimmed);
      }
  }
  return [...pieces].sort((a, b) => b.length - a.length);
}

function containsWords(haystack: string, words: string): boolean {
  const escaped = words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}])${escaped}($|[^\\p{L}])`, 'u').test(haystack);
}

let cached: string[] | undefined;

/** English table text found on the page (outside `lang="en"` parts and `data-user-content`). */
export async function englishOnPage(page: Page): Promise<string[]> {
  cached ??= englishPieces();
  const shown = await page.evaluate(() => {
    const skip = (el: Element | null) =>
      el?.closest(':not(html)[lang="en"], [data-user-content], .sp-user-content') != null;
    const parts: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || skip(parent) || parent.closest('script, style, template')) continue;
      parts.push(node.textContent ?? '');
    }
    for (const el of document.querySelectorAll(
      '[aria-label], [title], [alt], [placeholder], input[type="submit"]',
    )) {
      if (skip(el)) continue;
      for (const name of ['aria-label', 'title', 'alt', 'placeholder', 'value'])
        if (el.hasAttribute(name) && (name !== 'value' || el.matches('input[type="submit"]')))
          parts.push(el.getAttribute(name) ?? '');
    }
    return parts.join('\n').replace(/[ \t]+/g, ' ');
  });
  return cached.filter((piece) => containsWords(shown, piece));
}

/**
 * What every Welsh page of an end-to-end flow must be: `<html lang="cy">`, no English
 * text of ours on it, and everything `expectAccessible` asks of any page (axe at the
 * window's width and at 320 px, no sideways scrolling at 320 px).
 */
export async function expectWelshPage(page: Page, what: string): Promise<void> {
  expect(await page.getAttribute('html', 'lang'), `${what}: <html lang>`).toBe('cy');
  expect((await englishOnPage(page)).join(' | '), `${what}: English on a Welsh page`).toBe('');
  await expectAccessible(page, what);
}
