import type { IncomingMessage, Server } from 'node:http';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from '../logging/logger.ts';
import type { AppEnv } from './env.ts';

/** A running HTTP server and how to stop it gracefully. */
export type RunningServer = {
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then resolves. */
  stop(args?: { graceMs?: number }): Promise<void>;
};

/** The slowest a request body may arrive: at least `minBytes` in every `windowMs`. */
export type MinimumUploadRate = { minBytes: number; windowMs: number };

/**
 * 1 KB every 5 seconds (200 bytes a second): far below any real connection, far above
 * a slowloris body that trickles a few bytes at a time to hold a connection open.
 */
export const DEFAULT_MINIMUM_UPLOAD_RATE: MinimumUploadRate = { minBytes: 1024, windowMs: 5_000 };

/**
 * Drops a connection whose request body arrives slower than `rate`. Only the client's
 * slowness counts: while the app has not read what already arrived (encryption or the
 * disk is behind, so the socket is paused), the window starts again.
 */
export function enforceMinimumUploadRate(server: Server, rate: MinimumUploadRate): void {
  server.on('request', (req: IncomingMessage) => {
    if (req.complete) return;
    const socket = req.socket;
    let seen = socket.bytesRead;
    const timer = setInterval(() => {
      if (req.complete || socket.destroyed) {
        clearInterval(timer);
        return;
      }
      const now = socket.bytesRead;
      const appIsBehind = req.isPaused() || req.readableLength > 0 || socket.isPaused();
      if (!appIsBehind && now - seen < rate.minBytes) {
        clearInterval(timer);
        socket.destroy();
        return;
      }
      seen = now;
    }, rate.windowMs);
    timer.unref();
    req.once('close', () => clearInterval(timer));
  });
}

/** Starts the app on `host:port`; resolves once it is listening. */
export function startServer(args: {
  app: Hono<AppEnv>;
  host: string;
  port: number;
  logger: Logger;
  /** Bodies slower than this are dropped; `DEFAULT_MINIMUM_UPLOAD_RATE` when absent. */
  minimumUploadRate?: MinimumUploadRate;
}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    server = serve({ fetch: args.app.fetch, hostname: args.host, port: args.port }, (info) => {
      args.logger.info({ host: args.host, port: info.port }, 'listening');
      const http = server as Server;
      enforceMinimumUploadRate(http, args.minimumUploadRate ?? DEFAULT_MINIMUM_UPLOAD_RATE);
      resolve({
        port: info.port,
        stop: ({ graceMs = 10_000 } = {}) =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => {
              http.closeAllConnections();
            }, graceMs);
            // A keep-alive socket turns idle only after its last response; sweep until
            // close() completes, or it would wait for the keep-alive timeout.
            const sweep = setInterval(() => http.closeIdleConnections(), 50);
            http.close(() => {
              clearTimeout(timer);
              clearInterval(sweep);
              done();
            });
            http.closeIdleConnections();
          }),
      });
    });
    (server as Server).once('error', reject);
  });
}
