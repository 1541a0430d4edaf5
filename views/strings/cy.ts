import { catalogueFolder, readFolder } from './catalogue/folder.ts';

/**
 * The Welsh (Cymraeg) catalogue's files: GNU gettext PO, one per area, in
 * `views/strings/cy/`. They are the source of the Welsh text: a council's translators
 * review them with their own tools (`sealpost strings export --lang cy`, then
 * `import`), and `stringsFor('cy')` compiles them into the English table's shape.
 */
export function welshCatalogueFiles(): Array<{ name: string; text: string }> {
  return readFolder(catalogueFolder('cy'));
}
