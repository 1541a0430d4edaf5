import { SealpostError } from '../shared/errors.ts';

/** The data was encrypted to a key the keyring does not hold. */
export class KeyNotFound extends SealpostError {
  constructor(message = 'The key this data was encrypted to is not in the keyring.') {
    super({ code: 'key_not_found', message, status: 500 });
  }
}

/** The data could not be decrypted (wrong passphrase, not an OpenPGP message). */
export class DecryptFailed extends SealpostError {
  constructor(message = 'Stored data could not be decrypted.', cause?: unknown) {
    super({ code: 'decrypt_failed', message, status: 500, cause });
  }
}

/** The data was altered after it was encrypted; nothing of it was released. */
export class IntegrityFailed extends SealpostError {
  constructor(message = 'Stored data failed its integrity check and was not released.') {
    super({ code: 'integrity_failed', message, status: 500 });
  }
}
