/**
 * The recipient's mailbox in English: the inbox, one message, replying, forwarding,
 * deleting, asking for more time, and the account page. Plain words for people in a
 * hurry; anything that depends on a value is a function.
 */
export const mailbox = {
  inbox: {
    title: 'Inbox',
    caption: 'Your secure messages',
    expiredTitle: 'Messages you can no longer read',
    expiredCaption: 'Messages whose access has ended or was revoked',
    intro: 'Messages sent to you securely. Each one can be read for a limited time.',
    expiredIntro:
      'Your access to these messages has ended, or the sender revoked it. Where it ended, you can ask the sender for more time. They decide, and we email you when they do.',
    empty: 'You have no messages.',
    emptyHint: 'When someone sends you a secure message, it appears here and we email you.',
    expiredEmpty: 'You have no expired messages.',
    viewExpired: 'View messages you can no longer read',
    backToInbox: 'Back to your inbox',
    account: 'Your account',
    columns: {
      from: 'From',
      subject: 'Subject',
      date: 'Received',
      access: 'Can be read for',
      attachments: 'Files',
      status: 'Status',
      action: 'Action',
    },
    noSubject: '(No subject)',
    /** Read out before an unread message's subject. */
    unread: 'Unread:',
    daysLeft: (days: number) =>
      days <= 0 ? 'Less than a day' : days === 1 ? '1 more day' : `${days} more days`,
    attachmentCount: (n: number) => (n === 0 ? 'None' : n === 1 ? '1 file' : `${n} files`),
    accessExpired: 'Access expired',
    revoked: 'Revoked',
    revokedNoRequest: 'Contact the sender if you need it',
    readOnly: 'Read only',
    requestAccess: 'Request more access',
    /** Hidden text after the button, so each button says which message it is for. */
    requestAccessFor: (subject: string) => ` to “${subject}”`,
    requested: 'More time requested',
    pageOf: (page: number, pages: number) => `Page ${page} of ${pages}`,
    notices: {
      deleted: 'The message was deleted from your inbox.',
      'access-requested':
        'We have asked the sender for more time. We will email you when they decide.',
    },
  },

  message: {
    from: 'From',
    to: 'To',
    cc: 'Copied to',
    forwardedBy: 'Forwarded to you by',
    date: 'Sent',
    accessUntil: 'You can read it until',
    classification: 'Security marking',
    bodyHeading: 'Message',
    attachmentsHeading: 'Attached files',
    noAttachments: 'There are no files with this message.',
    download: 'Download',
    /** Hidden after each file name: what the link does. */
    fileDetails: (size: string, type: string) => `${type}, ${size}`,
    readOnlyHeading: 'This message is read only',
    readOnlyBody:
      'The sender asked that this message is only read on screen. You cannot download its files, forward it or print it.',
    readOnlyPhoto:
      'This discourages copying, but it cannot stop someone taking a photo of the screen.',
    readOnlyFiles: 'The files cannot be downloaded from a read-only message.',
    watermark: (email: string, when: string) => `${email} · ${when}`,
    notPrintable: 'This message cannot be printed.',
    truncated:
      'This message is too long to show in full. Ask the sender to send the rest as a file.',
    actions: 'What you can do',
    reply: 'Reply',
    replyAll: 'Reply all',
    forward: 'Forward',
    delete: 'Delete',
    expiredTitle: 'Access expired',
    expiredBody: (subject: string, date: string) =>
      `Your access to the message “${subject}” ended on ${date}.`,
    expiredAsk: 'You can ask the sender for more time. They decide, and we email you when they do.',
    requestPending: (date: string) =>
      `You asked for more time on ${date}. The sender has not decided yet. We will email you when they do.`,
    revokedTitle: 'This message was revoked',
    revokedBody:
      'The sender revoked your access to this message, so it can no longer be read. If you need it, contact the person who sent it.',
    notices: {
      replied: 'Your reply was sent.',
      forwarded: 'The message was forwarded.',
      'forward-requested':
        'We have asked the sender to allow the forward. The message goes to the address only if they agree.',
      'forwarded-and-requested':
        'The message was forwarded to the addresses inside the council. For the others, we have asked the sender to allow it first.',
      'access-requested':
        'We have asked the sender for more time. We will email you when they decide.',
    },
  },

  reply: {
    title: 'Reply',
    titleAll: 'Reply all',
    to: 'To',
    toHint: 'Your reply goes to the people shown. You cannot change them here.',
    subject: 'Subject',
    body: 'Your reply',
    send: 'Send reply',
    cancel: 'Cancel',
    original: 'Replying to',
    bodyMissing: 'Enter your reply',
    subjectPrefix: 'Re: ',
    noRecipients: 'There is nobody at the council to reply to. Contact the sender another way.',
    draftGone: 'That draft no longer exists. Write your reply below.',
  },

  forward: {
    title: 'Forward this message',
    to: 'Email addresses',
    toHint: 'To forward to more than one person, separate the addresses with commas.',
    allowed: (domains: string) => `You can forward it to addresses at ${domains}.`,
    allowedNone: 'You can forward it only to addresses inside the council.',
    outsideRequest:
      'For any other address, the sender is asked to allow it first. The message goes there only if they agree.',
    outsideRefused: 'Addresses outside the council are refused.',
    send: 'Forward message',
    cancel: 'Cancel',
    privacy:
      'Only you and the sender see whom you forward it to. The other people it was sent to do not.',
    keepFiles: 'Files to forward',
    keepFilesHint:
      'The message’s files go with it unless you untick them. If you untick a file or attach another, the message is sent on from you as a new message.',
    /** The new message a forward with files added or left out becomes. */
    asNew: {
      subjectPrefix: 'Fwd: ',
      heading: '---------- Forwarded message ----------',
      from: (name: string, email: string) => `From: ${name} <${email}>`,
      /** When the sender has no name apart from the address. */
      fromAddress: (email: string) => `From: ${email}`,
      date: (when: string) => `Date: ${when}`,
      subject: (subject: string) => `Subject: ${subject}`,
      to: (addresses: string) => `To: ${addresses}`,
      truncated: '[The rest of the message was too long to forward. Ask the sender for it.]',
    },
    problems: {
      readOnly: 'The sender made this message read-only, so it cannot be forwarded.',
      noAddress: 'Enter an email address.',
      invalidAddress: (address: string) =>
        `Enter “${address}” as an email address in the correct format, like name@example.com`,
      outside: (domains: string, addresses: string) =>
        `You can only forward to addresses at ${domains}. ${addresses} is outside, so the message was not forwarded.`,
      outsideWithFiles: (domains: string, addresses: string) =>
        `With files added or left out, you can only forward to addresses at ${domains}. ${addresses} is outside, so the message was not forwarded. Remove it, or forward the message with all its files and nothing added.`,
      tooMany: (max: number) =>
        `You can forward to at most ${max} addresses at once. Remove some and try again.`,
      rateLimited: (perHour: number) =>
        `You have forwarded or asked to forward ${perHour} times in the last hour, the most allowed. Try again later.`,
    },
  },

  delete: {
    title: 'Delete this message?',
    body: 'It will be removed from your inbox. The sender and anyone else it was sent to keep their copies.',
    confirm: 'Yes, delete it',
    cancel: 'No, go back',
  },

  account: {
    title: 'Your account',
    signedInAs: 'You are signed in as',
    passwordHeading: 'Your password',
    passwordBody: 'To change your password, we email you a link.',
    passwordLink: 'Change your password',
    exportHeading: 'Your messages',
    exportBody:
      'Download a copy of every message you can still read, with its files, as one zip file. Keep it somewhere safe: the copy is not protected by a password.',
    exportLink: 'Download your messages (zip)',
    everywhereHeading: 'Sign out everywhere',
    everywhereBody:
      'If you signed in on a computer or phone you no longer have, or that someone else uses, sign out on every device at once. You will need to sign in again here too.',
    everywhereButton: 'Sign out everywhere',
  },

  /** A recipient's own, optional second factor (the set-up steps are `staff.setup`'s). */
  twoFactor: {
    title: 'Two-step verification',
    on: 'Two-step verification is on. Signing in needs a code from your authenticator app as well as your password.',
    onPasskey:
      'Two-step verification is on. Signing in needs one of your passkeys as well as your password.',
    onBoth:
      'Two-step verification is on. Signing in needs one of your passkeys, or a code from your authenticator app, as well as your password.',
    off: 'Two-step verification is off. You can turn it on so that signing in needs a code from an app on your phone as well as your password. It is your choice.',
    setUpLink: 'Set up two-step verification',
    addAppLink: 'Add an authenticator app',
    manageLink: 'Change or turn off two-step verification',
    optional:
      'It is your choice. You can turn it off again from your account page, with your password.',
    passwordHint: 'Because this changes how you sign in, we need your password again.',
    codesLeft: (n: number) =>
      n === 1 ? 'You have 1 recovery code left.' : `You have ${n} recovery codes left.`,
    replaceHeading: 'Use a new phone or app',
    replaceBody:
      'If you have a new phone, or have used most of your recovery codes, set up your authenticator app again. You get new recovery codes and the old ones stop working.',
    replaceLink: 'Set up a new app',
    removeHeading: 'Turn off two-step verification',
    removeBody:
      'You will then sign in with your password only, so anyone who learns it can read your messages. Your recovery codes stop working. We email you to say it is off.',
    removeButton: 'Turn off two-step verification',
    removed: 'Two-step verification is off',
    backToAccount: 'Back to your account',
  },

  /** A message its sender marked "second factor required" (step-up). */
  stepUp: {
    title: 'This message needs a second step',
    why: 'The sender asked for a second step to protect this message: as well as your password, a code from an authenticator app on your phone, or a passkey. Then someone who learns your password still cannot read it.',
    subject: 'Message',
    enrol:
      'You have not set up two-step verification yet. Set it up now: it takes a few minutes, and you come straight back to the message afterwards.',
    enrolButton: 'Set up two-step verification',
    confirm:
      'You have set up two-step verification, but you have not used it since you signed in on this device. Use it now to open the message.',
    confirmButton: 'Continue',
    setUpBanner: 'When this is set up, you go back to the message you were opening.',
    continueToMessage: 'Continue to the message',
    inboxMarker: 'Second step needed',
    backToInbox: 'Back to your inbox',
  },

  sizes: {
    bytes: (n: number) => (n === 1 ? '1 byte' : `${n} bytes`),
    kb: (n: string) => `${n} KB`,
    mb: (n: string) => `${n} MB`,
    gb: (n: string) => `${n} GB`,
  },

  /** A short, readable name for a file's type. */
  fileTypes: {
    'application/pdf': 'PDF',
    'text/plain': 'Text',
    'text/csv': 'Spreadsheet (CSV)',
    'application/msword': 'Word document',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
    'application/vnd.ms-excel': 'Excel spreadsheet',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel spreadsheet',
    'application/vnd.ms-powerpoint': 'PowerPoint presentation',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation':
      'PowerPoint presentation',
    'application/vnd.oasis.opendocument.text': 'OpenDocument text',
    'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument spreadsheet',
    'application/rtf': 'Rich text',
    'image/png': 'PNG image',
    'image/jpeg': 'JPEG image',
    'image/gif': 'GIF image',
    'application/zip': 'ZIP file',
  } as Record<string, string>,
  /** The type name of any file not listed above. */
  otherFileType: 'File',
};
