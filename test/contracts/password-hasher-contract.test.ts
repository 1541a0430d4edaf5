// The argon2id hasher keeps the PasswordHasher contract, with the cheap settings every
// test uses and with the production defaults. No test uses a fake hasher.

import { argon2Hasher, DEFAULT_ARGON2 } from '../../adapters/security/argon2-hasher.ts';
import { passwordHasherContract } from './password-hasher-contract.ts';

passwordHasherContract('argon2Hasher (test settings: m=1024, t=1, p=1)', () =>
  argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
);

passwordHasherContract('argon2Hasher (production defaults)', () => argon2Hasher(DEFAULT_ARGON2));
