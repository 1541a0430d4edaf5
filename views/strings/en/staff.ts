/**
 * The staff area in English: two-step verification, writing a secure message, sent
 * items with tracking, control after sending, access requests and the staff inbox.
 * Plain words; anything that depends on a value is a function.
 */
export const staff = {
  nav: {
    label: 'Staff menu',
    inbox: 'Inbox',
    compose: 'Send a secure message',
    drafts: 'Drafts',
    sent: 'Sent messages',
    requests: 'Requests',
    twoFactor: 'Two-step verification',
    mailboxes: 'Team mailboxes',
    admin: 'Administration',
    signOut: 'Sign out',
  },

  mailboxes: {
    title: 'Team mailboxes',
    intro:
      'Work from a team mailbox to read and answer its messages. What you send goes out from the team, and the team can see which of you opened or answered each message.',
    caption: 'Mailboxes you can work from',
    columns: { mailbox: 'Mailbox', name: 'Name', action: 'Action' },
    own: 'Your own mailbox',
    current: 'You are working here',
    workFrom: 'Work from this mailbox',
    backToOwn: 'Back to your own mailbox',
    none: 'You are not on any team mailbox. An administrator adds you to one.',
    workingIn: (email: string) => `You are working in ${email}.`,
    switchLink: 'Switch mailbox',
  },

  twoFactor: {
    title: 'Enter your security code',
    intro:
      'Open the authenticator app on your phone and enter the 6-digit code it shows for this service.',
    titlePasskey: 'Use your passkey',
    introPasskey: 'To finish signing in, use the passkey you set up for this account.',
    titleBoth: 'Confirm it is you',
    introBoth:
      'To finish signing in, use your passkey, or enter the code from your authenticator app below.',
    codeLabel: 'Security code',
    codeHint:
      'Lost your phone? Enter one of your recovery codes instead, like abcd-efgh-ijkl-mnop.',
    button: 'Continue',
    failed:
      'The code is not right, or has been used already. Enter the current code from your app, or a recovery code.',
    missing: 'Enter the 6-digit code from your authenticator app, or a recovery code',
    tooMany: 'There have been too many wrong codes. Sign in again.',
    tooManyPasswords: 'There have been too many wrong passwords. Sign in again.',
    signOut: 'Sign out and start again',
    lowRecoveryCodes: (left: number) =>
      left === 0
        ? 'You signed in with your last recovery code. Set up your authenticator app again below to get new codes.'
        : `You signed in with a recovery code: ${left} ${left === 1 ? 'is' : 'are'} left. If you have lost your phone, set up your authenticator app again below to get new codes.`,
  },

  setup: {
    title: 'Set up two-step verification',
    requiredIntro:
      'Administrators must use two-step verification. You need to set it up before you can do anything else.',
    requiredIntroStaff:
      'Your organisation asks all staff to use two-step verification, because the messages you send hold people’s personal information. You need to set it up before you can do anything else.',
    optionalIntro:
      'Two-step verification asks for a code from your phone as well as your password, so nobody can sign in with your password alone.',
    replaceWarning:
      'You already use two-step verification. Setting it up again replaces your authenticator app and your recovery codes.',
    step1Heading: '1. Get an authenticator app',
    step1:
      'Install an authenticator app on your phone, such as Microsoft Authenticator or Google Authenticator, if you do not have one.',
    step2Heading: '2. Scan the QR code',
    step2: 'In the app, add an account and scan this QR code.',
    qrLabel: (email: string) => `QR code to set up two-step verification for ${email}`,
    manualSummary: 'I cannot scan the QR code',
    manual: 'Enter this key in the app instead. Choose a time-based code if the app asks.',
    manualKeyLabel: 'Key',
    step3Heading: '3. Enter the code from the app',
    passwordLabel: 'Your password',
    passwordHint: 'Because this replaces how you sign in, we need your password again.',
    wrongPassword: 'The password is not right. Enter the password you sign in with',
    missingPassword: 'Enter your password',
    codeLabel: 'Security code',
    codeHint: 'The 6-digit code the app shows for this service.',
    button: 'Turn on two-step verification',
    wrongCode:
      'The code is not right. Enter the code the app shows now, or scan the QR code again.',
    missing: 'Enter the 6-digit code from your authenticator app',
    expired: 'This set-up page had expired, so we made a new QR code. Scan it again.',
  },

  recoveryCodes: {
    title: 'Two-step verification is on',
    intro: 'From now on you will enter a code from your app each time you sign in.',
    heading: 'Your recovery codes',
    warning: 'Keep these codes somewhere safe now. This is the only time they are shown.',
    use: 'If you lose your phone, sign in with one of these codes instead of a code from the app. Each code works once.',
    continue: 'Continue',
  },

  inbox: {
    title: 'Inbox',
    intro: 'Replies and messages sent to you through the secure portal.',
    caption: 'Messages sent to you',
    empty: 'You have no messages.',
    columns: { from: 'From', subject: 'Subject', received: 'Received', status: 'Status' },
    unread: 'Unread',
    revoked: 'Withdrawn',
    expired: 'Expired',
    attachments: (n: number) => `${n} ${n === 1 ? 'attachment' : 'attachments'}`,
    teamIntro: (email: string) => `Messages sent to ${email}. Everyone on the team sees them.`,
    openedBy: (name: string) => `Opened by ${name}`,
  },

  message: {
    from: 'From',
    to: 'To',
    cc: 'Cc',
    received: 'Received',
    accessEnds: 'You can read it until',
    classification: 'Marking',
    attachmentsHeading: 'Attachments',
    downloadNamed: (name: string) => `Download ${name}`,
    readOnly: 'The sender made this message read-only: it cannot be downloaded or forwarded.',
    reply: 'Reply securely',
    backToInbox: 'Back to inbox',
    revokedTitle: 'This message has been withdrawn',
    revoked: 'The sender has withdrawn this message. Contact them if you still need it.',
    expiredTitle: 'This message has expired',
    expired: 'You can no longer read this message.',
    teamActivity: 'Who on the team opened or answered it',
    openedBy: (name: string, time: string, date: string) =>
      `Opened by ${name} at ${time} on ${date}`,
    repliedBy: (name: string, time: string, date: string) =>
      `Replied by ${name} at ${time} on ${date}`,
  },

  compose: {
    title: 'Send a secure message',
    intro:
      'The message and its attachments are stored encrypted. Each recipient gets an email with a link, and reads the message in this portal.',
    to: 'To',
    toHint: 'Email addresses, separated by commas or on separate lines.',
    cc: 'Cc (optional)',
    subject: 'Subject',
    subjectHint:
      'Recipients see the subject only after signing in: it is not in the notification email.',
    body: 'Message',
    optionsHeading: 'Options',
    readOnly: 'Read only',
    readOnlyHint: 'Recipients can read the message on screen, but cannot download or forward it.',
    secondFactorRequired: 'Second factor required',
    secondFactorRequiredHint:
      'Recipients must use two-step verification (a code from an app on their phone, or a passkey) before the message opens. Anyone who has not set it up is asked to, with the reason explained. It is also left out of the copy of their messages they can download.',
    accessHeading: 'How long recipients can read it',
    accessDays: 'Number of days',
    accessDaysHint: (days: number) => `From today. Usually ${days} days.`,
    accessDate: 'Or until this date (optional)',
    accessDateHint:
      'For example, 27 3 2026. If you give a date, it is used instead of the number of days.',
    day: 'Day',
    month: 'Month',
    year: 'Year',
    classification: 'Classification marking',
    classificationHint: 'Shown to recipients at the top of the message.',
    classificationNone: 'No marking',
    official: 'OFFICIAL',
    officialSensitive: 'OFFICIAL-SENSITIVE',
    preview: 'Preview',
    attachmentsHeading: 'Attachments',
    attachments: 'Add files (optional)',
    attachmentsHint: (max: number, mb: number) =>
      `Up to ${max} files, ${mb} MB of files in total (the message text does not count). They are encrypted as they upload.`,
    filesKept:
      'These files are attached. They stay with the message until you send it or delete the draft.',
    remove: 'Remove',
    removeHidden: (name: string) => ` ${name}`,
    saveDraft: 'Save as draft',
    notices: {
      saved: 'Draft saved',
      savedBody: 'You can come back to it from Drafts.',
      removed: 'File removed',
      timeout: 'This message was saved when you were signed out',
      timeoutBody:
        'Check it and send it. Files already attached are still here; any you were choosing when you were signed out need choosing again.',
    },
    replyingTo: (subject: string) => `You are replying to “${subject}”.`,
    errors: {
      to: 'Enter at least one email address in To',
      invalidAddress: (typed: string) =>
        `Enter “${typed}” as an email address in the correct format, like name@example.com`,
      tooManyRecipients: 'There are too many addresses. Remove some, or send more than one message',
      subject: 'Enter a subject',
      subjectTooLong: (max: number) => `The subject must be ${max} characters or fewer`,
      subjectLines: 'The subject must be on one line',
      bodyTooLong: 'The message is too long. Send the text as an attachment instead.',
      accessDays: 'Enter the number of days as a whole number from 1 to 3650',
      accessDaysRange: (max: number) =>
        `Enter the number of days as a whole number from 1 to ${max}: the council keeps messages for ${max} days`,
      accessDate: 'Enter a real end date in the future, like 27 3 2026',
      accessDateTooLate: (latest: string) =>
        `The end date must be no later than ${latest}: the council keeps messages only until then`,
      classification: 'Choose a classification marking',
      body: 'Enter a message',
    },
  },

  preview: {
    title: 'Check your message before sending',
    intro: 'This is what you are about to send. Nothing has been sent yet.',
    to: 'To',
    cc: 'Cc',
    subject: 'Subject',
    body: 'Message',
    readOnly: 'Read only',
    secondFactorRequired: 'Second factor required',
    yes: 'Yes',
    no: 'No',
    accessEnds: 'Recipients can read it until',
    classification: 'Marking',
    none: 'None',
    attachments: 'Attachments',
    noAttachments: 'None',
    send: 'Send securely',
    change: 'Change the message',
    external: (n: number) =>
      `${n} ${n === 1 ? 'recipient is' : 'recipients are'} outside the council. They will get an email with a link and create a password the first time.`,
  },

  drafts: {
    title: 'Drafts',
    intro: 'Messages you have started but not sent, with any files attached to them.',
    caption: 'Your drafts',
    empty: 'You have no drafts.',
    columns: {
      subject: 'Subject',
      to: 'To',
      files: 'Files',
      saved: 'Last saved',
      actions: 'Actions',
    },
    noSubject: '(no subject)',
    delete: 'Delete',
    deleteHidden: (subject: string) => ` draft ${subject}`,
    deleted: 'The draft was deleted',
  },

  sentConfirmation: {
    title: 'Message sent',
    body: (n: number) =>
      `We have emailed ${n} ${n === 1 ? 'recipient' : 'recipients'} a link to read it.`,
    track: 'See who has opened it',
    another: 'Send another message',
  },

  sent: {
    title: 'Sent messages',
    intro: 'Messages you have sent securely, newest first, and whether they have been opened.',
    caption: 'Messages you have sent',
    empty: 'You have not sent any messages yet.',
    columns: { subject: 'Subject', sent: 'Sent', recipients: 'Recipients', status: 'Opened' },
    notOpened: 'Not opened',
    openedAll: 'Opened',
    openedBy: (opened: number, total: number) => `Opened by ${opened} of ${total}`,
  },

  tracking: {
    back: 'Back to sent messages',
    sent: 'Sent',
    from: 'From',
    readOnly: 'Read only',
    secondFactorRequired: 'Second factor required',
    classification: 'Marking',
    attachments: 'Attachments',
    none: 'None',
    yes: 'Yes',
    no: 'No',
    recipientsHeading: 'Recipients',
    messageHeading: 'Message',
    status: 'Status',
    states: { active: 'Can read', revoked: 'Access revoked', expired: 'Access ended' },
    accessEnds: 'Access ends',
    notified: 'Notified',
    notYet: 'Not yet',
    registered: 'Has an account',
    firstOpened: 'First opened',
    notOpened: 'Not opened',
    downloads: 'Downloads',
    noDownloads: 'None',
    downloadedAt: (name: string, at: string) => `${name}, ${at}`,
    replies: 'Replies',
    noReplies: 'None',
    requests: 'Requests',
    noRequests: 'None',
    requestLine: (kind: string, status: string, at: string) => `${kind}: ${status} (${at})`,
    revokeOne: 'Revoke access',
    restoreOne: 'Restore access',
    forRecipient: (email: string) => ` for ${email}`,
    controlHeading: 'Change access for everyone',
    revokeAll: 'Revoke access for everyone',
    restoreAll: 'Restore access for everyone',
    changeEndHeading: 'Change when access ends',
    changeEndHint: 'For every recipient. For example, 27 3 2026.',
    changeEnd: 'Change end date',
    endDate: 'New end date',
    auditorNote: 'You can see this message’s tracking as an auditor. You cannot change anything.',
    contentHiddenTitle: 'Tracking of a sent message',
    contentHidden:
      'Only the sender sees the subject, the text and the file names. You see who it went to and what happened to each copy.',
    fileNameHidden: 'a file (name seen by the sender only)',
    forwardedFrom: 'How they got it',
    forwardedBy: (email: string) => `Forwarded by ${email}`,
    grantedFromLink: (email: string) =>
      `You granted their request: they were given the link sent to ${email}`,
    done: {
      revoked: (n: number) =>
        n === 0
          ? 'Access was already revoked.'
          : `Access revoked for ${n} ${n === 1 ? 'recipient' : 'recipients'}. They can no longer read the message.`,
      restored: (n: number) =>
        n === 0
          ? 'Access was not revoked.'
          : `Access restored for ${n} ${n === 1 ? 'recipient' : 'recipients'}.`,
      'access-end': (date: string) => `Access now ends on ${date}.`,
    },
    errors: {
      date: 'Enter a real end date in the future, like 27 3 2026',
      dateTooLate: (latest: string) =>
        `The end date must be no later than ${latest}: the council keeps messages only until then`,
    },
  },

  requests: {
    title: 'Requests',
    intro:
      'Recipients who ask for more time to read a message or to forward it outside the council, and people who were given a message’s link and ask to read it. We email them your decision.',
    pendingCaption: 'Waiting for your decision',
    decidedCaption: 'Decided',
    empty: 'There are no requests waiting for you.',
    noneDecided: 'You have not decided any requests yet.',
    columns: {
      from: 'From',
      kind: 'Request',
      message: 'Message',
      made: 'Made',
      status: 'Decision',
    },
    kinds: {
      extension: 'More time',
      forward: 'Forward outside the council',
      link: 'Access: was given the link',
    },
    statuses: { pending: 'Waiting', granted: 'Granted', denied: 'Refused' },
    view: 'Decide',
    viewNamed: (email: string) => `Decide on the request from ${email}`,
    detailTitle: 'Decide on a request',
    requester: 'From',
    kind: 'Request',
    message: 'Message',
    forwardTo: 'Forward to',
    linkOf: 'Using the link sent to',
    reason: 'Why they ask',
    noReason: 'They did not say',
    grantLinkHint:
      'They proved they own their email address with a code. Granting sends them their own copy, with its own link and the usual access period; the person you sent it to keeps theirs. Refusing tells them politely.',
    made: 'Made',
    currentEnd: 'Their access ends',
    status: 'Decision',
    grant: 'Grant',
    deny: 'Refuse',
    grantHint: (days: number) =>
      `Granting more time gives ${days} more days. Granting a forward sends the message to that address until the requester’s access ends.`,
    alreadyDecided: 'This request has already been decided.',
    done: {
      granted: 'Request granted. We have emailed the requester.',
      denied: 'Request refused. We have emailed the requester.',
    },
    back: 'Back to requests',
  },
};
