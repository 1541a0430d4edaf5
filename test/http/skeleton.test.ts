import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../adapters/http/app.ts';
import type { AppEnv } from '../../adapters/http/env.ts';
import { startServer } from '../../adapters/http/server.ts';
import { createLogger } from '../../adapters/logging/logger.ts';
import { ValidationError } from '../../core/shared/errors.ts';

function silentLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _e, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('HTTP skeleton', () => {
  it('answers /healthz 200 when the database answers and 503 when it does not', async () => {
    const { logger } = silentLogger();
    let healthy = true;
    const app = createApp({ logger, isHealthy: async () => healthy, https: false });
    expect((await app.request('/healthz')).status).toBe(200);
    healthy = false;
    const down = await app.request('/healthz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable' });
  });

  it('puts security headers and a request id on every response, errors included', async () => {
    const { logger, lines } = silentLogger();
    const area = new Hono<AppEnv>();
    area.get('/boom', () => {
      throw new Error('secret detail for a@b.example');
    });
    area.get('/invalid', () => {
      throw new ValidationError({ name: 'Enter a name.' });
    });
    const app = createApp({ logger, isHealthy: async () => true, https: true, areas: [area] });
    for (const path of ['/healthz', '/boom', '/invalid', '/missing']) {
      const res = await app.request(path);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
      expect(res.headers.get('x-request-id')).toMatch(/.+/);
    }
    const boom = await app.request('/boom');
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(text).not.toContain('secret detail');
    expect(text).toContain('Reference:');
    expect((await app.request('/invalid')).status).toBe(400);
    // The log has the detail, with the address scrubbed.
    expect(lines.join('')).toContain('secret detail for [email]');
    expect(lines.join('')).not.toContain('a@b.example');
  });

  it('lets an in-flight request finish when it stops', async () => {
    const { logger } = silentLogger();
    const area = new Hono<AppEnv>();
    area.get('/slow', async (c) => {
      await new Promise((r) => setTimeout(r, 300));
      return c.text('done');
    });
    const app = createApp({ logger, isHealthy: async () => true, https: false, areas: [area] });
    const server = await startServer({ app, host: '127.0.0.1', port: 0, logger });
    const pending = fetch(`http://127.0.0.1:${server.port}/slow`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 50));
    await server.stop();
    expect(await pending).toBe('done');
    await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();
  });
});
