import type { Cipher } from '../crypto/ports.ts';
import type { Clock, Ids } from '../shared/ports.ts';
import type { Storage } from '../storage/ports.ts';

/** What the address book use cases need from the world. */
export type ContactDeps = {
  storage: Storage;
  /** Names and notes are typed by a person, so they are stored encrypted. */
  cipher: Cipher;
  ids: Ids;
  clock: Clock;
};
