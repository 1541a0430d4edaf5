import path from 'node:path';
import { openpgpCipher } from '../../adapters/crypto/openpgp/index.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { memoryCipher } from '../../core/crypto/memory-cipher.ts';
import { memoryFieldKeyStore } from '../../core/crypto/memory-field-keys.ts';
import { tempDir } from '../support/cli.ts';
import { cipherContract } from './cipher-contract.ts';

const logger = createLogger({ level: 'silent' });
const keysDir = () => path.join(tempDir('sealpost-keys-'), 'keys');

cipherContract('openpgpCipher', async () =>
  openpgpCipher({ keysDir: keysDir(), passphrase: 'contract test passphrase', logger }),
);

// The same contract with tiny chunks, so every case above also crosses chunk edges.
cipherContract('openpgpCipher, 4 KiB chunks', async () =>
  openpgpCipher({
    keysDir: keysDir(),
    passphrase: 'contract test passphrase',
    logger,
    chunkSize: 4096,
  }),
);

// And with a generated passphrase file instead of a configured passphrase.
cipherContract('openpgpCipher, generated passphrase', async () =>
  openpgpCipher({ keysDir: keysDir(), logger }),
);

// With field keys, as `compose` builds it: small values in the field-key format.
cipherContract('openpgpCipher, field keys', async () =>
  openpgpCipher({
    keysDir: keysDir(),
    passphrase: 'contract test passphrase',
    logger,
    fieldKeys: memoryFieldKeyStore(),
  }),
);

// The in-memory cipher core's tests use keeps the same contract, so they mean what they say.
cipherContract('memoryCipher (core tests)', () => memoryCipher());
