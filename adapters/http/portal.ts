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
  return createApp({
    logger: app.logger,
    isHealthy: () => app.storage.ping(),
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
