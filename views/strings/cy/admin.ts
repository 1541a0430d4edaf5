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
    teams: 'Blychau post tîm',
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
    // The hints of these choices fall back to English. TODO(cy): translator check.
    signInHeading: 'Mewngofnodi',
    staffSecondFactor: 'Pwy ar y staff sy’n gorfod defnyddio ail ffactor',
    staffSecondFactorOptions: { allStaff: 'Pob aelod o staff', admins: 'Gweinyddwyr yn unig' },
    passkeySignIn: 'Beth y gall allwedd mynediad ei wneud',
    staffPasswords: 'Cyfrineiriau staff',
    // TODO(cy): errors.breakGlassNeedsSso falls back to English until checked.
  },
  accounts: {
    title: 'Cyfrifon',
    search: 'Chwilio',
    kinds: { team: 'Blwch post tîm' },
    columns: { secondFactor: 'Ail ffactor' },
  },
  // The hint and the reasons fall back to English. TODO(cy): translator check.
  account: {
    resetSecondFactor: 'Ailosod yr ail ffactor',
    problems: { 'no-second-factor': 'Nid oes gan y cyfrif hwn ail ffactor i’w ailosod.' },
  },
  // Headings and buttons; the longer sentences fall back to English. TODO(cy): translator check.
  teams: {
    title: 'Blychau post tîm',
    caption: 'Blychau post tîm',
    members: 'Pwy sy’n gweithio ohono',
    noMembers: 'Neb eto.',
    remove: 'Tynnu i ffwrdd',
    assign: 'Ychwanegu at y tîm',
    createHeading: 'Creu blwch post tîm',
    email: 'Cyfeiriad e-bost',
    name: 'Enw',
    create: 'Creu blwch post tîm',
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
