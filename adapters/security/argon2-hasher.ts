import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../../core/accounts/ports.ts';

/** argon2id cost settings (OWASP's 2024 minimum is m=19 MiB, t=2, p=1). */
export type Argon2Options = { memoryCost: number; timeCost: number; parallelism: number };

/** OWASP Password Storage Cheat Sheet minimums for argon2id. */
export const DEFAULT_ARGON2: Argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** A PasswordHasher on @node-rs/argon2 (argon2id, native, off the main thread). */
export function argon2Hasher(options: Argon2Options = DEFAULT_ARGON2): PasswordHasher {
  return {
    async hash({ password }) {
      // algorithm 2 = Argon2id: resists both GPU cracking and side channels.
      return hash(password, { ...options, algorithm: 2 });
    },
    async verify({ hash: stored, password }) {
      try {
        return await verify(stored, password);
      } catch {
        // A malformed stored hash is a failed sign-in, not a crash.
        return false;
      }
    },
  };
}
