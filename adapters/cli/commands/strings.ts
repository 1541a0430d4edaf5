import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportCatalogue } from '../../../views/strings/catalogue/catalogue.ts';
import {
  catalogueFolder,
  importIntoFolder,
  loadFolder,
} from '../../../views/strings/catalogue/folder.ts';
import { PoSyntaxError } from '../../../views/strings/catalogue/po.ts';
import { en } from '../../../views/strings/en.ts';
import { isLang, type Lang, translationGaps } from '../../../views/strings/index.ts';
import { parseFlags, required } from '../args.ts';
import { UsageError } from '../errors.ts';
import type { CommandContext } from '../main.ts';

/** A language with a catalogue to export or import: every one but English, the source. */
function translatedLanguage(command: string, value: string | boolean | undefined): Lang {
  const lang = required(command, value, '--lang');
  if (!isLang(lang) || lang === 'en')
    throw new UsageError(
      `sealpost ${command}: --lang must be a translated language (cy); English is the source`,
    );
  return lang;
}

/** The folder to read and write: the installation's own, unless `--folder` names another. */
function folderFrom(value: string | boolean | undefined, lang: Lang): string {
  return typeof value === 'string' && value !== '' ? path.resolve(value) : catalogueFolder(lang);
}

/**
 * `sealpost strings export --lang cy [--area A] [--untranslated] [--out FILE]`: the
 * catalogue as one GNU gettext PO file (to standard output without `--out`), for a
 * translation team to review in Poedit, Weblate or similar.
 */
export async function runStringsExport(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('strings export', argv, {
    lang: { type: 'string' },
    area: { type: 'string' },
    untranslated: { type: 'boolean' },
    out: { type: 'string' },
    folder: { type: 'string' },
  });
  const lang = translatedLanguage('strings export', flags.lang);
  const read = loadFolder(en, lang, folderFrom(flags.folder, lang));
  if (read.problems.length > 0) return reportProblems(ctx, 'strings export', read.problems);
  const area = typeof flags.area === 'string' ? flags.area : undefined;
  const text = exportCatalogue({
    english: en,
    lang,
    catalogue: read.catalogue,
    ...(area === undefined ? {} : { area }),
    untranslatedOnly: flags.untranslated === true,
  });
  if (typeof flags.out === 'string' && flags.out !== '') {
    writeFileSync(path.resolve(flags.out), text, { flag: 'wx' });
    const count = (text.match(/^msgctxt /gm) ?? []).length;
    ctx.out(`sealpost strings export: ${count} strings written to ${flags.out}`);
  } else process.stdout.write(text);
  return 0;
}

/**
 * `sealpost strings import --lang cy --file FILE`: checks a reviewed PO file against
 * the English table (keys, placeholders, plural forms) and, only if all is well, merges
 * it into the catalogue. Every problem is listed, one line each, and nothing changes.
 */
export async function runStringsImport(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('strings import', argv, {
    lang: { type: 'string' },
    file: { type: 'string' },
    folder: { type: 'string' },
  });
  const lang = translatedLanguage('strings import', flags.lang);
  const file = required('strings import', flags.file, '--file');
  let text: string;
  try {
    text = readFileSync(path.resolve(file), 'utf8');
  } catch {
    throw new UsageError(`sealpost strings import: cannot read ${file}`);
  }
  let result: ReturnType<typeof importIntoFolder>;
  try {
    result = importIntoFolder({ english: en, lang, folder: folderFrom(flags.folder, lang), text });
  } catch (error) {
    if (error instanceof PoSyntaxError)
      throw new UsageError(`sealpost strings import: ${file}: ${error.message}`);
    throw error;
  }
  if (!result.ok) return reportProblems(ctx, 'strings import', result.problems);
  const { read, changed, untranslated } = result.summary;
  ctx.out(
    `sealpost strings import: ${read} translations read, ${changed} changed; ${untranslated} strings still untranslated`,
  );
  return 0;
}

/** `sealpost strings check --lang cy`: how complete the installed catalogue is. */
export async function runStringsCheck(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('strings check', argv, { lang: { type: 'string' } });
  const lang = translatedLanguage('strings check', flags.lang);
  const read = loadFolder(en, lang, catalogueFolder(lang));
  if (read.problems.length > 0) return reportProblems(ctx, 'strings check', read.problems);
  const gaps = translationGaps(lang);
  for (const key of gaps) ctx.out(`  untranslated: ${key}`);
  ctx.out(`sealpost strings check: ${lang}: ${gaps.length} strings shown in English`);
  return gaps.length === 0 ? 0 : 1;
}

function reportProblems(
  ctx: CommandContext,
  command: string,
  problems: Array<{ key: string; problem: string }>,
): number {
  ctx.err(`sealpost ${command}: ${problems.length} problems; nothing was changed`);
  for (const p of problems) ctx.err(`  - ${p.key}: ${p.problem}`);
  return 2;
}
