import type { Translation } from '../index.ts';

/**
 * Writing a message, drafts, sent messages and contacts in Welsh: headings and buttons
 * only for now. Sentences fall back to English until a Welsh-language translator has
 * written them (see views/strings/cy.ts).
 */
export const compose: Translation['compose'] = {
  title: 'Ysgrifennu neges',
  to: 'At',
  subject: 'Pwnc',
  body: 'Neges',
  send: 'Anfon neges',
  saveDraft: 'Cadw fel drafft',
  remove: 'Tynnu',
  drafts: { title: 'Drafftiau', subject: 'Pwnc', to: 'At', open: 'Agor', delete: 'Dileu' },
  sent: {
    title: 'Wedi’u hanfon',
    subject: 'Pwnc',
    to: 'At',
    message: {
      back: 'Yn ôl i Wedi’u hanfon',
      sentAt: 'Anfonwyd',
      to: 'At',
      bodyHeading: 'Beth ysgrifennoch chi',
      filesHeading: 'Ffeiliau a anfonwyd gennych',
      download: 'Lawrlwytho',
    },
  },
  contacts: {
    title: 'Cysylltiadau',
    name: 'Enw',
    email: 'Cyfeiriad e-bost',
    change: 'Newid',
    save: 'Cadw newidiadau',
  },
  groups: { title: 'Grwpiau', change: 'Newid', save: 'Cadw newidiadau' },
};
