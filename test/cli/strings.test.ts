import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueFolder, loadFolder } from '../../views/strings/catalogue/folder.ts';
import { en } from '../../views/strings/en.ts';
import { runCli, tempDir } from '../support/cli.ts';

// `sealpost strings export|import|check`: a council's translators take the Welsh out as
// a PO file, review it in their own tools, and bring it back. Run as the admin would,
// through the real `sealpost` command, on a copy of the catalogue folder.

const STACK_LINE = /^\s+at /m;

/** A copy of the shipped Welsh catalogue to import into, and a DATA_DIR for the CLI. */
function workspace() {
  const dir = tempDir('sealpost-strings-');
  const folder = path.join(dir, 'cy');
  cpSync(catalogueFolder('cy'), folder, { recursive: true });
  return { dir, folder, env: { DATA_DIR: path.join(dir, 'data') } };
}

describe('sealpost strings', () => {
  it('exports the Welsh as PO and imports it back into the same catalogue', async () => {
    const w = workspace();
    const file = path.join(w.dir, 'cy.po');
    const exported = await runCli(['strings', 'export', '--lang', 'cy', '--out', file], w.env);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^sealpost strings export: \d+ strings written to /);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"Language: cy\\n"');
    expect(text).toContain('msgctxt "auth.signIn.title"');

    // A reviewer changes one message; the import says so and the catalogue has it.
    const edited = text.replace(
      /(msgctxt "layout\.skipLink"\nmsgid "[^"]*"\nmsgstr )"[^"]*"/,
      '$1"Neidio i’r cynnwys"',
    );
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    const before = loadFolder(en, 'cy', w.folder).catalogue;
    const imported = await runCli(
      ['strings', 'import', '--lang', 'cy', '--file', file, '--folder', w.folder],
      w.env,
    );
    expect(imported.stderr).toBe('');
    expect(imported.stdout.trim()).toBe(
      `sealpost strings import: ${before.size} translations read, 1 changed; 0 strings still untranslated`,
    );
    const after = loadFolder(en, 'cy', w.folder).catalogue;
    expect(after.get('layout.skipLink')).toBe('Neidio i’r cynnwys');
    expect(new Map([...after].filter(([k]) => k !== 'layout.skipLink'))).toEqual(
      new Map([...before].filter(([k]) => k !== 'layout.skipLink')),
    );
  });

  it('refuses a file with problems, lists each on one line and changes nothing', async () => {
    const w = workspace();
    const file = path.join(w.dir, 'bad.po');
    writeFileSync(
      file,
      [
        'msgid ""\nmsgstr ""\n"Language: cy\\n"',
        'msgctxt "layout.pageTitle"\nmsgid ""\nmsgstr "{page}"',
        'msgctxt "no.such.key"\nmsgid ""\nmsgstr "Helo"',
        'msgctxt "layout.skipLink"\nmsgid ""\nmsgstr "Neidio"',
      ].join('\n\n'),
    );
    const before = readFileSync(path.join(w.folder, 'layout.po'), 'utf8');
    const result = await runCli(
      ['strings', 'import', '--lang', 'cy', '--file', file, '--folder', w.folder],
      w.env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'sealpost strings import: 2 problems; nothing was changed',
      '  - layout.pageTitle: keep {orgName}',
      '  - no.such.key: no such string',
    ]);
    expect(readFileSync(path.join(w.folder, 'layout.po'), 'utf8')).toBe(before);
  });

  it('answers bad usage and unreadable files with one line, exit 2, no stack trace', async () => {
    const w = workspace();
    const english = await runCli(['strings', 'export', '--lang', 'en'], w.env);
    expect(english.code).toBe(2);
    expect(english.stderr.trim()).toBe(
      'sealpost strings export: --lang must be a translated language (cy); English is the source',
    );
    const missing = await runCli(
      ['strings', 'import', '--lang', 'cy', '--file', path.join(w.dir, 'nope.po')],
      w.env,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const file = path.join(w.dir, 'broken.po');
    writeFileSync(file, 'msgctxt "a"\nmsgid "b\n');
    const broken = await runCli(
      ['strings', 'import', '--lang', 'cy', '--file', file, '--folder', w.folder],
      w.env,
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr.trim()).toMatch(/^sealpost strings import: .*broken\.po: line 2: /);
    for (const r of [english, missing, broken]) expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('checks the installed catalogue: nothing shown in English', async () => {
    const result = await runCli(['strings', 'check', '--lang', 'cy'], workspace().env);
    expect(result.stdout.trim()).toBe('sealpost strings check: cy: 0 strings shown in English');
    expect(result.code).toBe(0);
  });
});
