/**
 * The words of every email Sealpost sends (views/mail puts them together). Read in a
 * mail client, often on a phone: short sentences, and nothing that could pass for a
 * phishing email. A notification never carries any of the message's content.
 *
 * Values are placeholders: `orgName` (the council), `publicUrl` (the portal's address,
 * no trailing slash). Numbers and dates are written by the string functions, so each
 * language writes them its own way.
 */

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});

/**
 * "3 March 2025" (UK time) for a date in an English string function; the catalogue's
 * placeholder for it prints as itself, and other languages write the date their way.
 */
export function day(date: Date): string {
  return date instanceof Date ? longDate.format(date) : String(date);
}

export const emails = {
  /** How to tell an account email from a phishing copy: the last line of most. */
  genuine: (publicUrl: string, orgName: string) =>
    `Is this email genuine? The link must start with ${publicUrl}/ . If it does not, or you did not expect this email, do not open it: contact ${orgName} using the details on its website.`,
  /** The same for an email with a code and no link. */
  genuineCode: (publicUrl: string, orgName: string) =>
    `Type the code only on ${publicUrl} . This email has no link on purpose; if you did not expect it, contact ${orgName} using the details on its website.`,

  /** The notice of a new secure message, to its recipient. */
  notification: {
    subject: (orgName: string) => `Secure message from ${orgName}`,
    intro: (senderName: string, orgName: string) =>
      `${senderName} at ${orgName} has sent you a secure message.`,
    /** Before the link, in the text part. */
    openLink: 'To read it, open this link:',
    /** The link's words, in the HTML part. */
    linkText: 'Read the secure message',
    firstTime: (publicUrl: string) =>
      `The first time, you will be asked to choose a password. After that, sign in at ${publicUrl}.`,
    genuine: (publicUrl: string, orgName: string) =>
      `Is this email genuine? The link must start with ${publicUrl}/ . If it does not, or you were not expecting a message, do not open it: contact ${orgName} using the details on its website.`,
  },

  /** To a sender: someone asks for more time, a forwarded copy, or access from a passed-on link. */
  accessRequested: {
    subject: (orgName: string) => `Request for access to a secure message (${orgName})`,
    asked: {
      extension: (requesterEmail: string) =>
        `${requesterEmail} has asked for more time to read a secure message you sent.`,
      forward: (requesterEmail: string) =>
        `${requesterEmail} has asked to forward a secure message you sent.`,
      link: (requesterEmail: string) =>
        `${requesterEmail} has asked for access to a secure message, using a link that was passed on to them, you sent.`,
    },
    decideHere: (link: string) => `Decide here: ${link}`,
    linkText: 'Decide on the request',
  },

  /** An invitation to read a shared mailbox's messages as oneself. */
  mailboxInvitation: {
    subject: (mailboxEmail: string, orgName: string) =>
      `You are invited to read ${mailboxEmail}'s secure messages (${orgName})`,
    intro: (mailboxEmail: string, orgName: string) =>
      `The holder of ${mailboxEmail} has invited you to read and answer the secure messages ${orgName} sends to that address, as yourself, with your own password.`,
    registered: (publicUrl: string) =>
      `Sign in at ${publicUrl} with your own account and accept the invitation under "Shared mailboxes".`,
    notRegistered: (days: number) =>
      `To accept, create your own password with this link. We will email you a code to check that this is your address. The link works for ${days} ${days === 1 ? 'day' : 'days'}.`,
    ignore: 'If you were not expecting this, ignore this email: nothing happens unless you accept.',
    genuine: (publicUrl: string) =>
      `Is this email genuine? The link must start with ${publicUrl}/ .`,
    linkTextRegistered: 'Sign in and accept',
    linkText: 'Accept the invitation',
  },

  /** To a person who asked for access: what the sender decided. */
  accessDecision: {
    subjectGranted: (orgName: string) => `Your request to ${orgName}: granted`,
    subjectRefused: (orgName: string) => `Your request to ${orgName}: not granted`,
    granted: (orgName: string) =>
      `Your request for access to a secure message from ${orgName} was granted.`,
    /** After `granted` when the access now ends at a known time ("14:30", UK time). */
    until: (date: Date, time: string) => `You can read the message until ${time} on ${day(date)}.`,
    refused: (orgName: string) =>
      `Your request for access to a secure message from ${orgName} was not granted. Contact the sender if you need it.`,
    openHere: (link: string) => `Open it here: ${link}`,
    linkText: 'Open the message',
  },

  /** A one-time code that proves the person reads this mailbox. */
  emailCode: {
    subject: (orgName: string, code: string) => `Your ${orgName} secure messages code: ${code}`,
    why: {
      register:
        'Someone, perhaps you, is choosing a password to read secure messages sent to this email address.',
      'access-request':
        'Someone, perhaps you, is asking for access to a secure message and gave this email address as theirs.',
    },
    code: (code: string, minutes: number) =>
      `Your code is ${code}. It works once, for ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
    nobodyAsks:
      'Nobody from the council will ever ask you for this code. If it was not you, ignore this email: nothing happens without the code.',
  },

  /** The account was locked after too many wrong passwords. */
  lockout: {
    subject: (orgName: string) => `Your ${orgName} secure messages account is locked`,
    locked: (orgName: string, lockedMinutes: number) =>
      `Someone, perhaps you, entered the wrong password for your ${orgName} secure messages account too many times, so we have locked it for ${lockedMinutes} ${lockedMinutes === 1 ? 'minute' : 'minutes'}.`,
    ifYou: (linkMinutes: number) =>
      `If it was you, you can wait, or choose a new password now. This link works once, for ${linkMinutes} ${linkMinutes === 1 ? 'minute' : 'minutes'}, and also unlocks your account:`,
    linkText: 'Choose a new password',
    notYou:
      'If it was not you, your messages are safe: nobody can sign in while the account is locked. You can still choose a new password to be sure.',
  },

  /** A link to choose a new password ("Forgotten your password?", or sent by an admin). */
  reset: {
    subject: (orgName: string) => `Choose a new password (${orgName} secure messages)`,
    asked: (orgName: string) =>
      `Someone asked to reset the password of your ${orgName} secure messages account.`,
    openLink: (linkMinutes: number) =>
      `To choose a new password, open this link. It works once, for ${linkMinutes} ${linkMinutes === 1 ? 'minute' : 'minutes'}:`,
    linkText: 'Choose a new password',
    notYou: 'If you did not ask, you can ignore this email: your password has not changed.',
  },

  /** A second factor or passkey changed on the account. This email never has a link. */
  secondFactorChanged: {
    what: {
      removed: 'Two-step verification has been turned off',
      replaced: 'Two-step verification has been moved to a new authenticator app',
      enrolled: 'Two-step verification has been turned on',
      'passkey-added': 'A passkey has been added',
      'passkey-removed': 'A passkey has been removed',
      'passkey-renamed': 'A passkey has been renamed',
      reset: 'Your second factor has been reset by an administrator',
    },
    /** `what` is one of the lines above. */
    subject: (what: string, orgName: string) => `${what} (${orgName} secure messages)`,
    intro: (what: string, orgName: string) =>
      `${what} for your ${orgName} secure messages account.`,
    now: {
      removed: 'From now on you sign in with your password only.',
      replaced:
        'From now on you sign in with your password and a code from your authenticator app.',
      enrolled:
        'From now on you sign in with your password and a code from your authenticator app.',
      'passkey-added': 'From now on that passkey can be used to sign in to your account.',
      'passkey-removed': 'That passkey can no longer be used to sign in to your account.',
      'passkey-renamed': 'It can still be used to sign in to your account, under its new name.',
      reset:
        'Your authenticator app, recovery codes and passkeys no longer work for your account, and you have been signed out everywhere. Sign in with your password to set up a new one.',
    },
    ifResetNotAsked: (orgName: string) =>
      `If you did not ask for this, tell ${orgName} using the details on its website.`,
    /** `signInUrl` is the portal's sign-in page. */
    ifNotYou: (signInUrl: string, orgName: string) =>
      `If this was not you, someone may know your password. Go to ${signInUrl} now, choose "Forgotten your password?" to set a new one, and tell ${orgName} using the details on its website.`,
    noLink: 'This email has no link on purpose. If you did not expect it, do not reply to it.',
  },

  /** A new staff member's link to set their first password. */
  setPassword: {
    subject: (orgName: string) => `Set your password for ${orgName} secure messages`,
    hello: (name: string) => `Hello ${name},`,
    madeAccount: (orgName: string) =>
      `An administrator has made you an account on ${orgName} secure messages.`,
    openLink: (linkDays: number) =>
      `To set your password, open this link. It works once, for ${linkDays} ${linkDays === 1 ? 'day' : 'days'}:`,
    linkText: 'Set your password',
  },

  /**
   * To a sender: some recipients have not opened a message after `unretrievedNoticeDays`.
   * It names them and the date sent, never the subject or content: it is ordinary email.
   */
  unretrieved: {
    /** `date` is the day the message was sent. */
    subject: (date: Date) => `Not opened: your secure message of ${day(date)}`,
    /** `who` is the addresses that have not opened it, separated by commas. */
    opening: (date: Date, who: string, days: number) =>
      `Your secure message sent on ${day(date)} has not been opened after ${days} ${days === 1 ? 'day' : 'days'} by: ${who}.`,
    /** When their copies were deleted, as the council's settings require. */
    deleted: (orgName: string) =>
      `As ${orgName} requires, their copies have now been deleted. If they still need it, send it again, perhaps after checking the address with them.`,
    kept: 'They can still open it until their access ends. You may want to check the address with them, or contact them another way.',
    /** Before the link, in the text part. */
    seeWho: 'To see who has opened it:',
    /** The link's words, in the HTML part. */
    linkText: 'See who has opened it',
  },

  /** A reply delivered into a staff member's usual mailbox (INTERNAL_DELIVERY=smtp). */
  internalDelivery: {
    /** `subject` is the reply's own subject. */
    subject: (subject: string) => `Secure reply: ${subject}`,
    /** `from` is "Name <address>". */
    intro: (from: string, orgName: string) =>
      `Secure reply from ${from}, delivered by ${orgName} secure messages.`,
    /** `names` is the files' names, separated by commas. */
    attachments: (names: string) => `Attachments, in the portal only: ${names}`,
    inPortal: (link: string) => `The message in the portal: ${link}`,
    linkText: 'Open the message in the portal',
  },
};
