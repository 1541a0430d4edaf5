import { day } from './emails.ts';

/**
 * Writing to the council, drafts, sent messages and the address book, in English. Plain
 * words for people in a hurry: short sentences, "you", and every refusal says why and
 * what to do next.
 */
export const compose = {
  title: 'Write a message',
  intro: 'Your message is sent securely to council staff.',
  allowedTo: (domains: string) => `You can write to email addresses at ${domains}.`,
  nobodyAllowed:
    'Writing a new message is not set up for this portal. You can still reply to messages you have received.',
  to: 'To',
  toHint: 'One or more email addresses, separated by commas.',
  cc: 'Copy to (optional)',
  ccHint: 'Anyone else who should get a copy, separated by commas.',
  pickerSummary: 'Choose from your contacts',
  pickerContacts: 'Contacts',
  pickerGroups: 'Groups',
  pickerHint: 'The people you choose are added to "To".',
  pickerNone: 'You have no contacts you can write to yet.',
  pickerManage: 'Manage your contacts',
  groupMembers: (count: number) => (count === 1 ? '1 person' : `${count} people`),
  subject: 'Subject',
  body: 'Message',
  attachments: 'Attach files (optional)',
  attachmentsHint: (max: number, mb: string) =>
    `Up to ${max} files, ${mb} of files in total (the message text does not count).`,
  filesKept:
    'These files are attached. They stay with the message until you send it or delete the draft.',
  remove: 'Remove',
  removeHidden: (name: string) => ` ${name}`,
  send: 'Send message',
  saveDraft: 'Save as draft',
  autosaved: (time: string) => `Draft saved at ${time}.`,
  autosaveSignedOut:
    'You have been signed out because you were inactive. Your message is saved in Drafts.',
  autosaveSignIn: 'Sign in to carry on',
  openedDraft: 'You are editing a draft.',
  draftSavedHeading: 'Your draft has been saved',
  draftFileRemoved: 'The file has been removed',
  timeoutDraftHeading: 'This message was saved when you were signed out',
  timeoutDraftBody: 'Check it, add any files again, and send it.',
  problems: {
    toMissing: 'Enter an email address to send the message to.',
    invalidAddress: (address: string, reason: string) =>
      `"${address}" is not a valid email address: ${reason}`,
    outside: (addresses: string, domains: string) =>
      `You can only write to email addresses at ${domains}. ${addresses} is outside, so the message was not sent. Remove it and try again.`,
    outsideNoDomains: (addresses: string) =>
      `Messages from this portal can only go to council staff. ${addresses} is not a council address, so the message was not sent.`,
    tooManyRecipients: (max: number) => `A message can go to at most ${max} people.`,
    groupOutside: (group: string, addresses: string) =>
      `The group "${group}" includes ${addresses}, which is not a council address. Change the group or choose people one by one.`,
    pickGone: 'A contact or group you chose no longer exists. Check your choices.',
    subjectMissing: 'Enter a subject.',
    subjectTooLong: (max: number) => `The subject must be ${max} characters or fewer.`,
    subjectOneLine: 'The subject must be on one line.',
    bodyMissing: 'Enter your message.',
    tooManyFiles: (max: number) =>
      `You can attach up to ${max} files. Choose your files again, ${max} or fewer.`,
    tooLarge: (mb: string) =>
      `The files must be ${mb} or smaller in total. Choose smaller files and attach them again.`,
    fieldTooLarge: 'The message is too long. Make it shorter and try again.',
    unreadable:
      'The form could not be read. Check your message and try again; choose any files again.',
    chooseAgain: 'Your files were not attached. Choose them again.',
    draftGone: 'That draft no longer exists. Your text is below: send it or save it again.',
  },
  /**
   * Why a message could not be sent: core's `SendIssue` codes (core/messages/send-message.ts),
   * for every way in (portal, `sealpost send`, the SMTP gateway).
   */
  sendIssues: {
    'recipient-invalid': (address: string, reason: string) =>
      `"${address}" is not a valid email address: ${reason}`,
    'no-recipients': 'Enter at least one recipient.',
    'too-many-recipients': (max: number) => `A message can go to at most ${max} people.`,
    'subject-missing': 'Enter a subject.',
    'subject-too-long': (max: number) => `The subject must be at most ${max} characters.`,
    'subject-not-one-line': 'The subject must be on one line.',
    'body-too-long': 'The message is too long.',
    'access-end-past': 'The end of access must be in the future.',
    'access-end-too-late': (latest: Date) =>
      `The end of access must be no later than ${day(latest)}, when the message is due to be deleted.`,
    'too-many-files': (max: number) => `You can attach up to ${max} files. Choose fewer files.`,
    'too-large': (mb: string) =>
      `The files must be ${mb} or smaller in total, text aside. Choose smaller files.`,
    infected: (fileName: string) =>
      `"${fileName}" contains a virus or other malware, so the message was not sent. Remove that file and try again.`,
    'nobody-to-reply-to': 'There is nobody to reply to.',
  },
  timeout: {
    title: 'You have been signed out',
    body: (minutes: number) =>
      `You were signed out because you had not done anything for ${minutes} minutes. This protects your messages if you leave a device unattended.`,
    saved: 'Your message was not sent. It has been saved in Drafts.',
    filesDropped: 'Files you attached were not saved. Add them again before you send.',
    action: 'Sign in to finish your message',
  },
  drafts: {
    title: 'Drafts',
    intro: 'Messages you have started but not sent.',
    none: 'You have no drafts.',
    subject: 'Subject',
    to: 'To',
    saved: 'Last saved',
    actions: 'Actions',
    noSubject: '(no subject)',
    nobody: '(nobody yet)',
    open: 'Open',
    delete: 'Delete',
    deleteHidden: (subject: string) => `draft "${subject}"`,
    savedOnTimeout: 'Saved when you were signed out',
    notices: {
      timeout: 'Your message was saved in Drafts',
      timeoutBody: 'You were signed out before it was sent. Open it below to check it and send it.',
      deleted: 'The draft has been deleted',
      saved: 'Your draft has been saved',
    },
    pendingTimeout:
      'A message you were writing when you were signed out was saved here. Open it to finish and send it.',
  },
  sent: {
    title: 'Sent',
    intro: 'Messages you have sent from this portal.',
    none: 'You have not sent any messages.',
    sentAt: 'Sent',
    to: 'To',
    subject: 'Subject',
    files: 'Files',
    notice: 'Your message has been sent',
    noticeBody: 'The people you wrote to have been told there is a secure message for them.',
    /** The page of one sent message. */
    message: {
      back: 'Back to Sent',
      sentAt: 'Sent',
      to: 'To',
      cc: 'Copied to',
      bodyHeading: 'What you wrote',
      filesHeading: 'Files you sent',
      noFiles: 'You sent no files with this message.',
      download: 'Download',
      truncated: 'This message is too long to show in full.',
    },
  },
  contacts: {
    title: 'Contacts',
    intro: 'People you write to. Names and notes are stored encrypted.',
    none: 'You have no contacts yet.',
    name: 'Name',
    email: 'Email address',
    note: 'Note (optional)',
    noteHint: 'For example, their job or what you contact them about.',
    actions: 'Actions',
    change: 'Change',
    changeHidden: (name: string) => `contact ${name}`,
    write: 'Write to',
    writeHidden: (name: string) => `${name}`,
    addHeading: 'Add a contact',
    add: 'Add contact',
    editTitle: (name: string) => `Change contact: ${name}`,
    save: 'Save changes',
    delete: 'Delete contact',
    deleteHint: 'Deleting a contact also takes them out of your groups.',
    writeTo: 'Write a message to this contact',
    outsideNote: 'You cannot write to this address from the portal: it is not a council address.',
    groupsLink: 'Your groups',
    backToContacts: 'Back to contacts',
    notices: {
      added: 'The contact has been added',
      saved: 'The contact has been changed',
      deleted: 'The contact has been deleted',
    },
    problems: {
      'name-missing': 'Enter a name.',
      'name-too-long': (max: number) => `The name must be ${max} characters or fewer.`,
      'email-missing': 'Enter an email address.',
      'email-invalid': (reason: string) => `Enter a valid email address: ${reason}`,
      'email-taken': 'You already have a contact with this email address.',
      'note-too-long': (max: number) => `The note must be ${max} characters or fewer.`,
      'members-missing': 'Choose at least one contact for the group.',
      'too-many': (max: number) => `You can keep up to ${max}. Delete some first.`,
    },
  },
  groups: {
    title: 'Groups',
    intro: 'Send one message to several people at once.',
    none: 'You have no groups yet.',
    name: 'Group name',
    members: 'Members',
    membersCount: (count: number) => (count === 1 ? '1 person' : `${count} people`),
    actions: 'Actions',
    change: 'Change',
    changeHidden: (name: string) => `group ${name}`,
    send: 'Send to group',
    sendHidden: (name: string) => `${name}`,
    createHeading: 'Create a group',
    create: 'Create group',
    chooseMembers: 'Who is in the group',
    noContacts: 'Add some contacts first, then put them in a group.',
    editTitle: (name: string) => `Change group: ${name}`,
    save: 'Save changes',
    delete: 'Delete group',
    deleteHint: 'The people in it stay in your contacts.',
    writeTo: 'Write a message to this group',
    backToGroups: 'Back to groups',
    notices: {
      created: 'The group has been created',
      saved: 'The group has been changed',
      deleted: 'The group has been deleted',
    },
  },
  suggest: {
    label: (name: string, email: string) => `${name} (${email})`,
  },
};
