import { admin } from './cy/admin.ts';
import { compose } from './cy/compose.ts';
import { help } from './cy/help.ts';
import { mailbox } from './cy/mailbox.ts';
import { mailboxes } from './cy/mailboxes.ts';
import { passkeys } from './cy/passkeys.ts';
import { sso } from './cy/sso.ts';
import { staff } from './cy/staff.ts';
import type { Translation } from './index.ts';

/**
 * Welsh (Cymraeg). Partial on purpose: a missing key shows the English text, so a page
 * never breaks while a translation is pending. Councils in Wales should have every
 * key here checked by a Welsh-language translator before going live.
 */
export const cy: Translation = {
  common: {
    back: 'Yn ôl',
    continue: 'Parhau',
    cancel: 'Canslo',
    save: 'Cadw',
    change: 'Newid',
    signIn: 'Mewngofnodi',
  },

  layout: {
    errorTitlePrefix: 'Gwall: ',
    skipLink: 'Neidio i’r prif gynnwys',
    serviceName: 'Negeseuon diogel',
    serviceInformation: 'Gwybodaeth am y gwasanaeth',
    menu: 'Dewislen',
    nav: {
      inbox: 'Mewnflwch',
      sent: 'Wedi’u hanfon',
      drafts: 'Drafftiau',
      compose: 'Ysgrifennu neges',
      contacts: 'Cysylltiadau',
      help: 'Cymorth',
    },
    signOut: 'Allgofnodi',
    timeout: {
      stay: 'Aros wedi mewngofnodi',
      signInAgain: 'Mewngofnodi eto',
      close: 'Cau',
    },
    // TODO(cy): check with a Welsh-language translator.
    sessionEnd: {
      at: 'Byddwch yn cael eich allgofnodi am ',
      on: 'Byddwch yn cael eich allgofnodi ar ',
      idleAfter: ' os na wnewch chi ddim byd.',
      lifetimeAfter: '. Mewngofnodwch eto bryd hynny i barhau.',
      stay: 'Aros wedi mewngofnodi',
    },
    supportLinks: 'Dolenni cymorth',
    footer: {
      help: 'Cymorth',
      accessibility: 'Datganiad hygyrchedd',
      privacy: 'Hysbysiad preifatrwydd',
    },
    language: 'Iaith',
  },

  components: {
    errorSummaryTitle: 'Mae problem wedi codi',
    errorPrefix: 'Gwall:',
    warning: 'Rhybudd',
    success: 'Llwyddiant',
    important: 'Pwysig',
    pagination: {
      previous: 'Blaenorol',
      next: 'Nesaf',
      page: 'tudalen',
      pageNumber: (n: number) => `Tudalen ${n}`,
    },
    characterLimit: (max: number) => `Gallwch nodi hyd at ${max} o gymeriadau`,
  },

  // Partial: the longer sentences (errors, advice, notices) still fall back to English
  // until a translator has checked them.
  auth: {
    signInTitle: 'Mewngofnodi',
    email: 'Cyfeiriad e-bost',
    password: 'Cyfrinair',
    yourEmail: 'Eich cyfeiriad e-bost:',
    newPassword: { label: 'Creu cyfrinair' },
    signIn: {
      title: 'Mewngofnodi',
      button: 'Mewngofnodi',
      forgotten: 'Wedi anghofio eich cyfrinair?',
      notices: { 'signed-out': 'Rydych wedi allgofnodi.' },
    },
    link: { button: 'Parhau' },
    register: { title: 'Creu cyfrinair' },
    reset: { requestTitle: 'Ailosod eich cyfrinair', sentTitle: 'Gwiriwch eich e-bost' },
  },

  inbox: {
    title: 'Mewnflwch',
  },

  compose,

  mailbox,

  mailboxes,

  staff,

  sso,

  passkeys,

  admin,

  help,

  errors: {
    notFound: {
      title: 'Heb ddod o hyd i’r dudalen',
      typed: 'Os gwnaethoch deipio’r cyfeiriad gwe, gwiriwch ei fod yn gywir.',
      pasted: 'Os gwnaethoch ludo’r cyfeiriad gwe, gwiriwch eich bod wedi copïo’r cyfeiriad cyfan.',
    },
    serverError: {
      title: 'Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth',
      tryLater: 'Rhowch gynnig arall arni nes ymlaen.',
    },
    signInRequired: {
      title: 'Mae angen i chi fewngofnodi',
      action: 'Mewngofnodi',
    },
  },
};
