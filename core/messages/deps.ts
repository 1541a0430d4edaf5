import type { BlobStore } from '../blobs/ports.ts';
import type { Cipher } from '../crypto/ports.ts';
import type { Scanner } from '../gateway/ports.ts';
import type { MailTemplates } from '../mail/ports.ts';
import type { Delegate } from '../mailboxes/model.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';

/** What the mailbox use cases need from the world. */
export type MailboxDeps = {
  storage: Storage;
  cipher: Cipher;
  blobs: BlobStore;
  ids: Ids;
  clock: Clock;
  secrets: Secrets;
  templates: MailTemplates;
  publicUrl: string;
  /** INTERNAL_DELIVERY, for replies sent through `sendMessage` (see `SendMessageDeps`). */
  internalDelivery?: 'portal' | 'smtp';
  /** The attachment scanner, when one is configured (see `SendMessageDeps`). */
  scanner?: Scanner | null;
  /** Blobs up to this size go into the send's transaction (see `SendMessageDeps`). */
  inlineBlobMaxBytes?: number;
  /** Who acts for a shared mailbox in this request, for the audit trail (`AuditDeps`). */
  actingFor?: () => Delegate | null;
};
