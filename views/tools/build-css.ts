import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as sass from 'sass';

/** The command that rebuilds the stylesheet; quoted in the staleness test's message. */
export const BUILD_CSS_COMMAND = 'node --import tsx views/tools/build-css.ts';

/** Where the source and the committed output live. */
export const CSS_PATHS = {
  source: fileURLToPath(new URL('../styles/app.scss', import.meta.url)),
  output: fileURLToPath(new URL('../static/app.css', import.meta.url)),
};

// GOV.UK Frontend's Sass is imported as `govuk/...` from the package's dist folder.
const GOVUK_DIST = fileURLToPath(
  new URL('../../node_modules/govuk-frontend/dist', import.meta.url),
);

/**
 * Compiles views/styles/app.scss into compressed CSS. Deterministic (no source map, no
 * timestamps), so the committed file can be compared with a fresh build.
 */
export function compileAppCss(): string {
  const result = sass.compile(CSS_PATHS.source, {
    style: 'compressed',
    loadPaths: [GOVUK_DIST],
    // GOV.UK Frontend's own deprecation notices are theirs to fix, not ours.
    quietDeps: true,
    sourceMap: false,
    // No byte-order mark: the server says `charset=utf-8`, and a BOM would sit in the
    // middle of anything the file is ever concatenated into.
    charset: false,
  });
  return `${result.css}\n`;
}

/** Writes the compiled stylesheet and says how big it is. */
function buildCss(): void {
  const css = compileAppCss();
  writeFileSync(CSS_PATHS.output, css);
  process.stdout.write(`wrote ${CSS_PATHS.output} (${Buffer.byteLength(css)} bytes)\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) buildCss();
