import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  areaOf,
  type Catalogue,
  entriesFor,
  exportCatalogue,
  type ImportProblem,
  importCatalogue,
  readCatalogue,
} from './catalogue.ts';

/** The folder holding a language's PO files in this installation (`views/strings/cy`). */
export function catalogueFolder(lang: string): string {
  return fileURLToPath(new URL(`../${lang}/`, import.meta.url));
}

/** The PO files of a folder, by name, sorted. */
export function readFolder(folder: string): Array<{ name: string; text: string }> {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.po'))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(folder, name), 'utf8') }));
}

/** A language's catalogue as its folder holds it. */
export function loadFolder(
  english: object,
  lang: string,
  folder: string,
): { catalogue: Catalogue; fuzzy: Catalogue; problems: ImportProblem[] } {
  return readCatalogue({ english, lang, files: readFolder(folder) });
}

/** What an import changed, for the command's one-line answer. */
export type ImportSummary = {
  /** Messages in the file that carry a translation. */
  read: number;
  /** Of those, how many differ from what the catalogue had. */
  changed: number;
  /** Entries of the English table still without a translation after the import. */
  untranslated: number;
  /** Translations waiting for review (fuzzy, or made from older English). */
  review: number;
};

/**
 * Merges a PO file into a language's folder: every translation in the file replaces the
 * catalogue's, the rest is kept, and the folder is rewritten as one canonical file per
 * area (in the English table's order), so an export, an edit and an import give a clean
 * diff. Nothing is written when the file has any problem.
 */
export function importIntoFolder(args: {
  english: object;
  lang: string;
  folder: string;
  text: string;
}): { ok: true; summary: ImportSummary } | { ok: false; problems: ImportProblem[] } {
  const current = loadFolder(args.english, args.lang, args.folder);
  if (current.problems.length > 0) return { ok: false, problems: current.problems };
  const incoming = importCatalogue({ english: args.english, lang: args.lang, text: args.text });
  if (incoming.problems.length > 0) return { ok: false, problems: incoming.problems };
  let changed = 0;
  const merged: Catalogue = new Map(current.catalogue);
  const fuzzy: Catalogue = new Map(current.fuzzy);
  for (const [key, value] of incoming.catalogue) {
    if (JSON.stringify(merged.get(key)) !== JSON.stringify(value)) changed += 1;
    merged.set(key, value);
    fuzzy.delete(key);
  }
  // A translator's "not sure yet" is kept for review, over nothing; never over a translation.
  for (const [key, value] of incoming.fuzzy) if (!merged.has(key)) fuzzy.set(key, value);
  writeFolder(args.english, args.lang, args.folder, merged, fuzzy);
  const untranslated = entriesFor(args.english).filter((e) => !merged.has(e.key)).length;
  return {
    ok: true,
    summary: { read: incoming.catalogue.size, changed, untranslated, review: fuzzy.size },
  };
}

/** Writes a catalogue as one PO file per area, removing any other PO file there. */
export function writeFolder(
  english: object,
  lang: string,
  folder: string,
  catalogue: Catalogue,
  fuzzy: Catalogue = new Map(),
) {
  const areas = [...new Set(entriesFor(english).map((e) => areaOf(e.key)))];
  const written = new Set<string>();
  for (const area of areas) {
    const name = `${area}.po`;
    writeFileSync(
      path.join(folder, name),
      exportCatalogue({ english, lang, catalogue, fuzzy, area }),
    );
    written.add(name);
  }
  for (const { name } of readFolder(folder))
    if (!written.has(name)) rmSync(path.join(folder, name));
}
