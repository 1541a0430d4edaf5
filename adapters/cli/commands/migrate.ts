import { compose } from '../../compose.ts';
import { createLogger } from '../../logging/logger.ts';
import { parseFlags } from '../args.ts';
import type { CommandContext } from '../main.ts';

/** `sealpost migrate`: applies pending migrations to the configured database. */
export async function runMigrate(ctx: CommandContext, argv: string[]): Promise<number> {
  parseFlags('migrate', argv, {});
  const app = await compose(ctx.config, { logger: createLogger({ level: 'warn' }), migrate: true });
  await app.close();
  ctx.out(`Database is up to date (${app.storage.dialect}).`);
  return 0;
}
