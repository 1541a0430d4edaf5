import type { Translation } from '../index.ts';

/**
 * Help in Welsh: titles only for now. The pages' text falls back to English until a
 * Welsh-language translator has written it (see views/strings/cy.ts).
 */
export const help: Translation['help'] = {
  title: 'Cymorth',
  topicsHeading: 'Pynciau cymorth',
  related: 'Cymorth',
};
