import type { Translation } from '../index.ts';

/**
 * The mailbox in Welsh. Partial on purpose: headings, buttons and labels only, and the
 * longer sentences fall back to English until a Welsh-language translator has checked
 * them (see views/strings/cy.ts).
 */
export const mailbox: Translation['mailbox'] = {
  inbox: {
    title: 'Mewnflwch',
    caption: 'Eich negeseuon diogel',
    empty: 'Does gennych chi ddim negeseuon.',
    account: 'Eich cyfrif',
    columns: {
      from: 'Oddi wrth',
      subject: 'Pwnc',
      date: 'Wedi’i derbyn',
      attachments: 'Ffeiliau',
    },
    unread: 'Heb ei darllen:',
    accessExpired: 'Mynediad wedi dod i ben',
    readOnly: 'Darllen yn unig',
    requestAccess: 'Gofyn am ragor o fynediad',
  },
  message: {
    from: 'Oddi wrth',
    to: 'At',
    date: 'Anfonwyd',
    bodyHeading: 'Neges',
    attachmentsHeading: 'Ffeiliau atodedig',
    download: 'Lawrlwytho',
    reply: 'Ateb',
    replyAll: 'Ateb pawb',
    forward: 'Anfon ymlaen',
    delete: 'Dileu',
    expiredTitle: 'Mynediad wedi dod i ben',
  },
  reply: {
    title: 'Ateb',
    titleAll: 'Ateb pawb',
    to: 'At',
    subject: 'Pwnc',
    send: 'Anfon yr ateb',
    cancel: 'Canslo',
  },
  forward: {
    keepFiles: 'Ffeiliau i’w hanfon ymlaen',
    title: 'Anfon y neges hon ymlaen',
    to: 'Cyfeiriadau e-bost',
    send: 'Anfon y neges ymlaen',
    cancel: 'Canslo',
  },
  delete: {
    confirm: 'Ie, dilëwch hi',
    cancel: 'Na, ewch yn ôl',
  },
  account: {
    title: 'Eich cyfrif',
    everywhereButton: 'Allgofnodi ym mhobman',
  },
  twoFactor: {
    title: 'Dilysu dau gam',
    on: 'Mae dilysu dau gam ymlaen. I fewngofnodi, mae angen cod o’ch ap dilysu yn ogystal â’ch cyfrinair.',
    off: 'Mae dilysu dau gam i ffwrdd. Gallwch ei droi ymlaen fel bod angen cod o ap ar eich ffôn yn ogystal â’ch cyfrinair i fewngofnodi. Eich dewis chi yw hyn.',
    // TODO(cy): onPasskey and onBoth fall back to English until checked.
    setUpLink: 'Sefydlu dilysu dau gam',
    addAppLink: 'Ychwanegu ap dilysu',
    manageLink: 'Newid neu ddiffodd dilysu dau gam',
    passwordHint:
      'Gan fod hyn yn newid sut rydych chi’n mewngofnodi, mae angen eich cyfrinair arnom eto.',
    codesLeft: (n: number) =>
      n === 1 ? 'Mae gennych 1 cod adfer ar ôl.' : `Mae gennych ${n} cod adfer ar ôl.`,
    replaceHeading: 'Defnyddio ffôn neu ap newydd',
    replaceLink: 'Sefydlu ap newydd',
    removeHeading: 'Diffodd dilysu dau gam',
    removeButton: 'Diffodd dilysu dau gam',
    removed: 'Mae dilysu dau gam i ffwrdd',
    backToAccount: 'Yn ôl i’ch cyfrif',
  },
  // The longer sentences (why, enrol, confirm) fall back to English. TODO(cy): translator check.
  stepUp: {
    title: 'Mae angen ail gam ar gyfer y neges hon',
    subject: 'Neges',
    enrolButton: 'Sefydlu dilysu dau gam',
    confirmButton: 'Parhau',
    continueToMessage: 'Parhau i’r neges',
    inboxMarker: 'Angen ail gam',
    backToInbox: 'Yn ôl i’ch mewnflwch',
  },
};
