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
    drafts: 'Drafftiau',
    sent: 'Negeseuon a anfonwyd',
    requests: 'Ceisiadau',
    twoFactor: 'Dilysu dau gam',
    mailboxes: 'Blychau post tîm',
    signOut: 'Allgofnodi',
  },
  // The longer sentences (intro, none) fall back to English. TODO(cy): translator check.
  mailboxes: {
    title: 'Blychau post tîm',
    caption: 'Blychau post y gallwch weithio ohonynt',
    columns: { mailbox: 'Blwch post', name: 'Enw', action: 'Cam' },
    own: 'Eich blwch post eich hun',
    current: 'Rydych chi’n gweithio yma',
    workFrom: 'Gweithio o’r blwch post hwn',
    backToOwn: 'Yn ôl i’ch blwch post eich hun',
    workingIn: (email: string) => `Rydych chi’n gweithio yn ${email}.`,
    switchLink: 'Newid blwch post',
  },
  twoFactor: {
    title: 'Rhowch eich cod diogelwch',
    titlePasskey: 'Defnyddiwch eich allwedd mynediad',
    titleBoth: 'Cadarnhewch mai chi sydd yma',
    // TODO(cy): introPasskey and introBoth fall back to English until checked.
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
    openedBy: (name: string) => `Agorwyd gan ${name}`,
  },
  message: {
    teamActivity: 'Pwy yn y tîm a’i hagorodd neu a’i hatebodd',
    openedBy: (name: string, time: string, date: string) =>
      `Agorwyd gan ${name} am ${time} ar ${date}`,
    repliedBy: (name: string, time: string, date: string) =>
      `Atebwyd gan ${name} am ${time} ar ${date}`,
  },
  compose: {
    title: 'Anfon neges ddiogel',
    to: 'At',
    subject: 'Pwnc',
    body: 'Neges',
    preview: 'Rhagolwg',
    attachmentsHeading: 'Atodiadau',
    attachments: 'Ychwanegu ffeiliau (dewisol)',
    remove: 'Tynnu',
    saveDraft: 'Cadw fel drafft',
    secondFactorRequired: 'Angen ail ffactor',
    notices: {
      saved: 'Drafft wedi’i gadw',
      removed: 'Ffeil wedi’i thynnu',
    },
  },
  preview: {
    send: 'Anfon yn ddiogel',
    secondFactorRequired: 'Angen ail ffactor',
    attachments: 'Atodiadau',
    noAttachments: 'Dim',
  },
  drafts: {
    title: 'Drafftiau',
    empty: 'Nid oes gennych unrhyw ddrafftiau.',
    columns: {
      subject: 'Pwnc',
      to: 'At',
      files: 'Ffeiliau',
      saved: 'Cadwyd ddiwethaf',
      actions: 'Camau',
    },
    delete: 'Dileu',
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
