import type { HelpTopic } from './help.ts';

/** What the privacy page says about how long things are kept, from the settings. */
export type PrivacyFacts = {
  orgName: string;
  accessDays: number;
  retentionDays: number;
  rememberMeDays: number;
  idleMinutes: number;
};

/**
 * The privacy notice and the accessibility statement the footer links to, written for
 * the people who receive messages. A council adds its own contact details and data
 * protection officer in its wider notice; these pages say what this service does.
 */
export const info = {
  privacy: (f: PrivacyFacts): HelpTopic => ({
    title: 'Privacy and cookies',
    summary: 'What this service keeps about you, for how long, and the cookies it uses.',
    sections: [
      {
        paragraphs: [
          `${f.orgName} runs this service to send you personal information securely. ${f.orgName} is the data controller. Its own privacy notice, on its website, says how to contact its data protection officer and how to exercise your rights, including asking for a copy of your data or for it to be erased.`,
        ],
      },
      {
        heading: 'What we keep',
        paragraphs: [
          'Your email address, the name you were addressed by, a one-way scramble (hash) of your password, the messages sent to you and by you with their files, your drafts and your address book.',
          'Messages, files, drafts and address book notes are stored encrypted. We also keep a record of what happened (for example when a message was opened) so the council can show who saw what. That record holds no message content.',
        ],
      },
      {
        heading: 'How long we keep it',
        paragraphs: [
          `You can normally read a message for ${f.accessDays} days after it is sent; the sender can change this. Messages are deleted ${f.retentionDays} days after they are sent, unless the council must keep them for a legal reason.`,
          'You can download a copy of your messages from "Your account" while you are signed in.',
        ],
      },
      {
        heading: 'Cookies',
        paragraphs: [
          'We set no cookies until you sign in or choose a language, and we never use cookies for analytics or advertising. We use these cookies, all essential:',
        ],
        list: [
          `Session cookie (sealpost_session): keeps you signed in. It ends when you sign out, after ${f.idleMinutes} minutes without activity, or after ${f.rememberMeDays} days if you chose "Keep me signed in".`,
          'Language cookie (sealpost_lang): set only when you choose English or Welsh with the language switch, so pages stay in that language before you sign in. It lasts a year and holds only your choice. After you sign in, your choice is kept with your account.',
          'Device cookie (sealpost_device): lets this browser sign in even if someone else keeps typing wrong passwords for your account. It lasts 180 days and holds no personal information.',
          'Staff sign-in cookie (sealpost_sso): only when council staff choose to sign in with their work account, it links the answer from their organisation to this browser. It lasts 10 minutes and holds no personal information.',
        ],
      },
    ],
  }),

  accessibility: (f: { orgName: string; idleMinutes: number; maxHours: number }): HelpTopic => ({
    title: 'Accessibility statement',
    summary: 'How accessible this service is and how to report a problem.',
    sections: [
      {
        paragraphs: [
          `${f.orgName} wants as many people as possible to be able to use this service. You should be able to use it with JavaScript turned off, on a small or old phone, zoomed in up to 400%, with only a keyboard, and with a screen reader.`,
        ],
      },
      {
        heading: 'How we test it',
        paragraphs: [
          'Every page people use to register, sign in, read, reply, write, keep drafts and contacts, and ask for more time is checked automatically in a real browser, with JavaScript on and off, against the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. Automated checks cannot find every problem, so the council should also have it tested by people who use assistive technology.',
        ],
      },
      {
        heading: 'Time limits',
        paragraphs: [
          `For your security you are signed out after ${f.idleMinutes} minutes without activity. Every signed-in page says when that will happen, and opening any page moves the time on.`,
          'With JavaScript on, a warning appears 2 minutes before, and you can choose to stay signed in.',
          `Everyone is also signed out ${f.maxHours} hours after signing in, whatever they are doing, unless they chose "Keep me signed in". Pages say when, but this time cannot be moved on and no warning appears.`,
          'If the time runs out while you are writing and you then press Send or Save, what you typed is kept in your drafts for you, as long as you press it within an hour. If you close the page or go to another one instead, what you typed since you last saved it is lost.',
        ],
      },
      {
        heading: 'What we know is not yet accessible',
        paragraphs: [
          'The Welsh text has not yet been checked by a professional Welsh-language translator. If any of it is unclear, contact us.',
          'Files that senders attach (for example PDF documents) are not checked by this service, and may not be accessible. Ask the sender for another format if you need one.',
        ],
      },
      {
        heading: 'Reporting a problem',
        paragraphs: [
          `If you cannot use part of this service, or you need the information in another format, contact ${f.orgName} using the details on its website. If you are not happy with how we respond, contact the Equality Advisory and Support Service (EASS).`,
        ],
      },
    ],
  }),
};
