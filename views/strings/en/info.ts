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
          'We set no cookies until you sign in, and we never use cookies for analytics or advertising. We use these cookies, all essential:',
        ],
        list: [
          `Session cookie (sealpost_session): keeps you signed in. It ends when you sign out, after ${f.idleMinutes} minutes without activity, or after ${f.rememberMeDays} days if you chose "Remember me".`,
          'Device cookie (sealpost_device): lets this browser sign in even if someone else keeps typing wrong passwords for your account. It lasts 180 days and holds no personal information.',
          'Staff sign-in cookie (sealpost_sso): only when council staff choose to sign in with their work account, it links the answer from their organisation to this browser. It lasts 10 minutes and holds no personal information.',
        ],
      },
    ],
  }),

  accessibility: (orgName: string): HelpTopic => ({
    title: 'Accessibility statement',
    summary: 'How accessible this service is and how to report a problem.',
    sections: [
      {
        paragraphs: [
          `${orgName} wants as many people as possible to be able to use this service. You should be able to use it with JavaScript turned off, on a small or old phone, zoomed in up to 400%, with only a keyboard, and with a screen reader.`,
        ],
      },
      {
        heading: 'How we test it',
        paragraphs: [
          'Every page people use to register, sign in, read, reply, write, keep drafts and contacts, and ask for more time is checked automatically in a real browser, with JavaScript on and off, against the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. Automated checks cannot find every problem, so the council should also have it tested by people who use assistive technology.',
        ],
      },
      {
        heading: 'What we know is not yet accessible',
        paragraphs: [
          'For your security you are signed out after a period without activity, and the service does not warn you first. If this happens while you are writing, what you typed is saved in your drafts.',
          'Some pages are not yet available in Welsh; where a Welsh page shows English text, it is not marked as English for screen readers.',
        ],
      },
      {
        heading: 'Reporting a problem',
        paragraphs: [
          `If you cannot use part of this service, or you need the information in another format, contact ${orgName} using the details on its website. If you are not happy with how we respond, contact the Equality Advisory and Support Service (EASS).`,
        ],
      },
    ],
  }),
};
