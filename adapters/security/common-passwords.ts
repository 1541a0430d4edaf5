import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CommonPasswords } from '../../core/accounts/ports.ts';

/**
 * The data file beside this module: the 10,000 most common passwords from zxcvbn
 * 4.4.2, written by test/tools/generate-common-passwords.ts (docs/decisions/0008).
 */
export const COMMON_PASSWORDS_FILE = fileURLToPath(
  new URL('./common-passwords.txt', import.meta.url),
);

/**
 * The passwords in the file's text, in order: UTF-8, one a line, after a header of
 * `#` lines (the source and its licence). Blank lines are skipped, and so is the `\r`
 * a Windows checkout may add; nothing else is trimmed, as a space can be part of a
 * password.
 */
export function parseCommonPasswords(text: string): string[] {
  const passwords: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || line.startsWith('#')) continue;
    passwords.push(line);
  }
  return passwords;
}

/**
 * The common-password list read from the data file: lazily, on the first `has`, so
 * commands that never check a password never read it; then once, into a `Set`.
 * `path` is for tests; the application uses the file beside this module.
 */
export function fileCommonPasswords(path: string = COMMON_PASSWORDS_FILE): CommonPasswords {
  let list: ReadonlySet<string> | null = null;
  return {
    has(lowercasedPassword) {
      list ??= new Set(parseCommonPasswords(readFileSync(path, 'utf8')));
      return list.has(lowercasedPassword);
    },
  };
}
