// A separate process that opens a keyring and prints its primary key's fingerprint,
// for the "several processes start at once" test in keyring.test.ts. Started as
// `node --import tsx keyring-child.ts <keysDir> [passphrase]`.

import { openpgpCipher } from '../../adapters/crypto/openpgp/index.ts';
import { createLogger } from '../../adapters/logging/logger.ts';

const [keysDir = '', passphrase] = process.argv.slice(2);
const cipher = openpgpCipher({ keysDir, passphrase, logger: createLogger({ level: 'silent' }) });
const sealed = await cipher.encryptBytes({ plaintext: new TextEncoder().encode('ok') });
const [primary] = await cipher.listKeys();
process.stdout.write(`${primary?.fingerprint} ${Buffer.from(sealed).toString('base64')}\n`);
