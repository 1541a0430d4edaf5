import type { Hono } from 'hono';
import type { Sealpost } from '../compose.ts';
import { createApp } from './app.ts';
import { type AreaOptions, buildAreas } from './areas/index.ts';
import type { AppEnv } from './env.ts';
import { errorPages } from './error-pages.ts';
import { metricsArea } from './metrics.ts';

/**
 * The whole web portal for a composed app: middleware, every area, and the 404 and
 * 500 pages. `sealpost serve` and the end-to-end tests both build it here, so a test
 * drives exactly what a council runs.
 */
export function createPortal(app: Sealpost, options: AreaOptions = {}): Hono<AppEnv> {
  const org = async () => {
    const settings = await app.settings.get();
    return { name: settings.orgName, colour: settings.orgColour };
  };
  const keys = keyHealth(app);
  return createApp({
    logger: app.logger,
    isHealthy: async () => (await app.storage.ping()) && (await keys.isHealthy()),
    onKeyTrouble: keys.report,
    https: app.config.publicUrl.startsWith('https:'),
    trustProxy: app.config.trustProxy,
    // /metrics exists only when METRICS_TOKEN is set, and then asks for it as a bearer
    // token; mounted first, so its timing middleware sees every area after it.
    areas: [
      ...(app.config.metricsToken
        ? [
            metricsArea({
              token: app.config.metricsToken,
              storage: app.storage,
              logger: app.logger,
            }),
          ]
        : []),
      ...buildAreas(app, options),
    ],
    pages: errorPages(org, { name: app.config.orgName, colour: app.config.orgColour }),
  });
}

/** How long one failure to decrypt keeps `/healthz` unhealthy. */
const KEY_TROUBLE_MS = 10 * 60_000;

/**
 * Whether the keys work: the keyring opens (a guard refusal or a wrong passphrase
 * fails here) and nothing has failed to decrypt in the last ten minutes (a key file
 * missing while newer ones are there fails only when old data is read).
 */
function keyHealth(app: Sealpost) {
  let troubleAt = Number.NEGATIVE_INFINITY;
  return {
    report() {
      troubleAt = Date.now();
    },
    async isHealthy(): Promise<boolean> {
      if (Date.now() - troubleAt < KEY_TROUBLE_MS) return false;
      return app.cipher.listKeys().then(
        () => true,
        () => false,
      );
    },
  };
}
