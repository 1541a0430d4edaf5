import type { Translation } from '../index.ts';

/**
 * The staff area in Welsh. Partial on purpose: menu, headings and buttons only; the
 * longer sentences fall back to English until a Welsh-language translator has checked
 * them (see views/strings/cy.ts).
 */
export const staff: Translation['staff'] = {
  nav: {
    label: 'Dewislen staff',
    inbox: 'Mewnflwch',
    compose: 'Anfon neges ddiogel',
    sent: 'Negeseuon a anfonwyd',
    requests: 'Ceisiadau',
    twoFactor: 'Dilysu dau gam',
    signOut: 'Allgofnodi',
  },
  twoFactor: {
    title: 'Rhowch eich cod diogelwch',
    codeLabel: 'Cod diogelwch',
    button: 'Parhau',
  },
  setup: {
    title: 'Sefydlu dilysu dau gam',
    codeLabel: 'Cod diogelwch',
  },
  recoveryCodes: {
    title: 'Mae dilysu dau gam ymlaen',
    heading: 'Eich codau adfer',
    continue: 'Parhau',
  },
  inbox: {
    title: 'Mewnflwch',
  },
  compose: {
    title: 'Anfon neges ddiogel',
    to: 'At',
    subject: 'Pwnc',
    body: 'Neges',
    preview: 'Rhagolwg',
  },
  preview: {
    send: 'Anfon yn ddiogel',
  },
  sentConfirmation: {
    title: 'Neges wedi’i hanfon',
  },
  sent: {
    title: 'Negeseuon a anfonwyd',
  },
  requests: {
    title: 'Ceisiadau',
  },
};
