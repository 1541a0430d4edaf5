/**
 * HTML is made safe once, when a mail is accepted (adapters/gateway/mail-content.ts)
 * or a body migrated (the lifecycle job), and the stored result is shown as it is. A
 * page view must never run the sanitiser: sanitize-html's cost grows faster than
 * linearly with nesting, so one crafted mail sanitised per view froze the portal
 * (issue 18). Enforced here: no file under views/ or adapters/http/ imports the
 * sanitiser, directly or through the rendering modules it imports (views/,
 * adapters/http/, adapters/html/); type-only imports run nothing and are left out.
 * Imports of other adapters are not followed: the portal's process also runs the
 * lifecycle jobs, whose body migration sanitises once per stored body, and loading
 * that module is not running it on a view. Imports are read with the TypeScript
 * parser, as in dependency-rule.test.ts, so comments and strings cannot fool it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SANITISER = join(ROOT, 'adapters', 'html', 'sanitise-html.ts');
const PACKAGE = 'sanitize-html';

const RULE =
  'A page view never runs the HTML sanitiser: bodies are made safe once, at intake, and ' +
  'stored (adapters/gateway/mail-content.ts). views/ and adapters/http/ may use ' +
  'adapters/html/html-shape.ts (linear) but not adapters/html/sanitise-html.ts or ' +
  'sanitize-html; make the HTML safe where it is stored instead.';

/** One import that runs code when its file is loaded (not `import type`). */
type ValueImport = { specifier: string; line: number };

/** The imports of a file that load code: type-only imports and exports are left out. */
function valueImports(fileName: string, source: string): ValueImport[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  const found: ValueImport[] = [];
  const lineOf = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly === true ||
        (clause !== undefined &&
          clause.name === undefined &&
          clause.namedBindings !== undefined &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) found.push({ specifier: node.moduleSpecifier.text, line: lineOf(node) });
    } else if (
      ts.isExportDeclaration(node) &&
      !node.isTypeOnly &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, line: lineOf(node) });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const arg = node.arguments[0];
      found.push({
        specifier: arg && ts.isStringLiteralLike(arg) ? arg.text : '(computed)',
        line: lineOf(node),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** The repository file a relative specifier names, or null for a package. */
function resolveLocal(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = resolve(dirname(from), specifier);
  if (existsSync(target)) return target;
  for (const ext of ['.ts', '.tsx', '/index.ts']) {
    if (existsSync(target + ext)) return target + ext;
  }
  return target;
}

/** Folders of code that renders pages: imports into them are followed. */
const RENDERING = [
  join(ROOT, 'views'),
  join(ROOT, 'adapters', 'http'),
  join(ROOT, 'adapters', 'html'),
];
const isRendering = (file: string) => RENDERING.some((folder) => file.startsWith(`${folder}/`));

const isSanitiserPackage = (specifier: string) =>
  specifier === PACKAGE || specifier.startsWith(`${PACKAGE}/`);

/**
 * Each file of `roots` from which the sanitiser can be reached, with the chain of
 * imports that reaches it (the file's own import first).
 */
function pathsToSanitiser(
  roots: string[],
  read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : ''),
) {
  const memo = new Map<string, string[] | null>();
  const visiting = new Set<string>();
  const reach = (file: string): string[] | null => {
    const known = memo.get(file);
    if (known !== undefined) return known;
    if (visiting.has(file)) return null;
    visiting.add(file);
    let found: string[] | null = null;
    for (const site of valueImports(file, read(file))) {
      const here = `${relative(ROOT, file)}:${site.line} imports ${site.specifier}`;
      if (isSanitiserPackage(site.specifier)) {
        found = [here];
        break;
      }
      const target = resolveLocal(file, site.specifier);
      if (target === null) continue;
      if (target === SANITISER) {
        found = [here];
        break;
      }
      if (!isRendering(target)) continue;
      const further = reach(target);
      if (further) {
        found = [here, ...further];
        break;
      }
    }
    visiting.delete(file);
    memo.set(file, found);
    return found;
  };
  return roots.flatMap((file) => {
    const chain = reach(file);
    return chain ? [chain.join('\n      -> ')] : [];
  });
}

describe('no page view runs the HTML sanitiser', () => {
  const roots = [
    ...sourceFiles(join(ROOT, 'views')),
    ...sourceFiles(join(ROOT, 'adapters', 'http')),
  ];

  it('finds the files it checks, and the sanitiser it looks for', () => {
    expect(roots.filter((f) => f.includes(`${join(ROOT, 'views')}`)).length).toBeGreaterThan(20);
    expect(roots.some((f) => f.endsWith(join('adapters', 'http', 'portal.ts')))).toBe(true);
    expect(existsSync(SANITISER)).toBe(true);
    expect(readFileSync(SANITISER, 'utf8')).toContain(`from '${PACKAGE}'`);
  });

  it('holds: views/ and adapters/http/ do not import sanitise-html.ts or sanitize-html', () => {
    const direct = roots.flatMap((f) =>
      valueImports(f, readFileSync(f, 'utf8'))
        .filter(
          (s) => isSanitiserPackage(s.specifier) || resolveLocal(f, s.specifier) === SANITISER,
        )
        .map((s) => `${relative(ROOT, f)}:${s.line} imports ${s.specifier}`),
    );
    if (direct.length > 0) expect.fail(`${RULE}\n\n  ${direct.join('\n  ')}\n`);
  });

  it('holds through the rendering modules they import', () => {
    const chains = pathsToSanitiser(roots);
    if (chains.length > 0) expect.fail(`${RULE}\n\nReached through:\n  ${chains.join('\n  ')}\n`);
  });
});

describe('the checker itself', () => {
  const file = join(ROOT, 'adapters', 'http', 'sample.ts');
  const specifiers = (source: string) => valueImports(file, source).map((s) => s.specifier);

  it('sees value imports, re-exports, dynamic imports and require', () => {
    expect(
      specifiers(
        [
          "import sanitizeHtml from 'sanitize-html';",
          "import { makeHtmlSafe } from '../html/sanitise-html.ts';",
          "import * as all from '../html/sanitise-html.ts';",
          "import '../html/sanitise-html.ts';",
          "export { makeHtmlSafe } from '../html/sanitise-html.ts';",
          "const lazy = await import('../html/sanitise-html.ts');",
          "const old = require('sanitize-html');",
          "import { type SafeHtml, makeHtmlSafe as m } from '../html/sanitise-html.ts';",
        ].join('\n'),
      ),
    ).toEqual([
      'sanitize-html',
      '../html/sanitise-html.ts',
      '../html/sanitise-html.ts',
      '../html/sanitise-html.ts',
      '../html/sanitise-html.ts',
      '../html/sanitise-html.ts',
      'sanitize-html',
      '../html/sanitise-html.ts',
    ]);
    expect(resolveLocal(file, '../html/sanitise-html.ts')).toBe(SANITISER);
  });

  it('leaves out type-only imports, and is not fooled by comments or strings', () => {
    expect(
      specifiers(
        [
          "import type { SafeHtml } from '../html/sanitise-html.ts';",
          "import { type HtmlRefusal } from '../html/sanitise-html.ts';",
          "export type { SafeHtml } from '../html/sanitise-html.ts';",
          "// import sanitizeHtml from 'sanitize-html';",
          'const s = "import x from \'sanitize-html\'";',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('follows a chain of imports to the sanitiser', () => {
    const a = join(ROOT, 'adapters', 'http', 'a.ts');
    const b = join(ROOT, 'adapters', 'http', 'b.ts');
    const sources: Record<string, string> = {
      [a]: "import { b } from './b.ts';",
      [b]: "import { makeHtmlSafe } from '../html/sanitise-html.ts';",
    };
    const chains = pathsToSanitiser([a], (f) => sources[f] ?? '');
    expect(chains).toHaveLength(1);
    expect(chains[0]).toContain('a.ts:1 imports ./b.ts');
    expect(chains[0]).toContain('b.ts:1 imports ../html/sanitise-html.ts');
  });

  it('does not follow imports of adapters that render nothing (the jobs)', () => {
    const a = join(ROOT, 'adapters', 'http', 'a.ts');
    const jobs = join(ROOT, 'adapters', 'jobs', 'j.ts');
    const sources: Record<string, string> = {
      [a]: "import { j } from '../jobs/j.ts';",
      [jobs]: "import { htmlSafety } from '../html/sanitise-html.ts';",
    };
    expect(pathsToSanitiser([a], (f) => sources[f] ?? '')).toEqual([]);
  });
});
