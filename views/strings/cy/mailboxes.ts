import type { Translation } from '../index.ts';

/**
 * Shared mailboxes in Welsh. Headings, buttons and short lines; the longer sentences
 * fall back to English until a Welsh-language translator has checked them (see
 * views/strings/cy.ts).
 */
// TODO(cy): check with a Welsh-language translator.
export const mailboxes: Translation['mailboxes'] = {
  list: {
    title: 'Blychau post a rennir',
    own: 'Eich blwch post eich hun',
    shared: 'Blychau post rydych chi’n gweithio ohonyn nhw',
    none: 'Does neb wedi eich ychwanegu at flwch post a rennir.',
    current: 'Rydych chi’n gweithio yma nawr',
    act: 'Gweithio o’r blwch post hwn',
    back: 'Yn ôl i’ch blwch post eich hun',
    leave: 'Gadael y blwch post hwn',
    invitationsHeading: 'Gwahoddiadau sy’n aros amdanoch',
    accept: 'Derbyn',
    decline: 'Gwrthod',
    switchedOff: 'Mae eich cyngor wedi diffodd blychau post a rennir.',
    done: {
      accepted: 'Gwahoddiad wedi’i dderbyn: gallwch nawr weithio o’r blwch post hwnnw',
      declined: 'Gwahoddiad wedi’i wrthod',
      left: 'Rydych chi wedi gadael y blwch post',
    },
  },
  members: {
    title: 'Pobl sy’n gweithio o’ch blwch post',
    link: 'Pobl sy’n gweithio o’ch blwch post',
    none: 'Does neb arall yn gweithio o’ch blwch post.',
    columns: {
      email: 'Cyfeiriad e-bost',
      status: 'Statws',
      since: 'Ers',
      action: 'Gweithred',
    },
    invited: 'Wedi’i wahodd',
    accepted: 'Wedi derbyn',
    remove: 'Tynnu',
    inviteHeading: 'Gwahodd rhywun',
    email: 'Eu cyfeiriad e-bost',
    invite: 'Anfon gwahoddiad',
    done: {
      invited: 'Gwahoddiad wedi’i anfon',
    },
    tooOften: (perDay: number) =>
      `Rydych wedi anfon ${perDay} gwahoddiad heddiw, y nifer fwyaf a ganiateir. Rhowch gynnig arall yfory.`,
    problems: {
      'invalid-email': 'Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@example.com',
      self: 'Rhowch gyfeiriad e-bost rhywun arall, nid eich un chi',
    },
  },
  acting: {
    before: 'Rydych chi’n gweithio yn ',
    switch: 'Newid blwch post',
  },
  nav: 'Blychau post a rennir',
  account: {
    heading: 'Blychau post a rennir',
    mailboxesLink: 'Blychau post a rennir rydych chi’n gweithio ohonyn nhw',
  },
};
