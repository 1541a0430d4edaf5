/** One part of a help page: an optional heading, paragraphs, a list, links. */
export type HelpSection = {
  heading?: string;
  paragraphs: string[];
  list?: string[];
  links?: Array<{ text: string; href: string }>;
};

/** One help page. */
export type HelpTopic = { title: string; summary: string; sections: HelpSection[] };

/** The help pages' topics, in the order the help page lists them. */
export const HELP_TOPICS = [
  'registering',
  'signing-in',
  'passwords',
  'attachments',
  'shared-mailboxes',
  'problems',
] as const;

/** One of the help pages under /help/. */
export type HelpTopicKey = (typeof HELP_TOPICS)[number];

/**
 * Help for people who receive secure messages, in English. The same text is kept as
 * Markdown in docs/recipients/ (a test checks they match), so a council can put it on
 * its own website. Written for someone in a hurry on a phone: short sentences, "you".
 */
export const help = {
  title: 'Help',
  intro:
    'Someone at the council has sent you a secure message. These pages explain how to read it, and what to do if something goes wrong.',
  topicsHeading: 'Help topics',
  related: 'Help',
  topics: topics(),
};

/** The topics, typed so every page has the same shape in every language. */
function topics(): Record<HelpTopicKey, HelpTopic> {
  return {
    registering: {
      title: 'Reading your first secure message',
      summary:
        'What the email is, how to create your password, and what to do if it was passed on to you.',
      sections: [
        {
          paragraphs: [
            'When someone at the council sends you a secure message, we send you an email. The email does not contain the message. It has a link to this website, where you read it.',
          ],
        },
        {
          heading: 'Is the email genuine?',
          paragraphs: [
            'The link in the email must start with the address of this website. If it does not, or you were not expecting a message, do not open it. Contact the council using the details on its own website.',
            'We never ask for your password by email or on the phone.',
          ],
        },
        {
          heading: 'The first time',
          paragraphs: ['The first time you open the link:'],
          list: [
            'Select "Continue".',
            'Select "Email me a code". We send an 8-digit code to the email address the message was sent to. It works for 15 minutes.',
            'Type the code, and create a password. Three random words make a good password, like "kettle gravel orchard stamp" (do not use this example).',
            'You are then signed in and see the message.',
          ],
        },
        {
          heading: 'Why we ask for a code',
          paragraphs: [
            'Emails are often passed on. The code shows that the person creating the password can read the email sent to that address now, so only the person the message was sent to can read it. Nobody from the council will ever ask you for the code.',
          ],
        },
        {
          heading: 'If the email was passed on to you',
          paragraphs: [
            'You cannot read a message with someone else\'s link. Select "Continue", then "Ask the sender for access". Give your own email address: we send a code there to check it is yours. You can say why you need the message. The sender decides, and we email you either way. If they agree, you get your own email with your own link.',
          ],
        },
        {
          heading: 'After that',
          paragraphs: [
            'Next time, sign in with your email address and your password. All the messages sent to you are in your inbox.',
          ],
        },
      ],
    },
    'signing-in': {
      title: 'Signing in and out',
      summary:
        'Signing in, staying signed in, two-step verification, and signing out on every device.',
      sections: [
        {
          paragraphs: [
            'Sign in with the email address the message was sent to, and the password you created.',
          ],
          links: [{ text: 'Sign in', href: '/sign-in' }],
        },
        {
          heading: 'Staying signed in',
          paragraphs: [
            'To protect your messages, you are signed out after a while if you do nothing. If you use your own device and nobody else uses it, you can choose "Keep me signed in" when you sign in.',
            'Each page says when you will be signed out if you do nothing. Select "Stay signed in" to have more time.',
            'If you were signed out while writing a message or a reply, what you wrote is kept as a draft. Sign in again and you are taken straight to it. Files you had chosen are not kept: choose them again.',
          ],
        },
        {
          heading: 'Two-step verification',
          paragraphs: [
            'You can choose to have signing in ask for a code from an authenticator app on your phone as well as your password. Then nobody can read your messages with your password alone.',
            'To turn it on, go to "Your account" and select "Set up two-step verification". Scan the QR code with the app, or type in the key shown under it, then enter your password and the code the app shows. Keep the recovery codes you are then shown somewhere safe: each one lets you sign in once if you lose your phone.',
            'You can turn it off again on the same page, with your password. We email you whenever it is turned on or off. If you work from a shared mailbox, this is for your own sign-in.',
          ],
          links: [{ text: 'Two-step verification', href: '/account/two-factor' }],
        },
        {
          heading: 'Passkeys',
          paragraphs: [
            'A passkey lets you prove it is you with your phone, your computer or a security key, using your fingerprint, face or PIN, instead of typing a code. It only works on this website, so it cannot be used on a fake one.',
            'To add one, go to "Your account" and select "Manage your passkeys", give it a name you will recognise, and select "Add a passkey". Your browser then asks you to create it. Adding a passkey needs JavaScript and a browser that supports passkeys; if yours does not, the button is not shown.',
            'After you have added one, signing in asks for your password and then your passkey: select "Use a passkey". You can rename or remove a passkey on the same page; removing one needs your password. We email you whenever a passkey is added or removed.',
            'If you lose the device your passkey is on, you can still sign in with your password and, if you set one up, a code from your authenticator app or a recovery code. We suggest setting up an authenticator app too, for its recovery codes.',
          ],
          links: [{ text: 'Your passkeys', href: '/account/passkeys' }],
        },
        {
          heading: 'A message that needs a second step',
          paragraphs: [
            'A sender can ask for a second step to protect a message: as well as your password, a code from an authenticator app on your phone, or a passkey. Your inbox shows such a message by its subject, marked "Second step needed", and opening it tells you what to do.',
            'If you have not set up two-step verification, select "Set up two-step verification" on that page. When it is on, you go straight back to the message. If you have set it up but did not use it when you signed in on this device, select "Continue" and enter the code from your app.',
            'These messages are not in the copy of your messages you can download from your account page: read them on the website.',
          ],
        },
        {
          heading: 'Signing out',
          paragraphs: [
            'Select "Sign out" at the top of the page when you have finished, especially on a shared or public computer.',
            'If you signed in on a device you no longer have, go to "Your account" and select "Sign out everywhere". This signs you out on every device at once.',
          ],
          links: [{ text: 'Your account', href: '/account' }],
        },
      ],
    },
    passwords: {
      title: 'Passwords',
      summary: 'Choosing a password, and what to do if you forget it.',
      sections: [
        {
          heading: 'Choosing a password',
          paragraphs: [
            'Use at least 15 characters. Three random words are easy to remember and hard to guess. Do not use a password you use anywhere else.',
          ],
        },
        {
          heading: 'If you forget your password',
          paragraphs: [
            'Select "Forgotten your password?" on the sign-in page and enter your email address. We email you a link to choose a new one. The link works for 1 hour.',
            'Choosing a new password signs you out on every other device.',
          ],
          links: [{ text: 'Reset your password', href: '/reset' }],
        },
      ],
    },
    attachments: {
      title: 'Files sent with a message',
      summary: 'Downloading files, sending files, and messages you can only read on screen.',
      sections: [
        {
          paragraphs: [
            'Files sent with a message are listed under it, with their size. Select a file name to download it. It is saved where your device keeps downloads.',
            'Only open files you were expecting. If a file looks wrong, contact the person who sent it.',
          ],
        },
        {
          heading: 'Sending files',
          paragraphs: [
            'You can add files when you write a message, reply or forward one: use "Attach files". You can send up to 10 files, 75 MB of files in all. Your message text does not count towards this.',
            'To see what you sent, go to "Sent" and select the message. You can download the files you sent from there.',
          ],
        },
        {
          heading: 'Read-only messages',
          paragraphs: [
            'The sender can make a message read only. You can read it on screen, but you cannot download its files, forward it or print it. Your email address and the time are shown faintly across it.',
          ],
        },
        {
          heading: 'Large files on a slow connection',
          paragraphs: [
            'A large file can take a while on a phone. If a download stops, try again on Wi-Fi.',
          ],
        },
      ],
    },
    'shared-mailboxes': {
      title: 'Shared mailboxes',
      summary:
        'Letting colleagues work from a shared address like care.referrals@, each with their own password.',
      sections: [
        {
          paragraphs: [
            'If your team uses one email address, like care.referrals@partner.org.uk, do not share its password. The person who registered that address can let each colleague work from it with their own password instead. Everything anyone opens, downloads or sends there is recorded with their own name.',
          ],
        },
        {
          heading: 'If you registered the shared address',
          paragraphs: [
            'Sign in with the shared address and go to "Your account", then "People who work from your mailbox". Enter a colleague’s own email address and select "Send invitation". We email them a link.',
            'The same page shows who is invited and who has accepted. Select "Remove" to stop someone working from the address: it takes effect at their next click. Colleagues cannot invite or remove anyone.',
          ],
        },
        {
          heading: 'If you were invited',
          paragraphs: [
            'Open the link in the invitation email. If you are new to this website, create your password with the code we email to your own address. Then go to "Shared mailboxes" and select "Accept".',
            'To work from the shared address, select "Work from this mailbox" on the "Shared mailboxes" page. Every page then says "You are working in" and the address. Replies and new messages go out from the shared address. Your account, password and sign-out stay your own.',
            'Select "Back to your own mailbox" to return to your own messages, or "Leave this mailbox" if you no longer need it.',
          ],
        },
        {
          heading: 'If shared mailboxes are switched off',
          paragraphs: [
            'The council can switch shared mailboxes off. Then nobody can work from someone else’s address, and the pages say so.',
          ],
        },
      ],
    },
    problems: {
      title: 'If something goes wrong',
      summary: 'Missing emails, a locked account, links or access that have expired.',
      sections: [
        {
          heading: 'The email has not arrived',
          paragraphs: [
            'Look in your spam or junk folder. Some email providers put messages with links there. If you find it, mark it as "not spam" so the next one arrives in your inbox.',
          ],
        },
        {
          heading: 'The code has not arrived, or does not work',
          paragraphs: [
            'Look in your spam or junk folder. A code works for 15 minutes, and only the newest one works: if you asked twice, use the last email. After 5 wrong tries, ask for a new code on the same page. We can send only a few codes an hour to one address.',
          ],
        },
        {
          heading: 'Your account is locked',
          paragraphs: [
            'After several wrong passwords, your account is locked for a while to keep your messages safe. We email you when this happens. Wait and try again, or reset your password, which also unlocks it.',
          ],
          links: [{ text: 'Reset your password', href: '/reset' }],
        },
        {
          heading: 'The link has expired or does not work',
          paragraphs: [
            'A link from an email works only once, and only for a while. If you have already created a password, sign in instead: your messages are in your inbox.',
          ],
          links: [{ text: 'Sign in', href: '/sign-in' }],
        },
        {
          heading: 'Your access to a message has ended',
          paragraphs: [
            'Each message can be read for a limited time. When the time is up, the message moves from your inbox to "Messages you can no longer read" and shows "Access expired". Select "Request more access" to ask the sender for more time. They decide, and we email you when they do.',
            'If the sender withdrew a message, it shows "Revoked" there instead. Contact the sender if you need it.',
          ],
        },
        {
          heading: 'Who to contact',
          paragraphs: [
            'For anything about a message, contact the person who sent it. Their name is in the email we sent you and on the message.',
            'If you cannot reach them, contact the council using the details on its own website. Never send your password to anyone.',
          ],
        },
      ],
    },
  };
}
