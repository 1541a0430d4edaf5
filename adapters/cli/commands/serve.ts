import cluster from 'node:cluster';
import { startOutboxWorker } from '../../../core/mail/outbox-worker.ts';
import { recordNotificationSent } from '../../../core/messages/record-notified.ts';
import { compileAllLanguages } from '../../../views/strings/index.ts';
import { compose } from '../../compose.ts';
import { startGateway } from '../../gateway/start-gateway.ts';
import { createPortal } from '../../http/portal.ts';
import { startServer } from '../../http/server.ts';
import { startJobScheduler } from '../../jobs/scheduler.ts';
import { parseFlags } from '../args.ts';
import type { CommandContext } from '../main.ts';
import { runHttpWorker, superviseWorkers } from './serve-cluster.ts';

/**
 * `sealpost serve`: migrates, then serves the portal until SIGTERM or SIGINT, when it
 * stops accepting, lets in-flight requests finish, and closes the database.
 *
 * With WORKERS above 1 (the default is one per core) this process is the primary
 * (docs/decisions/0026): it migrates, binds the data folder and makes the first key,
 * then forks the HTTP workers, and alone runs the outbox sender, the lifecycle jobs
 * and the SMTP gateway. With WORKERS=1 it serves HTTP itself, as before.
 */
export async function runServe(ctx: CommandContext, argv: string[]): Promise<number> {
  const flags = parseFlags('serve', argv, { 'print-links': { type: 'boolean' } });
  // --print-links is PRINT_LINKS=on for this run: a first look without a mail server.
  const config = flags['print-links'] === true ? { ...ctx.config, printLinks: true } : ctx.config;
  if (cluster.isWorker) return runHttpWorker(config);
  compileAllLanguages();
  const app = await compose(config, { warnPassphrase: true });
  // The org key pair is made on first start, not on the first message: the admin can
  // back it up straight away (docs/admin/install.md), a missing passphrase is warned
  // about now, and nobody's first send waits for key generation.
  await app.cipher.listKeys();
  const http =
    config.workers > 1
      ? superviseWorkers({ count: config.workers, logger: app.logger })
      : await startServer({
          app: createPortal(app),
          host: config.host,
          port: config.port,
          logger: app.logger,
        });
  app.logger.info(
    { workers: config.workers },
    `Sealpost is serving ${ctx.config.publicUrl} on ${app.storage.dialect}`,
  );
  // One outbox worker per node (the leases of claimDue keep several nodes apart), in
  // the primary only. It polls every two seconds, so a notification leaves moments
  // after its message.
  const outbox = startOutboxWorker({
    storage: app.storage,
    cipher: app.cipher,
    mailer: app.mailer,
    clock: app.clock,
    logger: app.logger,
    limit: 20,
    leaseMs: 5 * 60_000,
    intervalMs: 2_000,
    afterSent: (mail) => recordNotificationSent(app, mail),
  });
  // GATEWAY=on runs the SMTP gateway in this process too (`sealpost gateway` runs it alone).
  const gateway = ctx.config.gateway ? await startGateway(app) : null;
  // JOBS=on (the default) runs the lifecycle jobs here; with several nodes each runs the
  // timers and a cluster-wide lock lets one of them run each job.
  const jobs = ctx.config.jobs ? startJobScheduler({ app }) : null;
  if (!jobs) app.logger.info('lifecycle jobs are off on this node (JOBS=off)');
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  app.logger.info({ signal }, 'shutting down');
  await http.stop();
  await gateway?.close();
  await jobs?.stop();
  await outbox.stop();
  await app.close();
  app.logger.info('stopped');
  return 0;
}
