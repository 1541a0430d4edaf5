import { ConfigurationError } from '../../../core/shared/errors.ts';
import { compose } from '../../compose.ts';
import { startGateway } from '../../gateway/start-gateway.ts';
import { parseFlags } from '../args.ts';
import type { CommandContext } from '../main.ts';

/**
 * `sealpost gateway`: migrates, then runs the SMTP gateway alone (without the web
 * portal) until SIGTERM or SIGINT, when it stops accepting, lets mail in progress
 * finish, and closes the database.
 */
export async function runGateway(ctx: CommandContext, argv: string[]): Promise<number> {
  parseFlags('gateway', argv, {});
  const app = await compose(ctx.config);
  try {
    let gateway: Awaited<ReturnType<typeof startGateway>>;
    try {
      gateway = await startGateway(app);
    } catch (error) {
      // A setting the gateway cannot work with is a configuration problem: exit 2.
      if (!(error instanceof ConfigurationError)) throw error;
      ctx.err(`sealpost gateway: ${error.message}`);
      return 2;
    }
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    app.logger.info({ signal }, 'gateway shutting down');
    await gateway.close();
    return 0;
  } finally {
    await app.close();
  }
}
