import { passwordAdviceLengths } from '../../core/accounts/password-policy.ts';
import { addresses } from './en/addresses.ts';
import { admin } from './en/admin.ts';
import { compose } from './en/compose.ts';
import { dataExport } from './en/data-export.ts';
import { deliveryReport } from './en/delivery-report.ts';
import { emails } from './en/emails.ts';
import { help } from './en/help.ts';
import { info } from './en/info.ts';
import { mailbox } from './en/mailbox.ts';
import { mailboxes } from './en/mailboxes.ts';
import { passkeys } from './en/passkeys.ts';
import { sso } from './en/sso.ts';
import { staff } from './en/staff.ts';

/** The lengths the password advice names, from the default policy. */
const ADVICE = passwordAdviceLengths();

/**
 * Every word the portal shows, in English: the reference language. Keys are grouped by
 * area; add yours to the area that owns the page (or a new one). Other languages
 * (`cy.ts`) may leave keys out and fall back to these.
 *
 * Plain English for people in a hurry: short sentences, "you", no jargon. Anything that
 * depends on a value is a function, so word order can differ between languages.
 */
export const en = {
  common: {
    back: 'Back',
    continue: 'Continue',
    cancel: 'Cancel',
    save: 'Save',
    change: 'Change',
    signIn: 'Sign in',
    /** Language names are always written in their own language. */
    languageNames: { en: 'English', cy: 'Cymraeg' },
  },

  layout: {
    /** The browser tab: "Inbox – Anytown Council". */
    pageTitle: (page: string, orgName: string) => `${page} – ${orgName}`,
    /** Before the page title when a form came back with errors (GOV.UK pattern). */
    errorTitlePrefix: 'Error: ',
    skipLink: 'Skip to main content',
    serviceName: 'Secure messages',
    serviceInformation: 'Service information',
    menu: 'Menu',
    nav: {
      inbox: 'Inbox',
      sent: 'Sent',
      drafts: 'Drafts',
      compose: 'Write a message',
      contacts: 'Contacts',
      help: 'Help',
    },
    signOut: 'Sign out',
    /** The warning a page's script shows before an idle sign-out (WCAG 2.2.1). */
    timeout: {
      title: 'You are about to be signed out',
      before:
        'You have not done anything for a while. To protect your messages, we will sign you out at ',
      after: ' unless you choose to stay signed in.',
      stay: 'Stay signed in',
      endedTitle: 'You have been signed out',
      ended: 'We signed you out because you were inactive, to protect your messages.',
      signInAgain: 'Sign in again',
      close: 'Close',
    },
    /**
     * The line on every signed-in page saying when the session ends (WCAG 2.2.1 without
     * JavaScript): the time goes between `before` and `after`, in a `<time>` element.
     */
    sessionEnd: {
      /** Before a time ("14:32"). */
      at: 'You will be signed out at ',
      /** Before a date and time more than half a day away ("3 March 2025 at 14:32"). */
      on: 'You will be signed out on ',
      /** After it, for the idle limit, which "Stay signed in" (or any page) moves on. */
      idleAfter: ' if you do nothing.',
      /** After it, for the session's lifetime, which nothing moves. */
      lifetimeAfter: '. Sign in again then to carry on.',
      stay: 'Stay signed in',
    },
    supportLinks: 'Support links',
    footer: {
      help: 'Help',
      accessibility: 'Accessibility statement',
      privacy: 'Privacy notice',
    },
    language: 'Language',
  },

  /** Text that components add themselves (prefixes, landmarks, default titles). */
  components: {
    errorSummaryTitle: 'There is a problem',
    /** Read out before each field's error message. */
    errorPrefix: 'Error:',
    warning: 'Warning',
    success: 'Success',
    important: 'Important',
    breadcrumbs: 'Breadcrumb',
    pagination: {
      label: 'Pagination',
      previous: 'Previous',
      next: 'Next',
      /** Hidden text after "Previous"/"Next" for screen readers. */
      page: 'page',
      pageNumber: (n: number) => `Page ${n}`,
    },
    characterLimit: (max: number) => `You can enter up to ${max} characters`,
  },

  /** Signing in, registering from a message link, and resetting or setting a password. */
  auth: {
    signInTitle: 'Sign in',
    email: 'Email address',
    password: 'Password',
    yourEmail: 'Your email address:',
    /** Why a new password was refused: core's `PasswordProblem` codes. */
    passwordProblems: {
      empty: 'Enter a password.',
      'too-short': (min: number, length: number) =>
        `Your password must be at least ${min} characters long. It has ${length}.`,
      'too-long': (max: number) => `Your password must be at most ${max} characters long.`,
      common: 'That is one of the most common passwords, so it is easy to guess.',
      repeated: 'Your password cannot be one character repeated.',
      'contains-email': 'Your password cannot contain your email address or the name in it.',
      'contains-word': (word: string) =>
        `Your password cannot contain "${word}", which is easy to guess here.`,
    },
    newPassword: {
      label: 'Create a password',
      adviceHeading: 'Choosing a password',
      /** The policy's rules for an account without a second factor (core gives the lengths). */
      advice: `Use at least ${ADVICE.min} characters, and up to ${ADVICE.max}. A good way to make a long password you can remember is to put three random words together, as the National Cyber Security Centre advises. You can use spaces. You do not need numbers, symbols or capital letters. Do not use a common password, your email address, or one character repeated, and do not use a password you use anywhere else.`,
      example: 'For example: "kettle gravel orchard stamp". Do not use this example.',
    },
    signIn: {
      title: 'Sign in',
      intro: 'Sign in to read and reply to your secure messages.',
      /** One message for every failure, so nobody can tell which addresses have accounts. */
      failed:
        'The email address or password is not right, or the account is locked for a while. Check them and try again, or reset your password.',
      /** A field left empty (GOV.UK pattern): asked for before anything is checked. */
      emailMissing: 'Enter your email address',
      passwordMissing: 'Enter your password',
      tooMany: (minutes: number) =>
        `There have been too many attempts to sign in from your connection. Wait ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} and try again.`,
      rememberMe: (days: number) => `Keep me signed in on this device for ${days} days`,
      rememberMeHint: 'Only choose this on a device nobody else uses.',
      button: 'Sign in',
      forgotten: 'Forgotten your password?',
      firstTimeHeading: 'Signing in for the first time',
      firstTime:
        'Open the link in the email that told you about your secure message. It will ask you to create a password.',
      notices: {
        'signed-out': 'You have signed out.',
        'signed-out-everywhere': 'You have signed out on every device.',
        'password-changed': 'Your password has been changed.',
        'sso-ended':
          'You have been signed out because your organisation’s account service no longer confirms your access.',
      },
    },
    link: {
      title: 'You have a secure message',
      body: 'Select continue to read it. The first time, you will create a password.',
      button: 'Continue',
      invalidTitle: 'This link does not work',
      invalidMessage:
        'The link may have expired or been used already. If you have created a password, sign in to see your messages.',
      invalidReset:
        'The link may have expired (it works for 1 hour) or been used already. You can ask for a new one.',
      invalidSetPassword:
        'The link may have expired or been used already. Ask your administrator for a new one.',
      requestNew: 'Ask for a new link',
    },
    /** Proving an address with an emailed code, and asking for access from a passed-on link. */
    proof: {
      startTitle: 'Check it is your email address',
      sentTo: 'This secure message was sent to',
      why: 'Emails are often passed on, so a link alone does not show who is opening it. To make sure only the person it was sent to can read it, we will email a code to that address now. You will type it in when you create your password.',
      sendCode: 'Email me a code',
      tooManyCodes:
        'We have sent the most codes we can to this address for now. Wait an hour, or use the newest code you were sent.',
      codeSent: (email: string) =>
        `We have emailed a code to ${email}. It works for 15 minutes. Check your spam or junk folder if it has not arrived.`,
      codeWhy:
        'The code shows that you can read the email sent to this address now. Nobody from the council will ever ask you for it.',
      codeLabel: 'Code from the email',
      codeHint: 'It is 8 digits, like 12345678.',
      codeProblems: {
        'code-missing': 'Enter the code from the email',
        'code-wrong': 'The code is not right. Check the newest email and try again',
        'code-expired':
          'The code has expired or was tried too many times. Ask for a new code below',
        'too-many-tries':
          'There have been too many tries from your connection. Wait an hour and try again',
      },
      noCodeHeading: 'No code, or it has expired?',
      noCode: 'We can send a new one. Only the newest code works.',
      resend: 'Send a new code',
      notYouHeading: 'Not the person this message was sent to?',
      notYouBody:
        'If someone passed this email on to you, you cannot read the message with their link. You can ask the sender to send it to you.',
      askLink: 'Ask the sender for access',
      notYouContact: (name: string, email: string) =>
        `If someone passed this email on to you, you cannot read the message with their link. Contact ${name} (${email}) and ask them to send it to you.`,
      /** The same, when the sender's address is not known. */
      notYouContactName: (name: string) =>
        `If someone passed this email on to you, you cannot read the message with their link. Contact ${name} and ask them to send it to you.`,
      ask: {
        title: 'Ask the sender for access',
        intro: (sender: string) =>
          `${sender} sent this message to someone else. Give your own email address and we will ask ${sender} whether to send it to you. They decide, and we email you when they do.`,
        codeWhy: 'First we email you a code, to check the address is yours.',
        email: 'Your email address',
        emailHint: 'We send the code here, and the message too if the sender agrees.',
        reason: 'Why you need it (optional)',
        reasonHint: 'For example, who you are and how you are helping. The sender sees this.',
        sendCode: 'Email me a code',
        send: 'Send the request',
        problems: {
          'email-missing': 'Enter your email address',
          'email-invalid': 'Enter an email address in the correct format, like name@example.com',
          'own-address':
            'This is the address the message was sent to. Go back to the link and select Continue instead',
          'too-many-codes':
            'We have sent the most codes we can to this address for now. Wait an hour, or use the newest code you were sent',
          'rate-limited': 'You have made the most requests allowed in an hour. Try again later',
          'reason-too-long': 'The reason must be 1000 characters or fewer',
          'code-missing': 'Enter the code from the email',
          'code-wrong': 'The code is not right. Check the newest email and try again',
          'code-expired': 'The code has expired or was tried too many times. Ask for a new code',
          'too-many-tries':
            'There have been too many tries from your connection. Wait an hour and try again',
        },
        doneTitle: 'Your request',
        asked: (sender: string) =>
          `We have asked ${sender} to send you this message. We will email you when they decide.`,
        alreadyAsked: (sender: string) =>
          `You have already asked for this message. ${sender} has not decided yet. We will email you when they do.`,
        alreadyGranted:
          'The sender has already agreed. Look for the email that tells you about your secure message.',
        alreadyDenied: (sender: string) =>
          `${sender} decided not to send you this message. If you think this is wrong, contact them.`,
      },
    },
    register: {
      title: 'Create a password',
      intro:
        'You will sign in with your email address and this password to read your secure messages.',
      button: 'Create password and continue',
    },
    reset: {
      title: 'Choose a new password',
      intro: 'Your new password signs you out on every other device.',
      button: 'Save new password',
      requestTitle: 'Reset your password',
      requestIntro:
        'Enter the email address you sign in with. We will email you a link to choose a new password.',
      requestButton: 'Send the link',
      emailMissing: 'Enter your email address',
      emailInvalid: 'Enter an email address in the correct format, like name@example.com',
      sentTitle: 'Check your email',
      sent: (email: string) =>
        `If ${email} has an account, we have sent it a link to choose a new password. The link works for 1 hour.`,
      notArrived:
        'If the email has not arrived in a few minutes, check your spam or junk folder, or ask again.',
    },
    setPassword: {
      title: 'Set your password',
      intro: 'You will sign in with your work email address and this password.',
      button: 'Set password and sign in',
    },
    refused: {
      title: 'This form could not be sent',
      body: 'The page was open for too long, or the form did not come from this site. Go back, reload the page and try again.',
    },
  },

  inbox: {
    title: 'Inbox',
    unread: 'Unread',
  },

  message: {
    readOnly: 'Read only',
  },

  compose,

  mailbox,

  /** Shared mailboxes: a holder's members, a person's mailboxes, the acting line. */
  mailboxes,

  staff,

  /** Staff single sign-on through the council's OpenID provider. */
  sso,

  /** Passkeys (WebAuthn): the account page and signing in with one. */
  passkeys,

  admin,

  help,
  info,

  /** The delivery report the gateway emails a sender when some recipients were refused. */
  deliveryReport,
  emails,

  dataExport,

  addresses,

  errors: {
    notFound: {
      title: 'Page not found',
      typed: 'If you typed the web address, check it is correct.',
      pasted: 'If you pasted the web address, check you copied the entire address.',
      link: 'If you followed a link in an email, the message may have expired or been withdrawn. Contact the person who sent it.',
      home: 'Go to the start page',
    },
    serverError: {
      title: 'Sorry, there is a problem with the service',
      tryLater: 'Try again later.',
      nothingLost: 'If you were sending something, check whether it was sent before you try again.',
      reference: (id: string) => `If you contact us about this, quote this reference: ${id}`,
    },
    repairing: {
      title: 'The service is being repaired',
      body: 'Messages cannot be opened at the moment because of a problem on our side. We are working on it. Try again later.',
      nothingLost: 'Your messages are safe and nothing has been lost.',
    },
    /**
     * Plain-text answers where no page can be shown (an API-style request, or the error
     * page itself failed), by the error's code (core/shared/errors.ts).
     */
    answers: {
      notFound: 'Page not found.',
      invalidInput: 'The request could not be used. Check what you entered and try again.',
      uploadRefused: 'The form could not be read: it was too large or not a form upload.',
      formTooLarge: 'This form is too large to send. Shorten the text and try again.',
      temporaryFailure: 'The service is busy. Please try again in a moment.',
      serverError: (id: string) => `Sorry, something went wrong on our side. Reference: ${id}`,
      repairing: (id: string) => `The service is being repaired. Reference: ${id}`,
    },
    signInRequired: {
      title: 'You need to sign in',
      body: 'You need to sign in to see this page. If you were signed in, you may have been signed out after a period of inactivity, to protect your messages.',
      action: 'Sign in',
    },
  },
};
