/**
 * The dependency rule, enforced: core/ imports nothing outside core/. Every import,
 * re-export, dynamic import, `import('x').Type`, `require` and triple-slash reference
 * in every .ts/.tsx file under core/ is read with the TypeScript parser (not a
 * regular expression, so comments and strings cannot fool it) and checked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORE = join(ROOT, 'core');
const TEST = join(ROOT, 'test');

const RULE =
  'core/ is the domain and imports nothing outside core/: no hono, drizzle, openpgp, node:*, ' +
  'adapters, plugins or views — put I/O behind a port in core/*/ports.ts and implement it in adapters/.';

// Unit tests beside the code may use the test runner, property testing and the shared
// factories in test/; nothing they import ships with the domain.
const TEST_PACKAGES = new Set(['vitest', 'fast-check']);

/** One import a file makes: the specifier (null when computed at run time) and its line. */
type ImportSite = { specifier: string | null; line: number; kind: string };

/** One import that breaks the rule, with why. */
type Violation = { file: string; line: number; specifier: string; problem: string };

/** Every module a source file refers to, found by walking its syntax tree. */
function findImports(fileName: string, source: string): ImportSite[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  const sites: ImportSite[] = [];
  const lineOf = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const literal = (node: ts.Node | undefined) =>
    node && ts.isStringLiteralLike(node) ? node.text : null;

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier) {
        sites.push({
          specifier: literal(node.moduleSpecifier),
          line: lineOf(node),
          kind: 'import',
        });
      }
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    ) {
      sites.push({
        specifier: literal(node.moduleReference.expression),
        line: lineOf(node),
        kind: 'import =',
      });
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isImport || isRequire) {
        sites.push({
          specifier: literal(node.arguments[0]),
          line: lineOf(node),
          kind: isImport ? 'dynamic import' : 'require',
        });
      }
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      const text = ts.isLiteralTypeNode(arg) ? literal(arg.literal) : null;
      sites.push({ specifier: text, line: lineOf(node), kind: 'import type' });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);

  for (const ref of file.typeReferenceDirectives) {
    const line = file.getLineAndCharacterOfPosition(ref.pos).line + 1;
    // `/// <reference types="node" />` pulls in a package's types: a bare specifier.
    sites.push({ specifier: ref.fileName, line, kind: 'reference types' });
  }
  for (const ref of file.referencedFiles) {
    const line = file.getLineAndCharacterOfPosition(ref.pos).line + 1;
    const path = ref.fileName.startsWith('.') ? ref.fileName : `./${ref.fileName}`;
    sites.push({ specifier: path, line, kind: 'reference path' });
  }
  return sites;
}

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder + sep);
}

/** What, if anything, is wrong with one import of the core file at `path`. */
function problemWith(path: string, site: ImportSite): string | null {
  const isTest = /\.test\.tsx?$/.test(path);
  const spec = site.specifier;
  if (spec === null) {
    return `a ${site.kind} whose module is computed at run time, so nobody can check it`;
  }
  if (spec.startsWith('node:')) return `the Node built-in "${spec}"`;
  if (spec.startsWith('./') || spec.startsWith('../')) {
    const target = resolve(dirname(path), spec);
    if (isInside(target, CORE)) return null;
    if (isTest && isInside(target, TEST)) return null;
    return `"${spec}", which resolves to ${relative(ROOT, target) || '.'} outside core/`;
  }
  if (spec.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(spec)) return `the absolute path "${spec}"`;
  const packageName = spec.startsWith('@')
    ? spec.split('/').slice(0, 2).join('/')
    : spec.split('/')[0];
  if (isTest && TEST_PACKAGES.has(packageName ?? '')) return null;
  return `the package "${spec}"`;
}

/** Every violation of the rule in one file of core/, given its path and text. */
function checkCoreFile(path: string, source: string): Violation[] {
  const violations: Violation[] = [];
  for (const site of findImports(path, source)) {
    const problem = problemWith(path, site);
    if (problem !== null) {
      violations.push({
        file: relative(ROOT, path),
        line: site.line,
        specifier: site.specifier ?? '(computed)',
        problem,
      });
    }
  }
  return violations;
}

/** Every .ts and .tsx file under `folder`, skipping declaration files' generated kin. */
function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sourceFiles(path));
    } else if (/\.tsx?$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

function report(violations: Violation[]): string {
  const lines = violations.map((v) => `  ${v.file}:${v.line} imports ${v.problem}`);
  return `${RULE}\n\nThese imports break it:\n${lines.join('\n')}\n`;
}

describe('the dependency rule', () => {
  const files = sourceFiles(CORE);

  it('finds the domain code, so it cannot pass by checking nothing', () => {
    const nonTest = files.filter((f) => !/\.test\.tsx?$/.test(f));
    expect(nonTest.length).toBeGreaterThanOrEqual(30);
    for (const area of ['accounts', 'messages', 'shared']) {
      expect(files.some((f) => isInside(f, join(CORE, area)))).toBe(true);
    }
    // And it sees their imports: core files import one another all the time.
    const imports = files.flatMap((f) => findImports(f, readFileSync(f, 'utf8')));
    expect(imports.length).toBeGreaterThan(files.length);
  });

  it('holds: core/ imports nothing outside core/', () => {
    const violations = files.flatMap((f) => checkCoreFile(f, readFileSync(f, 'utf8')));
    if (violations.length > 0) expect.fail(report(violations));
  });
});

describe('the dependency rule checker itself', () => {
  const inCore = (name: string) => join(CORE, 'messages', name);
  const check = (source: string, name = 'sample.ts') =>
    checkCoreFile(inCore(name), source).map((v) => v.specifier);

  it('catches every kind of import from outside core/', () => {
    const source = [
      "import { Hono } from 'hono';",
      "import { eq } from 'drizzle-orm/sqlite-core';",
      "import * as openpgp from '@openpgp/web-stream-tools';",
      "import { readFile } from 'node:fs/promises';",
      "import type { Db } from '../../adapters/storage/sqlite/index.ts';",
      "export { Page } from '../../views/layout.tsx';",
      "export * from '../../plugins/dlp/index.ts';",
      "const lazy = await import('openpgp');",
      'const computed = await import(name);',
      "type T = import('postgres').Sql;",
      "import fs = require('fs');",
      "const cp = require('child_process');",
      "import '/etc/passwd';",
      "import 'core/shared/time.ts';",
    ].join('\n');
    expect(check(source)).toEqual([
      'hono',
      'drizzle-orm/sqlite-core',
      '@openpgp/web-stream-tools',
      'node:fs/promises',
      '../../adapters/storage/sqlite/index.ts',
      '../../views/layout.tsx',
      '../../plugins/dlp/index.ts',
      'openpgp',
      '(computed)',
      'postgres',
      'fs',
      'child_process',
      '/etc/passwd',
      'core/shared/time.ts',
    ]);
  });

  it('catches triple-slash references', () => {
    const source =
      '/// <reference types="node" />\n/// <reference path="../../adapters/x.d.ts" />\n';
    expect(check(source)).toEqual(['node', '../../adapters/x.d.ts']);
  });

  it('allows imports that stay inside core/', () => {
    const source = [
      "import type { Account } from '../accounts/model.ts';",
      "import { addDays } from '../shared/time.ts';",
      "export { deliveryState } from './model.ts';",
      "const m = await import('./model.ts');",
      "export * from '../../core/shared/errors.ts';",
    ].join('\n');
    expect(check(source)).toEqual([]);
  });

  it('is not fooled by comments or strings that look like imports', () => {
    const source = [
      "// import { Hono } from 'hono';",
      "/* import fs from 'node:fs'; */",
      'const text = "import x from \'openpgp\'";',
      "const template = `await import('drizzle-orm')`;",
    ].join('\n');
    expect(check(source)).toEqual([]);
  });

  it('lets unit tests use vitest, fast-check and test/, and nothing else', () => {
    const source = [
      "import { describe } from 'vitest';",
      "import fc from 'fast-check';",
      "import { makeAccount } from '../../test/factories.ts';",
      "import { Hono } from 'hono';",
      "import { tmpdir } from 'node:os';",
      "import { x } from '../../adapters/x.ts';",
    ].join('\n');
    expect(check(source, 'sample.test.ts')).toEqual(['hono', 'node:os', '../../adapters/x.ts']);
    expect(check("import { describe } from 'vitest';")).toEqual(['vitest']);
  });

  it('explains the rule and where to go instead when it fails', () => {
    const message = report(checkCoreFile(inCore('sample.ts'), "import { Hono } from 'hono';"));
    expect(message).toContain('core/ is the domain and imports nothing outside core/');
    expect(message).toContain(
      'put I/O behind a port in core/*/ports.ts and implement it in adapters/',
    );
    expect(message).toContain(`core${sep}messages${sep}sample.ts:1 imports the package "hono"`);
  });
});

describe('views/ and plugins/ stay on the inner side of adapters/', () => {
  // They may import core/ and themselves (and packages); adapters/ imports them, so an
  // import the other way would make a cycle through the composition root.
  const ADAPTERS = join(ROOT, 'adapters');
  const outward = (folder: string) =>
    sourceFiles(join(ROOT, folder))
      .filter((f) => !/\.test\.tsx?$/.test(f))
      .flatMap((f) =>
        findImports(f, readFileSync(f, 'utf8'))
          .filter(
            (site) =>
              site.specifier?.startsWith('.') &&
              isInside(resolve(dirname(f), site.specifier), ADAPTERS),
          )
          .map((site) => `${relative(ROOT, f)}:${site.line} imports ${site.specifier}`),
      );

  it('views/ imports nothing from adapters/', () => {
    expect(sourceFiles(join(ROOT, 'views')).length).toBeGreaterThan(20);
    expect(outward('views')).toEqual([]);
  });

  it('plugins/ imports nothing from adapters/', () => {
    expect(sourceFiles(join(ROOT, 'plugins')).length).toBeGreaterThan(5);
    expect(outward('plugins')).toEqual([]);
  });
});
