import cluster, { type Worker } from 'node:cluster';
import { compose } from '../../compose.ts';
import type { Config } from '../../config/config.ts';
import { createPortal } from '../../http/portal.ts';
import { startServer } from '../../http/server.ts';
import { createLogger, type Logger } from '../../logging/logger.ts';

/** The running workers, and how to stop them all. */
export type WorkerPool = {
  /** SIGTERM to every worker; resolves once all have exited (SIGKILL after `graceMs`). */
  stop(args?: { graceMs?: number }): Promise<void>;
};

/** The first restart waits this long; each death within a minute of the last doubles it. */
const FIRST_RESTART_MS = 250;
const MOST_RESTART_MS = 30_000;
const CALM_MS = 60_000;

/**
 * Forks `count` HTTP workers (this same command, run again by node:cluster, which
 * hands them the one listening socket and spreads connections between them) and keeps
 * `count` running: a worker that dies is forked again, after a back-off that doubles
 * while workers keep dying within a minute of each other, so a worker that cannot
 * start does not spin the CPU. Every death and restart is logged.
 */
export function superviseWorkers(args: { count: number; logger: Logger }): WorkerPool {
  const { count, logger } = args;
  let stopping = false;
  let lastDeath = 0;
  let delayMs = FIRST_RESTART_MS;
  const live = new Set<Worker>();
  const pending = new Set<NodeJS.Timeout>();

  const fork = () => {
    const worker = cluster.fork();
    live.add(worker);
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      if (stopping) return;
      const now = Date.now();
      delayMs =
        now - lastDeath < CALM_MS ? Math.min(MOST_RESTART_MS, delayMs * 2) : FIRST_RESTART_MS;
      lastDeath = now;
      logger.error(
        { worker: worker.id, pid: worker.process.pid, code, signal, restartInMs: delayMs },
        'HTTP worker died; starting another',
      );
      const timer = setTimeout(() => {
        pending.delete(timer);
        if (!stopping) fork();
      }, delayMs);
      pending.add(timer);
    });
  };
  for (let i = 0; i < count; i++) fork();
  logger.info({ workers: count }, 'HTTP workers started');

  return {
    async stop({ graceMs = 15_000 } = {}) {
      stopping = true;
      for (const timer of pending) clearTimeout(timer);
      const exits = [...live].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            // Each worker stops as a single `serve` does: no new connections, in-flight
            // requests finish, its database connection closes.
            worker.process.kill('SIGTERM');
          }),
      );
      const killer = setTimeout(() => {
        for (const worker of live) worker.process.kill('SIGKILL');
      }, graceMs);
      await Promise.all(exits);
      clearTimeout(killer);
    },
  };
}

/**
 * One HTTP worker: the portal over the database, and nothing else. The primary has
 * already migrated, bound the data folder and made the first key, so the worker
 * composes without migrating (it still refuses a folder of another installation) and
 * opens the keyring the primary made. The outbox, jobs and gateway run in the primary
 * only. Its log lines carry its pid, so an admin can tell the workers apart.
 */
export async function runHttpWorker(config: Config): Promise<number> {
  const logger = createLogger({ level: config.logLevel }).child({
    worker: cluster.worker?.id,
    pid: process.pid,
  });
  const app = await compose(config, { logger, migrate: false, prepareFieldKeys: true });
  await app.cipher.listKeys();
  const server = await startServer({
    app: createPortal(app),
    host: config.host,
    port: config.port,
    logger,
  });
  // `on`, not `once`: systemd signals every process of the service and the primary
  // then signals its workers too, and a second SIGTERM with no handler left would kill
  // the worker mid-request.
  const signal = await new Promise<string>((resolve) => {
    process.on('SIGTERM', () => resolve('SIGTERM'));
    process.on('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'HTTP worker shutting down');
  await server.stop();
  await app.close();
  // The channel to the primary would keep this process alive; leaving it on purpose
  // also tells node:cluster this exit was meant.
  cluster.worker?.disconnect();
  return 0;
}
