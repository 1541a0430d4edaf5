import type { SettingsReader } from '../accounts/deps.ts';
import type { BlobStore } from '../blobs/ports.ts';
import type { Cipher } from '../crypto/ports.ts';
import type { MailTemplates } from '../mail/ports.ts';
import type { Settings } from '../settings/model.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';

/** Reads and changes the settings in force (validated as config is). */
export type SettingsStore = SettingsReader & {
  /** Validates and stores changes; problems by key, or an empty object when saved. */
  update(changes: Partial<Record<keyof Settings, unknown>>): Promise<Record<string, string>>;
  /**
   * Where each value in force comes from: the keys saved on the settings page (the
   * rest are configured, by the environment or the defaults), and the configured values.
   */
  sources(): Promise<{ saved: Array<keyof Settings>; configured: Settings }>;
  /** Forgets the saved value of `key`: the configured one is in force again. */
  reset(key: keyof Settings): Promise<void>;
};

/** What the admin use cases need from the world. */
export type AdminDeps = {
  storage: Storage;
  /** Encrypts queued emails; lists and rotates the organisation's keys. */
  cipher: Cipher;
  /** Where a deleted account's draft attachments are removed from. */
  blobs: BlobStore;
  ids: Ids;
  clock: Clock;
  secrets: Secrets;
  templates: MailTemplates;
  settings: SettingsStore;
  /** The portal's address without a trailing slash, for links in emails. */
  publicUrl: string;
};

/**
 * Who did an admin action, as the audit trail records it: the account, its address
 * (kept so the trail still reads after the account is deleted) and the client address.
 */
export type AdminActor = { id: string; label: string; ip: string | null };

/** An admin at the server's command line: no account, a label naming the command. */
export type CliActor = { id: null; label: `cli:${string}`; ip: null };

/** The actor fields of an audit entry for `actor`. */
export function auditActor(actor: AdminActor | CliActor) {
  return { actorId: actor.id, actorLabel: actor.label, ip: actor.ip };
}
