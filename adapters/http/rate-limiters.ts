import { RateLimiter } from '../../core/auth/rate-limit.ts';
import type { Sealpost } from '../compose.ts';

/**
 * A rate limiter counting in the app's database (`rate_limit_hits`), so the limit
 * holds across every worker process and app node (docs/decisions/0026). Client
 * addresses reach the database only as HMACs under the server's signing key, which
 * every process and node shares.
 */
export function sharedRateLimiter(
  app: Pick<Sealpost, 'storage' | 'secrets' | 'clock'>,
  options: { name: string; limit: number; windowMs: number },
): RateLimiter {
  return new RateLimiter({
    ...options,
    clock: app.clock,
    store: app.storage.repos.rateLimitHits,
    hashKey: (value) => app.secrets.sign({ value }),
  });
}
