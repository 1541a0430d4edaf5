/**
 * No source file of the web adapter grows past 400 lines (issue 23): an area is split
 * by sub-resource, as adapters/http/areas/staff/ and areas/public/ are, with an index
 * that mounts the pieces and a context file for what they share. Test files are left
 * out; views/ and core/ are not checked here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HTTP = join(ROOT, 'adapters', 'http');
const MAX_LINES = 400;

/** Every non-test .ts/.tsx file under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    if (!/\.tsx?$/.test(entry.name) || /\.test\.tsx?$/.test(entry.name)) return [];
    return [path];
  });
}

/** Lines as an editor numbers them: a final newline does not start another line. */
function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

describe('file size in adapters/http', () => {
  it('finds the files it checks', () => {
    expect(sourceFiles(HTTP).length).toBeGreaterThan(10);
  });

  it(`keeps every source file at ${MAX_LINES} lines or fewer`, () => {
    const tooLong = sourceFiles(HTTP)
      .map((path) => ({ file: relative(ROOT, path), lines: lineCount(readFileSync(path, 'utf8')) }))
      .filter((f) => f.lines > MAX_LINES)
      .map(
        (f) =>
          `${f.file} has ${f.lines} lines (at most ${MAX_LINES}): split it by sub-resource, ` +
          'as adapters/http/areas/staff/ is (an index mounting one file per sub-resource, ' +
          'plus a context file for shared helpers).',
      );
    expect(tooLong, tooLong.join('\n')).toEqual([]);
  });
});
