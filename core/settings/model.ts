/**
 * The settings an admin may change at run time (stored in the database, validated
 * like config). Values missing from storage fall back to the configured defaults.
 */
export type Settings = {
  orgName: string;
  /** Brand colour as `#rrggbb`. */
  orgColour: string;
  /** Lower-case punycode domains whose addresses count as internal. */
  internalDomains: string[];
  allowSubdomains: boolean;
  accessDays: number;
  extensionDays: number;
  retentionDays: number;
  unretrievedNoticeDays: number;
  unretrievedAction: 'notify' | 'delete';
  lockoutMaxFailures: number;
  lockoutWindowMinutes: number;
  lockoutMinutes: number;
  maxAttachments: number;
  maxTotalBytes: number;
  subjectKeywords: string[];
  forwardOutside: 'refuse' | 'request';
  /** Most addresses on one message or one forward. */
  maxRecipients: number;
  /** Most forwards and access requests one account may make in an hour. */
  forwardsPerHour: number;
  /**
   * Whether someone who opens a notification's link but is not its addressee may ask
   * the sender for access ("this message was sent to someone else").
   */
  linkAccessRequests: boolean;
  /**
   * Whether the holder of a generic address (such as a partner team's shared inbox)
   * may let named people act for it, each with their own password (decision 0028).
   * Team mailboxes inside the council are an admin's to make either way.
   */
  sharedMailboxes: boolean;
  /**
   * Who on the staff must have a second factor (an authenticator app or a passkey)
   * before they can do anything: `all-staff` (the default for new installations), or
   * `admins` only (what installations from before 0.4 keep until changed; decision 0029).
   */
  staffSecondFactor: 'all-staff' | 'admins';
  /**
   * Whether a passkey may sign someone in on its own (`passwordless`: the passkey
   * checks the person with its PIN or fingerprint), or only as the second step after
   * the password (`second-factor`).
   */
  passkeySignIn: 'second-factor' | 'passwordless';
  /**
   * With single sign-on working, staff passwords can be switched off: `break-glass`
   * leaves password sign-in to admins who have a second factor (for when the
   * provider is down), `on` leaves it to every staff member who has a password.
   */
  staffPasswords: 'on' | 'break-glass';
  /**
   * The language of emails to people who have not chosen one (a first notification
   * to a new recipient, say): English, Welsh, or `bilingual` (Welsh and English in one
   * email, Welsh first). Someone who has chosen a language gets their emails in it.
   */
  emailLanguage: 'en' | 'cy' | 'bilingual';
};

/** Defaults from the council guides Sealpost replaces. */
export const DEFAULT_SETTINGS: Settings = {
  orgName: 'Sealpost',
  orgColour: '#1d70b8',
  internalDomains: [],
  allowSubdomains: false,
  accessDays: 45,
  extensionDays: 45,
  retentionDays: 90,
  unretrievedNoticeDays: 14,
  unretrievedAction: 'notify',
  lockoutMaxFailures: 3,
  lockoutWindowMinutes: 15,
  lockoutMinutes: 30,
  maxAttachments: 10,
  maxTotalBytes: 75 * 1024 * 1024,
  subjectKeywords: ['zixencrypt', '[secure]', 'secure:'],
  forwardOutside: 'refuse',
  maxRecipients: 100,
  forwardsPerHour: 20,
  linkAccessRequests: true,
  sharedMailboxes: true,
  staffSecondFactor: 'all-staff',
  passkeySignIn: 'second-factor',
  staffPasswords: 'on',
  emailLanguage: 'en',
};
