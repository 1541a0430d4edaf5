// The package is publishable (issue 23, item 2): `npm pack` takes the application, the
// test kit and everything the kit and `sealpost/adapter` import, and nothing of an
// installation (data/, .env, keys) nor the tests themselves.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';

const run = promisify(execFile);

/** Every repository file `entry` imports, itself included, following relative imports. */
function importedFiles(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(path.join(ROOT, file), 'utf8');
    for (const match of source.matchAll(/(?:from|import\(|import)\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      visit(path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1] as string)));
    }
  };
  visit(entry);
  return seen;
}

describe('npm pack', () => {
  let files: string[] = [];
  beforeAll(async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map(
      (f) => f.path,
    ) as string[];
  }, 60_000);

  it('is not private, and exports the kit and the adapter API', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(manifest.exports['./test-kit']).toBe('./test/kit/index.ts');
    expect(manifest.exports['./adapter']).toBe('./adapters/registry/define.ts');
  });

  it('lists the kit, the adapter API and every file they import', () => {
    const needed = new Set([
      ...importedFiles('test/kit/index.ts'),
      ...importedFiles('adapters/registry/define.ts'),
    ]);
    expect(needed.size).toBeGreaterThan(10);
    const listed = new Set(files);
    expect([...needed].filter((file) => !listed.has(file))).toEqual([]);
    for (const file of ['package.json', 'README.md', 'LICENSE', 'tsconfig.json']) {
      expect(listed).toContain(file);
    }
    // The command runs from the package too.
    expect(listed).toContain('adapters/cli/bin.js');
  });

  it('lists nothing of an installation, no secrets and no tests', () => {
    const unwanted = files.filter(
      (file) =>
        /^(data|node_modules|\.ci|\.git|coverage)\//.test(file) ||
        /(^|\/)\.env(\.|$)/.test(file) ||
        /\.(pem|key|db|db-wal|log)$/.test(file) ||
        /\.test\.tsx?$/.test(file) ||
        /^test\/(?!kit\/|contracts\/|factories\.ts$)/.test(file),
    );
    expect(unwanted).toEqual([]);
  });
});
