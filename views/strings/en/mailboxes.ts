/**
 * Shared mailboxes, recipient side (docs/decisions/0028): the holder of a generic
 * address managing its members, and a person's list of the mailboxes they work from.
 */
export const mailboxes = {
  /** The person's page: their own mailbox, the ones they act for, invitations. */
  list: {
    title: 'Shared mailboxes',
    intro:
      'You can work from a shared email address that someone has added you to. Everything you open, download or send there is recorded with your name.',
    own: 'Your own mailbox',
    shared: 'Mailboxes you work from',
    none: 'Nobody has added you to a shared mailbox.',
    current: 'You are working here now',
    act: 'Work from this mailbox',
    back: 'Back to your own mailbox',
    leave: 'Leave this mailbox',
    invitationsHeading: 'Invitations waiting for you',
    invitation: (email: string, date: string) =>
      `The holder of ${email} invited you on ${date} to work from it.`,
    accept: 'Accept',
    decline: 'Decline',
    switchedOff: 'Your council has switched shared mailboxes off.',
    done: {
      accepted: 'Invitation accepted: you can now work from that mailbox',
      declined: 'Invitation declined',
      left: 'You have left the mailbox',
    },
  },
  /** The holder's page: who may work from their address. */
  members: {
    title: 'People who work from your mailbox',
    link: 'People who work from your mailbox',
    intro: (email: string) =>
      `You can let other people work from ${email}, each with their own password. You never share yours, and you can remove anyone at any time.`,
    none: 'Nobody else works from your mailbox.',
    columns: { email: 'Email address', status: 'Status', since: 'Since', action: 'Action' },
    invited: 'Invited',
    accepted: 'Accepted',
    remove: 'Remove',
    inviteHeading: 'Invite someone',
    email: 'Their email address',
    emailHint:
      'We email them a link. They register or sign in with their own address, then accept.',
    invite: 'Send invitation',
    switchedOff:
      'Your council has switched shared mailboxes off, so nobody else can work from your mailbox.',
    done: {
      invited: 'Invitation sent',
      removed: 'They can no longer work from your mailbox',
    },
    tooOften: (perDay: number) =>
      `You have sent ${perDay} invitations today, the most allowed. Try again tomorrow.`,
    problems: {
      'switched-off': 'Your council has switched shared mailboxes off',
      'not-a-holder': 'You cannot invite people to this mailbox',
      'invalid-email': 'Enter an email address in the correct format, like name@example.com',
      self: 'Enter someone else’s email address, not your own',
      internal:
        'Enter an address outside the council: council staff use the council’s own team mailboxes',
      'not-a-person': 'This address cannot be invited: it is not a person’s mailbox',
      'already-member': 'This person is already invited or works from your mailbox',
      'too-many': 'Your mailbox has the most people allowed: remove someone first',
    },
  },
  /** The line at the top of every page while a person works from a shared mailbox. */
  acting: {
    before: 'You are working in ',
    switch: 'Switch mailbox',
  },
  /** The menu link and the account page's section. */
  nav: 'Shared mailboxes',
  account: {
    heading: 'Shared mailboxes',
    body: 'Work from a shared email address, or let other people work from yours, each with their own password.',
    mailboxesLink: 'Shared mailboxes you work from',
  },
};
