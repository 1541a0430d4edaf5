import type { Translation } from '../index.ts';

/**
 * The admin pages in Welsh. Partial on purpose: menu, headings and buttons only; the
 * longer sentences fall back to English until a Welsh-language translator has checked
 * them (see views/strings/cy.ts).
 */
export const admin: Translation['admin'] = {
  nav: {
    label: 'Gweinyddu',
    dashboard: 'Dangosfwrdd',
    settings: 'Gosodiadau',
    accounts: 'Cyfrifon',
    mail: 'E-byst a fethodd',
    keys: 'Allweddi',
    audit: 'Log archwilio',
    jobs: 'Tasgau',
  },
  dashboard: {
    title: 'Dangosfwrdd',
    sent: 'Wedi’u hanfon',
    opened: 'Wedi’u hagor',
  },
  settings: {
    title: 'Gosodiadau',
    save: 'Cadw’r gosodiadau',
  },
  accounts: {
    title: 'Cyfrifon',
    search: 'Chwilio',
  },
  mail: {
    title: 'E-byst a fethodd',
    retry: 'Rhoi cynnig arall arni',
  },
  keys: {
    title: 'Allweddi amgryptio',
  },
  audit: {
    title: 'Log archwilio',
    search: 'Chwilio',
  },
  jobs: {
    title: 'Tasgau',
  },
};
