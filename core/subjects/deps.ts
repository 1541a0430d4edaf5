import { emailKey, normaliseEmail } from '../accounts/email.ts';
import type { Account } from '../accounts/model.ts';
import type { BlobStore } from '../blobs/ports.ts';
import type { Cipher } from '../crypto/ports.ts';
import type { Clock, Ids, Secrets } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';
import type { EmlWriter } from './eml.ts';

/** What the data-subject use cases need from the world. */
export type SubjectDeps = {
  storage: Storage;
  cipher: Cipher;
  blobs: BlobStore;
  ids: Ids;
  clock: Clock;
  secrets: Secrets;
  /** Writes each message of an export as an `.eml` file. */
  eml: EmlWriter;
};

/** Who asked for an export or an erasure, as the audit trail records it. */
export type SubjectActor = { id: string | null; label: string; ip: string | null };

/**
 * Where an export's files go: a folder (`sealpost subject export`), a zip streamed to
 * the browser (the portal's download), or a test's memory.
 */
export type ExportSink = {
  /**
   * Writes one file at `path`, relative, with `/` between folders and only names the
   * export made safe. Resolves once `body` has been read to its end (files are written
   * one at a time, so the export holds one file's stream at most).
   */
  write(args: { path: string; body: ReadableStream<Uint8Array> }): Promise<void>;
};

/** The account with this address, or null (also for text that is not an address). */
export async function findSubject(
  deps: { storage: Storage },
  email: string,
): Promise<Account | null> {
  const normalised = normaliseEmail(email);
  if (!normalised.ok) return null;
  return deps.storage.repos.accounts.findByEmailKey({ emailKey: emailKey(normalised.email) });
}
