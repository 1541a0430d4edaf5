import { describe, expect, it } from 'vitest';
import { htmlToPlainText, nestsDeeperThan } from './html-shape.ts';

const nested = (tag: string, depth: number, inner = 'x') =>
  `${`<${tag}>`.repeat(depth)}${inner}${`</${tag}>`.repeat(depth)}`;

describe('nestsDeeperThan', () => {
  it('counts open elements exactly at the limit', () => {
    expect(nestsDeeperThan(nested('div', 200), 200)).toBe(false);
    expect(nestsDeeperThan(nested('div', 201), 200)).toBe(true);
    expect(nestsDeeperThan(nested('DIV', 201), 200)).toBe(true);
    expect(nestsDeeperThan(nested('div', 100_000), 200)).toBe(true);
  });

  it('does not count siblings, closed elements or unclosed ones that were closed by an ancestor', () => {
    expect(nestsDeeperThan('<div>a</div>'.repeat(10_000), 3)).toBe(false);
    // Inner elements left open are closed with their ancestor's end tag.
    expect(nestsDeeperThan('<div><span><b>x</div>'.repeat(1000), 3)).toBe(false);
  });

  it('does not nest void elements or self-closed tags', () => {
    expect(nestsDeeperThan(`<div>${'<br><img src=x><hr><input><wbr>'.repeat(1000)}`, 2)).toBe(
      false,
    );
    expect(nestsDeeperThan('<br/><img src=x /><hr/>'.repeat(1000), 0)).toBe(false);
    // A void element never closes, and neither does a `<br>` count when it is repeated.
    expect(nestsDeeperThan('<br>'.repeat(5), 0)).toBe(false);
  });

  it('nests `<div/>` as the parser does: the slash closes nothing on an element that is not void', () => {
    // htmlparser2 (under sanitize-html) opens a div for each `<div/>`: a 1 MB run of
    // them took 30 s to sanitise while this count said "no nesting".
    expect(nestsDeeperThan('<div/>'.repeat(1000), 200)).toBe(true);
    expect(nestsDeeperThan('<span/>'.repeat(3), 2)).toBe(true);
  });

  it('reads noembed, noframes and xmp as markup, as the parser does', () => {
    for (const name of ['noembed', 'noframes', 'xmp']) {
      expect(nestsDeeperThan(`<${name}>${'<div>'.repeat(1000)}`, 200), name).toBe(true);
    }
  });

  it('lets a <p>, <li>, <td> ... close an open sibling of its kind, as browsers do', () => {
    expect(nestsDeeperThan('<p>one'.repeat(1000), 2)).toBe(false);
    expect(nestsDeeperThan(`<ul>${'<li>item'.repeat(1000)}</ul>`, 3)).toBe(false);
    expect(nestsDeeperThan(`<table><tr>${'<td>cell'.repeat(1000)}</table>`, 4)).toBe(false);
    // But a different element in between still nests.
    expect(nestsDeeperThan('<p><div>'.repeat(10), 15)).toBe(true);
  });

  it('reads the content of script, style and the like as text, not markup', () => {
    const inStyle = `<style>${'<div>'.repeat(1000)}</style><p>after</p>`;
    expect(nestsDeeperThan(inStyle, 3)).toBe(false);
    expect(nestsDeeperThan(`<script>${'<div>'.repeat(1000)}</SCRIPT>`, 3)).toBe(false);
    expect(nestsDeeperThan(`<textarea>${'<b>'.repeat(1000)}`, 3)).toBe(false);
    // Markup after the raw-text element counts again.
    expect(nestsDeeperThan(`<style>x</style>${nested('div', 10)}`, 5)).toBe(true);
  });

  it('skips comments and doctypes, even ones full of tags', () => {
    const comment = `<!DOCTYPE html><!-- ${'<div>'.repeat(1000)} --><p>x</p>`;
    expect(nestsDeeperThan(comment, 3)).toBe(false);
    expect(nestsDeeperThan(`<!-- never closed ${'<div>'.repeat(1000)}`, 3)).toBe(false);
    expect(nestsDeeperThan(`<?xml version="1.0"?>${nested('div', 10)}`, 5)).toBe(true);
  });

  it('reads `<a<a<a` without any `>` as text, and a `<` that opens no tag', () => {
    expect(nestsDeeperThan('<a'.repeat(200_000), 3)).toBe(false);
    expect(nestsDeeperThan('1 < 2 and 3 <4 <<<'.repeat(1000), 0)).toBe(false);
    expect(nestsDeeperThan('', 0)).toBe(false);
  });

  it('counts elements with attributes, including a `>` in no quoted value', () => {
    const withAttributes = '<div class="a" data-x=1>'.repeat(50);
    expect(nestsDeeperThan(withAttributes, 49)).toBe(true);
    expect(nestsDeeperThan(withAttributes, 50)).toBe(false);
  });
});

/** The non-empty lines of a text: how far apart blocks are is a matter of taste. */
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('htmlToPlainText', () => {
  it('gives the text, block elements on their own lines, inline ones within them', () => {
    expect(
      lines(
        htmlToPlainText('<h1>Notice</h1><p>First paragraph.</p><p>Second <b>bold</b> one.</p>'),
      ),
    ).toEqual(['Notice', 'First paragraph.', 'Second bold one.']);
    expect(lines(htmlToPlainText('line one<br>line two<br/>line three'))).toEqual([
      'line one',
      'line two',
      'line three',
    ]);
  });

  it('keeps <p> siblings that were never closed apart', () => {
    expect(lines(htmlToPlainText('<p>one<p>two<p>three'))).toEqual(['one', 'two', 'three']);
  });

  it('drops the content of script, style, title and head, and comments', () => {
    const html =
      '<html><head><title>Title</title><meta charset="utf-8"></head><body>' +
      '<style>p { color: red }</style><script>alert(1)</script>' +
      '<!-- a note --><p>Visible</p></body></html>';
    expect(htmlToPlainText(html)).toBe('Visible');
  });

  it('decodes entities, named and numeric, and leaves unknown ones', () => {
    expect(
      htmlToPlainText('<p>Fish &amp; chips &pound;5 &#8364;6 &#x263A; &bogus; &lt;b&gt;</p>'),
    ).toBe('Fish & chips £5 €6 ☺ &bogus; <b>');
    // Decoded once: an escaped entity stays an entity, as a browser shows it.
    expect(htmlToPlainText('<p>&amp;lt;b&amp;gt; &amp;amp;</p>')).toBe('&lt;b&gt; &amp;');
  });

  it('reads `<a<a<a` without `>` as the text it is', () => {
    const text = htmlToPlainText(`before ${'<a'.repeat(1000)} after`);
    expect(text.startsWith('before <a<a')).toBe(true);
    expect(text.endsWith('<a after')).toBe(true);
  });

  it('gives the text of deeply nested markup', () => {
    expect(htmlToPlainText(nested('div', 100_000, 'Deep text'))).toBe('Deep text');
  });

  it('separates table cells and collapses runs of white space', () => {
    expect(
      lines(
        htmlToPlainText(
          '<table><tr><td>Name</td><td>Jo</td></tr><tr><td>Ref</td><td>42</td></tr></table>',
        ),
      ),
    ).toEqual(['Name Jo', 'Ref 42']);
    expect(htmlToPlainText('<p>a    b\t\tc</p>\n\n\n\n<p>d</p>')).toBe('a b c\n\nd');
  });
});
