import type { SessionPolicy } from '../auth/sessions.ts';
import type { Cipher } from '../crypto/ports.ts';
import type { MailTemplates } from '../mail/ports.ts';
import type { Settings } from '../settings/model.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';
import type { CommonPasswords, PasswordHasher } from './ports.ts';

/** Reads the settings in force (the admin may change them while the server runs). */
export type SettingsReader = {
  /** The current settings. */
  get(): Promise<Settings>;
};

/** What the account use cases (register, sign in, reset, set password) need from the world. */
export type AccountDeps = {
  storage: Storage;
  hasher: PasswordHasher;
  /** The common-password list new passwords are checked against (`checkPassword`). */
  commonPasswords: CommonPasswords;
  secrets: Secrets;
  ids: Ids;
  clock: Clock;
  /** Encrypts queued emails (lockout, reset links) in the outbox. */
  cipher: Cipher;
  templates: MailTemplates;
  settings: SettingsReader;
  /** How long sessions last. */
  policy: SessionPolicy;
  /** The portal's address without a trailing slash, for links in emails. */
  publicUrl: string;
  /**
   * Whether single sign-on is configured: while it is, staff linked to the provider
   * sign in only through it (`signsInOnlyThroughProvider`).
   */
  ssoConfigured: boolean;
};
