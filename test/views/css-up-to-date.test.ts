import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILD_CSS_COMMAND, CSS_PATHS, compileAppCss } from '../../views/tools/build-css.ts';

describe('views/static/app.css', () => {
  it('is the compiled views/styles/app.scss (the tree runs without a build step)', () => {
    const committed = readFileSync(CSS_PATHS.output, 'utf8');
    const fresh = compileAppCss();
    // A plain boolean keeps a 100 KB diff out of the report; the message says what to do.
    expect(
      committed === fresh,
      `views/static/app.css is out of date with views/styles/. Run: ${BUILD_CSS_COMMAND}`,
    ).toBe(true);
  });

  it('carries no GOV.UK brand: no GDS Transport, no logo, no crest image, no asset URLs', () => {
    const css = readFileSync(CSS_PATHS.output, 'utf8');
    expect(css).not.toMatch(/GDS Transport|@font-face/);
    expect(css).not.toMatch(/url\(/);
    expect(css).not.toMatch(/govuk-header__logotype|govuk-logo-dot/);
  });

  it('has the print rule that keeps protected content off paper', () => {
    const css = readFileSync(CSS_PATHS.output, 'utf8');
    expect(css).toMatch(/@media print\{[^@]*\.sp-protected\{display:none ?!important\}/);
  });
});
