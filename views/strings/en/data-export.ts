/**
 * The words written into a person's data export (core/subjects/export-subject.ts,
 * `ExportWords`): what each file holds, the notes in its index, and the stand-in for a
 * file whose stored copy is lost.
 */
export const dataExport = {
  /** The answer to a second click while the first download is still being made. */
  busy: 'Your download is already being prepared. Please wait for it to finish.',
  files: {
    account: 'Your account',
    received: 'A message sent to you',
    sent: 'A message you sent',
    draftFile: 'A file in one of your drafts',
    drafts: 'Messages you started and did not send',
    contacts: 'Your address book',
    accessRequests: 'Your requests for more time or to forward a message',
    sessions: 'Where you are signed in',
    auditSelf: 'What you did in Sealpost, from its audit trail',
    auditSubject: 'Events in the audit trail by or about this person',
    namedInAddressBooks:
      "Entries with this address in other people's address books (their owners are not named)",
    emails: 'Emails Sealpost sent or will send to this address (notifications carry no content)',
    index: 'This index',
  },
  notes: {
    eml: 'Messages are RFC 5322 .eml files: any email program opens them.',
    secrets:
      'Passwords, second-factor keys and link tokens are kept only as hashes or encrypted keys, so they are described, not given.',
    withheld:
      'Messages you can no longer open (access ended or withdrawn), that you deleted, or that the sender made read-only are not included.',
  },
  missing: {
    message: "The message is missing from Sealpost's storage.",
    file: "This file is missing from Sealpost's storage.",
  },
};
