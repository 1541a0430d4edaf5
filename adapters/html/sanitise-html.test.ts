import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_HTML_IMAGES, makeHtmlSafe, sanitiseMessageHtml as sanitise } from './sanitise-html.ts';

describe('sanitiseMessageHtml', () => {
  it('keeps ordinary formatting', () => {
    const html =
      '<p>Dear <strong>Ann</strong>,</p><ul><li>one</li><li><em>two</em></li></ul><table><tr><th scope="col">A</th></tr><tr><td colspan="2">1</td></tr></table><blockquote>q</blockquote><br>';
    expect(sanitise(html)).toBe(
      '<p>Dear <strong>Ann</strong>,</p><ul><li>one</li><li><em>two</em></li></ul><table><tr><th scope="col">A</th></tr><tr><td colspan="2">1</td></tr></table><blockquote>q</blockquote><br />',
    );
  });

  it('drops script, style, iframe, object, embed, form controls, base and meta with their content', () => {
    const html = [
      '<script>alert(1)</script>',
      '<style>p{color:red}</style>',
      '<iframe src="https://evil.example">frame</iframe>',
      '<object data="x.swf">obj</object><embed src="x.swf">',
      '<form action="https://evil.example"><input name="password"><button>Send</button><select><option>o</option></select><textarea>t</textarea></form>',
      '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example"><link rel="stylesheet" href="https://evil.example/x.css">',
      '<svg><script>alert(2)</script></svg><math><mtext>m</mtext></math>',
      '<noscript><p title="</noscript><img src=x onerror=alert(3)>"></noscript>',
    ].join('');
    expect(sanitise(html)).toBe('');
  });

  it('removes every on* handler, style, class and id', () => {
    const out = sanitise(
      '<p onclick="a()" onmouseover="b()" style="position:fixed" class="govuk-button" id="main-content">x</p><td onfocus="c()">y</td><img src="data:image/png;base64,AAAA" onerror="d()" onload="e()">',
    );
    expect(out).not.toMatch(/\son\w+=/i);
    expect(out).not.toMatch(/style=|class=|id=/);
    expect(out).toContain('<p>x</p>');
  });

  it('loads nothing remote: images only as inline PNG, JPEG, GIF or WebP', () => {
    expect(sanitise('<img src="https://tracker.example/p.gif" alt="x">')).toBe('');
    expect(sanitise('<img src="//tracker.example/p.gif">')).toBe('');
    expect(sanitise('<img src="/inbox/other/delete">')).toBe('');
    expect(sanitise('<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">')).toBe('');
    expect(sanitise('<img src="data:text/html;base64,PHNjcmlwdD4=">')).toBe('');
    expect(
      sanitise('<img srcset="https://t.example/a.png 1x" src="data:image/png;base64,AAAA">'),
    ).toBe('<img src="data:image/png;base64,AAAA" alt="" />');
    expect(
      sanitise('<img src="data:image/jpeg;base64,/9j/AA==" alt="Logo" width="120" height="50%">'),
    ).toBe('<img src="data:image/jpeg;base64,/9j/AA==" alt="Logo" width="120" />');
  });

  it('lets links lead only to web and mail addresses, opening web links in a new tab without a referrer', () => {
    expect(
      sanitise('<a href="https://example.org/a?b=1&c=2" target="_self" rel="opener">x</a>'),
    ).toBe(
      '<a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">x</a>',
    );
    expect(sanitise('<a href="mailto:help@barnet.gov.uk">mail</a>')).toBe(
      '<a href="mailto:help@barnet.gov.uk" rel="noopener noreferrer">mail</a>',
    );
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'jav&#x09;ascript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      '//evil.example/',
      '/sign-out-everywhere',
      '../inbox',
    ]) {
      expect(sanitise(`<a href="${href}">x</a>`), href).toBe('<a>x</a>');
    }
  });

  it('turns headings into h3 under the page heading', () => {
    expect(sanitise('<h1>Big</h1><h2>Less</h2><h6>Small</h6>')).toBe(
      '<h3>Big</h3><h3>Less</h3><h3>Small</h3>',
    );
  });

  it('escapes text so it cannot turn into markup', () => {
    expect(sanitise('1 &lt; 2 &amp;&amp; <b>"quoted"</b>')).toBe(
      '1 &lt; 2 &amp;&amp; <b>"quoted"</b>',
    );
    expect(sanitise('<p title="a&quot;onmouseover=&quot;x">t</p>')).toBe('<p>t</p>');
    expect(sanitise('<a href="https://e.example" title="&quot;><script>x</script>">t</a>')).toBe(
      '<a title="&quot;&gt;&lt;script&gt;x&lt;/script&gt;" href="https://e.example" target="_blank" rel="noopener noreferrer">t</a>',
    );
  });

  it('never lets script, handlers or remote sources through, whatever the mix (property)', () => {
    const pieces = fc.constantFrom(
      '<script>',
      '</script>',
      '<img src=x onerror=alert(1)>',
      '<svg onload=alert(1)>',
      '<a href="javascript:alert(1)">',
      '<iframe src=//evil>',
      '<p style="x">',
      '"',
      "'",
      '<',
      '>',
      '<!--',
      '-->',
      '<![CDATA[',
      ']]>',
      '<style>',
      '</p>',
      'text',
      '&lt;',
      '<img src="https://t.example/x.gif">',
      '<a href="https://ok.example">',
      '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
      '<noscript>',
      '</noscript>',
      '<textarea>',
      '</textarea>',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 25 }), (parts) => {
        const out = sanitise(parts.join(''));
        expect(out).not.toMatch(/<(script|style|iframe|svg|math|object|embed|form|noscript)\b/i);
        expect(out).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
        expect(out).not.toMatch(/<[^>]*\sstyle\s*=/i);
        expect(out).not.toMatch(/<[^>]*javascript:/i);
        expect(out).not.toMatch(/src="(?!data:image\/)/i);
      }),
      { numRuns: 500 },
    );
  });

  it('drops a remote image inside a link or bold text and keeps the markup around it whole', () => {
    expect(
      sanitise(
        '<p><a href="https://example.org/i">Info<img src="https://t.example/p.gif"></a> <b>x<img src="https://t.example/q.gif">y</b></p>',
      ),
    ).toBe(
      '<p><a href="https://example.org/i" target="_blank" rel="noopener noreferrer">Info</a> <b>xy</b></p>',
    );
  });
});

describe('makeHtmlSafe', () => {
  it('refuses HTML with more images than MAX_HTML_IMAGES before sanitising it', () => {
    const images = (n: number) => '<p><img src="https://t.example/p.gif">x</p>'.repeat(n);
    expect(makeHtmlSafe(images(MAX_HTML_IMAGES)).ok).toBe(true);
    expect(makeHtmlSafe(images(MAX_HTML_IMAGES + 1))).toEqual({
      ok: false,
      reason: 'too-many-images',
    });
  });

  it('places an inline image by its Content-ID and drops one it does not know', () => {
    const safe = makeHtmlSafe(
      '<p><img src="cid:Logo@Council" alt="logo"><img src="cid:other@x" alt="x"></p>',
      new Map([['logo@council', 3]]),
    );
    expect(safe).toEqual({
      ok: true,
      html: '<p><img src="cid:3" alt="logo" /></p>',
      placed: new Set([3]),
    });
  });
});
